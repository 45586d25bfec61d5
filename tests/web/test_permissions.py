"""The permission matrix: every actor against every endpoint, on their own record and others'.

The expected answers are written out from the rules in ``pathways.policy``'s docstring, not
computed by calling the policy:

- everyone may see and change their own profile;
- another organisation is hidden (404), unless the actor holds L&D or admin with
  partnership scope and both organisations are in one partnership;
- within reach: admins and L&D see everyone; managers see their own team (others in the
  organisation are forbidden, 403); champions see the people they are paired with; anyone
  else is hidden (404);
- only the person, L&D and admins change a profile: those who may see it but not change it
  are forbidden (403); those who may not see it get the same answer as for seeing it;
- only map editors edit the career graph (lnd holds the role, partnership_lnd and admin do
  not); L&D and admins import staff; only admins read the audit log.

Anonymous visitors are sent to sign in (302 to /login) everywhere.

The people (``tests.factories.make_people``): Testshire Council (partnership Testshire) has
staff and colleague (team Home care, with their manager), other_team and champion (team
Reablement; the champion is paired with staff), lnd (also a map editor) and admin
(organisation scope) and
partnership_lnd; partner_staff works at Sunrise Care (same partnership); outsider at Far
Away Care (no partnership).
"""


import pytest

from tests.web.sessions import start_session

ACTORS = ["staff", "manager", "champion", "lnd", "admin", "partnership_lnd", "outsider",
          "anonymous"]
SUBJECTS = ["colleague", "other_team", "staff", "partner_staff", "outsider"]
LOGIN = 302

#: actor -> answer to GET /people/<id> for each subject, and for their own id ("own").
#: (staff looking at "staff" and outsider at "outsider" are their own records.)
VIEW = {
    "staff": {"own": 200, "colleague": 404, "other_team": 404, "staff": 200,
              "partner_staff": 404, "outsider": 404},
    "manager": {"own": 200, "colleague": 200, "other_team": 403, "staff": 200,
                "partner_staff": 404, "outsider": 404},
    "champion": {"own": 200, "colleague": 404, "other_team": 404, "staff": 200,
                 "partner_staff": 404, "outsider": 404},
    "lnd": {"own": 200, "colleague": 200, "other_team": 200, "staff": 200,
            "partner_staff": 404, "outsider": 404},
    "admin": {"own": 200, "colleague": 200, "other_team": 200, "staff": 200,
              "partner_staff": 404, "outsider": 404},
    "partnership_lnd": {"own": 200, "colleague": 200, "other_team": 200, "staff": 200,
                        "partner_staff": 200, "outsider": 404},
    "outsider": {"own": 200, "colleague": 404, "other_team": 404, "staff": 404,
                 "partner_staff": 404, "outsider": 200},
    "anonymous": {"own": LOGIN, **{subject: LOGIN for subject in SUBJECTS}},
}

#: actor -> answer to POST /people/<id>/target (a change), followed to the page when allowed.
EDIT = {
    "staff": {"own": 200, "colleague": 404, "other_team": 404, "staff": 200,
              "partner_staff": 404, "outsider": 404},
    "manager": {"own": 200, "colleague": 403, "other_team": 403, "staff": 403,
                "partner_staff": 404, "outsider": 404},
    "champion": {"own": 200, "colleague": 404, "other_team": 404, "staff": 403,
                 "partner_staff": 404, "outsider": 404},
    "lnd": {"own": 200, "colleague": 200, "other_team": 200, "staff": 200,
            "partner_staff": 404, "outsider": 404},
    "admin": {"own": 200, "colleague": 200, "other_team": 200, "staff": 200,
              "partner_staff": 404, "outsider": 404},
    "partnership_lnd": {"own": 200, "colleague": 200, "other_team": 200, "staff": 200,
                        "partner_staff": 200, "outsider": 404},
    "outsider": {"own": 200, "colleague": 404, "other_team": 404, "staff": 404,
                 "partner_staff": 404, "outsider": 200},
    "anonymous": {"own": LOGIN, **{subject: LOGIN for subject in SUBJECTS}},
}

#: actor -> answer to GET /profile.
PROFILE = {actor: LOGIN if actor == "anonymous" else 200 for actor in ACTORS}

#: The admin pages (checked only where they exist), by access role.
ADMIN_PAGES = ["/admin/graph", "/admin/users", "/admin/audit", "/admin/import-staff"]
ADMIN = {
    "staff": dict.fromkeys(ADMIN_PAGES, 403),
    "manager": dict.fromkeys(ADMIN_PAGES, 403),
    "champion": dict.fromkeys(ADMIN_PAGES, 403),
    "outsider": dict.fromkeys(ADMIN_PAGES, 403),
    "lnd": {**dict.fromkeys(ADMIN_PAGES, 200), "/admin/audit": 403},
    "partnership_lnd": {**dict.fromkeys(ADMIN_PAGES, 200), "/admin/audit": 403,
                        "/admin/graph": 403},
    "admin": {**dict.fromkeys(ADMIN_PAGES, 200), "/admin/graph": 403},
    "anonymous": dict.fromkeys(ADMIN_PAGES, LOGIN),
}


