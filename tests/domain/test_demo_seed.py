"""The demo partnership: loaded by the staff import, one account per kind of user, idempotent."""

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

import seed
from pathways.cli import cli
from pathways.document import load_document
from pathways.errors import InvalidInput
from pathways.models import ChampionPairing, Organisation, Person
from pathways.options import make_options
from pathways.people.accounts import password_problems, verify_password
from pathways.policy import can_view_person
from pathways.routes import routes_between
from pathways.snapshot import build_graph
from pathways.validation import validate_document
from seed import demo


@pytest.fixture
def loaded(session):
    """A database holding the real pathway and the demo partnership."""
    seed.load_pathway(session)
    assert demo.load_demo(session) is True
    session.commit()
    return session


def people(session) -> list[Person]:
    return session.scalars(select(Person)).all()


def test_the_demo_is_a_council_and_three_providers_in_one_partnership(loaded):
    organisations = loaded.scalars(select(Organisation)).all()
    assert len(organisations) == 4
    assert demo.COUNCIL in {o.name for o in organisations}
    assert len({o.partnership_id for o in organisations}) == 1
    staff = people(loaded)
    assert 20 <= len(staff) <= 30
    assert all(len([p for p in staff if p.organisation_id == o.id]) >= 4 for o in organisations)


def test_there_is_one_account_per_kind_of_user_with_the_demo_password(loaded):
    accounts = demo.demo_accounts(loaded)
    assert [a.role for a in accounts] == ["Staff", "Manager", "Career champion",
                                          "Learning and development", "Administrator"]
    kinds = ["staff", "manager", "champion", "lnd", "admin"]
    for account, kind in zip(accounts, kinds):
        person = loaded.scalar(select(Person).where(Person.email == account.email))
        assert person.has_role(kind) and person.active
        assert verify_password(person, demo.DEMO_PASSWORD)
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


def test_loading_again_changes_nothing_and_the_graph_still_validates(loaded):
    before = len(people(loaded))
    assert demo.load_demo(loaded) is False
    assert len(people(loaded)) == before
    assert validate_document(load_document(loaded).active()).errors == []


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
