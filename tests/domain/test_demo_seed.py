"""The demo partnership: loaded by the staff import, one account per kind of user, two
apprenticeship cohorts part-way through (made through the services), idempotent.

The demo is dated relative to the day it is loaded, so what it shows must hold whatever that
day: the tests of what the demo shows run on several load days (``LOAD_DAYS``: the suite's
frozen day, the day the old fixed-date demo first showed "past end", a 29 February, a
31 January and a day years ahead), with every expected date worked out from the load day.
Each day's demo is a template (``tests.recipes.demo_on``) loaded once per run that each test
gets a copy of: on both engines for today's, on SQLite for the other days.
"""

import itertools
from collections import Counter
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

import seed
from pathways import clock
from pathways.apprenticeships.placements import capacity_of, overlapping_load
from pathways.apprenticeships.progress import cohort_summary, qualifiers_by_month
from pathways.apprenticeships.rules import NEW_RULES_FROM, funding_rule_year, required_otj_hours
from pathways.cli import cli
from pathways.db import make_engine, make_session_factory
from pathways.document import load_document
from pathways.errors import InvalidInput
from pathways.mentoring import conversations, shadowing, stories
from pathways.mentoring.matching import match_champions
from pathways.mentoring.sessions import caseload
from pathways.models import (
    APPRENTICESHIP_MODELS,
    OTJ_ACTIVITIES,
    Apprenticeship,
    AuditEvent,
    CareerStory,
    ChampionPairing,
    ChampionProfile,
    Cohort,
    CourseBooking,
    CourseSession,
    DevelopmentAction,
    DevelopmentConversation,
    MentoringAction,
    MentoringSession,
    Organisation,
    OtjEntry,
    Person,
    Placement,
    Post,
    Programme,
    ProgressReview,
    ShadowingPlace,
    ShadowingRequest,
    TrainingLatest,
    TrainingRecord,
    TrainingRequirement,
)
from pathways.options import make_options
from pathways.people.accounts import password_problems, verify_password
from pathways.policy import can_edit_graph, can_view_person
from pathways.routes import routes_between
from pathways.snapshot import build_graph
from pathways.training.compliance import compliance_report, partnership_summary
from pathways.training.status import TrainingStatus
from pathways.training.summary import summary_page
from pathways.validation import validate_document
from seed import demo
from seed.demo_cohorts import load_demo_cohorts
from seed.demo_dates import on, render
from seed.demo_mentoring import load_demo_mentoring
from tests.recipes import DEMO, demo_on

#: The days the demo is loaded on: the suite's (frozen) today; 15 August 2027, when the demo's
#: old fixed dates first showed a cohort "past end"; a 29 February; a 31 January (months
#: clamp at both); and a day years ahead.
LOAD_DAYS = (clock.today(), date(2027, 8, 15), date(2028, 2, 29), date(2030, 1, 31),
             date(2031, 2, 28))


@contextmanager
def demo_session(url: str):
    """A session on ``url`` (a copy of a demo template), closed and disposed of afterwards."""
    engine = make_engine(url)
    session = make_session_factory(engine)()
    try:
        yield session
    finally:
        session.close()
        engine.dispose()


@pytest.fixture
def loaded(database_for):
    """A database holding the real pathway and the demo partnership, loaded today."""
    with demo_session(database_for(DEMO)) as session:
        yield session


@pytest.fixture(params=LOAD_DAYS, ids=str)
def day(request) -> date:
    """The day the demo was loaded on (see ``on_day``)."""
    return request.param


@pytest.fixture
def on_day(database_templates, day, tmp_path):
    """A database holding the real pathway and the demo, loaded on ``day``.

    On SQLite only: what changes with the load day is date arithmetic in Python, the same on
    both engines; the demo loaded today (``loaded``) runs on both.
    """
    with demo_session(database_templates.copy("sqlite", demo_on(day), tmp_path)) as session:
        yield session


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
    # Whether a hash is of the password depends on the two alone, and Argon2 is slow on
    # purpose (the demo gives every account one hash): each distinct hash is checked once.
    verified: dict[str, bool] = {}
    for account, kind in zip(accounts, kinds):
        person = loaded.scalar(select(Person).where(Person.email == account.email))
        assert person.has_role(kind) and person.active
        if person.password_hash not in verified:
            verified[person.password_hash] = verify_password(person, demo.DEMO_PASSWORD)
        assert verified[person.password_hash]
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
    assert can_edit_graph(lnd) and not can_edit_graph(admin)  # the L&D lead keeps the map
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


