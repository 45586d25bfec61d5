"""Every decision of ``pathways.policy``, on plain objects: no database, no app.

``CASES`` is the matrix: decision, actor, what it is about, and the answer written out from
the rules in the policy's docstring (not computed by calling the policy). A decision added
to the policy without a row here fails ``test_every_decision_has_cases``, and one that
cannot answer both yes and no fails ``test_every_decision_can_answer_yes_and_no``.

The people mirror ``tests.factories.make_people``: Testshire Council (partnership 7) has
staff, colleague and manager (team Home care), other_team, champion and other_manager
(team Reablement; the champion is paired with staff), lnd (who also edits the shared map)
and admin (organisation scope) and partnership_lnd; partner_staff works at Sunrise Care
(same partnership), outsider at Far Away Care (no partnership). open_champion is a council
champion open to the partnership; retired_champion's account is disabled.
"""

from __future__ import annotations

import inspect
from ipaddress import ip_network
from types import SimpleNamespace

import pytest

from pathways import policy
from pathways.models import (
    Apprenticeship,
    CareerStory,
    ChampionPairing,
    ChampionProfile,
    Cohort,
    CourseBooking,
    CourseSession,
    IssuedCredential,
    Notification,
    Organisation,
    Person,
    PersonRole,
    ShadowingPlace,
    ShadowingRequest,
)
from pathways.policy import ALLOW, FORBID, HIDE

HOME_CARE, REABLEMENT = 10, 11
#: The internal networks of the metrics cases.
INTERNAL = (ip_network("10.0.0.0/8"), ip_network("fd00::/8"))


class Pairings:
    """A stand-in for the database session: answers ``policy.is_paired`` from active pairs
    of (champion id, person id)."""

    def __init__(self, *pairs: tuple[int, int]):
        self.pairs = set(pairs)
        self._found = False

    def query(self, *_columns):
        return self

    def filter_by(self, *, champion_id, person_id, status):
        self._found = status == "active" and (champion_id, person_id) in self.pairs
        return self

    def first(self):
        return (1,) if self._found else None


def organisation(organisation_id: int, name: str, partnership_id: int | None = None
                 ) -> Organisation:
    return Organisation(id=organisation_id, name=name, partnership_id=partnership_id)


def person(person_id: int, key: str, where: Organisation, *roles: str, team: int | None = None,
           scope: str = "organisation", active: bool = True) -> Person:
    """An unsaved person with ids set, holding ``roles`` (L&D and admin with ``scope``)."""
    return Person(id=person_id, email=f"{key}@example.org", name=key, organisation=where,
                  organisation_id=where.id, team_id=team, active=active,
                  access=[PersonRole(role=role, scope=scope if role in policy.WIDE_ROLES
                                     else "organisation") for role in roles])


