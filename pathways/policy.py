"""Who may see and change what: every permission decision, in one place.

Decisions are ``ALLOW``, ``FORBID`` (the web answers 403) or ``HIDE`` (404: the record's
existence is not revealed). The rules:

- everyone may see and change their own profile, and use the pages about themselves (their
  profile and data, finding a champion, shadowing, their story);
- records outside the actor's reach are hidden: another organisation, unless the actor
  holds L&D or admin with partnership scope and both organisations are in one partnership;
- within reach: admins and L&D see everyone; managers see their own team's people (others
  in the organisation are forbidden); champions see the people they are paired with;
  anyone else is hidden (a champion cannot learn who another champion supports);
- only map editors (the ``map_editor`` access role, granted by an administrator) edit the
  shared career map, not every organisation's L&D or administrators; L&D and admins import
  staff; only admins manage accounts and read the audit log, and only the events about
  organisations in their reach, besides the map's (:func:`audit_filter`); only admins change
  the email address someone signs in with, never their own (the staff import cannot);
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
  requester's manager (managers open their team's approvals) and cancelled and reflected
  on by the requester; a shadowing place is for its host's organisation, or the
  partnership when open to it;
- a manager's team page lists the people they manage (:func:`manages`, as a list
  :func:`team_filter`); only managers open it;
- champions: only a pairing's champion answers its request, and only the person who asked
  withdraws it; only the pair records sessions
  and ends it; a champion is asked only within their organisation, or their partnership when
  open to it (others: "not found"); the mentoring report (counts only) is for L&D, admins
  and champions; the equality and age report (counts only, of the people in reach) is for
  L&D; every count about people below 5 is suppressed (``pathways.suppression``);
- career stories: unpublished ones are seen by their author and the L&D of the author's
  reach (anyone else: "not found"); L&D approve them or send them back with comments, but
  never their own; only the author rewrites and sends their story; the author or those L&D
  withdraw it;
- notifications: a person sees and marks only their own (anyone else's: "not found");
- training: everyone sees their own records; managers their team's (the matrix of their
  organisation shows them their team); L&D and admins of the organisation's reach see
  everyone's, run its training (requirements, intervals, window, import) and record
  training, as managers do for their team; the partnership's summary (percentages, small
  groups suppressed) is for L&D and admins with partnership scope;
- workforce: L&D and admins of an organisation's reach record its people's movements (a
  change of role, a leaver), never their own, and see its workforce board and forecast; the
  partnership's board and forecast are for L&D and admins with partnership scope (the
  partnership leads). Everyone else in the organisation is forbidden; anyone outside its
  reach gets "not found";
- the training passport: a person shares only their own (anyone else's: "not found"); the
  L&D and admins of an organisation open share links and pasted passports for it and accept
  verified credentials for its people (never for themselves alone); only the issuing
  organisation's L&D and admins revoke a credential it issued. A credential reveals only what
  it contains: a share link shows the credentials shared, nothing else about the person;
- operations: the service's metrics are read with the configured bearer token or from a
  configured internal network, by no person (:func:`can_read_metrics`); off when neither is set;
- the training calendar: an organisation's course sessions are seen by the people who work
  there and by those who run its training, who schedule, change and cancel them; a person
  books (and cancels) a place for themself, their manager for their team, L&D for anyone
  of the organisation; attendance is marked by those who run its training or the
  session's own trainer; anyone else gets "not found".

Reach is one rule, written once: :func:`reaches` (on objects) and :func:`reach_filter` (the
same rule as an SQL condition, for lists). The menu shows what these decisions allow
(:func:`menu_for`).
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from enum import Enum
from ipaddress import IPv4Network, IPv6Network, ip_address
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, false, or_, select, true

from .audit import MAP_ENTITIES
from .models import (
    Apprenticeship,
    AuditEvent,
    CareerStory,
    ChampionPairing,
    ChampionProfile,
    CourseBooking,
    CourseSession,
    IssuedCredential,
    Notification,
    Organisation,
    Person,
    ShadowingPlace,
    ShadowingRequest,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import QueryableAttribute, Session
    from sqlalchemy.sql import ColumnElement


class Decision(Enum):
    """The answer to "may this actor do this to this record?"."""

    ALLOW = "allow"
    FORBID = "forbid"
    HIDE = "hide"

    def __bool__(self) -> bool:
        return self is Decision.ALLOW


ALLOW, FORBID, HIDE = Decision.ALLOW, Decision.FORBID, Decision.HIDE
IPNetwork = IPv4Network | IPv6Network
#: The access roles whose reach can be widened to the whole partnership.
WIDE_ROLES = ("lnd", "admin")


# Operations: the metrics of the service, for its operators' monitoring -------------------


def can_read_metrics(*, token: str | None, offered: str | None, networks: Sequence[IPNetwork],
                     address: str | None) -> Decision:
    """Whether a request may read ``/metrics``: no person is involved, only a credential.

    Parameters
    ----------
    token : str or None
        The bearer token configured (``METRICS_TOKEN``).
    offered : str or None
        The token the request offers (``Authorization: Bearer ...``).
    networks : sequence of networks
        The internal networks configured (``METRICS_NETWORKS``).
    address : str or None
        The address the request comes from.

    Returns
    -------
    Decision
        ``ALLOW`` with the right token or from an internal network; ``HIDE`` when neither
        is configured (the metrics are off: "not found"); otherwise ``FORBID`` (the web
        answers 401, asking for the token when one is configured, else 404).

    Examples
    --------
    >>> from ipaddress import ip_network
    >>> inside = [ip_network("10.0.0.0/8")]
    >>> [can_read_metrics(token="s3cret", offered=o, networks=[], address="192.0.2.1").name
    ...  for o in ("s3cret", "guess", None)]
    ['ALLOW', 'FORBID', 'FORBID']
    >>> [can_read_metrics(token=None, offered=None, networks=n, address="10.1.2.3").name
    ...  for n in (inside, [])]
    ['ALLOW', 'HIDE']
    """
    if not token and not networks:
        return HIDE
    if token and offered and hmac.compare_digest(token.encode(), offered.encode()):
        return ALLOW
    try:
        source = ip_address(address or "")
    except ValueError:
        return FORBID
    if any(source in network for network in networks):
        return ALLOW
    return FORBID


# Reach: same organisation, or same partnership where granted ------------------------------


def partnership_scoped(actor: Person) -> bool:
    """Whether ``actor`` holds L&D or admin with partnership scope."""
    return any(actor.scope_of(role) == "partnership" for role in WIDE_ROLES)


def reaches(organisation: Organisation, other: Organisation, *, across_partnership: bool
            ) -> bool:
    """Whether ``other`` is within reach of ``organisation``: the rule, in one place.

    Parameters
    ----------
    organisation, other : Organisation
        Where the actor (or host) works, and where the record belongs.
    across_partnership : bool
        Whether the reach is widened to the partnership (partnership scope, or a champion
        or a shadowing place open to it).

    Returns
    -------
    bool
        True for the same organisation; with ``across_partnership``, also for another
        organisation of the same partnership (an organisation in none reaches only itself).

    Examples
    --------
    >>> council = Organisation(id=1, partnership_id=7)
    >>> provider = Organisation(id=2, partnership_id=7)
    >>> [reaches(council, provider, across_partnership=wide) for wide in (False, True)]
    [False, True]
    """
    if organisation.id == other.id:
        return True
    return across_partnership and organisation.partnership_id is not None and (
        organisation.partnership_id == other.partnership_id)


def reach_filter(actor: Person,
                 organisation_id: QueryableAttribute[int] | QueryableAttribute[int | None]
                 | ColumnElement[int]) -> ColumnElement[bool]:
    """Return the SQL condition "``organisation_id`` is within the actor's reach".

    The same rule as :func:`reaches` with the actor's partnership scope, for lists, so a
    query can only ever hold what the actor may reach, e.g.
    ``select(Person).where(reach_filter(actor, Person.organisation_id))``.
    """
    own = actor.organisation
    if not partnership_scoped(actor) or own.partnership_id is None:
        return organisation_id == own.id
    return organisation_id.in_(
        select(Organisation.id).where(Organisation.partnership_id == own.partnership_id))


def champions_filter(actor: Person, champion_organisation: Any) -> ColumnElement[bool]:
    """Return the SQL condition "``actor`` could ask the champion", the rule of
    :func:`champion_in_reach` for lists: the champion's organisation
    (``champion_organisation``, an alias of ``Organisation`` joined through the champion) is
    the actor's, or the champion's profile is open to the partnership and their organisation
    is in the actor's."""
    own = actor.organisation
    same = champion_organisation.id == own.id
    if own.partnership_id is None:
        return same
    return or_(same, and_(ChampionProfile.open_to_partnership.is_(True),
                          champion_organisation.partnership_id == own.partnership_id))