MENTORING_MODELS = (ChampionProfile, ChampionPairing, MentoringSession, MentoringAction,
                    DevelopmentConversation, DevelopmentAction, ShadowingPlace,
                    ShadowingRequest, CareerStory, OtjEntry)


def row_counts(session) -> dict[str, int]:
    return {model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Person, AuditEvent, *APPRENTICESHIP_MODELS, *MENTORING_MODELS)}


def test_loading_the_demo_twice_changes_nothing_and_the_graph_still_validates(session):
    """On every engine: loaded with the default day (today), then again, then each part."""
    seed.load_pathway(session)
    assert demo.load_demo(session) is True
    session.commit()
    before = row_counts(session)
    assert before["apprenticeships"] == 14 and before["mentoring_sessions"] == 16
    assert demo.load_demo(session) is False
    council = session.scalar(select(Organisation).where(Organisation.name == demo.COUNCIL))
    lnd = session.scalar(select(Person).where(Person.email == demo.LND_EMAIL))
    assert load_demo_cohorts(session, council, build_graph(session), actor=lnd) is False
    assert load_demo_mentoring(session, build_graph(session), lnd=lnd) is False
    session.flush()
    assert row_counts(session) == before
    assert validate_document(load_document(session).active()).errors == []
    social_work = session.scalar(select(Cohort).join(Cohort.programme).where(
        Programme.name == "Social work degree apprenticeship"))
    assert social_work.start_date == clock.today() - relativedelta(months=14), \
        "loaded on pathways.clock.today() by default"


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


# Dates relative to the load day -----------------------------------------------------------


@pytest.mark.parametrize(("value", "today", "expected"), [
    ("-14m", date(2030, 1, 31), date(2028, 11, 30)),  # months clamp to the month's end
    ("+1m", date(2027, 1, 31), date(2027, 2, 28)),
    ("-1y", date(2028, 2, 29), date(2027, 2, 28)),
    ("+22m-1d", date(2028, 2, 29), date(2029, 12, 28)),
    ("-4y2m", date(2026, 11, 24), date(2022, 9, 24)),
    ("+7d", date(2028, 2, 29), date(2028, 3, 7)),
    ("-2w", date(2030, 1, 31), date(2030, 1, 17)),
    ("+0d", date(2031, 2, 28), date(2031, 2, 28)),
    ("2025-03-03", date(2031, 2, 28), date(2025, 3, 3)),  # a fixed date in history
])
def test_demo_dates_are_offsets_from_the_load_day(value, today, expected):
    assert on(value, today) == expected


@pytest.mark.parametrize("value", ["14", "-14", "m", "-14x", "+1m+", "2025-3-3", ""])
def test_a_demo_date_must_be_an_offset_or_an_iso_date(value):
    with pytest.raises(ValueError):
        on(value, date(2026, 11, 24))


def test_names_carry_the_years_of_the_load_day():
    assert render("Adult care Level 4 {-10m:%B %Y}", date(2028, 2, 29)) == \
        "Adult care Level 4 April 2027"
    assert render("SW-{+22m-1d:%Y}-01 and {not a date}", date(2030, 1, 31)) == \
        "SW-2031-01 and {not a date}"