def make_world() -> dict:
    council = organisation(1, "Testshire Council", partnership_id=7)
    provider = organisation(2, "Sunrise Care", partnership_id=7)
    elsewhere = organisation(3, "Far Away Care")
    world: dict = {"council": council, "provider": provider, "elsewhere": elsewhere}
    world.update({
        "staff": person(1, "staff", council, "staff", team=HOME_CARE),
        "colleague": person(2, "colleague", council, "staff", team=HOME_CARE),
        "other_team": person(3, "other_team", council, "staff", team=REABLEMENT),
        "manager": person(4, "manager", council, "staff", "manager", team=HOME_CARE),
        "champion": person(5, "champion", council, "staff", "champion", team=REABLEMENT),
        "lnd": person(6, "lnd", council, "lnd", "map_editor"),
        "admin": person(7, "admin", council, "admin"),
        "partnership_lnd": person(8, "partnership_lnd", council, "lnd", scope="partnership"),
        "partner_staff": person(9, "partner_staff", provider, "staff"),
        "outsider": person(10, "outsider", elsewhere, "staff"),
        "other_manager": person(11, "other_manager", council, "staff", "manager",
                                team=REABLEMENT),
        "open_champion": person(12, "open_champion", council, "staff", "champion"),
        "retired_champion": person(13, "retired_champion", council, "staff", "champion",
                                   active=False),
        "disabled": person(14, "disabled", council, "staff", active=False),
    })
    world["champion_profile"] = ChampionProfile(person_id=5, open_to_partnership=False)
    world["open_profile"] = ChampionProfile(person_id=12, open_to_partnership=True)
    world["retired_profile"] = ChampionProfile(person_id=13, open_to_partnership=True)
    world["no_profile"] = None
    world["pairing"] = ChampionPairing(id=1, champion_id=5, person_id=1, status="active",
                                       champion=world["champion"], person=world["staff"])
    cohort = Cohort(id=1, organisation=council, organisation_id=council.id)
    world["apprenticeship"] = Apprenticeship(id=1, cohort=cohort, person=world["staff"],
                                             person_id=1)
    world["story"] = CareerStory(id=1, person=world["staff"], person_id=1, status="submitted")
    world["lnd_story"] = CareerStory(id=2, person=world["lnd"], person_id=6,
                                     status="submitted")
    world["request"] = ShadowingRequest(id=1, person=world["staff"], person_id=1)
    world["manager_request"] = ShadowingRequest(id=2, person=world["manager"], person_id=4)
    world["notification"] = Notification(id=1, recipient_id=1, kind="champion_answer")
    world["credential"] = IssuedCredential(id=1, organisation=council, organisation_id=1,
                                           person_id=1)
    world["partner_credential"] = IssuedCredential(id=2, organisation=provider,
                                                   organisation_id=2, person_id=9)
    course = CourseSession(id=1, organisation=council, organisation_id=council.id,
                           trainer_id=2)
    world["course"] = course
    world["partner_course"] = CourseSession(id=2, organisation=provider,
                                            organisation_id=provider.id)
    world["booking"] = CourseBooking(id=1, session=course, person=world["staff"], person_id=1)
    return world


@pytest.fixture
def world() -> SimpleNamespace:
    return SimpleNamespace(**make_world(), session=Pairings((5, 1)))


