"""The demo partnership: loaded by the staff import, one account per kind of user, two
apprenticeship cohorts part-way through (made through the services), idempotent."""

import itertools
from collections import Counter
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

import seed
from pathways.apprenticeships.placements import capacity_of, overlapping_load
from pathways.apprenticeships.progress import cohort_summary, qualifiers_by_month
from pathways.apprenticeships.rules import NEW_RULES_FROM, required_otj_hours
from pathways.cli import cli
from pathways.document import load_document
from pathways.errors import InvalidInput
from pathways.models import (
    APPRENTICESHIP_MODELS,
    OTJ_ACTIVITIES,
    Apprenticeship,
    AuditEvent,
    ChampionPairing,
    Cohort,
    Organisation,
    OtjEntry,
    Person,
    Placement,
    Post,
    ProgressReview,
)
from pathways.options import make_options
from pathways.people.accounts import password_problems, verify_password
from pathways.policy import can_view_person
from pathways.routes import routes_between
from pathways.snapshot import build_graph
from pathways.validation import validate_document
from seed import demo
from seed.demo_cohorts import load_demo_cohorts

#: The day the fixture loads the demo: fixed, so that these tests do not age (the cohorts'
#: dates are fixed; activity is generated up to the day of loading).
LOAD_DAY = date(2026, 11, 24)


@pytest.fixture
def loaded(session):
    """A database holding the real pathway and the demo partnership, loaded on LOAD_DAY."""
    seed.load_pathway(session)
    assert demo.load_demo(session, today=LOAD_DAY) is True
    session.commit()
    return session


def people(session) -> list[Person]:
    return session.scalars(select(Person)).all()


def test_the_demo_is_a_council_and_three_providers_in_one_partnership(loaded):
    organisations = loaded.scalars(select(Organisation)).all()
    assert len(organisations) == 4
    assert demo.COUNCIL in {o.name for o in organisations}
    assert len({o.partnership_id for o in organisations}) == 1
    staff = people(loaded)
    assert 35 <= len(staff) <= 50
    assert all(len([p for p in staff if p.organisation_id == o.id]) >= 4 for o in organisations)


def test_there_is_one_account_per_kind_of_user_with_the_demo_password(loaded):
    accounts = demo.demo_accounts(loaded)
    assert [a.role for a in accounts] == ["Staff", "Manager", "Career champion",
                                          "Learning and development", "Administrator"]
    kinds = ["staff", "manager", "champion", "lnd", "admin"]
    for account, kind in zip(accounts, kinds):
        person = loaded.scalar(select(Person).where(Person.email == account.email))
        assert person.has_role(kind) and person.active
        assert verify_password(person, demo.DEMO_PASSWORD)
    assert password_problems(demo.DEMO_PASSWORD) == []
    with_password = [p for p in people(loaded) if p.password_hash]
    assert len(with_password) == len(kinds)


def test_the_demo_accounts_see_what_their_roles_allow(loaded):
    by_email = {p.email: p for p in people(loaded)}
    staff, manager, champion, lnd, admin = (by_email[f"{kind}@northshire.example"] for kind in
                                            ("staff", "manager", "champion", "lnd", "admin"))
    assert can_view_person(loaded, manager, staff)
    assert can_view_person(loaded, champion, staff)
    provider_worker = by_email["liam.carter@brookfield.example"]
    assert lnd.scope_of("lnd") == "partnership" and can_view_person(loaded, lnd, provider_worker)
    assert not can_view_person(loaded, admin, provider_worker)
    assert loaded.scalar(select(func.count()).select_from(ChampionPairing)) >= 2


def test_demo_staff_hold_real_roles_with_a_route_to_their_target(loaded):
    G = build_graph(loaded)
    with_targets = [p for p in people(loaded) if p.target_role_id]
    assert len(with_targets) >= 20
    for person in with_targets:
        assert G.nodes[person.current_role_id]["kind"] == "role"
        have = [q.qualification_id for q in person.qualifications]
        assert routes_between(G, person.current_role_id, person.target_role_id,
                              make_options(G, k=1, have=have)), person.email
    assert sum(len(p.qualifications) for p in people(loaded)) >= 30


def row_counts(session) -> dict[str, int]:
    return {model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Person, AuditEvent, *APPRENTICESHIP_MODELS)}


