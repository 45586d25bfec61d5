"""Who may see and change what: every per-record permission decision, in one place.

Decisions are ``ALLOW``, ``FORBID`` (the web answers 403) or ``HIDE`` (404: the record's
existence is not revealed). The rules:

- everyone may see and change their own profile;
- records outside the actor's reach are hidden: another organisation, unless the actor
  holds L&D or admin with partnership scope and both organisations are in one partnership;
- within reach: admins and L&D see everyone; managers see their own team's people (others
  in the organisation are forbidden); champions see the people they are paired with;
  anyone else is hidden (a champion cannot learn who another champion supports);
- only L&D and admins edit the career graph and import staff; only admins read the audit
  log and manage accounts;
- cohorts, programmes and posts belong to an organisation: its L&D and admins (or those with
  partnership scope in its partnership) manage them; anyone else in the organisation is
  forbidden, and anyone outside it gets "not found";
- an apprenticeship is seen by the apprentice, by whoever may see the apprentice's profile,
  and managed by whoever manages its cohort; the apprentice and their manager (same team)
  log off-the-job hours; only those who manage the cohort approve or query them;
- a champion pairing is seen by the pair and by whoever may see the person supported
  (their manager, L&D, admins), but a mentoring session's private notes are for the pair
  only: others who may see the person are forbidden, anyone else gets "not found";
- development conversations are recorded by the person's manager (same team), L&D and
  admins, and read by whoever may see the person; shadowing requests are decided by the
  requester's manager and reflected on by the requester;
- champions: only a pairing's champion answers its request; only the pair records sessions
  and ends it; a champion is asked only within their organisation, or their partnership when
  open to it (others: "not found"); the mentoring report (counts only) is for L&D, admins
  and champions;
- career stories: unpublished ones are seen by their author and the L&D of the author's
  reach (anyone else: "not found"); L&D approve them, but never their own.
"""

from __future__ import annotations

from enum import Enum

from .models import (
    Apprenticeship,
    CareerStory,
    ChampionPairing,
    ChampionProfile,
    Organisation,
    Person,
    ShadowingRequest,
)


class Decision(Enum):
    """The answer to "may this actor do this to this record?"."""

    ALLOW = "allow"
    FORBID = "forbid"
    HIDE = "hide"

    def __bool__(self) -> bool:
        return self is Decision.ALLOW


ALLOW, FORBID, HIDE = Decision.ALLOW, Decision.FORBID, Decision.HIDE
WIDE_ROLES = ("lnd", "admin")


def _same_partnership(actor: Person, person: Person) -> bool:
    mine, theirs = actor.organisation, person.organisation
    return mine.partnership_id is not None and mine.partnership_id == theirs.partnership_id


def within_reach(actor: Person, person: Person) -> bool:
    """Whether ``person`` is in the actor's organisation, or partnership where granted."""
    if actor.organisation_id == person.organisation_id:
        return True
    return any(actor.scope_of(role) == "partnership" for role in WIDE_ROLES) and (
        _same_partnership(actor, person))


def is_paired(session, champion: Person, person: Person) -> bool:
    """Whether ``champion`` is actively paired with ``person``."""
    return session.query(ChampionPairing.id).filter_by(
        champion_id=champion.id, person_id=person.id, status="active").first() is not None


def can_view_person(session, actor: Person, person: Person) -> Decision:
    """Decide whether ``actor`` may see ``person``'s profile."""
    if actor.id == person.id:
        return ALLOW
    if not within_reach(actor, person):
        return HIDE
    if actor.has_role("admin") or actor.has_role("lnd"):
        return ALLOW
    if actor.has_role("manager"):
        if actor.team_id is not None and actor.team_id == person.team_id:
            return ALLOW
        if not (actor.has_role("champion") and is_paired(session, actor, person)):
            return FORBID
    if actor.has_role("champion") and is_paired(session, actor, person):
        return ALLOW
    return HIDE


def can_edit_person(session, actor: Person, person: Person) -> Decision:
    """Decide whether ``actor`` may change ``person``'s profile (their own, L&D, admins)."""
    seen = can_view_person(session, actor, person)
    if not seen:
        return seen
    if actor.id == person.id or actor.has_role("admin") or actor.has_role("lnd"):
        return ALLOW
    return FORBID