#: (decision, actor, what it is about: a name, several names or None, expected answer)
CASES = [
    ("can_use_own_pages", "staff", None, ALLOW),
    ("can_use_own_pages", "outsider", None, ALLOW),
    ("can_use_own_pages", "disabled", None, FORBID),

    ("can_view_person", "staff", "staff", ALLOW),
    ("can_view_person", "staff", "colleague", HIDE),
    ("can_view_person", "staff", "partner_staff", HIDE),
    ("can_view_person", "manager", "colleague", ALLOW),
    ("can_view_person", "manager", "other_team", FORBID),
    ("can_view_person", "manager", "partner_staff", HIDE),
    ("can_view_person", "champion", "staff", ALLOW),
    ("can_view_person", "champion", "colleague", HIDE),
    ("can_view_person", "lnd", "other_team", ALLOW),
    ("can_view_person", "lnd", "partner_staff", HIDE),
    ("can_view_person", "partnership_lnd", "partner_staff", ALLOW),
    ("can_view_person", "partnership_lnd", "outsider", HIDE),
    ("can_view_person", "admin", "manager", ALLOW),
    ("can_view_person", "outsider", "staff", HIDE),

    ("can_edit_person", "staff", "staff", ALLOW),
    ("can_edit_person", "manager", "staff", FORBID),
    ("can_edit_person", "champion", "staff", FORBID),
    ("can_edit_person", "lnd", "staff", ALLOW),
    ("can_edit_person", "staff", "colleague", HIDE),

    ("can_edit_graph", "staff", None, FORBID),
    ("can_edit_graph", "manager", None, FORBID),
    ("can_edit_graph", "lnd", None, ALLOW),  # L&D who holds map_editor
    ("can_edit_graph", "partnership_lnd", None, FORBID),  # L&D alone: even partnership-wide
    ("can_edit_graph", "admin", None, FORBID),

    ("can_import_staff", "staff", None, FORBID),
    ("can_import_staff", "lnd", None, ALLOW),
    ("can_import_staff", "admin", None, ALLOW),
    ("can_import_staff", "partnership_lnd", None, ALLOW),

    ("can_read_audit", "lnd", None, FORBID),
    ("can_read_audit", "admin", None, ALLOW),

    ("can_manage_accounts", "lnd", None, FORBID),
    ("can_manage_accounts", "admin", None, ALLOW),

    ("can_change_email", "admin", "champion", ALLOW),
    ("can_change_email", "admin", "lnd", ALLOW),
    ("can_change_email", "admin", "admin", FORBID),  # their own: another administrator
    ("can_change_email", "lnd", "champion", FORBID),  # L&D import staff, not sign-in emails
    ("can_change_email", "manager", "staff", FORBID),
    ("can_change_email", "staff", "staff", FORBID),
    ("can_change_email", "admin", "partner_staff", HIDE),
    ("can_change_email", "outsider", "staff", HIDE),

    ("can_manage_apprenticeships", "lnd", "council", ALLOW),
    ("can_manage_apprenticeships", "staff", "council", FORBID),
    ("can_manage_apprenticeships", "lnd", "provider", HIDE),
    ("can_manage_apprenticeships", "partnership_lnd", "provider", ALLOW),
    ("can_manage_apprenticeships", "partnership_lnd", "elsewhere", HIDE),
    ("can_manage_apprenticeships", "partner_staff", "council", HIDE),

    ("can_view_apprenticeship", "staff", "apprenticeship", ALLOW),
    ("can_view_apprenticeship", "manager", "apprenticeship", ALLOW),
    ("can_view_apprenticeship", "lnd", "apprenticeship", ALLOW),
    ("can_view_apprenticeship", "other_manager", "apprenticeship", FORBID),
    ("can_view_apprenticeship", "colleague", "apprenticeship", HIDE),
    ("can_view_apprenticeship", "partner_staff", "apprenticeship", HIDE),

    ("can_log_otj", "staff", "apprenticeship", ALLOW),
    ("can_log_otj", "manager", "apprenticeship", ALLOW),
    ("can_log_otj", "lnd", "apprenticeship", ALLOW),
    ("can_log_otj", "champion", "apprenticeship", FORBID),
    ("can_log_otj", "colleague", "apprenticeship", HIDE),

    ("can_manage_apprenticeship", "lnd", "apprenticeship", ALLOW),
    ("can_manage_apprenticeship", "staff", "apprenticeship", FORBID),
    ("can_manage_apprenticeship", "partner_staff", "apprenticeship", HIDE),

    ("can_view_pairing", "champion", "pairing", ALLOW),
    ("can_view_pairing", "staff", "pairing", ALLOW),
    ("can_view_pairing", "manager", "pairing", ALLOW),
    ("can_view_pairing", "lnd", "pairing", ALLOW),
    ("can_view_pairing", "colleague", "pairing", HIDE),
    ("can_view_pairing", "open_champion", "pairing", HIDE),

    ("can_read_mentoring_notes", "champion", "pairing", ALLOW),
    ("can_read_mentoring_notes", "staff", "pairing", ALLOW),
    ("can_read_mentoring_notes", "manager", "pairing", FORBID),
    ("can_read_mentoring_notes", "lnd", "pairing", FORBID),
    ("can_read_mentoring_notes", "colleague", "pairing", HIDE),

    ("can_write_mentoring", "staff", "pairing", ALLOW),
    ("can_write_mentoring", "lnd", "pairing", FORBID),
    ("can_write_mentoring", "other_team", "pairing", HIDE),

    ("can_record_conversation", "manager", "staff", ALLOW),
    ("can_record_conversation", "lnd", "staff", ALLOW),
    ("can_record_conversation", "staff", "staff", FORBID),
    ("can_record_conversation", "champion", "staff", FORBID),
    ("can_record_conversation", "other_manager", "staff", FORBID),
    ("can_record_conversation", "colleague", "staff", HIDE),

    ("can_decide_team_shadowing", "manager", None, ALLOW),
    ("can_decide_team_shadowing", "staff", None, FORBID),
    ("can_decide_team_shadowing", "lnd", None, FORBID),

    ("can_decide_shadowing", "manager", "request", ALLOW),
    ("can_decide_shadowing", "staff", "request", FORBID),
    ("can_decide_shadowing", "lnd", "request", FORBID),
    ("can_decide_shadowing", "other_manager", "request", FORBID),
    ("can_decide_shadowing", "manager", "manager_request", FORBID),
    ("can_decide_shadowing", "colleague", "request", HIDE),

    ("can_see_team", "manager", None, ALLOW),
    ("can_see_team", "other_manager", None, ALLOW),
    ("can_see_team", "staff", None, FORBID),
    ("can_see_team", "lnd", None, FORBID),
    ("can_see_team", "admin", None, FORBID),

    ("can_cancel_shadowing", "staff", "request", ALLOW),
    ("can_cancel_shadowing", "manager", "request", FORBID),
    ("can_cancel_shadowing", "lnd", "request", FORBID),
    ("can_cancel_shadowing", "colleague", "request", HIDE),
    ("can_cancel_shadowing", "partner_staff", "request", HIDE),

    ("can_reflect_on_shadowing", "staff", "request", ALLOW),
    ("can_reflect_on_shadowing", "manager", "request", FORBID),
    ("can_reflect_on_shadowing", "colleague", "request", HIDE),

    ("can_moderate_story", "lnd", "story", ALLOW),
    ("can_moderate_story", "partnership_lnd", "story", ALLOW),
    ("can_moderate_story", "staff", "story", FORBID),
    ("can_moderate_story", "colleague", "story", FORBID),
    ("can_moderate_story", "partner_staff", "story", HIDE),

    ("can_read_unpublished_story", "staff", "story", ALLOW),
    ("can_read_unpublished_story", "lnd", "story", ALLOW),
    ("can_read_unpublished_story", "colleague", "story", HIDE),
    ("can_read_unpublished_story", "partner_staff", "story", HIDE),

    ("can_edit_story", "staff", "story", ALLOW),
    ("can_edit_story", "lnd", "story", HIDE),
    ("can_edit_story", "colleague", "story", HIDE),

    ("can_withdraw_story", "staff", "story", ALLOW),
    ("can_withdraw_story", "lnd", "story", ALLOW),
    ("can_withdraw_story", "colleague", "story", FORBID),
    ("can_withdraw_story", "partner_staff", "story", HIDE),

    ("can_approve_story", "lnd", "story", ALLOW),
    ("can_approve_story", "lnd", "lnd_story", FORBID),
    ("can_approve_story", "colleague", "story", FORBID),
    ("can_approve_story", "partner_staff", "story", HIDE),

    ("can_review_stories", "lnd", None, ALLOW),
    ("can_review_stories", "admin", None, ALLOW),
    ("can_review_stories", "staff", None, FORBID),

    ("can_act_as_champion", "champion", None, ALLOW),
    ("can_act_as_champion", "staff", None, FORBID),

    ("can_ask_champion", "staff", ("champion", "champion_profile"), ALLOW),
    ("can_ask_champion", "partner_staff", ("champion", "champion_profile"), HIDE),
    ("can_ask_champion", "partner_staff", ("open_champion", "open_profile"), ALLOW),
    ("can_ask_champion", "outsider", ("open_champion", "open_profile"), HIDE),
    ("can_ask_champion", "staff", ("colleague", "no_profile"), HIDE),
    ("can_ask_champion", "staff", ("retired_champion", "retired_profile"), HIDE),
    ("can_ask_champion", "staff", ("colleague", "open_profile"), HIDE),

    ("can_answer_request", "champion", "pairing", ALLOW),
    ("can_answer_request", "staff", "pairing", FORBID),

    ("can_withdraw_champion_request", "staff", "pairing", ALLOW),
    ("can_withdraw_champion_request", "champion", "pairing", FORBID),
    ("can_withdraw_champion_request", "manager", "pairing", FORBID),

    ("can_see_equality_report", "lnd", None, ALLOW),
    ("can_see_equality_report", "partnership_lnd", None, ALLOW),
    ("can_see_equality_report", "admin", None, FORBID),
    ("can_see_equality_report", "manager", None, FORBID),
    ("can_see_equality_report", "staff", None, FORBID),

    ("can_see_mentoring_report", "lnd", None, ALLOW),
    ("can_see_mentoring_report", "champion", None, ALLOW),
    ("can_see_mentoring_report", "staff", None, FORBID),
    ("can_see_mentoring_report", "manager", None, FORBID),

    ("can_see_notification", "staff", "notification", ALLOW),
    ("can_see_notification", "colleague", "notification", HIDE),
    ("can_see_notification", "manager", "notification", HIDE),
    ("can_see_notification", "admin", "notification", HIDE),

    ("can_manage_training", "lnd", "council", ALLOW),
    ("can_manage_training", "admin", "council", ALLOW),
    ("can_manage_training", "partnership_lnd", "provider", ALLOW),
    ("can_manage_training", "lnd", "provider", HIDE),
    ("can_manage_training", "manager", "council", FORBID),
    ("can_manage_training", "staff", "council", FORBID),
    ("can_manage_training", "partner_staff", "council", HIDE),

    ("can_see_training_matrix", "lnd", "council", ALLOW),
    ("can_see_training_matrix", "manager", "council", ALLOW),
    ("can_see_training_matrix", "staff", "council", FORBID),
    ("can_see_training_matrix", "champion", "council", FORBID),
    ("can_see_training_matrix", "manager", "provider", HIDE),
    ("can_see_training_matrix", "outsider", "council", HIDE),

    ("can_view_training", "staff", "staff", ALLOW),
    ("can_view_training", "manager", "staff", ALLOW),
    ("can_view_training", "manager", "other_team", FORBID),
    ("can_view_training", "champion", "staff", HIDE),
    ("can_view_training", "colleague", "staff", HIDE),
    ("can_view_training", "lnd", "other_team", ALLOW),
    ("can_view_training", "lnd", "partner_staff", HIDE),
    ("can_view_training", "partnership_lnd", "partner_staff", ALLOW),
    ("can_view_training", "outsider", "staff", HIDE),

    ("can_record_training", "lnd", "staff", ALLOW),
    ("can_record_training", "manager", "staff", ALLOW),
    ("can_record_training", "staff", "staff", FORBID),
    ("can_record_training", "manager", "manager", FORBID),
    ("can_record_training", "manager", "other_team", FORBID),
    ("can_record_training", "champion", "staff", HIDE),
    ("can_record_training", "partnership_lnd", "partner_staff", ALLOW),
    ("can_record_training", "outsider", "staff", HIDE),

    ("can_see_partnership_training", "partnership_lnd", None, ALLOW),
    ("can_see_partnership_training", "lnd", None, FORBID),
    ("can_see_partnership_training", "admin", None, FORBID),
    ("can_see_partnership_training", "staff", None, FORBID),

    ("can_see_workforce", "lnd", "council", ALLOW),
    ("can_see_workforce", "admin", "council", ALLOW),
    ("can_see_workforce", "partnership_lnd", "provider", ALLOW),
    ("can_see_workforce", "lnd", "provider", HIDE),
    ("can_see_workforce", "manager", "council", FORBID),
    ("can_see_workforce", "staff", "council", FORBID),
    ("can_see_workforce", "partner_staff", "council", HIDE),
    ("can_see_workforce", "outsider", "council", HIDE),

    ("can_see_partnership_workforce", "partnership_lnd", None, ALLOW),
    ("can_see_partnership_workforce", "lnd", None, FORBID),
    ("can_see_partnership_workforce", "admin", None, FORBID),
    ("can_see_partnership_workforce", "outsider", None, FORBID),

    ("can_record_movement", "lnd", "staff", ALLOW),
    ("can_record_movement", "admin", "other_team", ALLOW),
    ("can_record_movement", "partnership_lnd", "partner_staff", ALLOW),
    ("can_record_movement", "lnd", "partner_staff", HIDE),
    ("can_record_movement", "lnd", "lnd", FORBID),
    ("can_record_movement", "manager", "staff", FORBID),
    ("can_record_movement", "champion", "staff", FORBID),
    ("can_record_movement", "staff", "staff", FORBID),
    ("can_record_movement", "colleague", "staff", HIDE),
    ("can_record_movement", "outsider", "staff", HIDE),

    ("can_share_passport", "staff", "staff", ALLOW),
    ("can_share_passport", "disabled", "disabled", FORBID),
    ("can_share_passport", "manager", "staff", HIDE),
    ("can_share_passport", "lnd", "staff", HIDE),

    ("can_receive_passports", "lnd", None, ALLOW),
    ("can_receive_passports", "admin", None, ALLOW),
    ("can_receive_passports", "manager", None, FORBID),
    ("can_receive_passports", "staff", None, FORBID),

    ("can_accept_credentials", "lnd", "staff", ALLOW),
    ("can_accept_credentials", "lnd", "lnd", FORBID),  # never for themselves alone
    ("can_accept_credentials", "manager", "staff", FORBID),
    ("can_accept_credentials", "lnd", "partner_staff", HIDE),
    ("can_accept_credentials", "partnership_lnd", "partner_staff", ALLOW),
    ("can_accept_credentials", "outsider", "staff", HIDE),

    ("can_revoke_credential", "lnd", "credential", ALLOW),
    ("can_revoke_credential", "admin", "credential", ALLOW),
    ("can_revoke_credential", "staff", "credential", FORBID),
    ("can_revoke_credential", "partner_staff", "credential", HIDE),
    ("can_revoke_credential", "partnership_lnd", "partner_credential", ALLOW),
    ("can_revoke_credential", "lnd", "partner_credential", HIDE),
    # No person: a credential (the bearer token) or where the request comes from
    ("can_read_metrics", None, {"token": "s3cret", "offered": "s3cret"}, ALLOW),
    ("can_read_metrics", None, {"token": "s3cret", "offered": "s3cre"}, FORBID),
    ("can_read_metrics", None, {"token": "s3cret", "offered": None}, FORBID),
    ("can_read_metrics", None, {"networks": INTERNAL, "address": "10.9.8.7"}, ALLOW),
    ("can_read_metrics", None, {"networks": INTERNAL, "address": "fd00::7"}, ALLOW),
    ("can_read_metrics", None, {"networks": INTERNAL, "address": "192.0.2.1"}, FORBID),
    ("can_read_metrics", None, {"networks": INTERNAL, "address": "not an address"}, FORBID),
    ("can_read_metrics", None, {"token": "s3cret", "networks": INTERNAL,
                                "address": "10.0.0.1"}, ALLOW),
    ("can_read_metrics", None, {"offered": "", "address": "10.0.0.1"}, HIDE),
    ("can_read_metrics", None, {"token": "", "offered": ""}, HIDE),

    ("can_see_course", "staff", "course", ALLOW),
    ("can_see_course", "lnd", "course", ALLOW),
    ("can_see_course", "partnership_lnd", "partner_course", ALLOW),
    ("can_see_course", "lnd", "partner_course", HIDE),
    ("can_see_course", "partner_staff", "course", HIDE),
    ("can_see_course", "disabled", "course", FORBID),

    ("can_run_courses", "lnd", "council", ALLOW),
    ("can_run_courses", "manager", "council", FORBID),
    ("can_run_courses", "partner_staff", "council", HIDE),

    ("can_book_place", "staff", ("staff", "course"), ALLOW),
    ("can_book_place", "manager", ("staff", "course"), ALLOW),
    ("can_book_place", "lnd", ("other_team", "course"), ALLOW),
    ("can_book_place", "colleague", ("staff", "course"), FORBID),
    ("can_book_place", "manager", ("other_team", "course"), FORBID),
    ("can_book_place", "lnd", ("partner_staff", "course"), HIDE),
    ("can_book_place", "partner_staff", ("partner_staff", "course"), HIDE),

    ("can_cancel_place", "staff", "booking", ALLOW),
    ("can_cancel_place", "manager", "booking", ALLOW),
    ("can_cancel_place", "lnd", "booking", ALLOW),
    ("can_cancel_place", "colleague", "booking", HIDE),
    ("can_cancel_place", "outsider", "booking", HIDE),

    ("can_mark_attendance", "lnd", "course", ALLOW),
    ("can_mark_attendance", "colleague", "course", ALLOW),  # the session's trainer
    ("can_mark_attendance", "staff", "course", FORBID),
    ("can_mark_attendance", "manager", "course", FORBID),
    ("can_mark_attendance", "outsider", "course", HIDE),
]


