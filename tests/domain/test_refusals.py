"""One family of refusals: every ``*Refused`` error is a ``Refused``, with one exit code."""

from types import SimpleNamespace

import click
import pytest
from click.testing import CliRunner

from pathways.apprenticeships.lifecycle import JobStepRefused
from pathways.apprenticeships.placements import EducatorRefused
from pathways.apprenticeships.posts import PostMoveRefused
from pathways.apprenticeships.rules import StatusMoveRefused
from pathways.cli.base import EXIT_CODES, PathwaysGroup
from pathways.errors import PathwayError, Refused
from pathways.mentoring.pairings import PairingRefused
from pathways.mentoring.shadowing import ShadowingRefused
from pathways.mentoring.stories import StoryRefused

#: The exit code of a refusal; 5 stays "the database or Graphviz could not be used".
REFUSED_EXIT = 6


def every_refusal() -> list[Refused]:
    """One of each area's refusals, as the domain raises them."""
    post = SimpleNamespace(reference="SW-001", state="filled")
    return [
        PostMoveRefused(post, "reserved", "from filled it can only go to vacant"),
        StatusMoveRefused("completed", "active", "the apprenticeship has finished."),
        JobStepRefused("This apprenticeship has no guaranteed job."),
        EducatorRefused("Sam Educator works for another organisation."),
        ShadowingRefused("This place is full."),
        StoryRefused("This story is published; only a draft can be submitted."),
        PairingRefused("This pairing is ended, not active."),
    ]


def test_every_area_refusal_is_a_refused_pathway_error():
    kinds = {type(error) for error in every_refusal()}
    assert len(kinds) == 7
    for kind in kinds:
        assert issubclass(kind, Refused) and issubclass(kind, PathwayError)


@pytest.fixture
def refusing_cli():
    """A command group of the ``pathways`` kind whose one command raises a chosen refusal."""
    refusals = {type(error).__name__: error for error in every_refusal()}

    @click.group(cls=PathwaysGroup)
    def group():
        """A stand-in for ``pathways``."""

    @group.command()
    @click.argument("name")
    def act(name):
        """Raise the refusal called ``name``."""
        raise refusals[name]

    return lambda name: CliRunner().invoke(group, ["act", name])


@pytest.mark.parametrize("refusal", every_refusal(), ids=lambda error: type(error).__name__)
def test_every_refusal_exits_6_with_its_reason(refusing_cli, refusal):
    result = refusing_cli(type(refusal).__name__)
    assert result.exit_code == REFUSED_EXIT
    assert f"Error: {refusal}" in result.output


def test_refused_has_its_own_exit_code_apart_from_an_unusable_database():
    codes = dict(EXIT_CODES)
    assert codes[Refused] == REFUSED_EXIT
    assert REFUSED_EXIT not in {code for kind, code in EXIT_CODES if kind is not Refused}
