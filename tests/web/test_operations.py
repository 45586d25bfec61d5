"""Operations: request ids, the log line of every request, JSON logs, /readyz and /metrics."""

import json
import logging
import os
import runpy
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.web.apps import running_app

UNREACHABLE_DATABASE = "postgresql://postgres@127.0.0.1:1/none"


def request_lines(caplog):
    return [r for r in caplog.records if r.name == "webapp.requests"]


# Request ids -------------------------------------------------------------------------------


def test_every_answer_carries_a_new_request_id(client):
    first = client.get("/livez").headers["X-Request-ID"]
    second = client.get("/no-such-page").headers["X-Request-ID"]
    assert len(first) == len(second) == 32 and first != second


@pytest.mark.parametrize("offered", ["abc-123", "lb:7f3a/2=", "x" * 128])
def test_a_sane_request_id_from_the_proxy_is_kept(client, offered):
    assert client.get("/livez", headers={"X-Request-ID": offered}).headers[
        "X-Request-ID"] == offered


@pytest.mark.parametrize("offered", ["someone@example.org", "two words", "x" * 129,
                                     "<script>", "a\tb", ""])
def test_an_odd_request_id_is_replaced(client, offered):
    answered = client.get("/livez", headers={"X-Request-ID": offered}).headers["X-Request-ID"]
    assert answered != offered and len(answered) == 32


# The log line of every request ------------------------------------------------------------


def test_each_request_writes_one_line_without_personal_data(client, caplog):
    caplog.set_level(logging.INFO, logger="webapp.requests")
    answer = client.get("/search?q=someone%40example.org", headers={"X-Request-ID": "req-1"})
    [line] = request_lines(caplog)
    assert (line.request_id, line.method, line.endpoint, line.status) == (
        "req-1", "GET", "main.search", answer.status_code)
    assert line.user_id is None and line.duration_ms >= 0
    assert line.getMessage().startswith(f"GET main.search {answer.status_code} ")
    assert "someone" not in json.dumps({k: str(v) for k, v in vars(line).items()})


def test_the_line_names_the_signed_in_person_by_id(client, enter, people, caplog):
    enter("staff")
    caplog.set_level(logging.INFO, logger="webapp.requests")
    client.get("/profile")
    [line] = request_lines(caplog)
    assert line.user_id == people["staff"] and line.status == 200
    assert "staff@example.org" not in line.getMessage()


def test_unknown_addresses_and_errors_are_logged_too(client, caplog):
    caplog.set_level(logging.INFO, logger="webapp.requests")
    client.get("/no-such-page")
    client.post("/livez")
    assert [(r.endpoint, r.status) for r in request_lines(caplog)] == [
        ("unmatched", 404), ("unmatched", 405)]


def test_json_logs_carry_the_request_id_and_the_fields(app):
    from webapp.observability import RequestContext, json_formatter

    record = logging.LogRecord("webapp.requests", logging.INFO, __file__, 1, "GET %s", ("x",),
                               None)
    record.endpoint, record.status = "main.livez", 200
    with app.test_request_context("/livez", headers={"X-Request-ID": "req-9"}):
        from webapp.observability import current_request_id

        current_request_id()
        RequestContext().filter(record)
    line = json.loads(json_formatter().format(record))
    assert line["message"] == "GET x" and line["level"] == "INFO"
    assert line["logger"] == "webapp.requests" and line["time"]
    assert (line["request_id"], line["endpoint"], line["status"]) == ("req-9", "main.livez", 200)


def test_configure_logging_replaces_its_own_handler_and_writes_json(capsys):
    from webapp.observability import configure_logging

    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        configure_logging("text", "INFO")
        configure_logging("json", "WARNING")
        ours = [h for h in root.handlers if getattr(h, "pathways_handler", False)]
        assert len(ours) == 1 and root.level == logging.WARNING
        logging.getLogger("pathways.test").warning("disk %s", "full")
        written = capsys.readouterr().err.strip().splitlines()[-1]
        assert json.loads(written)["message"] == "disk full"
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def test_text_is_the_default_in_development_and_json_in_production(database_url):
    with running_app(database_url) as app:
        assert app.config["LOG_FORMAT"] == "text"
    with running_app(database_url, PATHWAYS_ENV="production", SECRET_KEY="long and random",
                     SERVICE_URL="https://pathways.example.org", LOG_FORMAT="json") as app:
        assert app.config["LOG_FORMAT"] == "json"


@pytest.mark.parametrize(("setting", "message"), [
    ({"LOG_FORMAT": "xml"}, "LOG_FORMAT must be json or text"),
    ({"LOG_LEVEL": "loud"}, "LOG_LEVEL must be"),
    ({"METRICS_NETWORKS": "10.0.0.0/8, not-a-network"}, "METRICS_NETWORKS"),
])
def test_settings_that_cannot_work_stop_the_start(database_url, setting, message):
    with pytest.raises(RuntimeError, match=message), running_app(database_url, **setting):
        pass


def test_slow_statements_are_logged_with_their_sql_but_not_their_values(database_url, caplog):
    caplog.set_level(logging.WARNING, logger="pathways.sql")
    with running_app(database_url, SLOW_QUERY_MS=0) as app:
        app.test_client().get("/roles/care-worker", headers={"X-Request-ID": "slow-1"})
    slow = [r for r in caplog.records if r.name == "pathways.sql"]
    assert slow and all(r.getMessage().startswith("slow query: ") for r in slow)
    assert any("care-worker" not in r.statement and "FROM" in r.statement.upper()
               for r in slow)


# /readyz ---------------------------------------------------------------------------------