def shadowing_places_filter(person: Person, host_organisation: Any) -> ColumnElement[bool]:
    """Return the SQL condition "``person`` could ask for the shadowing place", the rule of
    :func:`shadowing_place_in_reach` for lists: the host's organisation (``host_organisation``,
    an alias of ``Organisation`` joined through the place's host) is the person's, or the
    place is open to the partnership and the host's organisation is in the person's."""
    own = person.organisation
    same = host_organisation.id == own.id
    if own.partnership_id is None:
        return same
    return or_(same, and_(ShadowingPlace.open_to_partnership.is_(True),
                          host_organisation.partnership_id == own.partnership_id))


def within_reach(actor: Person, person: Person) -> bool:
    """Whether ``person`` is in the actor's organisation, or partnership where granted."""
    return reaches_organisation(actor, person.organisation)


def reaches_organisation(actor: Person, organisation: Organisation) -> bool:
    """Whether ``organisation`` is the actor's, or in their partnership where granted."""
    return reaches(actor.organisation, organisation,
                   across_partnership=partnership_scoped(actor))


def champion_in_reach(actor: Person, champion: Person, profile: ChampionProfile) -> bool:
    """Decide whether ``actor`` could ask ``champion`` at all: same organisation, or the same
    partnership when the champion is open to it (matching uses the same rule). Outside it the
    champion is "not found", so a request by id does not reveal a name."""
    return reaches(actor.organisation, champion.organisation,
                   across_partnership=bool(profile.open_to_partnership))