def decisions_in_policy() -> set[str]:
    """Every decision the policy offers: its public functions named ``can_*``."""
    return {name for name in dir(policy)
            if name.startswith("can_") and callable(getattr(policy, name))}


def test_every_decision_has_cases():
    covered = {decision for decision, *_ in CASES}
    assert decisions_in_policy() - covered == set(), "decisions without a row in CASES"
    assert covered - decisions_in_policy() == set(), "rows naming no decision of the policy"


def test_every_decision_can_answer_yes_and_no():
    answers: dict[str, set] = {}
    for decision, _actor, _about, expected in CASES:
        answers.setdefault(decision, set()).add(expected)
    assert {d for d, seen in answers.items() if ALLOW not in seen or len(seen) < 2} == set()


def takes_session(decision: str) -> bool:
    """Whether a decision takes the database session first (to look up pairings)."""
    return next(iter(inspect.signature(getattr(policy, decision)).parameters)) == "session"


@pytest.mark.parametrize("decision, actor, about, expected", CASES,
                         ids=[f"{d}-{a}-{s}" for d, a, s, _ in CASES])
def test_decision(world, decision, actor, about, expected):
    if isinstance(about, dict):  # a decision about no person: keyword arguments only
        given = {"token": None, "offered": None, "networks": (), "address": None, **about}
        assert getattr(policy, decision)(**given) is expected
        return
    names = () if about is None else (about,) if isinstance(about, str) else about
    args = [getattr(world, actor), *(getattr(world, name) for name in names)]
    if takes_session(decision):
        args.insert(0, world.session)
    assert getattr(policy, decision)(*args) is expected