def test_loading_again_changes_nothing_and_the_graph_still_validates(loaded):
    before = row_counts(loaded)
    assert demo.load_demo(loaded) is False
    council = loaded.scalar(select(Organisation).where(Organisation.name == demo.COUNCIL))
    lnd = loaded.scalar(select(Person).where(Person.email == demo.LND_EMAIL))
    assert load_demo_cohorts(loaded, council, build_graph(loaded), actor=lnd) is False
    loaded.flush()
    assert row_counts(loaded) == before
    assert validate_document(load_document(loaded).active()).errors == []


def test_the_demo_needs_the_pathway_first(session):
    with pytest.raises(InvalidInput, match="load the pathway first"):
        demo.load_demo(session)


@pytest.fixture
def run(database_url):
    runner = CliRunner()

    def run(*args, env="development"):
        return runner.invoke(cli, list(args), catch_exceptions=False,
                             env={"DATABASE_URL": database_url, "PATHWAYS_ENV": env})
    return run


def test_seed_demo_prints_the_development_only_accounts_every_time(run):
    first = run("seed", "--if-empty", "--demo")
    assert first.exit_code == 0, first.output
    assert "Loaded the demo partnership." in first.output
    assert "development only" in first.output
    assert f"admin@northshire.example     Administrator               {demo.DEMO_PASSWORD}" \
        in first.output
    again = run("seed", "--if-empty", "--demo")
    assert "already holds a graph" in again.output and "already loaded" in again.output
    assert "staff@northshire.example" in again.output


def test_seed_demo_is_refused_in_production(run):
    result = run("seed", "--demo", env="production")
    assert result.exit_code == 0
    assert "PATHWAYS_ENV is production: the demo people were not loaded." in result.output
    assert "northshire.example" not in result.output


# The council's two apprenticeship cohorts, part-way through ------------------------------

SW_COHORT = "Social work degree apprenticeship 2025"
L3_COHORT = "Adult care Level 3 spring 2026"


def cohort_named(session, name) -> Cohort:
    return session.scalar(select(Cohort).where(Cohort.name == name))


def test_the_council_runs_a_social_work_and_an_adult_care_cohort(loaded):
    council = loaded.scalar(select(Organisation).where(Organisation.name == demo.COUNCIL))
    social_work, adult_care = cohort_named(loaded, SW_COHORT), cohort_named(loaded, L3_COHORT)
    assert {social_work.organisation_id, adult_care.organisation_id} == {council.id}
    expected = [
        (social_work, "Social work degree apprenticeship", "ST0510", "Northshire University",
         "university", "newly-qualified-social-worker", date(2025, 9, 1), date(2028, 8, 31)),
        (adult_care, "Lead adult care worker Level 3", "ST0006", "Northshire College",
         "college", "senior-care-worker", date(2026, 2, 2), date(2027, 8, 2)),
    ]
    for cohort, name, code, provider, kind, role, start, end in expected:
        programme = cohort.programme
        assert (programme.name, programme.qualification.standard_code, programme.provider_name,
                programme.provider_kind, programme.leads_to_role_id) == (name, code, provider,
                                                                         kind, role)
        assert (cohort.start_date, cohort.planned_end_date, cohort.budget_kind) == (start, end,
                                                                                    "levy")
        assert all(a.person.organisation_id == council.id for a in cohort.apprenticeships)
    assert len(social_work.apprenticeships) == 6 and len(adult_care.apprenticeships) == 8
    hours = sorted(float(a.weekly_hours) for a in social_work.apprenticeships)
    assert hours == [22.5] + [37.0] * 5
    assert all(30 <= a.weekly_hours <= 37.5 for a in adult_care.apprenticeships)


def test_one_social_work_apprentice_transferred_in_under_the_old_20_percent_rule(loaded):
    cohort = cohort_named(loaded, SW_COHORT)
    early = [a for a in cohort.apprenticeships if a.start_date < NEW_RULES_FROM]
    assert len(early) == 1
    transferred = early[0]
    assert transferred.start_date == date(2025, 3, 3) and transferred.funding_year == "2024/25"
    working = required_otj_hours(transferred.start_date, transferred.planned_end_date,
                                 float(transferred.weekly_hours))
    assert transferred.otj_required_hours == working.hours > 187
    assert "20% of weekly hours" in working.working[0]
    assert "Transferred in" in transferred.status_changes[0].reason
    later = [a for a in cohort.apprenticeships if a is not transferred]
    assert {a.funding_year for a in later} == {"2025/26"}
    assert {a.otj_required_hours for a in later} == {187}


