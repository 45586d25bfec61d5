"""The planner's route answers: kept per graph version, shared by app instances through Redis."""

import uuid

from sqlalchemy import select

from pathways.graph_editing import update_transition
from pathways.models import Transition
from tests.redis_server import REDIS_TEST_URL
from tests.web.apps import running_app

ROUTE = "/routes?from=care-worker&to=social-worker"


def _answers(app):
    return app.extensions["route_answers"]


def test_an_edit_to_the_graph_is_planned_with_at_once(app, client):
    from webapp.extensions import db

    assert "Route 1: 3 years 2 months" in client.get(ROUTE).text
    assert "Route 1: 3 years 2 months" in client.get(ROUTE + "&again=1").text
    assert _answers(app).computed == 1  # the second page used the kept answer
    with app.app_context():
        move = db.session.scalars(select(Transition).filter_by(
            source_id="sw-degree", target_id="social-worker")).one()
        update_transition(db.session, None, move.id, {"months": move.months + 12},
                          move.lock_version)
        db.session.commit()
    page = client.get(ROUTE + "&again=2")
    assert "Route 1: 3 years 2 months" not in page.text  # never the old graph's answer
    assert _answers(app).computed == 2


def test_no_route_is_kept_as_an_answer(app, client):
    for n in range(2):
        page = client.get(f"/routes?from=social-worker&to=volunteer&n={n}")
        assert 'id="route-message"' in page.text and "No route from Social worker" in page.text
    assert (_answers(app).computed, _answers(app).hits) == (1, 1)


def test_app_instances_sharing_redis_work_each_answer_out_once(database_url, redis_prefix):
    settings = {"REDIS_URL": REDIS_TEST_URL, "ROUTE_CACHE_PREFIX": redis_prefix,
                "WTF_CSRF_ENABLED": False, "PAGE_CACHE_SIZE": 0}
    with running_app(database_url, **settings) as one, running_app(database_url,
                                                                   **settings) as two:
        first = one.test_client().get(ROUTE)
        second = two.test_client().get(ROUTE)
        api = two.test_client().get("/api/v1/routes?from=care-worker&to=social-worker")
    assert first.status_code == second.status_code == api.status_code == 200
    assert "Route 1: 3 years 2 months" in second.text
    assert (_answers(one).computed, _answers(two).computed, _answers(two).hits) == (1, 0, 2)


def test_a_redis_that_is_down_does_not_stop_the_planner(database_url):
    with running_app(database_url, REDIS_URL="redis://127.0.0.1:9/0",
                     ROUTE_CACHE_PREFIX=uuid.uuid4().hex) as app:
        page = app.test_client().get(ROUTE)
    assert page.status_code == 200 and "Route 1: 3 years 2 months" in page.text