def answer(app, response, actor: str, page: str) -> int:
    """Return the status, checking that a redirect is to sign in, or back to the page."""
    if response.status_code in (301, 302, 303):
        where = response.location
        if actor == "anonymous":
            assert "/login" in where, where
            return LOGIN
        assert where.endswith(page), where  # an edit goes back to the page it changed
    return response.status_code


def admin_pages(app) -> dict[str, str]:
    """Return the admin pages that exist, each with its address (``/admin/graph/``...)."""
    rules = {rule.rule.rstrip("/"): rule.rule for rule in app.url_map.iter_rules()
             if "GET" in rule.methods}
    return {page: rules[page] for page in ADMIN_PAGES if page in rules}


@pytest.fixture
def actor_client(app, client, people, request):
    actor = request.param
    if actor != "anonymous":
        start_session(app, client, people[actor])
    return actor, client


@pytest.mark.parametrize("actor_client", ACTORS, indirect=True)
def test_who_sees_which_profile(app, people, actor_client):
    actor, client = actor_client
    subjects = {"own": people.get(actor), **{s: people[s] for s in SUBJECTS}}
    if actor == "anonymous":
        subjects["own"] = people["staff"]
    seen = {"/profile": answer(app, client.get("/profile"), actor, "/profile")}
    for subject, person_id in subjects.items():
        page = f"/people/{person_id}"
        seen[subject] = answer(app, client.get(page), actor, page)
    assert seen == {"/profile": PROFILE[actor], **VIEW[actor]}


@pytest.mark.parametrize("actor_client", ACTORS, indirect=True)
def test_who_changes_which_profile(app, people, actor_client):
    actor, client = actor_client
    subjects = {"own": people.get(actor), **{s: people[s] for s in SUBJECTS}}
    if actor == "anonymous":
        subjects["own"] = people["staff"]
    changed = {}
    for subject, person_id in subjects.items():
        page = f"/people/{person_id}"
        response = client.post(f"{page}/target", data={"target": "senior-care-worker"})
        status = answer(app, response, actor, page)
        if response.status_code == 303:
            status = client.get(response.location).status_code
        changed[subject] = status
    assert changed == EDIT[actor]


@pytest.mark.parametrize("actor_client", ACTORS, indirect=True)
def test_who_opens_the_admin_pages(app, actor_client):
    actor, client = actor_client
    covered = admin_pages(app)
    assert set(covered) == set(ADMIN_PAGES)  # every admin page exists and is walked
    seen = {page: answer(app, client.get(path), actor, path) for page, path in covered.items()}
    assert seen == {page: ADMIN[actor][page] for page in covered}


def test_the_matrix_covers_every_actor_and_subject():
    for table in (VIEW, EDIT):
        assert list(table) == ACTORS
        assert all(list(row) == ["own", *SUBJECTS] for row in table.values())
    assert set(ADMIN) == set(ACTORS)


PUBLIC_MENU = ["Career map", "Plan a route", "What can I reach?", "Compare roles",
               "Career stories"]
SIGNED_IN_MENU = PUBLIC_MENU + ["Your profile", "Champions", "Shadowing"]
LND_MENU = SIGNED_IN_MENU + ["Training", "People", "Cohorts", "Workforce",
                             "Stories to approve"]
MAP_EDITOR_MENU = SIGNED_IN_MENU + ["Training", "Edit the map", "People", "Cohorts",
                                   "Workforce", "Stories to approve"]
#: Everyone's own training page, for those who do not see a training matrix.
OWN_TRAINING_MENU = SIGNED_IN_MENU + ["Your training"]
#: actor -> the menu's links, in order (``policy.menu_for`` decides which).
MENU = {
    "staff": OWN_TRAINING_MENU, "manager": SIGNED_IN_MENU + ["Your team", "Training"],
    "champion": OWN_TRAINING_MENU,
    "lnd": MAP_EDITOR_MENU, "admin": LND_MENU + ["Audit log"], "partnership_lnd": LND_MENU,
    "outsider": OWN_TRAINING_MENU, "anonymous": PUBLIC_MENU,
}


@pytest.mark.parametrize("actor_client", ACTORS, indirect=True)
def test_the_menu_shows_what_the_policy_allows(actor_client):
    import re

    actor, client = actor_client
    page = client.get("/").text
    menu = page[page.index('aria-label="Menu"'):]
    links = re.findall(r'class="govuk-service-navigation__link" href="[^"]+"[^>]*>\s*([^<]+?)\s*<',
                       menu)
    assert links == MENU[actor]