def every_date(session) -> dict[str, list[date]]:
    """Every date the demo holds, by what it is."""
    dates = {
        "role starts": session.scalars(select(Person.role_start_date).where(
            Person.role_start_date.is_not(None))).all(),
        "off-the-job entries": session.scalars(select(OtjEntry.worked_on)).all(),
        "reviews": session.scalars(select(ProgressReview.held_on)).all(),
        "mentoring sessions": session.scalars(select(MentoringSession.held_on)).all(),
        "conversations": session.scalars(select(DevelopmentConversation.held_on)).all(),
        "status changes": [change.effective_on for a in session.scalars(select(Apprenticeship))
                           for change in a.status_changes],
        "training records": session.scalars(select(TrainingRecord.completed_on)).all(),
    }
    for story in session.scalars(select(CareerStory)):
        dates["stories"] = [*dates.get("stories", []), *(
            stamp.date() for stamp in (story.consented_at, story.approved_at, story.withdrawn_at)
            if stamp is not None)]
    return dates


def test_nothing_in_the_demo_happened_after_the_day_it_was_loaded(on_day, day):
    for kind, dates in every_date(on_day).items():
        assert dates and max(dates) <= day, kind
    roles_started = every_date(on_day)["role starts"]
    assert min(roles_started) >= day - relativedelta(years=12), "role starts move too"


def test_the_demo_is_the_same_relative_to_whichever_day_it_is_loaded(on_day, day, loaded):
    """Dates move with the day of loading; what happened and when, relative to it, does not."""
    today = clock.today()

    def sessions_ago(session, when):
        return sorted((p.person.email, (when - s.held_on).days)
                      for p in session.scalars(select(ChampionPairing))
                      for s in session.scalars(select(MentoringSession).filter_by(
                          pairing_id=p.id)))

    def moves_ago(session, when):
        return sorted((a.person.email, c.to_status, (when - c.effective_on).days)
                      for a in session.scalars(select(Apprenticeship))
                      for c in a.status_changes[1:])
    assert sessions_ago(on_day, day) == sessions_ago(loaded, today)
    assert moves_ago(on_day, day) == moves_ago(loaded, today)
    assert row_counts(on_day)["apprenticeships"] == row_counts(loaded)["apprenticeships"]
    assert len(sessions_ago(on_day, day)) == 16 and sessions_ago(on_day, day)[0][1] > 0


# The council's two apprenticeship cohorts, part-way through ------------------------------

SW_PROGRAMME = "Social work degree apprenticeship"
L3_PROGRAMME = "Lead practitioner in adult care Level 4"


def cohort_of(session, programme) -> Cohort:
    return session.scalar(select(Cohort).join(Cohort.programme).where(
        Programme.name == programme))


def both_cohorts(session) -> tuple[Cohort, Cohort]:
    return cohort_of(session, SW_PROGRAMME), cohort_of(session, L3_PROGRAMME)


def about(day: date, other: date, months: int) -> bool:
    """Whether ``day`` is ``months`` after ``other``, give or take the days months clamp
    by at their ends (both are offsets from the load day: ``+28m-1d`` and ``+22m-1d``)."""
    return abs((other + relativedelta(months=months) - day).days) <= 3


def test_the_council_runs_a_social_work_and_an_adult_care_cohort_part_way_through(on_day, day):
    council = on_day.scalar(select(Organisation).where(Organisation.name == demo.COUNCIL))
    social_work, adult_care = both_cohorts(on_day)
    assert {social_work.organisation_id, adult_care.organisation_id} == {council.id}
    sw_start, l3_start = day - relativedelta(months=14), day - relativedelta(months=10)
    expected = [
        (social_work, f"Social work degree apprenticeship {sw_start.year}", "ST0510",
         "Northshire University", "university", "newly-qualified-social-worker", sw_start,
         day + relativedelta(months=22, days=-1)),
        (adult_care, f"Adult care Level 4 {l3_start:%B %Y}", "ST0007", "Northshire College",
         "college", "lead-practitioner", l3_start, day + relativedelta(months=8)),
    ]
    for cohort, name, code, provider, kind, role, start, end in expected:
        programme = cohort.programme
        assert (programme.qualification.standard_code, programme.provider_name,
                programme.provider_kind, programme.leads_to_role_id) == (code, provider, kind,
                                                                         role)
        assert (cohort.name, cohort.start_date, cohort.planned_end_date,
                cohort.budget_kind) == (name, start, end, "levy")
        assert cohort.start_date >= NEW_RULES_FROM, "the cohorts start under today's rules"
        assert 0.3 < (day - start).days / (end - start).days < 0.7, "part-way through"
        assert all(a.person.organisation_id == council.id for a in cohort.apprenticeships)
    assert len(social_work.apprenticeships) == 6 and len(adult_care.apprenticeships) == 8
    hours = sorted(float(a.weekly_hours) for a in social_work.apprenticeships)
    assert hours == [22.5] + [37.0] * 5
    part_time = next(a for a in social_work.apprenticeships if a.weekly_hours == 22.5)
    assert about(part_time.planned_end_date, social_work.planned_end_date, months=6)
    assert all(30 <= a.weekly_hours <= 37.5 for a in adult_care.apprenticeships)
    assert all(a.planned_end_date > day for a in (*social_work.apprenticeships,
                                                  *adult_care.apprenticeships))


