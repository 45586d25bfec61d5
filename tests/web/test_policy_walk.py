"""The policy is the only gate: every route, as every role, asks it or says it is public.

The walk takes every rule of ``app.url_map`` (static files aside), fills its URL parameters
with the ids of real records (``make_world``: a person, a pairing with a session and an
action, a cohort with an apprenticeship, hours and a post, a shadowing place and request, a
submitted story, a move and nodes of the toy pathway), and requests it as each role: every
GET, then every POST with an empty form (CSRF is off in the web suite; signing out last).
The app runs with ``POLICY_AUDIT`` on, so ``webapp.auth`` lists every answer given by a view
that neither asked the policy (``auth.require``, also behind ``auth.own_page``, the lookup
helpers and blueprint hooks) nor is marked ``@auth.public``.

What counts as asked is decided in ``webapp.auth.unasked``. Answers that show nothing pass
without a question: 401, and 404 from a lookup that found no such record (an id of a kind the
world holds none of, such as a placement). A 302 to the sign-in page passes as the sign-in
gate. Every other answer, 403 included, must come after a question: a view that refuses by
testing role names itself is reported.

A new view that forgets its check fails here; ``test_the_walk_reports_a_view_that_never_asks``
shows it on a throwaway route.
"""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.recipes import TOY_PATHWAY, world_fixtures, world_on
from tests.web.sessions import start_session

ROLES = ["staff", "manager", "champion", "lnd", "admin", "anonymous"]

#: The views open to everyone (``@auth.public``), written out: a new public view is a
#: decision to make on purpose, here.
PUBLIC_VIEWS = {
    "accounts.login", "accounts.logout", "accounts.request_reset", "accounts.reset_password",
    "api.openapi", "api.qualifications", "api.reach", "api.role", "api.roles", "api.routes",
    "api.verify_passport",
    "explore.career_map", "explore.family_colours", "explore.map_svg", "explore.qualification",
    "explore.role", "main.healthz", "main.livez", "main.readyz", "main.search", "main.start",
    "passport.jwks", "passport.status_list", "passport.verify",
    "planner.compare", "planner.reach", "planner.routes", "stories.index", "stories.story",
}


def make_world(session, people: dict) -> dict[str, object]:
    """Records of every kind a URL names, on the toy pathway and ``make_people``'s ``people``;
    return URL values by name."""
    from sqlalchemy import select

    from pathways import clock
    from pathways.apprenticeships import records
    from pathways.apprenticeships.posts import create_post
    from pathways.apprenticeships.setup import create_cohort, create_programme, enrol
    from pathways.mentoring import sessions, shadowing, stories
    from pathways.models import (
        ChampionPairing,
        IssuedCredential,
        MentoringAction,
        Notification,
        Role,
        TrainingSubject,
        Transition,
    )
    from pathways.passport.sharing import create_share
    from pathways.snapshot import build_graph
    from pathways.training.bookings import book_place
    from pathways.training.feeds import new_feed_token
    from pathways.training.records import record_training
    from pathways.training.requirements import add_requirement
    from pathways.training.sessions import SessionDetails, schedule_session
    from seed.training import load_subjects

    today = clock.today()
    staff, lnd = people["staff"], people["lnd"]
    council = staff.organisation
    G = build_graph(session)
    programme = create_programme(
        session, council, name="Social work apprenticeship",
        qualification_id="sw-apprenticeship", provider_name="Testshire University",
        leads_to_role_id="social-worker", G=G)
    cohort = create_cohort(session, programme, name="Walk cohort",
                           start_date=today - timedelta(days=90),
                           planned_end_date=today + timedelta(days=900))
    post = create_post(session, council, reference="SW-1", role_id="social-worker")
    apprenticeship = enrol(session, cohort, staff, start_date=today - timedelta(days=90),
                           planned_end_date=today + timedelta(days=900),
                           weekly_hours=37.5, post=post, actor=lnd)
    entry = records.log_hours(session, apprenticeship,
                              worked_on=today - timedelta(days=7), hours=7,
                              activity="taught", actor=staff)
    pairing = session.scalars(select(ChampionPairing)).one()
    sessions.record_session(
        session, pairing, held_on=today - timedelta(days=3), duration_minutes=45,
        mode="video", topics="Routes", private_notes="Private",
        actions=[sessions.AgreedAction("Read up", "person", today + timedelta(days=14))],
        actor=pairing.champion)
    place = shadowing.publish_place(
        session, people["colleague"], role_id="senior-care-worker",
        starts_on=today + timedelta(days=7), ends_on=today + timedelta(days=30))
    request = shadowing.request_place(session, place, staff)
    story = stories.write_story(session, G, staff, title="From care worker",
                                body="How I moved on.", steps=[("care-worker", None),
                                                             ("care-cert", None)])
    stories.submit(session, story, consent=True)
    move = session.scalars(select(Transition).order_by(Transition.id)).first()
    load_subjects(session)
    course = schedule_session(session, lnd, council, SessionDetails(
        "fire-safety", today + timedelta(days=14), time(9, 30), time(12, 30), 10,
        venue="Room 1", trainer_name="Fire service"), today=today)
    booking = book_place(session, staff, course, staff, today=today)
    feed_token = new_feed_token(session, staff)
    record_training(session, None, staff, session.get(TrainingSubject, "fire-safety"),
                    today - timedelta(days=30), today=today)
    share, secret = create_share(session, staff, today=today)
    requirement = add_requirement(session, None, council, session.get(Role, "care-worker"),
                                  session.get(TrainingSubject, "fire-safety"))
    session.flush()
    values = {
        "person_id": staff.id, "pairing_id": pairing.id,
        "action_id": session.scalars(select(MentoringAction.id)).one(),
        "cohort_id": cohort.id, "apprenticeship_id": apprenticeship.id,
        "entry_id": entry.id, "post_id": post.id, "placement_id": 1,
        "place_id": place.id, "request_id": request.id, "story_id": story.id,
        "move_id": move.id, "node_id": "care-worker", "qualification_id": "care-cert",
        "area": "roles", "action": "retire", "fmt": "csv", "token": "not-a-real-token",
        "course_id": course.id, "booking_id": booking.id, "feed_token": feed_token,
        "subject_id": "fire-safety", "requirement_id": requirement.id,
        "notification_id": session.scalars(select(Notification.id).order_by(
            Notification.id)).first(),
        "organisation_id": council.id, "share_id": share.id, "secret": secret,
        "credential_id": session.scalars(select(IssuedCredential.id)).one(),
    }
    return values


