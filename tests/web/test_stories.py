"""Career stories on the web: write, consent, approve, show everywhere, withdraw at once.

Public pages are cached per process; these tests keep the page cache on and check that a
story published or withdrawn shows, or is gone, on the very next request.
"""

import re
import shutil

import pytest
from sqlalchemy import func, select

from pathways import clock
from pathways.models import CareerStory

needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="Graphviz dot is not installed (make install adds it)")

TITLE = "From nights to social work"
#: The route's pages, and one page it does not pass through.
ON_THE_ROUTE = ["/roles/care-worker", "/qualifications/sw-degree", "/roles/social-worker"]
OFF_THE_ROUTE = "/roles/practitioner"
EMAIL = "colleague@example.org"

WRITE = {
    "title": TITLE,
    "body": "I started on nights in 2015.\r\n\r\nMy manager told me about the degree.",
    "step1_node": "care-worker", "step1_year": "2015",
    "step2_node": "sw-degree", "step2_year": "2018",
    "step3_node": "", "step3_year": "",  # a blank row in the middle is ignored
    "step4_node": "social-worker", "step4_year": "2021",
}


def count_stories(app) -> int:
    from webapp.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(CareerStory))


def story_of(app, key_id: int) -> tuple[int, str]:
    """Return the id and status of a person's story."""
    from webapp.extensions import db

    with app.app_context():
        story = db.session.scalars(select(CareerStory).filter_by(person_id=key_id)).one()
        return story.id, story.status


def make_story(app, people, author: str, status: str = "published", title: str = TITLE,
               steps=(("care-worker", 2015), ("sw-degree", 2018), ("social-worker", 2021))
               ) -> int:
    """Write a story through the services, taking it as far as ``status``; return its id."""
    from pathways.mentoring import stories
    from pathways.models import Person
    from webapp.extensions import current_graph, db

    with app.test_request_context():
        author_row = db.session.get(Person, people[author])
        story = stories.write_story(db.session, current_graph(), author_row, title=title,
                                    body="My words.", steps=list(steps))
        if status in ("submitted", "published"):
            stories.submit(db.session, story, consent=True)
        if status == "published":
            lnd = db.session.get(Person, people["lnd" if author != "lnd" else "admin"])
            stories.approve(db.session, story, actor=lnd)
        db.session.commit()
        return story.id


@pytest.fixture
def public(app):
    """A second client that never signs in: what anyone on the internet sees."""
    return app.test_client()


def page_hits(app) -> int:
    return app.extensions["page_cache"].hits


# The whole journey ----------------------------------------------------------------------


@needs_dot
def test_a_story_goes_from_draft_to_everywhere_and_is_withdrawn_at_once(app, client, public,
                                                                         enter, people):
    public_pages = [*ON_THE_ROUTE, OFF_THE_ROUTE, "/stories", "/map"]
    # Warm the page cache: every public page is served from it before the story is out.
    for path in public_pages:
        assert TITLE not in public.get(path).text
    hits = page_hits(app)
    for path in public_pages:
        public.get(path)
    assert page_hits(app) == hits + len(public_pages)

    enter("colleague")
    written = client.post("/stories/mine", data=WRITE)
    assert written.status_code == 303 and written.location.endswith("/stories/mine")
    story_id, status = story_of(app, people["colleague"])
    assert status == "draft"
    mine = client.get("/stories/mine").text
    assert "Draft" in mine and TITLE in mine and "Send my story to be published" in mine

    # Consent is required; without it nothing moves.
    refused = client.post(f"/stories/{story_id}/submit", data={})
    assert refused.status_code == 400 and "govuk-error-summary" in refused.text
    assert "Say that you agree" in refused.text
    assert story_of(app, people["colleague"])[1] == "draft"
    assert client.post(f"/stories/{story_id}/submit", data={"consent": "y"}).status_code == 303
    assert story_of(app, people["colleague"])[1] == "submitted"
    assert client.get(f"/stories/{story_id}").status_code == 200  # the author sees it

    # Not public until approved.
    assert public.get(f"/stories/{story_id}").status_code == 404
    assert public.get(f"/map?story={story_id}").status_code == 404
    for path in public_pages:
        assert TITLE not in public.get(path).text

    enter("lnd")
    queue = client.get("/stories/review")
    assert queue.status_code == 200 and TITLE in queue.text
    assert client.post(f"/stories/{story_id}/approve").status_code == 303
    assert story_of(app, people["colleague"])[1] == "published"

    # At once, on every page of the route, on /stories, on its page and on the map.
    for path in ON_THE_ROUTE:
        page = public.get(path)
        assert TITLE in page.text and "colleague’s story" in page.text.replace("'", "’"), path
        assert f'href="/stories/{story_id}"' in page.text
    assert TITLE not in public.get(OFF_THE_ROUTE).text
    listing = public.get("/stories").text
    assert TITLE in listing and "My manager told me about the degree." in listing
    assert "2015" in listing and "Care worker" in listing
    story_page = public.get(f"/stories/{story_id}")
    assert story_page.status_code == 200 and f'href="/map?story={story_id}"' in story_page.text
    assert "See this story on the map" in story_page.text
    on_map = public.get(f"/map?story={story_id}")
    assert on_map.status_code == 200 and 'id="story-route"' in on_map.text
    assert on_map.text.count('class="node highlighted"') == 3
    assert on_map.text.count('class="edge highlighted"') == 2  # both steps are moves
    svg = public.get(f"/map.svg?story={story_id}")
    assert svg.status_code == 200 and b"highlighted" in svg.data

    # The author's email (or full record) appears on no public page.
    for path in [*public_pages, f"/stories/{story_id}", f"/map?story={story_id}"]:
        assert EMAIL not in public.get(path).text, path

    # The author withdraws: gone everywhere on the next request, cache on.
    enter("colleague")
    withdrawn = client.post(f"/stories/{story_id}/withdraw")
    assert withdrawn.status_code == 303 and withdrawn.location.endswith("/stories/mine")
    for path in [*ON_THE_ROUTE, "/stories"]:
        assert TITLE not in public.get(path).text, path
    assert public.get(f"/stories/{story_id}").status_code == 404
    assert public.get(f"/map?story={story_id}").status_code == 404
    assert public.get(f"/map.svg?story={story_id}").status_code == 404