def test_one_social_work_apprentice_transferred_in_under_the_old_20_percent_rule(on_day, day):
    cohort = cohort_of(on_day, SW_PROGRAMME)
    early = [a for a in cohort.apprenticeships if a.start_date < NEW_RULES_FROM]
    assert len(early) == 1
    transferred = early[0]
    # The one date fixed in history: the old rules go by the start date (seed.demo_cohorts).
    assert transferred.start_date == date(2025, 3, 3) and transferred.funding_year == "2024/25"
    assert about(transferred.planned_end_date, cohort.planned_end_date, months=-6)
    assert transferred.planned_end_date > day
    working = required_otj_hours(transferred.start_date, transferred.planned_end_date,
                                 float(transferred.weekly_hours))
    assert transferred.otj_required_hours == working.hours > 187
    assert "20% of weekly hours" in working.working[0]
    assert "Transferred in" in transferred.status_changes[0].reason
    later = [a for a in cohort.apprenticeships if a is not transferred]
    assert {a.start_date for a in later} == {cohort.start_date}
    assert {a.funding_year for a in later} == {funding_rule_year(cohort.start_date)}
    assert {a.otj_required_hours for a in later} == {187}


#: What each demo profile (``seed/demo/apprentices.csv``) shows on the dashboard.
RAG_OF_PROFILE = {"on_track": "green", "otj_behind": "amber", "review_overdue": "amber",
                  "behind_and_overdue": "red", "break_in_learning": "green",
                  "withdrawn": "grey"}


def test_the_summaries_show_red_amber_and_green_apprentices(on_day, day):
    profiles = {row["email"]: row["profile"] for row in seed.demo_cohorts.rows(
        "apprentices.csv", day)}
    rows = []
    for cohort in both_cohorts(on_day):
        summary = cohort_summary(on_day, cohort, day)
        counts = summary.counts
        assert counts["red"] >= 1 and counts["amber"] >= 1 and counts["green"] >= 1, counts
        assert counts["green"] >= counts["red"] + counts["amber"], "most should be on track"
        rows += summary.apprentices
    assert {row.email: row.rag for row in rows} == {
        email: RAG_OF_PROFILE[profile] for email, profile in profiles.items()}
    for row in (row for row in rows if row.status != "withdrawn"):
        profile = profiles[row.email]
        assert row.otj_behind == (profile in {"otj_behind", "behind_and_overdue"}), row.email
        assert row.review_overdue == (profile in {"review_overdue", "behind_and_overdue"})
        assert not row.past_end
    behind_only = [row for row in rows if row.otj_behind and not row.review_overdue]
    assert behind_only and all(0.5 <= row.otj_logged / row.otj_expected < 0.9
                               for row in behind_only)
    assert all(row.days_since_review > 84 for row in rows if row.review_overdue)
    assert {row.status for row in rows} == {"active", "break_in_learning", "withdrawn"}


def test_reviews_are_due_ahead_except_for_the_overdue(on_day, day):
    for cohort in both_cohorts(on_day):
        for row in cohort_summary(on_day, cohort, day).apprentices:
            if row.status != "active":
                continue
            apprenticeship = on_day.get(Apprenticeship, row.apprenticeship_id)
            last = max(apprenticeship.reviews, key=lambda review: review.held_on)
            assert last.next_review_on == last.held_on + timedelta(days=84)
            if row.review_overdue:
                assert last.next_review_on < day - timedelta(days=10), row.email
            else:
                assert day <= last.next_review_on <= day + timedelta(days=84), row.email