def shadowing_place_in_reach(person: Person, place: ShadowingPlace) -> bool:
    """Whether ``person`` could ask for a shadowing place: in its host's organisation, or in
    the same partnership when the place is open to it."""
    return reaches(place.host.organisation, person.organisation,
                   across_partnership=bool(place.open_to_partnership))


# Relationships between people --------------------------------------------------------------


def manages(actor: Person, person: Person) -> bool:
    """Whether ``actor`` is a manager of ``person``'s team (a manager is in their own team)."""
    return actor.has_role("manager") and actor.team_id is not None and (
        actor.team_id == person.team_id)


def team_filter(actor: Person) -> ColumnElement[bool]:
    """Return the SQL condition "the person is one ``actor`` manages": :func:`manages` for
    lists (the team page), e.g. ``select(Person).where(team_filter(manager))``."""
    if not actor.has_role("manager") or actor.team_id is None:
        return false()
    return Person.team_id == actor.team_id


def is_paired(session: Session, champion: Person, person: Person) -> bool:
    """Whether ``champion`` is actively paired with ``person``."""
    return session.query(ChampionPairing.id).filter_by(
        champion_id=champion.id, person_id=person.id, status="active").first() is not None


# Decisions ---------------------------------------------------------------------------------


def can_use_own_pages(actor: Person) -> Decision:
    """Decide whether ``actor`` may use the pages about themselves: their profile and data,
    finding a champion, shadowing and their story. Everyone with an account that is not
    disabled may."""
    return FORBID if actor.active is False else ALLOW


