"""The start page, search, the health check, error pages and security headers."""


def test_start_page_says_what_the_service_is_and_offers_ways_in(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "5 roles, 4 qualifications and 10 moves" in page.text
    assert 'action="/search"' in page.text
    for way_in in ("New to care", "Already in care", "Registered professional", "Manager"):
        assert way_in in page.text
    assert "govuk-header__logotype" not in page.text  # never the GOV.UK crown


def test_search_lists_an_exact_match_first_with_related_roles_instead_of_leaving(client):
    answer = client.get("/search?q=care+WORKER")
    assert answer.status_code == 200
    results = answer.text.split('id="results"')[1].split("</ul>")[0]
    assert results.index('data-node="care-worker"') < results.index('"senior-care-worker"')
    related = answer.text.split('id="related"')[1].split("</ul>")[0]
    assert 'href="/roles/practitioner"' in related or 'href="/roles/social-worker"' in related
    answer = client.get("/search?q=Care+Certificate")
    assert answer.status_code == 200
    assert answer.text.split('id="results"')[1].index('data-node="care-cert"') >= 0


def test_search_knows_common_words_for_roles(client):
    page = client.get("/search?q=carer")
    results = page.text.split('id="results"')[1].split("</ul>")[0]
    assert 'href="/roles/care-worker"' in results and "also called “carer”" in results


def test_search_matches_whole_words_so_care_does_not_find_career(client, app):
    page = client.get("/search?q=care")
    results = page.text.split('id="results"')[1].split("</ul>")[0]
    assert 'href="/roles/care-worker"' in results
    assert "career" not in results.casefold()


def test_search_lists_partial_matches_and_suggests(client):
    page = client.get("/search?q=worker")
    assert page.status_code == 200
    assert "/roles/senior-care-worker" in page.text and "/roles/social-worker" in page.text
    page = client.get("/search?q=care+wrker")
    assert "No roles or qualifications match" in page.text and "Did you mean" in page.text


def test_empty_search_shows_the_error_summary(client):
    page = client.get("/search?q=")
    assert page.status_code == 400
    assert "govuk-error-summary" in page.text and "Enter a role or qualification" in page.text


def test_healthz_checks_the_database(client, app):
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.json == {"status": "ok"}
    assert client.get("/livez").json == {"status": "ok"}


def test_healthz_answers_503_when_the_database_is_unreachable():
    from webapp import create_app

    app = create_app({"TESTING": True,
                      "SQLALCHEMY_DATABASE_URI": "postgresql://postgres@127.0.0.1:1/none"})
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 503 and answer.json == {"status": "unavailable"}


def test_unknown_pages_are_404_in_the_house_style(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "Page not found" in page.text
    assert "govuk-template" in page.text


def test_security_headers_on_every_page(client):
    headers = client.get("/").headers
    assert "script-src 'self' 'sha256-" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'",
                      "form-action 'self'", "default-src 'self'"):
        assert directive in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in headers  # development


def test_the_inline_script_is_allowed_by_its_hash(client):
    import re

    from webapp.security import csp_hash

    page = client.get("/")
    inline = re.findall(r"<script>(.*?)</script>", page.text, re.S)
    assert len(inline) == 1  # GOV.UK's js-enabled line, and nothing else inline
    assert csp_hash(inline[0]) in page.headers["Content-Security-Policy"]


def test_family_colours_come_from_the_map_palette(client):
    from pathways.render import FAMILY_COLOURS

    css = client.get("/families.css")
    assert css.mimetype == "text/css"
    assert f".app-family--social_work {{ background-color: {FAMILY_COLOURS['social_work']}; }}" in (
        css.text)


def test_production_needs_a_secret_key_and_turns_on_hsts(monkeypatch, tmp_path):
    import pytest

    from webapp import create_app

    monkeypatch.setenv("PATHWAYS_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("SERVICE_URL", "https://pathways.example.org")
    url = f"sqlite:///{tmp_path}/prod.sqlite3"
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        create_app({"SQLALCHEMY_DATABASE_URI": url})
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-from-the-environment")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    answer = app.test_client().get("/livez")
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_production_refuses_to_start_without_its_public_address(monkeypatch, tmp_path):
    """Issue 11: reset links followed the Host header, and production started without
    SERVICE_URL."""
    import pytest

    from webapp import create_app

    monkeypatch.setenv("PATHWAYS_ENV", "production")
    monkeypatch.delenv("SERVICE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    settings = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/prod.sqlite3"}
    with pytest.raises(RuntimeError) as refused:
        create_app(settings)
    assert "SECRET_KEY must be set" in str(refused.value)
    assert "SERVICE_URL must be set when PATHWAYS_ENV=production" in str(refused.value)
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-from-the-environment")
    with pytest.raises(RuntimeError, match="SERVICE_URL must be set"):
        create_app(settings)
    for wrong in ("http://pathways.example.org", "pathways.example.org",
                  "https://pathways.example.org/reset", "https://:443"):
        monkeypatch.setenv("SERVICE_URL", wrong)
        with pytest.raises(RuntimeError, match="must be https:// and a host only"):
            create_app(settings)
    monkeypatch.setenv("SERVICE_URL", "https://pathways.example.org/")
    assert create_app(settings).config["SERVICE_URL"] == "https://pathways.example.org/"


def test_development_takes_an_http_service_url_and_none(monkeypatch, tmp_path):
    import pytest

    from webapp import create_app

    settings = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/dev.sqlite3"}
    monkeypatch.delenv("PATHWAYS_ENV", raising=False)
    monkeypatch.delenv("SERVICE_URL", raising=False)
    assert create_app(settings).config["SERVICE_URL"] is None
    monkeypatch.setenv("SERVICE_URL", "http://localhost:5000")
    assert create_app(settings).config["SERVICE_URL"] == "http://localhost:5000"
    monkeypatch.setenv("SERVICE_URL", "localhost:5000")
    with pytest.raises(RuntimeError, match="must be http or https:// and a host only"):
        create_app(settings)


def test_a_server_error_is_a_500_page_in_the_house_style_and_json_under_the_api(database_url):
    from webapp import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "PROPAGATE_EXCEPTIONS": False})

    @app.get("/broken")
    def broken():
        raise RuntimeError("boom")

    @app.get("/api/v1/broken")
    def broken_api():
        raise RuntimeError("boom")

    page = app.test_client().get("/broken")
    assert page.status_code == 500
    assert "Sorry, there is a problem with the service" in page.text and "boom" not in page.text
    answer = app.test_client().get("/api/v1/broken")
    assert answer.status_code == 500 and answer.json["error"]["status"] == 500