def test_statuses_reviews_and_the_log_came_through_the_services(on_day, day):
    apprenticeships = on_day.scalars(select(Apprenticeship)).all()
    for apprenticeship in apprenticeships:
        history = apprenticeship.status_changes
        assert history[0].from_status is None and history[-1].to_status == apprenticeship.status
        for entry in apprenticeship.otj_entries:
            assert apprenticeship.start_date <= entry.worked_on <= day
            assert 3 <= entry.hours <= 7.5 and entry.activity in OTJ_ACTIVITIES
        held = [review.held_on for review in apprenticeship.reviews]
        assert all(0 < (b - a).days <= 84 for a, b in itertools.pairwise(held))
        assert all(apprenticeship.start_date <= held_on <= day for held_on in held)
    paused = [a for a in apprenticeships if a.status == "break_in_learning"]
    assert len(paused) == 1 and paused[0].status_changes[-1].reason
    assert paused[0].status_changes[-1].effective_on == day - timedelta(days=24)
    withdrawn = [a for a in apprenticeships if a.status == "withdrawn"]
    assert withdrawn[0].status_changes[-1].effective_on == day - timedelta(days=120)
    states = Counter(entry.state for a in apprenticeships for entry in a.otj_entries)
    assert states["approved"] > states["submitted"] > 0 and states["queried"] == 2
    queried = [e for a in apprenticeships for e in a.otj_entries if e.state == "queried"]
    assert all(entry.query_note and entry.worked_on >= day - timedelta(days=35)
               for entry in queried)
    actions = Counter(on_day.scalars(select(AuditEvent.action)))
    assert actions["log_otj"] == sum(states.values())
    assert actions["enrol"] == len(apprenticeships) and actions["status"] == 2
    assert actions["review"] == on_day.scalar(select(func.count()).select_from(ProgressReview))


def test_two_university_students_are_placed_and_the_ot_one_has_no_educator(on_day, day):
    placed = on_day.scalars(select(Placement).where(Placement.student_id.is_not(None))
                            .order_by(Placement.start_date)).all()
    assert [(p.student.qualification_id, p.educator is not None) for p in placed] == [
        ("social-work-degree-university", True), ("ot-degree-university", False)]
    assert placed[0].start_date <= day <= placed[0].end_date < placed[1].end_date


def test_social_work_placements_have_educators_but_one_current_placement_has_none(on_day, day):
    cohort = cohort_of(on_day, SW_PROGRAMME)
    all_placements = on_day.scalars(select(Placement).where(
        Placement.apprenticeship_id.is_not(None))).all()
    assert len(all_placements) == 11
    assert {p.apprenticeship.cohort_id for p in all_placements} == {cohort.id}
    missing = [p for p in all_placements if p.educator is None and p.end_date >= day]
    assert len(missing) == 1 and missing[0].start_date <= day
    assert any(p.end_date < day for p in all_placements), "a first placement has ended"
    before_transfer = [p for p in all_placements if p.end_date < cohort.start_date]
    assert len(before_transfer) == 1 and before_transfer[0].start_date < NEW_RULES_FROM
    summary = cohort_summary(on_day, cohort, day)
    assert [row.apprenticeship_id for row in summary.apprentices if row.missing_educator] == [
        missing[0].apprenticeship_id]
    educators = {p.educator for p in all_placements if p.educator is not None}
    assert len(educators) == 3
    for educator in educators:
        assert {"peps-stage-1", "peps-stage-2"} & {q.qualification_id
                                                  for q in educator.qualifications}
        capacity = capacity_of(on_day, educator)
        assert 1 <= capacity <= 2
        mine = [p for p in all_placements if p.educator_id == educator.id]
        for placement in mine:
            assert overlapping_load(on_day, educator, placement.start_date,
                                    placement.end_date) <= capacity