def can_view_person(session: Session, actor: Person, person: Person) -> Decision:
    """Decide whether ``actor`` may see ``person``'s profile."""
    if actor.id == person.id:
        return ALLOW
    if not within_reach(actor, person):
        return HIDE
    if actor.has_role("admin") or actor.has_role("lnd"):
        return ALLOW
    if actor.has_role("manager"):
        if manages(actor, person):
            return ALLOW
        if not (actor.has_role("champion") and is_paired(session, actor, person)):
            return FORBID
    if actor.has_role("champion") and is_paired(session, actor, person):
        return ALLOW
    return HIDE


def can_edit_person(session: Session, actor: Person, person: Person) -> Decision:
    """Decide whether ``actor`` may change ``person``'s profile (their own, L&D, admins)."""
    seen = can_view_person(session, actor, person)
    if not seen:
        return seen
    if actor.id == person.id or actor.has_role("admin") or actor.has_role("lnd"):
        return ALLOW
    return FORBID


def can_edit_graph(actor: Person) -> Decision:
    """Decide whether ``actor`` may change roles, qualifications and moves of the shared map.

    Map editors only: every organisation's people plan on the one map, so editing it is its
    own permission (``map_editor``, granted by an administrator), not part of L&D or admin.
    Administrators do not edit it by being administrators either: one who looks after the
    map grants themself the role, which the audit log records like any grant.
    """
    return ALLOW if actor.has_role("map_editor") else FORBID


def can_import_staff(actor: Person) -> Decision:
    """Decide whether ``actor`` may import staff into their organisation: L&D and admins."""
    return ALLOW if actor.has_role("lnd") or actor.has_role("admin") else FORBID


def can_read_audit(actor: Person) -> Decision:
    """Decide whether ``actor`` may read the audit log."""
    return ALLOW if actor.has_role("admin") else FORBID


def audit_filter(actor: Person) -> ColumnElement[bool]:
    """Return the SQL condition "the audit event is one ``actor`` may read": the one rule of
    every audit list and export.

    An event concerning an organisation is read within reach of it (``reach_filter`` on
    its ``organisation_id``); an event about the shared map (no organisation) by anyone who
    may read the audit log; any other event without an organisation (older ones whose
    organisation could not be worked out) by no one.
    """
    in_reach = reach_filter(actor, AuditEvent.organisation_id)
    if not can_read_audit(actor):
        return false()
    return or_(in_reach, and_(AuditEvent.organisation_id.is_(None),
                              AuditEvent.entity_type.in_(MAP_ENTITIES)))


def can_manage_accounts(actor: Person) -> Decision:
    """Decide whether ``actor`` may disable accounts and grant roles."""
    return can_read_audit(actor)


def can_change_email(actor: Person, person: Person) -> Decision:
    """Decide whether ``actor`` may change the email address ``person`` signs in with.

    Administrators, for people in their reach, but not for themselves (another administrator
    does that, as for disabling an account). The email is how a person resets their
    password, so it is an account setting, not profile data: L&D (who import staff) and
    everyone else are forbidden; people out of reach are hidden.
    """
    if not within_reach(actor, person):
        return HIDE
    if not can_manage_accounts(actor) or actor.id == person.id:
        return FORBID
    return ALLOW


def can_manage_apprenticeships(actor: Person, organisation: Organisation) -> Decision:
    """Decide whether ``actor`` may run the organisation's cohorts, programmes and posts."""
    if not reaches_organisation(actor, organisation):
        return HIDE
    if actor.has_role("lnd") or actor.has_role("admin"):
        return ALLOW
    return FORBID if actor.organisation_id == organisation.id else HIDE


def can_view_apprenticeship(session: Session, actor: Person, apprenticeship: Apprenticeship
                            ) -> Decision:
    """Decide whether ``actor`` may see an apprenticeship (as they may see the apprentice)."""
    if can_manage_apprenticeships(actor, apprenticeship.cohort.organisation):
        return ALLOW
    return can_view_person(session, actor, apprenticeship.person)


def can_log_otj(session: Session, actor: Person, apprenticeship: Apprenticeship) -> Decision:
    """Decide whether ``actor`` may log off-the-job hours: the apprentice, their manager, L&D."""
    seen = can_view_apprenticeship(session, actor, apprenticeship)
    if not seen:
        return seen
    person = apprenticeship.person
    if actor.id == person.id or can_manage_apprenticeships(
            actor, apprenticeship.cohort.organisation):
        return ALLOW
    return ALLOW if manages(actor, person) else FORBID