def test_a_page_cached_before_publishing_shows_the_story_after(app, public, people):
    before = public.get("/roles/care-worker")
    assert TITLE not in before.text and public.get("/roles/care-worker").data == before.data
    story_id = make_story(app, people, "colleague")
    assert TITLE in public.get("/roles/care-worker").text
    assert TITLE in public.get("/stories").text
    from pathways.mentoring import stories
    from webapp.extensions import db

    with app.app_context():
        stories.withdraw(db.session, db.session.get(CareerStory, story_id))
        db.session.commit()
    assert TITLE not in public.get("/roles/care-worker").text
    assert public.get(f"/stories/{story_id}").status_code == 404


def test_rewriting_a_published_story_takes_it_off_the_public_pages(app, client, public,
                                                                   enter, people):
    story_id = make_story(app, people, "colleague")
    assert TITLE in public.get("/roles/social-worker").text
    enter("colleague")
    answer = client.post("/stories/mine", data={**WRITE, "title": "A new title"},
                         follow_redirects=True)
    assert "It is no longer published" in answer.text
    assert story_of(app, people["colleague"]) == (story_id, "draft")
    for path in ["/roles/social-worker", "/stories"]:
        page = public.get(path).text
        assert TITLE not in page and "A new title" not in page
    assert public.get(f"/stories/{story_id}").status_code == 404


def test_the_form_shows_the_story_written(app, client, enter, people):
    make_story(app, people, "colleague", status="draft")
    enter("colleague")
    page = client.get("/stories/mine").text
    assert TITLE in page and "My words." in page
    assert '<option value="sw-degree" selected>' in page
    assert 'value="2018"' in page and "Send my story to be published" in page
    assert "I agree to my story being published on this service, with my first name" in page


# Who may do what --------------------------------------------------------------------------


def test_a_staff_member_cannot_approve_or_open_the_queue(app, client, enter, people):
    story_id = make_story(app, people, "colleague", status="submitted")
    for key in ("staff", "manager", "champion"):
        enter(key)
        assert client.post(f"/stories/{story_id}/approve").status_code == 403
        assert client.get("/stories/review").status_code == 403
        assert client.post(f"/stories/{story_id}/withdraw").status_code == 403
    assert story_of(app, people["colleague"])[1] == "submitted"