def test_every_post_state_matches_its_apprenticeship(on_day):
    all_posts = on_day.scalars(select(Post)).all()
    qualifying = cohort_of(on_day, SW_PROGRAMME).planned_end_date.year
    assert {p.reference for p in all_posts} >= {f"SW-{qualifying}-01", f"SW-{qualifying}-04",
                                                "LP-01"}
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
    withdrawn = on_day.scalars(select(Apprenticeship).filter_by(status="withdrawn")).all()
    assert len(withdrawn) == 1 and withdrawn[0].post is None
    released = on_day.scalars(select(AuditEvent.summary).filter_by(action="post_vacant")).all()
    assert len(released) == 1 and "reserved to vacant" in released[0]
    points = qualifiers_by_month(on_day, cohort_of(on_day, SW_PROGRAMME))
    assert any(point.second < point.first for point in points), "some qualify without a post"


# Champions, mentoring, a development conversation, shadowing and career stories -----------


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


def test_active_pairings_have_an_agreement_and_past_sessions_with_actions(on_day, day):
    active = on_day.scalars(select(ChampionPairing).filter_by(status="active")).all()
    assert len(active) == 8
    follow_up_overdue = []
    for pairing in active:
        assert pairing.goals and pairing.meeting_frequency and pairing.agreed_until > day
        assert pairing.responded_at is not None and pairing.responded_at.date() < day
        held = on_day.scalars(select(MentoringSession).filter_by(pairing_id=pairing.id)).all()
        assert 1 <= len(held) <= 3, pairing.person.email
        assert all(s.held_on < day and s.private_notes and s.topics and s.actions
                   for s in held)
        next_on = max(held, key=lambda s: s.held_on).next_session_on
        if next_on < day:
            follow_up_overdue.append(pairing.person.email)
        else:
            assert next_on <= day + timedelta(days=14), "the next session is near"
    assert follow_up_overdue == ["kwame.mensah@northshire.example"]
    by_flow = [p for p in active if p.requested_at is not None]
    assert len(by_flow) >= 4 and all(p.request_message for p in by_flow)
    assert {p.person.organisation_id for p in by_flow} != {p.champion.organisation_id
                                                           for p in by_flow}
    actions = on_day.scalars(select(MentoringAction)).all()
    done = [a for a in actions if a.done_on is not None]
    overdue = [a for a in actions if a.done_on is None and a.due_on < day]
    assert len(done) >= 5 and all(a.session.held_on <= a.done_on < day for a in done)
    assert len(overdue) == 1 and overdue[0].session.pairing.person.email == \
        "staff@northshire.example"
    assert all(a.due_on > day for a in actions if a.done_on is None and a not in overdue)
    audited = Counter(on_day.scalars(select(AuditEvent.action)))
    assert audited["champion_request"] == len(by_flow) + 1
    assert audited["champion_accept"] == len(active)
    assert audited["mentoring_session"] == on_day.scalar(
        select(func.count()).select_from(MentoringSession))


def test_one_session_counts_as_off_the_job_mentoring_for_an_apprentice(on_day, day):
    counted = on_day.scalars(select(MentoringSession).where(
        MentoringSession.otj_entry_id.is_not(None))).all()
    assert len(counted) == 1
    entry = on_day.get(OtjEntry, counted[0].otj_entry_id)
    assert entry.activity == "mentoring" and entry.state == "approved"
    assert entry.worked_on == counted[0].held_on and entry.hours == 3
    assert entry.apprenticeship.person_id == counted[0].pairing.person_id
    assert entry.apprenticeship.start_date <= entry.worked_on < day


def test_the_champion_has_a_request_waiting_and_a_caseload_to_follow_up(on_day, day):
    champion = person_named(on_day, "champion@northshire.example")
    waiting = on_day.scalars(select(ChampionPairing).filter_by(
        champion_id=champion.id, status="requested")).all()
    assert len(waiting) == 1 and waiting[0].request_message
    assert waiting[0].requested_at.date() < day < waiting[0].respond_by
    entries = caseload(on_day, champion, day)
    assert len(entries) == 3
    assert any(e.follow_up_overdue for e in entries) and any(e.overdue_actions for e in entries)