def test_readyz_is_ready_on_a_migrated_database(client):
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.json == {"status": "ready", "checks": {"database": "ok", "migrations": "ok"}}


def test_readyz_names_missing_migrations(database_for):
    with running_app(database_for(None)) as app:
        answer = app.test_client().get("/readyz")
    assert answer.status_code == 503 and answer.json["failing"] == ["migrations"]
    assert answer.json["checks"]["migrations"].startswith("at no revision, expected ")


def test_readyz_names_an_unreachable_database():
    from webapp import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": UNREACHABLE_DATABASE})
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.json == {"status": "not ready", "failing": ["database"],
                           "checks": {"database": "unreachable"}}


def test_readyz_checks_redis_when_configured(database_url, monkeypatch):
    from webapp import readiness

    with running_app(database_url) as app:
        app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
        answer = app.test_client().get("/readyz")
        assert answer.status_code == 503 and answer.json["failing"] == ["redis"]
        monkeypatch.setattr(readiness, "redis_check", lambda url: "ok")
        answer = app.test_client().get("/readyz")
        assert answer.status_code == 200 and answer.json["checks"]["redis"] == "ok"


# /metrics --------------------------------------------------------------------------------


def test_metrics_are_not_found_unless_configured(client):
    assert client.get("/metrics").status_code == 404


def test_metrics_ask_for_the_token(database_url):
    with running_app(database_url, METRICS_TOKEN="s3cret-token") as app:
        client = app.test_client()
        client.get("/livez")
        refused = client.get("/metrics")
        assert refused.status_code == 401
        assert refused.headers["WWW-Authenticate"].startswith("Bearer")
        assert client.get("/metrics", headers={"Authorization": "Bearer guess"}
                          ).status_code == 401
        answer = client.get("/metrics", headers={"Authorization": "Bearer s3cret-token"})
    assert answer.status_code == 200 and answer.content_type.startswith("text/plain")
    assert 'pathways_http_requests_total{endpoint="main.livez",method="GET",status="200"}' in (
        answer.text)
    assert 'pathways_http_request_duration_seconds_bucket{endpoint="main.livez"' in answer.text


def test_metrics_from_an_internal_network(database_url):
    with running_app(database_url, METRICS_NETWORKS="127.0.0.0/8, 10.0.0.0/8") as app:
        assert app.test_client().get("/metrics").status_code == 200
    with running_app(database_url, METRICS_NETWORKS="10.0.0.0/8") as app:
        assert app.test_client().get("/metrics").status_code == 404


def test_metrics_label_by_endpoint_not_by_address(database_url):
    with running_app(database_url, METRICS_NETWORKS="127.0.0.1") as app:
        client = app.test_client()
        for node in ("care-worker", "social-worker"):
            client.get(f"/roles/{node}")
        client.open("/livez", method="BREW")
        text = client.get("/metrics").text
    assert 'endpoint="explore.role"' in text and "care-worker" not in text
    assert 'method="other"' in text and "BREW" not in text


# gunicorn.conf.py and the metrics of several workers ---------------------------------------

GUNICORN_CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def gunicorn_settings(monkeypatch, **environment) -> dict:
    for name in ("WEB_CONCURRENCY", "GUNICORN_TIMEOUT", "GUNICORN_ACCESS_LOG",
                 "PROMETHEUS_MULTIPROC_DIR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(GUNICORN_CONF))


def test_gunicorn_settings_for_production(monkeypatch):
    settings = gunicorn_settings(monkeypatch)
    assert settings["wsgi_app"] == "webapp:create_app()"
    assert 3 <= settings["workers"] <= 9 and settings["timeout"] == 30
    assert settings["max_requests"] > 0 and settings["max_requests_jitter"] > 0
    assert settings["accesslog"] is None  # the app writes one line per request
    settings = gunicorn_settings(monkeypatch, WEB_CONCURRENCY="4", GUNICORN_TIMEOUT="60",
                                 GUNICORN_ACCESS_LOG="-")
    assert (settings["workers"], settings["timeout"], settings["accesslog"]) == (4, 60, "-")


def test_gunicorn_empties_the_metrics_folder_and_forgets_dead_workers(monkeypatch, tmp_path):
    folder = tmp_path / "metrics"
    settings = gunicorn_settings(monkeypatch, PROMETHEUS_MULTIPROC_DIR=str(folder))
    folder.mkdir()
    (folder / "counter_99.db").write_bytes(b"from the last run")
    settings["on_starting"](None)
    assert list(folder.iterdir()) == []
    (folder / "gauge_livesum_1234.db").write_bytes(b"")
    (folder / "counter_1234.db").write_bytes(b"")
    settings["child_exit"](None, SimpleNamespace(pid=1234))
    assert [p.name for p in folder.iterdir()] == ["counter_1234.db"]


MULTIPROCESS_SCRIPT = """
import os
from webapp import metrics
metrics.observe("main.livez", "GET", 200, 0.01)
child = os.fork()
if child == 0:
    metrics.observe("main.livez", "GET", 200, 0.02)
    os._exit(0)
os.waitpid(child, 0)
print(metrics.exposition()[0].decode())
"""


def test_metrics_add_up_every_worker_in_multiprocess_mode(tmp_path):
    environment = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    finished = subprocess.run([sys.executable, "-c", MULTIPROCESS_SCRIPT], env=environment,
                              capture_output=True, text=True, timeout=120, check=False)
    assert finished.returncode == 0, finished.stderr
    assert ('pathways_http_requests_total{endpoint="main.livez",method="GET",status="200"} 2.0'
            in finished.stdout)
    assert len(list(tmp_path.glob("*.db"))) >= 2  # one file set per process