def can_edit_graph(actor: Person) -> Decision:
    """Decide whether ``actor`` may change roles, qualifications and moves."""
    return ALLOW if actor.has_role("lnd") or actor.has_role("admin") else FORBID


def can_import_staff(actor: Person) -> Decision:
    """Decide whether ``actor`` may import staff into their organisation."""
    return can_edit_graph(actor)


def can_read_audit(actor: Person) -> Decision:
    """Decide whether ``actor`` may read the audit log."""
    return ALLOW if actor.has_role("admin") else FORBID


def can_manage_accounts(actor: Person) -> Decision:
    """Decide whether ``actor`` may disable accounts and grant roles."""
    return can_read_audit(actor)


def _reaches_organisation(actor: Person, organisation: Organisation) -> bool:
    if actor.organisation_id == organisation.id:
        return True
    return any(actor.scope_of(role) == "partnership" for role in WIDE_ROLES) and (
        actor.organisation.partnership_id is not None
        and actor.organisation.partnership_id == organisation.partnership_id)


def can_manage_apprenticeships(actor: Person, organisation: Organisation) -> Decision:
    """Decide whether ``actor`` may run the organisation's cohorts, programmes and posts."""
    if not _reaches_organisation(actor, organisation):
        return HIDE
    if actor.has_role("lnd") or actor.has_role("admin"):
        return ALLOW
    return FORBID if actor.organisation_id == organisation.id else HIDE


def can_view_apprenticeship(session, actor: Person, apprenticeship: Apprenticeship
                            ) -> Decision:
    """Decide whether ``actor`` may see an apprenticeship (as they may see the apprentice)."""
    if can_manage_apprenticeships(actor, apprenticeship.cohort.organisation):
        return ALLOW
    return can_view_person(session, actor, apprenticeship.person)


def can_log_otj(session, actor: Person, apprenticeship: Apprenticeship) -> Decision:
    """Decide whether ``actor`` may log off-the-job hours: the apprentice, their manager, L&D."""
    seen = can_view_apprenticeship(session, actor, apprenticeship)
    if not seen:
        return seen
    person = apprenticeship.person
    if actor.id == person.id or can_manage_apprenticeships(
            actor, apprenticeship.cohort.organisation):
        return ALLOW
    if actor.has_role("manager") and actor.team_id is not None and (
            actor.team_id == person.team_id):
        return ALLOW
    return FORBID


def can_manage_apprenticeship(actor: Person, apprenticeship: Apprenticeship) -> Decision:
    """Decide whether ``actor`` may change an apprenticeship's status, reviews and job steps."""
    return can_manage_apprenticeships(actor, apprenticeship.cohort.organisation)


def _in_pair(actor: Person, pairing: ChampionPairing) -> bool:
    return actor.id in (pairing.champion_id, pairing.person_id)


def can_view_pairing(session, actor: Person, pairing: ChampionPairing) -> Decision:
    """Decide whether ``actor`` may see that a pairing exists (and its agreement)."""
    if _in_pair(actor, pairing):
        return ALLOW
    return can_view_person(session, actor, pairing.person)


def can_read_mentoring_notes(session, actor: Person, pairing: ChampionPairing) -> Decision:
    """Decide whether ``actor`` may read a pairing's private session notes: the pair only."""
    if _in_pair(actor, pairing):
        return ALLOW
    return FORBID if can_view_person(session, actor, pairing.person) else HIDE


def can_record_conversation(session, actor: Person, person: Person) -> Decision:
    """Decide whether ``actor`` may record a development conversation for ``person``.

    Their manager (same team), L&D and admins of their reach may; the person themself and
    others who may see them are forbidden; anyone else gets "not found".
    """
    seen = can_view_person(session, actor, person)
    if not seen:
        return seen
    if actor.id == person.id:
        return FORBID
    if actor.has_role("lnd") or actor.has_role("admin"):
        return ALLOW
    if actor.has_role("manager") and actor.team_id is not None and (
            actor.team_id == person.team_id):
        return ALLOW
    return FORBID