def test_staff_have_a_development_conversation_with_their_manager(on_day, day):
    staff = person_named(on_day, "staff@northshire.example")
    manager = person_named(on_day, "manager@northshire.example")
    latest = conversations.latest_conversation(on_day, staff)
    assert latest is not None and latest.manager_id == manager.id
    assert manager.has_role("manager") and manager.team_id == staff.team_id
    assert latest.held_on < day < latest.review_on
    assert latest.target_role_id == staff.target_role_id and latest.aspirations
    assert {a.kind for a in latest.actions} >= {"shadowing", "course"}
    assert all(a.due_on > day for a in latest.actions)


def test_shadowing_places_are_open_with_a_request_waiting_and_a_reflection_written(on_day,
                                                                                   day):
    staff = person_named(on_day, "staff@northshire.example")
    places = on_day.scalars(select(ShadowingPlace)).all()
    assert 3 <= len(places) <= 4
    assert {p.role_id for p in places} >= {"social-worker", "occupational-therapist",
                                           "registered-manager"}
    assert [p.role_id for p in shadowing.open_places(on_day, "social-worker", staff, day)] \
        == ["social-worker"]
    provider_worker = person_named(on_day, "hannah.boyd@meadowside.example")
    across = shadowing.open_places(on_day, "occupational-therapist", provider_worker, day)
    assert len(across) == 1 and across[0].open_to_partnership
    assert shadowing.open_places(on_day, "registered-manager", today=day)
    pending = on_day.scalars(select(ShadowingRequest).filter_by(status="requested")).all()
    assert [r.person.email for r in pending] == ["staff@northshire.example"]
    assert pending[0].place.role_id == "social-worker" and pending[0].place.starts_on > day
    completed = on_day.scalars(select(ShadowingRequest).filter_by(status="completed")).all()
    assert len(completed) == 1
    reflected = completed[0]
    assert reflected.reflection and reflected.still_my_goal is True
    assert reflected.decided_at.date() < day and reflected.place.starts_on < day
    decider = on_day.get(Person, reflected.decided_by_id)
    assert decider.has_role("manager") and decider.team_id == reflected.person.team_id


MAIN_ROUTES = (
    {"care-worker", "senior-care-worker", "registered-manager"},
    {"care-worker", "social-work-degree-apprenticeship", "social-worker"},
    {"healthcare-support-worker", "nursing-associate", "registered-nurse-care-home"},
    {"support-worker", "ot-degree-apprenticeship", "occupational-therapist"},
    {"social-worker", "peps-stage-1", "practice-educator", "senior-practitioner"},
)


def test_at_least_five_consented_stories_are_published_along_the_main_routes(on_day, day):
    G = build_graph(on_day)
    lnd = person_named(on_day, demo.LND_EMAIL)
    published = stories.published_stories(on_day)
    assert len(published) >= 5
    assert len({s.person_id for s in published}) == len(published)
    for story in published:
        nodes = story.node_ids
        assert len(nodes) >= 2 and all(node in G for node in nodes), story.title
        years = [step["year"] for step in story.route]
        assert years == sorted(years) and day.year - 25 <= years[0] and years[-1] <= day.year
        started = [step["year"] for step in story.route
                   if step["node"] == story.person.current_role_id]
        assert started == [story.person.role_start_date.year], "their job, when they started it"
        assert story.consented_at is not None and story.approved_by_id == lnd.id
        assert story.consented_at <= story.approved_at and story.approved_at.date() < day
        assert 100 <= len(story.body.split()) <= 200
        assert "{" not in story.body + story.title, "every date was filled in"
        assert story.person.current_role_id in nodes, "the route ends in their job"
    for route in MAIN_ROUTES:
        assert any(route <= set(s.node_ids) for s in published), route
    for email in ("marta.silva@larchhouse.example", "nadia.rahman@northshire.example"):
        assert any(s.person.email == email for s in stories.published_stories(
            on_day, person_named(on_day, email).current_role_id))