def test_lnd_send_a_story_back_and_the_writer_revises_and_sends_it_again(app, client, public,
                                                                         enter, people):
    story_id = make_story(app, people, "colleague", status="submitted")
    enter("lnd")
    review = client.get("/stories/review")
    assert f'action="/stories/{story_id}/send-back"' in review.text
    assert f'id="comments-{story_id}"' in review.text
    empty = client.post(f"/stories/{story_id}/send-back", data={"comments": "  "})
    assert empty.status_code == 400 and "Say what the writer should change" in empty.text
    assert f'href="#comments-{story_id}"' in empty.text
    answer = client.post(f"/stories/{story_id}/send-back",
                         data={"comments": "Please leave out the name of the care home."})
    assert answer.status_code == 303
    assert story_of(app, people["colleague"]) == (story_id, "returned")
    assert f'id="story-{story_id}"' not in client.get("/stories/review").text
    again = client.post(f"/stories/{story_id}/send-back", data={"comments": "Again"})
    assert again.status_code == 400 and "only a story waiting" in again.text
    assert public.get(f"/stories/{story_id}").status_code == 404

    enter("colleague")
    mine = client.get("/stories/mine")
    words = " ".join(mine.text.split())
    assert "Sent back with comments" in words
    assert "Please leave out the name of the care home." in words
    assert f'action="/stories/{story_id}/submit"' in mine.text
    assert client.post("/stories/mine", data=WRITE).status_code == 303  # revised
    assert "Please leave out the name of the care home." in client.get("/stories/mine").text
    sent = client.post(f"/stories/{story_id}/submit", data={"consent": "y"})
    assert sent.status_code == 303
    enter("lnd")
    review = client.get("/stories/review").text
    assert "data-earlier-comments" in review and "leave out the name" in review
    assert client.post(f"/stories/{story_id}/approve").status_code == 303
    assert story_of(app, people["colleague"]) == (story_id, "published")
    enter("colleague")
    assert "leave out the name" not in client.get("/stories/mine").text


def test_only_lnd_of_the_reach_and_not_the_writer_send_a_story_back(app, client, enter,
                                                                    people):
    story_id = make_story(app, people, "colleague", status="submitted")
    for key, status in (("colleague", 403), ("staff", 403), ("partner_staff", 404)):
        enter(key)
        answer = client.post(f"/stories/{story_id}/send-back", data={"comments": "No"})
        assert answer.status_code == status, key
    own = make_story(app, people, "lnd", status="submitted", title="My own")
    enter("lnd")
    assert client.post(f"/stories/{own}/send-back", data={"comments": "x"}).status_code == 403
    assert story_of(app, people["colleague"]) == (story_id, "submitted")


def test_another_organisations_lnd_cannot_approve(app, client, enter, people):
    from pathways.models import Organisation, Person
    from pathways.people.accounts import create_person
    from tests.web.sessions import start_session
    from webapp.extensions import db

    story_id = make_story(app, people, "partner_staff", status="submitted")
    enter("lnd")  # Testshire Council, organisation scope: Sunrise Care is out of reach
    assert client.post(f"/stories/{story_id}/approve").status_code == 404
    assert client.post(f"/stories/{story_id}/withdraw").status_code == 404
    assert client.get(f"/stories/{story_id}").status_code == 404
    assert "Sunrise" not in client.get("/stories/review").text
    with app.app_context():
        far_away = db.session.scalars(select(Organisation).filter_by(name="Far Away Care")).one()
        far_lnd = create_person(db.session, email="far-lnd@example.org", name="Far Lnd",
                                organisation=far_away, roles=["lnd"])
        db.session.commit()
        far_lnd_id = far_lnd.id
    start_session(app, client, far_lnd_id)
    assert client.post(f"/stories/{story_id}/approve").status_code == 404
    assert story_of(app, people["partner_staff"])[1] == "submitted"
    # L&D with partnership scope reaches the partner organisation.
    enter("partnership_lnd")
    assert "partner staff" in client.get("/stories/review").text
    assert client.post(f"/stories/{story_id}/approve").status_code == 303
    assert story_of(app, people["partner_staff"])[1] == "published"
    with app.app_context():
        assert db.session.get(Person, far_lnd_id) is not None


def test_lnd_cannot_publish_their_own_story(app, client, enter, people):
    story_id = make_story(app, people, "lnd", status="submitted")
    enter("lnd")
    page = client.get("/stories/review").text
    assert "This is your own story" in page
    assert client.post(f"/stories/{story_id}/approve").status_code == 403
    enter("admin")
    assert client.post(f"/stories/{story_id}/approve").status_code == 303