def can_decide_shadowing(session, actor: Person, request: ShadowingRequest) -> Decision:
    """Decide whether ``actor`` may approve or decline a shadowing request.

    Only the requester's manager (same team, not the requester) may; others who may see
    the requester are forbidden; anyone else gets "not found".
    """
    seen = can_view_person(session, actor, request.person)
    if not seen:
        return seen
    if actor.id != request.person_id and actor.has_role("manager") and (
            actor.team_id is not None and actor.team_id == request.person.team_id):
        return ALLOW
    return FORBID


def can_reflect_on_shadowing(session, actor: Person, request: ShadowingRequest) -> Decision:
    """Decide whether ``actor`` may write the reflection on a shadowing request: the requester.

    Others who may see the requester are forbidden; anyone else gets "not found".
    """
    if actor.id == request.person_id:
        return ALLOW
    return HIDE if can_view_person(session, actor, request.person) is HIDE else FORBID


def can_moderate_story(actor: Person, story: CareerStory) -> Decision:
    """Decide whether ``actor`` may see an unpublished story and withdraw it: L&D and admins
    who run the author's organisation (or its partnership, with partnership scope).

    Others in the author's organisation are forbidden; anyone else gets "not found".
    """
    return can_manage_apprenticeships(actor, story.person.organisation)


def can_read_unpublished_story(actor: Person, story: CareerStory) -> Decision:
    """Decide whether ``actor`` may read a story not published: its author and L&D of its
    reach; anyone else is not told it exists (HIDE, never FORBID)."""
    if actor.id == story.person_id or can_moderate_story(actor, story):
        return ALLOW
    return HIDE


def can_approve_story(actor: Person, story: CareerStory) -> Decision:
    """Decide whether ``actor`` may publish a story: L&D of its reach, but not its author
    (a story is checked by someone else before it is public)."""
    decision = can_moderate_story(actor, story)
    if decision and actor.id == story.person_id:
        return FORBID
    return decision


def can_review_stories(actor: Person) -> Decision:
    """Decide whether ``actor`` may open the approval queue: L&D and admins."""
    return ALLOW if can_manage_apprenticeships(actor, actor.organisation) else FORBID


def can_act_as_champion(actor: Person) -> Decision:
    """Decide whether ``actor`` may use the champion's own pages: the champion access role."""
    return ALLOW if actor.has_role("champion") else FORBID


def can_answer_request(actor: Person, pairing: ChampionPairing) -> Decision:
    """Decide whether ``actor`` may accept or decline a request: its champion only.

    Others who may see the pairing (the person, their manager, L&D) are forbidden; anyone
    else was already told "not found" by ``can_view_pairing``.
    """
    return ALLOW if actor.id == pairing.champion_id else FORBID


def can_write_mentoring(session, actor: Person, pairing: ChampionPairing) -> Decision:
    """Decide whether ``actor`` may record sessions, mark actions done and end the pairing.

    The pair only, exactly as for reading the private notes: others who may see the person
    are forbidden, anyone else gets "not found".
    """
    return can_read_mentoring_notes(session, actor, pairing)


def can_see_mentoring_report(actor: Person) -> Decision:
    """Decide whether ``actor`` may see their organisation's mentoring report (counts only).

    Its L&D and administrators (``can_manage_apprenticeships``), and its champions.
    """
    if can_manage_apprenticeships(actor, actor.organisation) or actor.has_role("champion"):
        return ALLOW
    return FORBID


def champion_in_reach(actor: Person, champion: Person, profile: ChampionProfile) -> bool:
    """Decide whether ``actor`` could ask ``champion`` at all: same organisation, or the same
    partnership when the champion is open to it (matching uses the same rule). Outside it the
    champion is "not found", so a request by id does not reveal a name."""
    if champion.organisation_id == actor.organisation_id:
        return True
    mine, theirs = actor.organisation.partnership_id, champion.organisation.partnership_id
    return bool(profile.open_to_partnership) and mine is not None and mine == theirs