# The reach rule ------------------------------------------------------------------------


def test_reach_is_the_organisation_or_the_partnership_when_widened(world):
    council, provider, elsewhere = world.council, world.provider, world.elsewhere
    assert policy.reaches(council, council, across_partnership=False)
    assert not policy.reaches(council, provider, across_partnership=False)
    assert policy.reaches(council, provider, across_partnership=True)
    assert policy.reaches(provider, council, across_partnership=True)
    assert not policy.reaches(council, elsewhere, across_partnership=True)
    # two organisations in no partnership are not "in the same one"
    alone = organisation(4, "Also alone")
    assert not policy.reaches(elsewhere, alone, across_partnership=True)


def test_the_reach_rule_reads_the_same_everywhere(world):
    wide = world.partnership_lnd
    assert policy.partnership_scoped(wide) and not policy.partnership_scoped(world.lnd)
    assert policy.within_reach(wide, world.partner_staff)
    assert not policy.within_reach(world.lnd, world.partner_staff)
    assert policy.reaches_organisation(wide, world.provider)
    assert not policy.reaches_organisation(wide, world.elsewhere)
    assert policy.champion_in_reach(world.partner_staff, world.open_champion,
                                    world.open_profile)
    assert not policy.champion_in_reach(world.partner_staff, world.champion,
                                        world.champion_profile)
    place = ShadowingPlace(host=world.staff, open_to_partnership=False)
    assert policy.shadowing_place_in_reach(world.colleague, place)
    assert not policy.shadowing_place_in_reach(world.partner_staff, place)
    place.open_to_partnership = True
    assert policy.shadowing_place_in_reach(world.partner_staff, place)
    assert not policy.shadowing_place_in_reach(world.outsider, place)