def test_an_unpublished_story_is_found_only_by_its_author_and_lnd(app, client, public, enter,
                                                                  people):
    story_id = make_story(app, people, "colleague", status="submitted")
    assert public.get(f"/stories/{story_id}").status_code == 404
    for key, status in [("colleague", 200), ("lnd", 200), ("admin", 200), ("staff", 404),
                        ("manager", 404), ("partner_staff", 404), ("outsider", 404)]:
        enter(key)
        assert client.get(f"/stories/{story_id}").status_code == status, key
    enter("lnd")
    page = client.get(f"/stories/{story_id}").text
    assert "Publish this story" in page and "Withdraw this story" in page


def test_only_the_author_sends_their_story(app, client, enter, people):
    story_id = make_story(app, people, "colleague", status="draft")
    for key in ("staff", "lnd"):
        enter(key)
        assert client.post(f"/stories/{story_id}/submit",
                           data={"consent": "y"}).status_code == 404
    assert story_of(app, people["colleague"])[1] == "draft"


def test_lnd_withdraws_a_published_story(app, client, public, enter, people):
    story_id = make_story(app, people, "colleague")
    enter("lnd")
    assert TITLE in client.get("/stories/review").text
    answer = client.post(f"/stories/{story_id}/withdraw")
    assert answer.status_code == 303 and answer.location.endswith("/stories/review")
    assert TITLE not in public.get("/stories").text


def test_signing_in_is_needed_to_write_or_review(public, people):
    for path in ("/stories/mine", "/stories/review"):
        answer = public.get(path)
        assert answer.status_code == 302 and "/login" in answer.location
    assert public.post("/stories/1/approve").status_code == 302


# Bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("change, message", [
    ({"title": ""}, "Enter a title for your story"),
    ({"title": "x" * 201}, "200 characters or fewer"),
    ({"body": "   "}, "Tell your story"),
    ({"body": "x" * 5001}, "5,000 characters or fewer"),
    ({"step1_node": "astronaut"}, "Not a valid choice"),
    ({"step1_year": "nineteen"}, "Step 1&#39;s year must be a year"),
    ({"step1_year": "99999999999999999999999"}, "Step 1&#39;s year must be a year"),
    ({"step1_year": "1900"}, "Step 1’s year must be from 1950"),
    ({"step2_year": "2030"}, "Step 2’s year must be from 1950"),
    ({"step2_year": "2010"}, "Step 2: steps must be in order of year"),
    ({"step4_year": "2016"}, "Step 4: steps must be in order of year"),  # row 3 is blank
    ({"step2_node": "", "step2_year": "", "step4_node": "", "step4_year": ""},
     "A story needs at least two steps"),
    ({"step3_year": "2019"}, "Choose the role or qualification, or clear the row"),
])
def test_bad_input_is_400_with_the_summary_and_nothing_written(app, client, enter, change,
                                                                message):
    enter("colleague")
    answer = client.post("/stories/mine", data={**WRITE, **change})
    assert answer.status_code == 400
    assert "govuk-error-summary" in answer.text and message in answer.text
    assert count_stories(app) == 0


def test_a_domain_problem_lands_on_its_row(app, client, enter):
    """The domain numbers the rows it was given; a blank row before does not shift it."""
    enter("colleague")
    answer = client.post("/stories/mine", data={**WRITE, "step4_year": "2016"})
    assert answer.status_code == 400
    assert 'href="#step4_year"' in answer.text


def test_a_bad_rewrite_leaves_the_published_story_alone(app, client, public, enter, people):
    story_id = make_story(app, people, "colleague")
    enter("colleague")
    assert client.post("/stories/mine", data={**WRITE, "title": ""}).status_code == 400
    assert story_of(app, people["colleague"]) == (story_id, "published")
    assert TITLE in public.get("/stories").text


def test_sending_twice_is_refused_in_words(app, client, enter, people):
    story_id = make_story(app, people, "colleague", status="published")
    enter("colleague")
    answer = client.post(f"/stories/{story_id}/submit", data={"consent": "y"})
    assert answer.status_code == 400 and "only a draft can be submitted" in answer.text


def test_approving_a_draft_is_refused_in_words(app, client, enter, people):
    story_id = make_story(app, people, "colleague", status="draft")
    enter("lnd")
    answer = client.post(f"/stories/{story_id}/approve")
    assert answer.status_code == 400 and "govuk-error-summary" in answer.text
    assert "only a submitted story" in answer.text
    assert story_of(app, people["colleague"])[1] == "draft"


