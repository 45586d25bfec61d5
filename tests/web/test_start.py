"""The start page and the health check."""


def test_start_page_shows_the_size_of_the_map(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "<strong>5</strong> roles, <strong>4</strong> qualifications" in page.text


def test_healthz_checks_the_database(client):
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.json == {"status": "ok"}


def test_unknown_pages_are_404_in_the_house_style(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "Page not found" in page.text
