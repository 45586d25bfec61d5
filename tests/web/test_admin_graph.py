"""The graph editor: map editors only, forms that keep input, conflicts as 409, versions seen.

``lnd`` holds the map editor role as well as L&D; ``partnership_lnd`` (L&D alone, across the
partnership) and ``admin`` do not, and are refused like anyone else without it.
"""

import re
from html import unescape

import pytest
from sqlalchemy import select

from pathways.db import make_engine, make_session_factory
from pathways.models import AuditEvent, Node, Person, Transition
from pathways.snapshot import GraphCache

EDITORS = ["lnd"]
NOT_EDITORS = ["staff", "manager", "champion", "partnership_lnd", "admin"]


@pytest.fixture
def editor(enter):
    enter("lnd")


def stored(app, model, key):
    from webapp.extensions import db

    with app.app_context():
        found = db.session.get(model, key)
        if found is not None:
            db.session.refresh(found)  # loads the columns of its subclass too
        return found


def move_id(app, source, target) -> int:
    from webapp.extensions import db

    with app.app_context():
        return db.session.scalars(select(Transition.id).filter_by(
            source_id=source, target_id=target)).one()


def lock_version(page: str, form_action: str) -> str:
    """Read the hidden lock_version of the form posting to ``form_action``."""
    form = page[page.index(f'action="{form_action}"'):]
    return re.search(r'name="lock_version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="lock_version"',
                     form[:form.index("</form>")]).group(1)


def role_form(**changes) -> dict:
    """What the edit form of Care worker sends when nothing is changed, with ``changes``."""
    form = {"title": "Care worker", "family": "care_and_support",
            "cwp_category": "care_or_support_worker", "level": "", "pay_min_gbp": "",
            "pay_max_gbp": "", "registration_body": "", "description": "", "citation": "",
            "note": "", "lock_version": "1"}
    form.update(changes)
    return form


# Who may edit