@pytest.mark.parametrize("path", [
    "/stories/0", "/stories/99999999999999", "/stories/abc", "/map?story=abc",
    "/map?story=99999999999999999999", "/map?story=-1", "/map?story=12345",
    "/map.svg?story=12345",
])
def test_unknown_stories_are_not_found(public, path):
    assert public.get(path).status_code == 404


def test_unknown_ids_in_posts_are_not_found(client, enter):
    enter("lnd")
    for action in ("approve", "withdraw", "submit"):
        assert client.post(f"/stories/424242/{action}").status_code == 404
        assert client.post(f"/stories/99999999999/{action}").status_code == 404


def test_what_people_write_is_escaped(app, public, people):
    make_story(app, people, "colleague", title='<script>alert("x")</script>')
    for path in ("/stories", "/roles/care-worker"):
        page = public.get(path).text
        assert "<script>alert" not in page and "&lt;script&gt;" in page


# Shadowing places on role pages ------------------------------------------------------------


def test_signed_in_people_see_open_shadowing_places_on_a_role_page(app, client, public, enter,
                                                                   people):
    from datetime import timedelta

    from pathways.mentoring.shadowing import publish_place
    from pathways.models import Person
    from webapp.extensions import db

    with app.app_context():
        host = db.session.get(Person, people["manager"])
        publish_place(db.session, host, role_id="senior-care-worker",
                      starts_on=clock.today() + timedelta(days=7),
                      ends_on=clock.today() + timedelta(days=9), capacity=2, team=host.team,
                      description="Medication rounds")
        db.session.commit()
    anonymous = public.get("/roles/senior-care-worker").text
    assert "Medication rounds" not in anonymous and "Sign in" in anonymous
    enter("staff")
    page = client.get("/roles/senior-care-worker").text
    places = page.split('id="shadowing-places"')[1].split("</table>")[0]
    assert "Medication rounds" in places and "Home care" in places
    assert re.search(r"numeric\">\s*2\s*<", places)
    assert 'href="/shadowing"' in page
    enter("outsider")  # another organisation, outside the partnership
    assert "Medication rounds" not in client.get("/roles/senior-care-worker").text
    assert "no open places" in client.get("/roles/senior-care-worker").text


# Cost of a public page ----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/roles/care-worker", "/qualifications/sw-degree",
                                  "/stories", "/stories/{id}", "/map?story={id}"])
def test_public_story_pages_cost_one_query_when_warm(app, public, people, path):
    """Warm: one query reads both versions; the stories come from the process's shelf."""
    from sqlalchemy import event

    from webapp.extensions import db

    if "map" in path and shutil.which("dot") is None:
        pytest.skip("Graphviz is not installed")
    path = path.format(id=make_story(app, people, "colleague"))
    public.get(path)  # warm the snapshot, the shelf and the map
    path += ("&" if "?" in path else "?") + "miss=1"  # a page-cache miss: rendered again
    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        answer = public.get(path)
        hit = public.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert answer.status_code == 200 and TITLE in answer.text and hit.data == answer.data
    assert len(statements) == 2, statements  # one for the miss, one for the hit


@needs_dot
def test_a_story_step_that_is_no_move_on_the_map_highlights_only_the_places(app, public,
                                                                           people):
    story_id = make_story(app, people, "colleague",
                          steps=[("volunteer", 2012), ("social-worker", 2020)])
    page = public.get(f"/map?story={story_id}").text
    assert page.count('class="node highlighted"') == 2
    assert 'class="edge highlighted"' not in page


def test_the_forms_carry_their_csrf_tokens(database_url):
    """With CSRF protection on, as in production, each form sends its token and works."""
    from tests.web.apps import running_app
    from tests.web.sessions import start_session

    with running_app(database_url, with_people=True, WTF_CSRF_ENABLED=True) as app:
        from pathways.models import Person
        from webapp.extensions import db

        with app.app_context():
            author = db.session.scalars(select(Person).filter_by(
                email="colleague@example.org")).one().id
        client = app.test_client()
        start_session(app, client, author)
        page = client.get("/stories/mine").text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        assert client.post("/stories/mine", data=WRITE).status_code == 400  # no token
        assert client.post("/stories/mine", data={**WRITE, "csrf_token": token}
                           ).status_code == 303
        page = client.get("/stories/mine").text
        assert page.count('name="csrf_token"') == 3  # the story, sending it, signing out
        story_id = story_of(app, author)[0]
        assert client.post(f"/stories/{story_id}/submit", data={
            "consent": "y", "csrf_token": token}).status_code == 303
        assert 'name="csrf_token"' in client.get("/stories/mine").text  # withdrawing