def can_manage_apprenticeship(actor: Person, apprenticeship: Apprenticeship) -> Decision:
    """Decide whether ``actor`` may change an apprenticeship's status, reviews and job steps."""
    return can_manage_apprenticeships(actor, apprenticeship.cohort.organisation)


def _in_pair(actor: Person, pairing: ChampionPairing) -> bool:
    return actor.id in (pairing.champion_id, pairing.person_id)


def can_view_pairing(session: Session, actor: Person, pairing: ChampionPairing) -> Decision:
    """Decide whether ``actor`` may see that a pairing exists (and its agreement)."""
    if _in_pair(actor, pairing):
        return ALLOW
    return can_view_person(session, actor, pairing.person)


def can_read_mentoring_notes(session: Session, actor: Person, pairing: ChampionPairing
                             ) -> Decision:
    """Decide whether ``actor`` may read a pairing's private session notes: the pair only."""
    if _in_pair(actor, pairing):
        return ALLOW
    return FORBID if can_view_person(session, actor, pairing.person) else HIDE


def can_record_conversation(session: Session, actor: Person, person: Person) -> Decision:
    """Decide whether ``actor`` may record a development conversation for ``person``.

    Their manager (same team), L&D and admins of their reach may; the person themself and
    others who may see them are forbidden; anyone else gets "not found".
    """
    seen = can_view_person(session, actor, person)
    if not seen:
        return seen
    if actor.id == person.id:
        return FORBID
    if actor.has_role("lnd") or actor.has_role("admin") or manages(actor, person):
        return ALLOW
    return FORBID


def can_decide_team_shadowing(actor: Person) -> Decision:
    """Decide whether ``actor`` may open the shadowing approvals of their team: managers."""
    return ALLOW if actor.has_role("manager") else FORBID


def can_decide_shadowing(session: Session, actor: Person, request: ShadowingRequest
                         ) -> Decision:
    """Decide whether ``actor`` may approve or decline a shadowing request.

    Only the requester's manager (same team, not the requester) may; others who may see
    the requester are forbidden; anyone else gets "not found".
    """
    seen = can_view_person(session, actor, request.person)
    if not seen:
        return seen
    if actor.id != request.person_id and manages(actor, request.person):
        return ALLOW
    return FORBID


def can_see_team(actor: Person) -> Decision:
    """Decide whether ``actor`` may open the team page (the people they manage): managers."""
    return ALLOW if actor.has_role("manager") else FORBID


def can_cancel_shadowing(session: Session, actor: Person, request: ShadowingRequest
                         ) -> Decision:
    """Decide whether ``actor`` may cancel a shadowing request: the requester only.

    Others who may see the requester (their manager) are forbidden; anyone else gets "not
    found".
    """
    if actor.id == request.person_id:
        return ALLOW
    return HIDE if can_view_person(session, actor, request.person) is HIDE else FORBID


def can_reflect_on_shadowing(session: Session, actor: Person, request: ShadowingRequest
                             ) -> Decision:
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


def can_edit_story(actor: Person, story: CareerStory) -> Decision:
    """Decide whether ``actor`` may rewrite and send a story: its author only (anyone else is
    not told it exists)."""
    return ALLOW if actor.id == story.person_id else HIDE


def can_withdraw_story(actor: Person, story: CareerStory) -> Decision:
    """Decide whether ``actor`` may withdraw a story: its author at any time, or L&D of its
    reach (``can_moderate_story``: others in the author's organisation are forbidden, anyone
    else gets "not found")."""
    if actor.id == story.person_id:
        return ALLOW
    return can_moderate_story(actor, story)


def can_approve_story(actor: Person, story: CareerStory) -> Decision:
    """Decide whether ``actor`` may publish a story or send it back with comments: L&D of
    its reach, but not its author (a story is checked by someone else before it is
    public)."""
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