def test_the_summaries_show_red_amber_and_green_apprentices(loaded):
    today = LOAD_DAY
    for name in (SW_COHORT, L3_COHORT):
        summary = cohort_summary(loaded, cohort_named(loaded, name), today)
        counts = summary.counts
        assert counts["red"] >= 1 and counts["amber"] >= 1 and counts["green"] >= 1, counts
        assert counts["green"] >= counts["red"] + counts["amber"], "most should be on track"
        red = [row for row in summary.apprentices if row.rag == "red"]
        assert all(row.otj_behind and row.review_overdue for row in red)
    rows = [row for name in (SW_COHORT, L3_COHORT)
            for row in cohort_summary(loaded, cohort_named(loaded, name), today).apprentices]
    behind_only = [row for row in rows if row.otj_behind and not row.review_overdue
                   and row.status == "active"]
    assert behind_only and all(row.rag == "amber" for row in behind_only)
    assert all(0.5 <= row.otj_logged / row.otj_expected < 0.9 for row in behind_only)
    assert any(row.days_since_review > 84 for row in rows)
    assert {row.status for row in rows} >= {"active", "break_in_learning", "withdrawn"}
    assert [row.rag for row in rows if row.status == "withdrawn"] == ["grey"]


def test_statuses_reviews_and_the_log_came_through_the_services(loaded):
    today = LOAD_DAY
    apprenticeships = loaded.scalars(select(Apprenticeship)).all()
    for apprenticeship in apprenticeships:
        history = apprenticeship.status_changes
        assert history[0].from_status is None and history[-1].to_status == apprenticeship.status
        for entry in apprenticeship.otj_entries:
            assert apprenticeship.start_date <= entry.worked_on <= today
            assert 3 <= entry.hours <= 7.5 and entry.activity in OTJ_ACTIVITIES
        held = [review.held_on for review in apprenticeship.reviews]
        assert all(0 < (b - a).days <= 84 for a, b in itertools.pairwise(held))
        assert all(apprenticeship.start_date <= day <= today for day in held)
    paused = [a for a in apprenticeships if a.status == "break_in_learning"]
    assert len(paused) == 1 and paused[0].status_changes[-1].reason
    states = Counter(entry.state for a in apprenticeships for entry in a.otj_entries)
    assert states["approved"] > states["submitted"] > 0 and states["queried"] == 2
    queried = [e for a in apprenticeships for e in a.otj_entries if e.state == "queried"]
    assert all(entry.query_note for entry in queried)
    actions = Counter(loaded.scalars(select(AuditEvent.action)))
    assert actions["log_otj"] == sum(states.values())
    assert actions["enrol"] == len(apprenticeships) and actions["status"] == 2
    assert actions["review"] == loaded.scalar(select(func.count()).select_from(ProgressReview))


def test_social_work_placements_have_educators_but_one_current_placement_has_none(loaded):
    today = LOAD_DAY
    cohort = cohort_named(loaded, SW_COHORT)
    all_placements = loaded.scalars(select(Placement)).all()
    assert {p.apprenticeship.cohort_id for p in all_placements} == {cohort.id}
    missing = [p for p in all_placements if p.educator is None and p.end_date >= today]
    assert len(missing) == 1 and missing[0].start_date <= today
    assert any(p.end_date < today for p in all_placements), "a first placement has ended"
    summary = cohort_summary(loaded, cohort, today)
    assert [row.apprenticeship_id for row in summary.apprentices if row.missing_educator] == [
        missing[0].apprenticeship_id]
    educators = {p.educator for p in all_placements if p.educator is not None}
    assert len(educators) == 3
    for educator in educators:
        assert {"peps-stage-1", "peps-stage-2"} & {q.qualification_id
                                                  for q in educator.qualifications}
        capacity = capacity_of(loaded, educator)
        assert 1 <= capacity <= 2
        mine = [p for p in all_placements if p.educator_id == educator.id]
        for placement in mine:
            assert overlapping_load(loaded, educator, placement.start_date,
                                    placement.end_date) <= capacity