def test_a_manager_manages_their_own_team_only(world):
    assert policy.manages(world.manager, world.staff)
    assert policy.manages(world.manager, world.manager)
    assert not policy.manages(world.manager, world.other_team)
    assert not policy.manages(world.colleague, world.staff)  # same team, not a manager
    teamless = person(20, "teamless_manager", world.council, "manager")
    assert not policy.manages(teamless, person(21, "teamless", world.council, "staff"))


# The menu --------------------------------------------------------------------------------

PUBLIC = {"map", "routes", "reach", "compare", "stories"}
SIGNED_IN = PUBLIC | {"profile", "champions", "shadowing"}
RUNS_THINGS = SIGNED_IN | {"people", "cohorts", "workforce", "story_review"}

#: actor -> the menu's areas.
MENU = {
    None: PUBLIC,
    "staff": SIGNED_IN | {"my_training"},
    "manager": SIGNED_IN | {"team", "training"},
    "champion": SIGNED_IN | {"my_training"},
    "lnd": RUNS_THINGS | {"edit_map", "training"},
    "partnership_lnd": RUNS_THINGS | {"training"},
    "admin": RUNS_THINGS | {"audit", "training"},
}


@pytest.mark.parametrize("actor", list(MENU))
def test_the_menu_offers_what_the_decisions_allow(world, actor):
    assert policy.menu_for(getattr(world, actor) if actor else None) == MENU[actor]