def can_ask_champion(actor: Person, champion: Person, profile: ChampionProfile | None
                     ) -> Decision:
    """Decide whether ``actor`` may ask ``champion`` for support.

    Only an active person holding the champion role, with a champion profile, within reach
    (``champion_in_reach``); anyone else is "not found", so an id reveals no name.
    """
    if profile is None or not champion.active or not champion.has_role("champion"):
        return HIDE
    return ALLOW if champion_in_reach(actor, champion, profile) else HIDE


def can_answer_request(actor: Person, pairing: ChampionPairing) -> Decision:
    """Decide whether ``actor`` may accept or decline a request: its champion only.

    Others who may see the pairing (the person, their manager, L&D) are forbidden; anyone
    else was already told "not found" by ``can_view_pairing``.
    """
    return ALLOW if actor.id == pairing.champion_id else FORBID


def can_withdraw_champion_request(actor: Person, pairing: ChampionPairing) -> Decision:
    """Decide whether ``actor`` may withdraw a request to a champion: the person who asked.

    Others who may see the pairing (the champion, the person's manager, L&D) are
    forbidden; anyone else was already told "not found" by ``can_view_pairing``.
    """
    return ALLOW if actor.id == pairing.person_id else FORBID


def can_write_mentoring(session: Session, actor: Person, pairing: ChampionPairing
                        ) -> Decision:
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


def can_see_equality_report(actor: Person) -> Decision:
    """Decide whether ``actor`` may see the equality and age report of the people in their
    reach (counts only, suppressed below 5): L&D, who monitor the workforce's diversity."""
    return ALLOW if actor.has_role("lnd") else FORBID


def can_see_notification(actor: Person, notification: Notification) -> Decision:
    """Decide whether ``actor`` may see and mark a notification: its recipient only (anyone
    else is not told it exists)."""
    return ALLOW if actor.id == notification.recipient_id else HIDE


# Training ---------------------------------------------------------------------------------


def can_manage_training(actor: Person, organisation: Organisation) -> Decision:
    """Decide whether ``actor`` may run an organisation's training: set what each role
    requires, its own refresh intervals and expiring-soon window, and import records.

    Its L&D and administrators (or those with partnership scope in its partnership); others
    in the organisation are forbidden, anyone outside it gets "not found".
    """
    if not reaches_organisation(actor, organisation):
        return HIDE
    if actor.has_role("lnd") or actor.has_role("admin"):
        return ALLOW
    return FORBID if actor.organisation_id == organisation.id else HIDE


def can_see_training_matrix(actor: Person, organisation: Organisation) -> Decision:
    """Decide whether ``actor`` may open an organisation's training matrix and expiry lists.

    Those who run its training (``can_manage_training``) see everyone in it; its managers
    see their own team only (the matrix is filtered by :func:`training_people_filter`);
    others in the organisation are forbidden, anyone outside it gets "not found".
    """
    decision = can_manage_training(actor, organisation)
    if decision is FORBID and actor.has_role("manager"):
        return ALLOW
    return decision


def training_people_filter(actor: Person, organisation: Organisation
                           ) -> ColumnElement[bool]:
    """Return the SQL condition "a person of ``organisation`` whose training ``actor`` sees
    in its matrix": everyone for those who run its training, the manager's team otherwise."""
    in_organisation = Person.organisation_id == organisation.id
    if can_manage_training(actor, organisation):
        return in_organisation
    return and_(in_organisation, team_filter(actor))


def can_view_training(session: Session, actor: Person, person: Person) -> Decision:
    """Decide whether ``actor`` may see ``person``'s training records and statuses.

    The person themself, their manager (same team), and L&D and administrators of their
    reach. A manager of another team is forbidden; anyone else, a champion paired with the
    person included, gets "not found".
    """
    if actor.id == person.id:
        return ALLOW
    if not within_reach(actor, person):
        return HIDE
    if can_manage_training(actor, person.organisation) or manages(actor, person):
        return ALLOW
    return FORBID if actor.has_role("manager") else HIDE


