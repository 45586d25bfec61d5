"""The page cache: public pages served again until the graph changes."""

from pathways.models import Role
from webapp.extensions import db


def page_cache(app):
    return app.extensions["page_cache"]


def test_a_page_is_served_from_the_cache_until_the_graph_changes(app, client):
    first = client.get("/roles/care-worker")
    hits = page_cache(app).hits
    again = client.get("/roles/care-worker")
    assert again.data == first.data and page_cache(app).hits == hits + 1
    assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    with app.app_context():
        db.session.get(Role, "care-worker").title = "Home care worker"
        db.session.commit()
    changed = client.get("/roles/care-worker")
    assert "Home care worker" in changed.text and page_cache(app).hits == hits + 1


def test_the_query_string_is_part_of_the_key(app, client):
    one = client.get("/routes?from=care-worker&to=social-worker")
    other = client.get("/routes?from=care-worker&to=senior-care-worker")
    assert one.data != other.data


def test_errors_are_not_cached(app, client):
    client.get("/routes?from=nobody&to=social-worker")
    hits = page_cache(app).hits
    assert client.get("/routes?from=nobody&to=social-worker").status_code == 400
    assert page_cache(app).hits == hits


def test_size_zero_turns_the_cache_off(database_url):
    from webapp import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                      "PAGE_CACHE_SIZE": 0})
    assert app.extensions["page_cache"].maxsize == 0


def test_least_recently_used_pages_are_dropped():
    from webapp.page_cache import PageCache

    cache = PageCache(maxsize=2)
    for name in ("a", "b"):
        cache.put((1, name), (b"", 200, "text/html", {}))
    assert cache.get((1, "a")) is not None  # a is now the most recent
    cache.put((1, "c"), (b"", 200, "text/html", {}))
    assert cache.get((1, "b")) is None and cache.get((1, "a")) is not None