def test_every_post_state_matches_its_apprenticeship(loaded):
    all_posts = loaded.scalars(select(Post)).all()
    assert {p.reference for p in all_posts} >= {"SW-2028-01", "SW-2028-04", "SCW-01"}
    for post in all_posts:
        apprenticeship = post.apprenticeship
        if post.state == "vacant":
            assert apprenticeship is None, post.reference
        else:
            assert post.state == "reserved" and apprenticeship.status != "withdrawn"
            assert apprenticeship.cohort.organisation_id == post.organisation_id
            assert apprenticeship.guaranteed_role_id == post.role_id
            assert apprenticeship.cohort.programme.leads_to_role_id == post.role_id
    assert len([p for p in all_posts if p.state == "vacant"]) >= 2
    withdrawn = loaded.scalars(select(Apprenticeship).filter_by(status="withdrawn")).all()
    assert len(withdrawn) == 1 and withdrawn[0].post is None
    released = loaded.scalars(select(AuditEvent.summary).filter_by(action="post_vacant")).all()
    assert len(released) == 1 and "reserved to vacant" in released[0]
    points = qualifiers_by_month(loaded, cohort_named(loaded, SW_COHORT))
    assert any(point.second < point.first for point in points), "some qualify without a post"


@pytest.mark.parametrize("today", [date(2026, 3, 2), date(2027, 7, 20)])
def test_the_cohorts_look_part_way_through_whenever_the_demo_is_loaded(session, today):
    seed.load_pathway(session)
    demo.load_demo(session, today=today)
    for name in (SW_COHORT, L3_COHORT):
        counts = cohort_summary(session, cohort_named(session, name), today).counts
        assert counts["amber"] >= 1 and counts["green"] >= 1, (name, counts)
        assert counts["red"] >= 1 or (name == L3_COHORT and today < date(2026, 5, 1)), counts
    assert not session.scalars(select(OtjEntry).where(OtjEntry.worked_on > today)).all()


# Champions, mentoring, a development conversation, shadowing and career stories -----------

from pathways.mentoring import conversations, shadowing, stories  # noqa: E402
from pathways.mentoring.matching import match_champions  # noqa: E402
from pathways.mentoring.sessions import caseload  # noqa: E402
from pathways.models import (  # noqa: E402
    CareerStory,
    ChampionProfile,
    DevelopmentAction,
    DevelopmentConversation,
    MentoringAction,
    MentoringSession,
    ShadowingPlace,
    ShadowingRequest,
)
from seed.demo_mentoring import load_demo_mentoring  # noqa: E402

MENTORING_MODELS = (ChampionProfile, ChampionPairing, MentoringSession, MentoringAction,
                    DevelopmentConversation, DevelopmentAction, ShadowingPlace,
                    ShadowingRequest, CareerStory, AuditEvent, OtjEntry, Person)


def person_named(session, email) -> Person:
    return session.scalar(select(Person).where(Person.email == email))


def test_champions_across_the_partnership_have_profiles_the_role_and_real_routes(loaded):
    G = build_graph(loaded)
    profiles = loaded.scalars(select(ChampionProfile)).all()
    champions = [profile.person for profile in profiles]
    assert 4 <= len(profiles) <= 5
    assert "champion@northshire.example" in {c.email for c in champions}
    assert len({c.organisation_id for c in champions}) >= 3
    assert all(c.has_role("champion") for c in champions)
    assert [p.person.email for p in profiles if p.open_to_partnership] == [
        "ian.walker@meadowside.example"]
    for profile in profiles:
        assert 2 <= profile.capacity <= 4 and profile.specialisms and profile.availability
        held = profile.roles_held
        assert len(held) >= 2 and held[-1] == profile.person.current_role_id
        assert all(G.nodes[role]["kind"] == "role" for role in held)
        for earlier, later in itertools.pairwise(held):
            assert routes_between(G, earlier, later, make_options(G, k=1)), (earlier, later)