def can_record_training(session: Session, actor: Person, person: Person) -> Decision:
    """Decide whether ``actor`` may record training ``person`` completed: L&D and
    administrators of their reach, and their manager (same team), never themself alone
    (a record is evidence someone else has seen). Others who may see the training are
    forbidden; anyone else gets "not found"."""
    seen = can_view_training(session, actor, person)
    if not seen:
        return seen
    if actor.id != person.id and (can_manage_training(actor, person.organisation)
                                  or manages(actor, person)):
        return ALLOW
    return FORBID


def can_see_partnership_training(actor: Person) -> Decision:
    """Decide whether ``actor`` may see the partnership's training summary (percentages per
    organisation and subject, small groups suppressed): L&D and administrators with
    partnership scope."""
    if actor.organisation.partnership_id is not None and partnership_scoped(actor):
        return ALLOW
    return FORBID


# Workforce --------------------------------------------------------------------------------


def can_see_workforce(actor: Person, organisation: Organisation) -> Decision:
    """Decide whether ``actor`` may see an organisation's workforce board and forecast
    (counts only, suppressed below 5).

    Its L&D and administrators (or those with partnership scope in its partnership); others
    in the organisation are forbidden, anyone outside its reach gets "not found".
    """
    if not reaches_organisation(actor, organisation):
        return HIDE
    if actor.has_role("lnd") or actor.has_role("admin"):
        return ALLOW
    return FORBID


def can_see_partnership_workforce(actor: Person) -> Decision:
    """Decide whether ``actor`` may see the workforce board and forecast of their whole
    partnership: L&D and administrators with partnership scope (the partnership leads)."""
    if actor.organisation.partnership_id is not None and partnership_scoped(actor):
        return ALLOW
    return FORBID


def can_record_movement(session: Session, actor: Person, person: Person) -> Decision:
    """Decide whether ``actor`` may record ``person``'s change of role or leaving.

    L&D and administrators of the person's organisation's reach, never for themselves (a
    leaver's account closes; someone else records it). Others who may see the person are
    forbidden; anyone else gets "not found".
    """
    seen = can_view_person(session, actor, person)
    if not seen:
        return seen
    if actor.id != person.id and can_see_workforce(actor, person.organisation):
        return ALLOW
    return FORBID
# The training passport ---------------------------------------------------------------------


def can_share_passport(actor: Person, person: Person) -> Decision:
    """Decide whether ``actor`` may see ``person``'s passport page, make and withdraw its
    share links and download it: the person themself only (a disabled account is
    forbidden); anyone else gets "not found"."""
    if actor.id != person.id:
        return HIDE
    return can_use_own_pages(actor)


def can_receive_passports(actor: Person) -> Decision:
    """Decide whether ``actor`` may open passports shared with their organisation (a share
    link, or one pasted or uploaded) and see the verdicts: those who run its training
    (``can_manage_training``)."""
    return can_manage_training(actor, actor.organisation)


def can_accept_credentials(actor: Person, person: Person) -> Decision:
    """Decide whether ``actor`` may accept verified credentials as ``person``'s training:
    the L&D and administrators of the person's organisation (or partnership scope), never
    for themselves alone; others in the organisation are forbidden, anyone else gets "not
    found"."""
    decision = can_manage_training(actor, person.organisation)
    if decision and actor.id == person.id:
        return FORBID
    return decision


def can_revoke_credential(actor: Person, credential: IssuedCredential) -> Decision:
    """Decide whether ``actor`` may revoke a credential (and see the ones issued): the L&D
    and administrators of the issuing organisation; others there are forbidden, anyone
    else gets "not found"."""
    return can_manage_training(actor, credential.organisation)


# The training calendar ---------------------------------------------------------------------


def can_see_course(actor: Person, course: CourseSession) -> Decision:
    """Decide whether ``actor`` may see a course session: the people of its organisation
    and those who run its training (partnership scope included); anyone else gets "not
    found"."""
    if actor.active is False:
        return FORBID
    if actor.organisation_id == course.organisation_id:
        return ALLOW
    return ALLOW if can_manage_training(actor, course.organisation) else HIDE