#: The toy pathway, the people and the records above: built once per process and engine.
WALK_WORLD = world_on(TOY_PATHWAY, "policy_walk", make_world)


#: Values that differ by view: the champion to ask, a qualification page's node.
OVERRIDES = {
    "mentoring.request": lambda people: {"person_id": people["champion"]},
    "explore.qualification": lambda people: {"node_id": "care-cert"},
    "api.role": lambda people: {"node_id": "care-worker"},
}


def addresses(app: Flask, values: dict, people: dict, method: str) -> list[tuple[str, str]]:
    """Return ``(endpoint, path)`` for every rule answering ``method``, signing out last."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or method not in rule.methods:
            continue
        given = {**values, **OVERRIDES.get(rule.endpoint, lambda _: {})(people)}
        _, path = rule.build({name: given[name] for name in rule.arguments},
                             append_unknown=False)
        found.append((rule.endpoint, path))
    return sorted(found, key=lambda item: (item[0] == "accounts.logout", item[1]))


def walk(app: Flask, client: FlaskClient, values: dict, people: dict,
         methods=("GET", "POST")) -> tuple[list[str], dict[tuple[str, str], int]]:
    """Request every address; return what the policy audit reported, and every answer."""
    from webapp.config import metrics_networks

    app.config["POLICY_AUDIT"] = True
    # /metrics opened to the test client's address, so the walk sees it answer (after asking)
    app.config["METRICS_NETWORKS"] = metrics_networks("127.0.0.0/8")
    app.extensions["policy_audit"].clear()
    answers = {}
    for method in methods:
        for endpoint, path in addresses(app, values, people, method):
            response = client.open(path, method=method, data={} if method == "POST" else None)
            answers[(method, endpoint)] = response.status_code
    return list(app.extensions["policy_audit"]), answers


database_url, world = world_fixtures(WALK_WORLD, TOY_PATHWAY)


@pytest.mark.parametrize("role", ROLES)
def test_every_view_asks_the_policy_or_is_public(app, client, people, world, role):
    if role != "anonymous":
        start_session(app, client, people[role])
    unasked, answers = walk(app, client, world, people)
    assert unasked == [], "\n".join(unasked)
    assert all(status < 500 for status in answers.values()), answers
    walked = {endpoint for _method, endpoint in answers}
    assert walked == set(app.view_functions) - {"static"}


def test_the_walk_uses_real_records(app, client, people, world):
    # As L&D every page of the world opens or refuses; none is missing its record.
    start_session(app, client, people["lnd"])
    _, answers = walk(app, client, world, people, methods=("GET",))
    assert {endpoint for (_, endpoint), status in answers.items() if status == 404} == set()
    assert answers[("GET", "cohorts.cohort")] == 200
    assert answers[("GET", "mentoring.pairing")] == 200
    assert answers[("GET", "stories.story")] == 200


def test_the_public_views_are_the_ones_written_here(app):
    public = {endpoint for endpoint, view in app.view_functions.items()
              if getattr(view, "policy_public", False)}
    assert public == PUBLIC_VIEWS


def test_the_walk_reports_a_view_that_never_asks(app, client, people, world):
    from pathways.policy import ALLOW
    from webapp.auth import personal_page, public, require

    @personal_page
    def forgot():
        return "someone's personal data"

    @personal_page
    def refuses_by_role():
        return "no", 403

    @personal_page
    def asks():
        require(ALLOW)
        return "allowed"

    @public
    def open_to_all():
        return "anyone"

    app.add_url_rule("/walk/forgot", "walk_forgot", forgot)
    app.add_url_rule("/walk/refuses", "walk_refuses", refuses_by_role)
    app.add_url_rule("/walk/asks", "walk_asks", asks)
    app.add_url_rule("/walk/public", "walk_public", open_to_all)
    start_session(app, client, people["staff"])
    unasked, answers = walk(app, client, world, people, methods=("GET",))
    assert [finding for finding in unasked if "/walk/" in finding] == [
        "GET /walk/forgot (walk_forgot) answered 200 without asking the policy",
        "GET /walk/refuses (walk_refuses) answered 403 without asking the policy",
    ]
    assert answers[("GET", "walk_asks")] == answers[("GET", "walk_public")] == 200