def test_a_withdrawn_story_is_not_published(loaded):
    withdrawn = loaded.scalars(select(CareerStory).filter_by(status="withdrawn")).all()
    assert len(withdrawn) == 1
    assert withdrawn[0].consented_at is None and withdrawn[0].withdrawn_at is not None
    assert withdrawn[0].id not in {s.id for s in stories.published_stories(loaded)}
    for node in withdrawn[0].node_ids:
        assert withdrawn[0] not in stories.published_stories(loaded, node)


# Training: requirements, records of every status, course sessions ahead ------------------


def statuses(session, day: date) -> dict[tuple[str, str], TrainingStatus]:
    """Every person's status in each required subject on ``day``, across the partnership."""
    found = {}
    for organisation in session.scalars(select(Organisation)):
        for person in compliance_report(session, organisation, day).people:
            for subject, status, _completed, _expires in person.subjects:
                found[person.email, subject.id] = status
    return found


def test_every_role_held_in_the_demo_requires_training(loaded):
    required = {(row.organisation_id, row.role_id)
                for row in loaded.scalars(select(TrainingRequirement))}
    held = {(person.organisation_id, person.current_role_id) for person in people(loaded)
            if person.current_role_id}
    assert held <= required
    assert len(loaded.scalars(select(TrainingRequirement)).all()) > 100


def test_the_demo_shows_every_training_status_in_each_organisation(on_day, day):
    found = statuses(on_day, day)
    counts = Counter(found.values())
    assert set(counts) == set(TrainingStatus)
    assert counts[TrainingStatus.UP_TO_DATE] > len(found) / 2, "mostly up to date"
    by_organisation = {}
    for person in people(on_day):
        for (email, _subject), status in found.items():
            if email == person.email:
                by_organisation.setdefault(person.organisation.name, set()).add(status)
    assert len(by_organisation) == 4
    assert by_organisation[demo.COUNCIL] == set(TrainingStatus)
    assert all(len(seen) >= 3 for seen in by_organisation.values())
    def of(who):
        return {status for (email, _subject), status in found.items() if email == who}
    # The staff account starts untrained (the training journey records its first), and
    # its manager's team shows a mix.
    assert of("staff@northshire.example") == {TrainingStatus.MISSING}
    assert len(of("kwame.mensah@northshire.example") | of("shannon.kelly@northshire.example")
               | of("sian.roberts@northshire.example")) >= 3
    assert ("staff@northshire.example", "fire-safety") not in found


def test_the_training_statuses_are_the_same_whichever_day_it_is_loaded(on_day, day, loaded):
    assert statuses(on_day, day) == statuses(loaded, clock.today())


def test_training_records_came_through_the_import_with_their_latest_completions(loaded):
    records = loaded.scalars(select(TrainingRecord)).all()
    assert records and {record.source for record in records} == {"imported"}
    latest = {(row.person_id, row.subject_id): row.completed_on
              for row in loaded.scalars(select(TrainingLatest))}
    assert latest == {(record.person_id, record.subject_id): record.completed_on
                      for record in records}


def test_the_partnership_training_summary_is_worked_out_on_the_day_the_demo_is_loaded(loaded):
    partnership_id = loaded.scalar(select(Organisation.partnership_id).where(
        Organisation.name == demo.COUNCIL))
    found = summary_page(loaded, partnership_id)
    assert found.as_of == clock.today()
    assert found.totals and len(found.organisations.rows) == 4
    live = partnership_summary(loaded, partnership_id, clock.today())
    assert found.cells == live.cells  # the stored copy says what working it out now says


def test_course_sessions_in_the_coming_weeks_have_places_booked_and_a_waiting_list(on_day, day):
    courses = on_day.scalars(select(CourseSession).order_by(CourseSession.held_on)).all()
    assert len(courses) == 5
    assert all(day < course.held_on <= day + timedelta(weeks=6) for course in courses)
    places = Counter(on_day.scalars(select(CourseBooking.state)).all())
    assert places == {"booked": 14, "waiting": 2}
    full = on_day.scalar(select(CourseSession).where(CourseSession.subject_id ==
                                                     "safeguarding-adults"))
    assert Counter(booking.state for booking in on_day.scalars(
        select(CourseBooking).where(CourseBooking.session_id == full.id))) == {
        "booked": full.capacity, "waiting": 2}