def test_staff_are_matched_with_champions_and_told_why(loaded):
    G = build_graph(loaded)
    staff = person_named(loaded, "staff@northshire.example")
    matches = match_champions(loaded, G, staff)
    assert len(matches) >= 2
    assert all(m.reasons and m.active_mentees < m.capacity for m in matches)
    assert "champion@northshire.example" not in {m.champion.email for m in matches}, \
        "already paired"
    assert any("Specialises in social work." in m.reasons for m in matches)
    assert any("in your partnership" in m.reasons[0] for m in matches)


def test_active_pairings_have_an_agreement_and_past_sessions_with_actions(loaded):
    today = LOAD_DAY
    active = loaded.scalars(select(ChampionPairing).filter_by(status="active")).all()
    assert len(active) >= 6
    for pairing in active:
        assert pairing.goals and pairing.meeting_frequency and pairing.agreed_until > today
        assert pairing.responded_at is not None and pairing.responded_at.date() < today
        held = loaded.scalars(select(MentoringSession).filter_by(pairing_id=pairing.id)).all()
        assert 1 <= len(held) <= 3, pairing.person.email
        assert all(s.held_on < today and s.private_notes and s.topics and s.actions
                   for s in held)
    by_flow = [p for p in active if p.requested_at is not None]
    assert len(by_flow) >= 4 and all(p.request_message for p in by_flow)
    assert {p.person.organisation_id for p in by_flow} != {p.champion.organisation_id
                                                           for p in by_flow}
    actions = loaded.scalars(select(MentoringAction)).all()
    done = [a for a in actions if a.done_on is not None]
    overdue = [a for a in actions if a.done_on is None and a.due_on < today]
    assert len(done) >= 5 and all(a.session.held_on <= a.done_on < today for a in done)
    assert len(overdue) == 1 and overdue[0].session.pairing.person.email == \
        "staff@northshire.example"
    audited = Counter(loaded.scalars(select(AuditEvent.action)))
    assert audited["champion_request"] == len(by_flow) + 1
    assert audited["champion_accept"] == len(active)
    assert audited["mentoring_session"] == loaded.scalar(
        select(func.count()).select_from(MentoringSession))


def test_one_session_counts_as_off_the_job_mentoring_for_an_apprentice(loaded):
    counted = loaded.scalars(select(MentoringSession).where(
        MentoringSession.otj_entry_id.is_not(None))).all()
    assert len(counted) == 1
    entry = loaded.get(OtjEntry, counted[0].otj_entry_id)
    assert entry.activity == "mentoring" and entry.state == "approved"
    assert entry.worked_on == counted[0].held_on and entry.hours == 3
    assert entry.apprenticeship.person_id == counted[0].pairing.person_id


def test_the_champion_has_a_request_waiting_and_a_caseload_to_follow_up(loaded):
    champion = person_named(loaded, "champion@northshire.example")
    waiting = loaded.scalars(select(ChampionPairing).filter_by(
        champion_id=champion.id, status="requested")).all()
    assert len(waiting) == 1 and waiting[0].request_message
    assert waiting[0].requested_at.date() < LOAD_DAY < waiting[0].respond_by
    entries = caseload(loaded, champion, LOAD_DAY)
    assert len(entries) == 3
    assert any(e.follow_up_overdue for e in entries) and any(e.overdue_actions for e in entries)


def test_staff_have_a_development_conversation_with_their_manager(loaded):
    staff = person_named(loaded, "staff@northshire.example")
    manager = person_named(loaded, "manager@northshire.example")
    latest = conversations.latest_conversation(loaded, staff)
    assert latest is not None and latest.manager_id == manager.id
    assert manager.has_role("manager") and manager.team_id == staff.team_id
    assert latest.held_on < LOAD_DAY < latest.review_on
    assert latest.target_role_id == staff.target_role_id and latest.aspirations
    assert {a.kind for a in latest.actions} >= {"shadowing", "course"}
    assert all(a.due_on > LOAD_DAY for a in latest.actions)