@pytest.mark.parametrize("key", EDITORS)
def test_editors_see_the_list_of_roles_and_qualifications(client, enter, key):
    enter(key)
    page = client.get("/admin/graph/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'href="/admin/graph/nodes/care-worker"' in html and "Care Certificate" in html
    assert page.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("key", NOT_EDITORS)
def test_others_are_forbidden(app, client, enter, key):
    enter(key)
    assert client.get("/admin/graph/").status_code == 403
    assert client.get("/admin/graph/nodes/care-worker").status_code == 403
    answer = client.post("/admin/graph/nodes/care-worker", data=role_form(title="X"))
    assert answer.status_code == 403
    assert client.post("/admin/graph/nodes/sw-degree/retire",
                       data={"lock_version": "1"}).status_code == 403
    assert stored(app, Node, "care-worker").title == "Care worker"
    assert not stored(app, Node, "sw-degree").retired


def test_plain_lnd_is_refused_until_an_administrator_grants_the_map_editor_role(
        app, client, enter, people):
    """Regression (issue 11, item 5): any organisation's L&D could edit the shared map."""
    from webapp.extensions import db

    with app.app_context():
        plain = db.session.get(Person, people["lnd"])
        plain.access = [grant for grant in plain.access if grant.role != "map_editor"]
        db.session.commit()
    enter("lnd")
    assert client.get("/admin/graph/").status_code == 403
    assert client.post("/admin/graph/nodes/care-worker",
                       data=role_form(title="Carer")).status_code == 403
    assert "Edit the map" not in client.get("/").text
    enter("admin")
    granted = client.post(f"/admin/users/{people['lnd']}/grant-role",
                          data={"grant-role": "map_editor", "grant-scope": "organisation"})
    assert granted.status_code == 302
    enter("lnd")
    assert client.get("/admin/graph/").status_code == 200
    assert client.post("/admin/graph/nodes/care-worker",
                       data=role_form(title="Carer")).status_code == 302
    assert stored(app, Node, "care-worker").title == "Carer"


def test_people_not_signed_in_are_sent_to_sign_in(client):
    answer = client.get("/admin/graph/nodes/care-worker")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    assert client.post("/admin/graph/roles/new", data={"id": "x"}).status_code == 302


# Roles and qualifications

def test_add_a_role_through_the_form(app, client, editor, people):
    page = client.get("/admin/graph/roles/new")
    assert page.status_code == 200
    for name in ("id", "title", "family", "cwp_category", "level", "pay_min_gbp", "pay_max_gbp",
                 "registration_body", "top_of_ladder", "description", "citation", "note"):
        assert f'name="{name}"' in page.get_data(as_text=True), name
    assert 'name="standard_code"' not in page.get_data(as_text=True)

    answer = client.post("/admin/graph/roles/new", data={
        "id": "cook", "title": "Cook", "family": "care_and_support", "pay_min_gbp": "21000"})
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/admin/graph/nodes/cook")
    html = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Saved." in html and "nobody can reach this role" in html  # the warnings it added
    assert stored(app, Node, "cook").pay_min_gbp == 21000
    with app.app_context():
        from webapp.extensions import db

        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert (event.actor_id, event.action, event.entity_id) == (people["lnd"], "create", "cook")


def test_add_a_qualification_through_the_form(app, client, editor):
    page = client.get("/admin/graph/qualifications/new").get_data(as_text=True)
    assert 'name="standard_code"' in page and 'name="pay_min_gbp"' not in page
    answer = client.post("/admin/graph/qualifications/new", data={
        "id": "lead-adult-care", "title": "Lead adult care worker", "level": "3",
        "standard_code": "ST0006", "duration_months": "18"})
    assert answer.status_code == 302
    assert stored(app, Node, "lead-adult-care").standard_code == "ST0006"


def test_a_qualification_keeps_its_entry_requirements_and_its_page_shows_them(app, client,
                                                                              editor):
    page = client.get("/admin/graph/qualifications/new").get_data(as_text=True)
    assert 'name="entry_requirements"' in page
    answer = client.post("/admin/graph/qualifications/new", data={
        "id": "access-course", "title": "Access course", "level": "3",
        "entry_requirements": "English and maths at Level 2"})
    assert answer.status_code == 302
    assert stored(app, Node, "access-course").entry_requirements == (
        "English and maths at Level 2")
    shown = client.get("/qualifications/access-course").get_data(as_text=True)
    assert "Entry requirements" in shown and "English and maths at Level 2" in shown


def test_bad_input_is_shown_with_the_input_kept_and_nothing_written(app, client, editor):
    answer = client.post("/admin/graph/roles/new", data={
        "id": "Bad Id", "title": "Cook <b>", "level": "eleven", "pay_min_gbp": "-5"})
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert "govuk-error-summary" in html and 'href="#level"' in html
    assert "Level must be a number, got &#39;eleven&#39;" in html
    assert "Typical pay from, in pounds a year must be at least 0" in html
    assert 'value="Cook &lt;b&gt;"' in html  # kept, and escaped
    assert stored(app, Node, "Bad Id") is None


def test_a_used_id_is_refused(client, editor):
    answer = client.post("/admin/graph/qualifications/new",
                         data={"id": "care-worker", "title": "Care work"})
    assert answer.status_code == 400 and "is already the id of Care worker" in answer.get_data(
        as_text=True)


def test_edit_a_role_and_the_public_pages_follow(app, client, editor):
    page = client.get("/admin/graph/nodes/care-worker").get_data(as_text=True)
    assert lock_version(page, "/admin/graph/nodes/care-worker") == "1"
    assert "Moves on from Care worker" in page and "Social work degree" in page
    answer = client.post("/admin/graph/nodes/care-worker",
                         data=role_form(title="Home care worker", level="2"))
    assert answer.status_code == 302
    role = stored(app, Node, "care-worker")
    assert (role.title, role.level, role.lock_version) == ("Home care worker", 2, 2)
    assert "Home care worker" in client.get("/roles/care-worker").get_data(as_text=True)


def test_validation_errors_on_edit(app, client, editor):
    answer = client.post("/admin/graph/nodes/care-worker",
                         data=role_form(pay_min_gbp="30000", pay_max_gbp="20000"))
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert "pay_min_gbp (30000) is more than pay_max_gbp (20000)" in html
    assert 'value="30000"' in html
    assert stored(app, Node, "care-worker").pay_min_gbp is None


def test_two_edits_from_the_same_version_the_second_is_a_conflict(app, client, editor):
    assert client.post("/admin/graph/nodes/care-worker",
                       data=role_form(title="Home care worker")).status_code == 302
    answer = client.post("/admin/graph/nodes/care-worker",
                         data=role_form(title="Domiciliary care worker", note="From the survey"))
    assert answer.status_code == 409
    html = answer.get_data(as_text=True)
    assert "govuk-error-summary" in html
    assert "Someone else changed Home care worker while you were editing" in html
    assert 'value="Domiciliary care worker"' in html and "From the survey" in html  # kept
    assert 'id="current-version"' in html and "Home care worker" in html
    assert stored(app, Node, "care-worker").title == "Home care worker"

    # Having seen the current version, saving again replaces it on purpose.
    assert lock_version(html, "/admin/graph/nodes/care-worker") == "2"
    again = client.post("/admin/graph/nodes/care-worker",
                        data=role_form(title="Domiciliary care worker", lock_version="2"))
    assert again.status_code == 302
    assert stored(app, Node, "care-worker").title == "Domiciliary care worker"


def hidden_loaded(page: str, form_action: str) -> str:
    """Read the hidden ``loaded`` record of the form posting to ``form_action``."""
    form = page[page.index(f'action="{form_action}"'):]
    form = form[:form.index("</form>")]
    return unescape(re.search(r'name="loaded"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*'
                              r'name="loaded"', form).group(1))


def test_the_conflict_page_marks_what_the_other_person_changed_and_keeps_yours(
        app, client, editor):
    page = client.get("/admin/graph/nodes/care-worker").get_data(as_text=True)
    loaded = hidden_loaded(page, "/admin/graph/nodes/care-worker")
    # The first editor changes the title and the level; the second (from the same version)
    # changes the note and, differently, the level.
    assert client.post("/admin/graph/nodes/care-worker", data=role_form(
        title="Home care worker", level="2", loaded=loaded)).status_code == 302
    answer = client.post("/admin/graph/nodes/care-worker", data=role_form(
        level="3", note="From the survey", loaded=loaded))
    assert answer.status_code == 409
    html = answer.get_data(as_text=True)
    rows = re.findall(r'<tr class="govuk-table__row" data-changed="(\w+)">\s*'
                      r'<th scope="row" class="govuk-table__header">([^<]+)<', html)
    assert rows == [("theirs", "Title"), ("clash", "Level")]
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", unescape(html)))
    assert ("Title Changed by someone else Home care worker It was: Care worker Care worker"
            in words)
    assert ("Level Changed by someone else You changed it too 2 It was: Not set 3" in words)
    assert words.count(" Id ") == 1  # the current version shows the Id row once
    # The form: their title (not the stale one), their level (a clash: theirs until the
    # editor chooses), and the editor's own note put back.
    form = html[html.index('action="/admin/graph/nodes/care-worker"'):]
    form = form[:form.index("</form>")]
    assert 'value="Home care worker"' in form and 'value="Care worker"' not in form
    assert re.search(r'name="level"[^>]*value="2"', form)
    assert "From the survey" in form
    assert lock_version(html, "/admin/graph/nodes/care-worker") == "2"
    # Saving the form as shown keeps both people's changes.
    again = client.post("/admin/graph/nodes/care-worker", data=role_form(
        title="Home care worker", level="2", note="From the survey", lock_version="2",
        loaded=hidden_loaded(html, "/admin/graph/nodes/care-worker")))
    assert again.status_code == 302
    node = stored(app, Node, "care-worker")
    assert (node.title, node.level, node.note) == ("Home care worker", 2, "From the survey")


def test_retire_and_restore_through_the_buttons(app, client, editor):
    assert client.get("/qualifications/sw-degree").status_code == 200
    page = client.get("/admin/graph/nodes/sw-degree").get_data(as_text=True)
    version = lock_version(page, "/admin/graph/nodes/sw-degree/retire")
    answer = client.post("/admin/graph/nodes/sw-degree/retire", data={"lock_version": version})
    assert answer.status_code == 302 and stored(app, Node, "sw-degree").retired
    assert client.get("/qualifications/sw-degree").status_code == 404
    assert "Social work degree" not in client.get("/admin/graph/").get_data(as_text=True)
    assert "Social work degree" in client.get("/admin/graph/?show=retired").get_data(as_text=True)
    assert "Social work degree" in client.get("/admin/graph/?show=all").get_data(as_text=True)

    assert client.post("/admin/graph/nodes/sw-degree/retire",
                       data={"lock_version": version}).status_code == 409
    answer = client.post("/admin/graph/nodes/sw-degree/restore", data={"lock_version": "2"})
    assert answer.status_code == 302 and not stored(app, Node, "sw-degree").retired
    assert client.get("/qualifications/sw-degree").status_code == 200


def test_retiring_what_moves_still_need_is_refused_clearly(app, client, editor):
    answer = client.post("/admin/graph/nodes/care-cert/retire", data={"lock_version": "1"})
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert "Care Certificate cannot be retired" in html
    assert "move from Care worker to Senior care worker: needs Care Certificate" in html
    assert not stored(app, Node, "care-cert").retired


# Moves

def test_add_change_and_delete_a_move(app, client, editor):
    page = client.get("/admin/graph/nodes/volunteer/moves/new?direction=out")
    assert page.status_code == 200 and 'name="requires"' in page.get_data(as_text=True)
    answer = client.post("/admin/graph/nodes/volunteer/moves/new?direction=out", data={
        "other": "care-cert", "months": "2", "cost_gbp": "", "lock_version": ""})
    assert answer.status_code == 302
    new_id = move_id(app, "volunteer", "care-cert")
    move = stored(app, Transition, new_id)
    assert (move.kind, move.funding, move.earn_while_learning) == ("study", "none", False)

    page = client.get(f"/admin/graph/moves/{new_id}?node=volunteer").get_data(as_text=True)
    assert 'value="2"' in page
    answer = client.post(f"/admin/graph/moves/{new_id}?node=volunteer", data={
        "kind": "study", "months": "3", "cost_gbp": "120", "funding": "employer",
        "earn_while_learning": "yes", "requires": [], "min_experience_months": "0",
        "lock_version": "1"})
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/admin/graph/nodes/volunteer")
    move = stored(app, Transition, new_id)
    assert (move.months, move.cost_gbp, move.earn_while_learning) == (3, 120, True)

    asked = client.post(f"/admin/graph/moves/{new_id}/delete?node=volunteer",
                        data={"lock_version": "2"})
    assert asked.status_code == 200 and stored(app, Transition, new_id) is not None
    html = asked.get_data(as_text=True)
    assert "Delete the move from Volunteer to" in html and "cannot be undone" in html
    assert f'action="/admin/graph/moves/{new_id}/delete?node=volunteer"' in html
    assert 'name="lock_version" value="2"' in html and 'name="confirm" value="yes"' in html
    answer = client.post(f"/admin/graph/moves/{new_id}/delete?node=volunteer",
                         data={"lock_version": "2", "confirm": "yes"})
    assert answer.status_code == 302 and stored(app, Transition, new_id) is None


def test_move_into_a_node_and_its_errors(app, client, editor):
    answer = client.post("/admin/graph/nodes/diploma-l3/moves/new?direction=in", data={
        "other": "care-cert", "months": "2"})
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert "put the role in between" in html and 'value="2"' in html
    answer = client.post("/admin/graph/nodes/diploma-l3/moves/new?direction=in", data={
        "other": "volunteer", "months": "many", "cost_gbp": "100"})
    assert answer.status_code == 400
    assert "Time the move takes, in months must be a number" in answer.get_data(as_text=True)
    answer = client.post("/admin/graph/nodes/diploma-l3/moves/new?direction=in", data={
        "other": "no-such-role", "months": "1"})
    assert answer.status_code == 400
    assert stored(app, Node, "diploma-l3") is not None


def test_deleting_the_only_way_to_earn_a_requirement_is_refused(app, client, editor):
    mid = move_id(app, "care-worker", "care-cert")
    answer = client.post(f"/admin/graph/moves/{mid}/delete",
                         data={"lock_version": "1", "confirm": "yes"})
    assert answer.status_code == 400
    assert "nobody can earn it" in answer.get_data(as_text=True)
    assert stored(app, Transition, mid) is not None


def test_a_stale_move_edit_is_a_conflict_with_the_input_kept(app, client, editor):
    mid = move_id(app, "care-worker", "sw-degree")
    form = {"kind": "study", "months": "36", "cost_gbp": "9250", "funding": "self_funded",
            "earn_while_learning": "no", "min_experience_months": "0", "lock_version": "1"}
    answer = client.post(f"/admin/graph/moves/{mid}", data={**form, "months": "40"})
    assert answer.status_code == 302
    answer = client.post(f"/admin/graph/moves/{mid}", data={**form, "months": "48",
                                                           "note": "Part-time"})
    assert answer.status_code == 409
    html = answer.get_data(as_text=True)
    assert "Someone else changed the move from Care worker to Social work degree" in html
    assert 'value="48"' in html and "Part-time" in html
    assert client.post(f"/admin/graph/moves/{mid}/delete",
                       data={"lock_version": "1", "confirm": "yes"}).status_code == 409
    assert stored(app, Transition, mid) is not None


# Bad input never gives a 500

def test_bad_requests_are_answered_without_a_500(client, editor):
    assert client.get("/admin/graph/nodes/astronaut").status_code == 404
    assert client.get("/admin/graph/moves/9999").status_code == 404
    assert client.get("/admin/graph/things/new").status_code == 404
    assert client.get("/admin/graph/?show=everything").status_code == 200
    assert client.post("/admin/graph/nodes/care-worker",
                       data=role_form(lock_version="x")).status_code == 400
    assert client.post("/admin/graph/nodes/care-worker",
                       data=role_form(family="moon")).status_code == 400
    assert client.post("/admin/graph/nodes/care-worker",
                       data={"lock_version": "1"}).status_code == 400  # title missing
    assert client.post("/admin/graph/nodes/sw-degree/retire", data={}).status_code == 409
    assert client.post("/admin/graph/nodes/sw-degree/explode", data={}).status_code == 404


def test_forms_carry_a_csrf_token_and_need_it(app, client, editor):
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/admin/graph/nodes/care-worker").get_data(as_text=True)
    main = page.split('id="main-content"')[1]  # the header's sign-out form has one too
    assert main.count('name="csrf_token"') == 2  # the edit form and the retire button
    assert client.post("/admin/graph/nodes/care-worker",
                       data=role_form(title="No token")).status_code == 400
    assert stored(app, Node, "care-worker").title == "Care worker"


# Other processes see the change

def test_an_edit_is_seen_by_another_processs_graph_cache(app, client, editor, database_url):
    engine = make_engine(database_url)
    try:
        session = make_session_factory(engine)()
        cache = GraphCache()
        assert cache.get(session).nodes["care-worker"]["title"] == "Care worker"
        session.commit()  # end the read so the next one sees new commits
        assert client.post("/admin/graph/nodes/care-worker",
                           data=role_form(title="Home care worker")).status_code == 302
        assert cache.get(session).nodes["care-worker"]["title"] == "Home care worker"
        assert cache.builds == 2
        session.close()
    finally:
        engine.dispose()