def can_run_courses(actor: Person, organisation: Organisation) -> Decision:
    """Decide whether ``actor`` may schedule, change and cancel an organisation's course
    sessions: those who run its training (``can_manage_training``)."""
    return can_manage_training(actor, organisation)


def can_book_place(actor: Person, person: Person, course: CourseSession) -> Decision:
    """Decide whether ``actor`` may book (or cancel) ``person``'s place on ``course``: the
    person themself, their manager (same team) and those who run the organisation's
    training. Someone who may see the session but not book for that person is forbidden."""
    seen = can_see_course(actor, course)
    if not seen:
        return seen
    if person.organisation_id != course.organisation_id:
        return HIDE
    if actor.id == person.id or manages(actor, person) or can_manage_training(
            actor, course.organisation):
        return ALLOW
    return FORBID


def can_cancel_place(actor: Person, booking: CourseBooking) -> Decision:
    """Decide whether ``actor`` may cancel a booking: as :func:`can_book_place` for its
    person and session, except that someone who may not see the person's booking is not told
    it exists."""
    decision = can_book_place(actor, booking.person, booking.session)
    return HIDE if decision is FORBID else decision


def course_bookings_filter(actor: Person, course: CourseSession) -> ColumnElement[bool]:
    """Return the SQL condition "a booking on ``course`` that ``actor`` sees": everyone's for
    those who mark its attendance, the team's (and their own) for a manager, else their own.
    """
    if can_mark_attendance(actor, course):
        return true()
    if actor.has_role("manager") and actor.team_id is not None:
        return or_(Person.id == actor.id, team_filter(actor))
    return Person.id == actor.id


def can_mark_attendance(actor: Person, course: CourseSession) -> Decision:
    """Decide whether ``actor`` may mark who attended ``course`` (which makes their training
    records): those who run the organisation's training and the session's own trainer."""
    seen = can_see_course(actor, course)
    if not seen:
        return seen
    if actor.id == course.trainer_id or can_manage_training(actor, course.organisation):
        return ALLOW
    return FORBID


# The menu ----------------------------------------------------------------------------------

#: What the menu always offers, signed in or not.
PUBLIC_MENU = ("map", "routes", "reach", "compare", "stories")


def menu_for(actor: Person | None) -> frozenset[str]:
    """Return the areas the menu offers ``actor`` (None: someone not signed in).

    Each is offered exactly when the decision behind its first page allows it, so a link is
    never shown to someone the page would refuse: ``profile``, ``champions`` and
    ``shadowing`` (``can_use_own_pages``), ``team`` (``can_see_team``), ``workforce``
    (``can_see_workforce`` for the actor's organisation), ``edit_map``
    (``can_edit_graph``), ``people``
    (``can_import_staff``), ``cohorts`` and ``story_review`` (``can_manage_apprenticeships``
    for the actor's organisation, ``can_review_stories``), ``audit`` (``can_read_audit``),
    ``training`` (the matrix: ``can_see_training_matrix`` for the actor's organisation) or
    else ``my_training`` (their own training, ``/training/mine``: ``can_use_own_pages``), besides
    ``PUBLIC_MENU``.

    Examples
    --------
    >>> sorted(menu_for(None))
    ['compare', 'map', 'reach', 'routes', 'stories']
    """
    areas = set(PUBLIC_MENU)
    if actor is None:
        return frozenset(areas)
    decided = {
        ("profile", "champions", "shadowing"): can_use_own_pages(actor),
        ("team",): can_see_team(actor),
        ("workforce",): can_see_workforce(actor, actor.organisation),
        ("edit_map",): can_edit_graph(actor),
        ("people",): can_import_staff(actor),
        ("cohorts",): can_manage_apprenticeships(actor, actor.organisation),
        ("story_review",): can_review_stories(actor),
        ("audit",): can_read_audit(actor),
    }
    for names, decision in decided.items():
        if decision:
            areas.update(names)
    if can_see_training_matrix(actor, actor.organisation):
        areas.add("training")
    elif can_use_own_pages(actor):  # one's own training is one's own page
        areas.add("my_training")
    return frozenset(areas)