def test_shadowing_places_are_open_with_a_request_waiting_and_a_reflection_written(loaded):
    today = LOAD_DAY
    staff = person_named(loaded, "staff@northshire.example")
    places = loaded.scalars(select(ShadowingPlace)).all()
    assert 3 <= len(places) <= 4
    assert {p.role_id for p in places} >= {"social-worker", "occupational-therapist",
                                           "registered-manager"}
    assert [p.role_id for p in shadowing.open_places(loaded, "social-worker", staff, today)] \
        == ["social-worker"]
    provider_worker = person_named(loaded, "hannah.boyd@meadowside.example")
    across = shadowing.open_places(loaded, "occupational-therapist", provider_worker, today)
    assert len(across) == 1 and across[0].open_to_partnership
    assert shadowing.open_places(loaded, "registered-manager", today=today)
    pending = loaded.scalars(select(ShadowingRequest).filter_by(status="requested")).all()
    assert [r.person.email for r in pending] == ["staff@northshire.example"]
    assert pending[0].place.role_id == "social-worker"
    completed = loaded.scalars(select(ShadowingRequest).filter_by(status="completed")).all()
    assert len(completed) == 1
    reflected = completed[0]
    assert reflected.reflection and reflected.still_my_goal is True
    assert reflected.decided_at.date() < today and reflected.place.starts_on < today
    decider = loaded.get(Person, reflected.decided_by_id)
    assert decider.has_role("manager") and decider.team_id == reflected.person.team_id


MAIN_ROUTES = (
    {"care-worker", "senior-care-worker", "registered-manager"},
    {"care-worker", "social-work-degree-apprenticeship", "social-worker"},
    {"healthcare-support-worker", "nursing-associate", "registered-nurse-care-home"},
    {"support-worker", "ot-degree-apprenticeship", "occupational-therapist"},
    {"social-worker", "peps-stage-1", "practice-educator", "senior-practitioner"},
)


def test_at_least_five_consented_stories_are_published_along_the_main_routes(loaded):
    G = build_graph(loaded)
    lnd = person_named(loaded, demo.LND_EMAIL)
    published = stories.published_stories(loaded)
    assert len(published) >= 5
    assert len({s.person_id for s in published}) == len(published)
    for story in published:
        nodes = story.node_ids
        assert len(nodes) >= 2 and all(node in G for node in nodes), story.title
        years = [step["year"] for step in story.route]
        assert years == sorted(years) and years[0] >= 2000 and years[-1] <= LOAD_DAY.year
        assert story.consented_at is not None and story.approved_by_id == lnd.id
        assert story.consented_at <= story.approved_at
        assert 100 <= len(story.body.split()) <= 200
        assert story.person.current_role_id in nodes, "the route ends in their job"
    for route in MAIN_ROUTES:
        assert any(route <= set(s.node_ids) for s in published), route
    for email in ("marta.silva@larchhouse.example", "nadia.rahman@northshire.example"):
        assert any(s.person.email == email for s in stories.published_stories(
            loaded, person_named(loaded, email).current_role_id))


def test_a_withdrawn_story_is_not_published(loaded):
    withdrawn = loaded.scalars(select(CareerStory).filter_by(status="withdrawn")).all()
    assert len(withdrawn) == 1
    assert withdrawn[0].consented_at is None and withdrawn[0].withdrawn_at is not None
    assert withdrawn[0].id not in {s.id for s in stories.published_stories(loaded)}
    for node in withdrawn[0].node_ids:
        assert withdrawn[0] not in stories.published_stories(loaded, node)


def mentoring_counts(session) -> dict[str, int]:
    return {model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in MENTORING_MODELS}


def test_loading_the_mentoring_again_changes_nothing(loaded):
    before = mentoring_counts(loaded)
    assert demo.load_demo(loaded, today=LOAD_DAY) is False
    lnd = person_named(loaded, demo.LND_EMAIL)
    assert load_demo_mentoring(loaded, build_graph(loaded), lnd=lnd, today=LOAD_DAY) is False
    loaded.flush()
    assert mentoring_counts(loaded) == before


def test_the_mentoring_is_the_same_whenever_the_demo_is_loaded(session):
    """Dates move with the day of loading; what happened and when, relative to it, does not."""
    day = date(2027, 3, 10)
    seed.load_pathway(session)
    demo.load_demo(session, today=day)
    held = sorted((day - s.held_on).days for s in session.scalars(select(MentoringSession)))
    counted = session.scalars(select(MentoringSession).where(
        MentoringSession.otj_entry_id.is_not(None))).all()
    assert held[0] > 0 and len(held) == 16 and len(counted) == 1
    assert all(a.due_on >= a.session.held_on for a in session.scalars(select(MentoringAction)))
    assert len(stories.published_stories(session)) >= 5
