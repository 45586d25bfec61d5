"""Statuses and states: the stored values never change; labels and tag colours live with them."""

import pytest

from pathways.apprenticeships.progress import RAG_ORDER, Rag
from pathways.apprenticeships.rules import STATUSES, ApprenticeshipStatus
from pathways.models import (
    OTJ_STATES,
    POST_STATES,
    SHADOWING_STATES,
    STORY_STATES,
    OtjState,
    PairingStatus,
    PostState,
    ShadowingState,
    StoryStatus,
)
from pathways.vocabulary import LabelledEnum

#: The values the database and the API hold: renaming one needs a migration.
STORED = {
    ApprenticeshipStatus: ["active", "break_in_learning", "gateway", "epa", "failed",
                           "completed", "qualified", "withdrawn"],
    OtjState: ["submitted", "approved", "queried"],
    PostState: ["vacant", "reserved", "offered", "filled"],
    Rag: ["red", "amber", "green", "grey"],
    PairingStatus: ["requested", "active", "declined", "expired", "ended", "withdrawn"],
    ShadowingState: ["requested", "approved", "declined", "withdrawn", "completed"],
    StoryStatus: ["draft", "submitted", "returned", "published", "withdrawn"],
}
GOV_UK_TAG_COLOURS = {"grey", "green", "turquoise", "blue", "light-blue", "purple", "pink",
                      "red", "orange", "yellow"}


@pytest.mark.parametrize("kind", list(STORED), ids=lambda kind: kind.__name__)
def test_stored_values_are_unchanged_and_equal_plain_strings(kind):
    assert [member.value for member in kind] == STORED[kind]
    for member in kind:
        assert member == member.value and isinstance(member, str) and f"{member}" == member.value
        assert member.label and member.colour in GOV_UK_TAG_COLOURS
        assert kind.of(member.value) is member
    assert kind.of("no such value") is None


def test_the_old_mappings_come_from_the_enums():
    for mapping, kind in ((STATUSES, ApprenticeshipStatus), (OTJ_STATES, OtjState),
                          (POST_STATES, PostState), (SHADOWING_STATES, ShadowingState),
                          (STORY_STATES, StoryStatus)):
        assert mapping == {member.value: member.label for member in kind}
        assert all(type(value) is str for value in mapping)  # plain keys, as before
    assert RAG_ORDER == ("red", "amber", "green", "grey")


def test_labels_read_as_sentences_and_as_tags():
    assert ApprenticeshipStatus.EPA.label == "end-point assessment"
    assert ApprenticeshipStatus.EPA.tag_text == "End-point assessment"
    assert StoryStatus.SUBMITTED.tag_text == "Waiting for L&D"  # only the first letter
    assert PairingStatus.REQUESTED.label == "Waiting for an answer"
    assert (Rag.AMBER.label, Rag.AMBER.colour) == ("Amber", "orange")
    assert issubclass(PairingStatus, LabelledEnum)
