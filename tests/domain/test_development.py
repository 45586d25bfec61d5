"""Development conversations, role shadowing and career stories (both engines)."""

from datetime import date, timedelta

import pytest

from pathways.errors import InvalidInput
from pathways.interchange.store import save_document
from pathways.mentoring import conversations, shadowing, stories
from pathways.snapshot import build_graph
from tests.factories import make_people, toy_document

TODAY = date(2026, 11, 24)


@pytest.fixture
def world(session):
    save_document(session, toy_document())
    people = make_people(session)
    staff = people["staff"]
    staff.current_role_id, staff.target_role_id = "care-worker", "social-worker"
    staff.chosen_route = ["care-worker", "sw-degree", "social-worker"]
    session.flush()
    people["G"] = build_graph(session)
    return people


# My Conversation ----------------------------------------------------------------------


def test_a_conversation_snapshots_the_target_and_route(session, world):
    staff = world["staff"]
    first = conversations.record_conversation(
        session, staff, held_on=date(2026, 5, 1), review_on=date(2026, 11, 1),
        aspirations="Qualify as a social worker",
        actions=[conversations.PlannedAction("shadowing", "Shadow the hospital team",
                                             date(2026, 6, 1))],
        actor=world["manager"], today=TODAY)
    staff.chosen_route = None
    latest = conversations.record_conversation(
        session, staff, held_on=TODAY, review_on=TODAY + timedelta(days=180),
        actor=world["manager"], today=TODAY)
    assert first.chosen_route == ["care-worker", "sw-degree", "social-worker"]
    assert first.target_role_id == "social-worker" and first.manager_id == world["manager"].id
    assert latest.chosen_route is None
    assert conversations.latest_conversation(session, staff) is latest


def test_a_conversation_checks_dates_and_actions(session, world):
    with pytest.raises(InvalidInput) as refused:
        conversations.record_conversation(
            session, world["staff"], held_on=TODAY + timedelta(days=1),
            review_on=TODAY + timedelta(days=400),
            actions=[conversations.PlannedAction("juggling", due_on=TODAY - timedelta(days=9))],
            today=TODAY)
    assert {p.where for p in refused.value.problems} == {
        "held_on", "review_on", "actions[1].kind", "actions[1].due_on"}


# Shadowing ----------------------------------------------------------------------------


def _place(session, world, capacity=1, **kwargs):
    return shadowing.publish_place(
        session, world["other_team"], role_id="social-worker", starts_on=TODAY,
        ends_on=TODAY + timedelta(days=5), capacity=capacity, today=TODAY, **kwargs)


def test_publishing_a_place_checks_role_dates_and_capacity(session, world):
    with pytest.raises(InvalidInput) as refused:
        shadowing.publish_place(session, world["other_team"], role_id="diploma-l3",
                                starts_on=TODAY, ends_on=TODAY - timedelta(days=1), capacity=0,
                                today=TODAY)
    assert {p.where for p in refused.value.problems} == {"role_id", "ends_on", "capacity"}


def test_request_approve_and_reflect(session, world):
    place = _place(session, world)
    request = shadowing.request_place(session, place, world["staff"], today=TODAY)
    assert shadowing.open_places(session, "social-worker", world["staff"], TODAY) == [place]
    with pytest.raises(shadowing.ShadowingRefused, match="already asked"):
        shadowing.request_place(session, place, world["staff"], today=TODAY)
    with pytest.raises(shadowing.ShadowingRefused, match="Only approved"):
        shadowing.reflect(session, request, reflection="x", still_my_goal=True, today=TODAY)
    shadowing.decide(session, request, True, actor=world["manager"])
    # The only place is taken: it is no longer open, and nobody else can ask.
    assert shadowing.open_places(session, "social-worker", today=TODAY) == []
    with pytest.raises(shadowing.ShadowingRefused, match="full"):
        shadowing.request_place(session, place, world["colleague"], today=TODAY)
    with pytest.raises(InvalidInput, match="reflection"):
        shadowing.reflect(session, request, reflection=" ", still_my_goal=True, today=TODAY)
    shadowing.reflect(session, request, reflection="Busy but rewarding", still_my_goal=False,
                      today=TODAY + timedelta(days=5))
    assert (request.status, request.still_my_goal) == ("completed", False)


def test_a_declined_request_frees_nothing_and_cannot_be_decided_twice(session, world):
    place = _place(session, world, capacity=2)
    request = shadowing.request_place(session, place, world["staff"], today=TODAY)
    shadowing.decide(session, request, False, actor=world["manager"])
    assert request.status == "declined" and shadowing.places_taken(session, place) == 0
    with pytest.raises(shadowing.ShadowingRefused, match="already declined"):
        shadowing.decide(session, request, True, actor=world["manager"])


def test_places_reach_the_partnership_only_when_open(session, world):
    closed = _place(session, world)
    opened = _place(session, world, open_to_partnership=True)
    partner, outsider = world["partner_staff"], world["outsider"]
    assert shadowing.open_places(session, "social-worker", partner, TODAY) == [opened]
    assert shadowing.open_places(session, "social-worker", outsider, TODAY) == []
    with pytest.raises(shadowing.ShadowingRefused, match="only for people"):
        shadowing.request_place(session, closed, partner, today=TODAY)
    with pytest.raises(shadowing.ShadowingRefused, match="cannot shadow a place you host"):
        shadowing.request_place(session, closed, world["other_team"], today=TODAY)


def test_a_request_keeps_its_preferred_days_and_message_and_the_decision_its_note(
        session, world):
    place = _place(session, world)
    request = shadowing.request_place(
        session, place, world["staff"], preferred_from=TODAY + timedelta(days=2),
        preferred_to=TODAY + timedelta(days=3), message="  I want to see hospital discharge ",
        today=TODAY)
    assert (request.preferred_from, request.preferred_to, request.message) == (
        TODAY + timedelta(days=2), TODAY + timedelta(days=3), "I want to see hospital discharge")
    shadowing.decide(session, request, True, actor=world["manager"],
                     note=" Take the Thursday off the rota ")
    assert (request.status, request.decision_note) == ("approved", "Take the Thursday off the rota")
    # Reflection waits for the first preferred day, not the place's first day.
    with pytest.raises(shadowing.ShadowingRefused, match="starts on 26 November 2026"):
        shadowing.reflect(session, request, reflection="x", still_my_goal=True,
                          today=TODAY + timedelta(days=1))


def test_a_request_without_days_asks_for_the_rest_of_the_place(session, world):
    place = shadowing.publish_place(
        session, world["other_team"], role_id="social-worker",
        starts_on=TODAY - timedelta(days=3), ends_on=TODAY + timedelta(days=5), today=TODAY)
    request = shadowing.request_place(session, place, world["staff"], today=TODAY)
    assert (request.preferred_from, request.preferred_to) == (TODAY, place.ends_on)


@pytest.mark.parametrize("first, last, where", [
    (-1, 2, {"preferred_from"}),             # before the place
    (1, 9, {"preferred_to"}),                # after it
    (3, 2, {"preferred_to"}),                # the wrong way round
])
def test_preferred_days_must_lie_within_the_place(session, world, first, last, where):
    place = _place(session, world)
    with pytest.raises(InvalidInput) as refused:
        shadowing.request_place(session, place, world["staff"],
                                preferred_from=TODAY + timedelta(days=first),
                                preferred_to=TODAY + timedelta(days=last), today=TODAY)
    assert {p.where for p in refused.value.problems} == where


def test_preferred_days_in_the_past_and_long_words_are_refused(session, world):
    place = shadowing.publish_place(
        session, world["other_team"], role_id="social-worker",
        starts_on=TODAY - timedelta(days=3), ends_on=TODAY + timedelta(days=5), today=TODAY)
    with pytest.raises(InvalidInput) as refused:
        shadowing.request_place(session, place, world["staff"],
                                preferred_from=TODAY - timedelta(days=1),
                                message="x" * (shadowing.MAX_WORDS + 1), today=TODAY)
    assert {p.where for p in refused.value.problems} == {"preferred_from", "message"}
    request = shadowing.request_place(session, place, world["staff"], today=TODAY)
    with pytest.raises(InvalidInput, match="note"):
        shadowing.decide(session, request, False, actor=world["manager"],
                         note="x" * (shadowing.MAX_WORDS + 1))
    assert request.status == "requested"


def test_cancelling_a_waiting_request_then_asking_again(session, world):
    place = _place(session, world)
    request = shadowing.request_place(session, place, world["staff"], today=TODAY)
    shadowing.cancel(session, request, actor=world["staff"], today=TODAY)
    assert request.status == "withdrawn" and request.cancelled_at is not None
    with pytest.raises(shadowing.ShadowingRefused, match="already cancelled"):
        shadowing.decide(session, request, True, actor=world["manager"])
    with pytest.raises(shadowing.ShadowingRefused, match="cancelled, so it cannot"):
        shadowing.cancel(session, request, actor=world["staff"], today=TODAY)
    again = shadowing.request_place(session, place, world["staff"], message="Changed my mind",
                                    today=TODAY)
    assert again.id == request.id and (again.status, again.message) == (
        "requested", "Changed my mind")


def test_cancelling_an_approval_before_it_starts_gives_the_place_back(session, world):
    place = _place(session, world)
    request = shadowing.request_place(session, place, world["staff"],
                                      preferred_from=TODAY + timedelta(days=2), today=TODAY)
    shadowing.decide(session, request, True, actor=world["manager"])
    assert shadowing.open_places(session, "social-worker", today=TODAY) == []
    shadowing.cancel(session, request, actor=world["staff"], today=TODAY + timedelta(days=1))
    assert shadowing.open_places(session, "social-worker", today=TODAY) == [place]


def test_an_approval_cannot_be_cancelled_once_the_shadowing_starts(session, world):
    place = _place(session, world)
    request = shadowing.request_place(session, place, world["staff"],
                                      preferred_from=TODAY + timedelta(days=2), today=TODAY)
    shadowing.decide(session, request, True, actor=world["manager"])
    with pytest.raises(shadowing.ShadowingRefused, match="started on 26 November 2026"):
        shadowing.cancel(session, request, actor=world["staff"],
                         today=TODAY + timedelta(days=2))
    shadowing.decide(session, declined := shadowing.request_place(
        session, _place(session, world), world["colleague"], today=TODAY), False,
        actor=world["manager"])
    with pytest.raises(shadowing.ShadowingRefused, match="declined, so it cannot"):
        shadowing.cancel(session, declined, actor=world["colleague"], today=TODAY)


# Career stories -----------------------------------------------------------------------


STEPS = [("Care worker", 2015), ("sw-degree", 2018), ("social-worker", 2021)]


def _story(session, world, steps=STEPS):
    return stories.write_story(session, world["G"], world["colleague"], title="From care to "
                               "social work", body="I started on nights...", steps=steps,
                               today=TODAY)


def test_a_story_is_published_only_with_consent_and_approval(session, world):
    story = _story(session, world)
    assert story.node_ids == ["care-worker", "sw-degree", "social-worker"]
    assert stories.published_stories(session) == []
    with pytest.raises(stories.StoryRefused, match="only a submitted story"):
        stories.approve(session, story, actor=world["lnd"])
    with pytest.raises(InvalidInput, match="consent"):
        stories.submit(session, story, consent=False)
    stories.submit(session, story, consent=True)
    assert stories.published_stories(session) == []
    stories.approve(session, story, actor=world["lnd"])
    assert stories.published_stories(session, "sw-degree") == [story]
    assert stories.published_stories(session, "practitioner") == []


def test_withdrawing_hides_a_story_at_once(session, world):
    story = _story(session, world)
    stories.submit(session, story, consent=True)
    stories.approve(session, story, actor=world["lnd"])
    stories.withdraw(session, story)
    assert stories.published_stories(session) == []
    assert story.consented_at is None
    # Resubmitting needs consent again, and approval again.
    stories.submit(session, story, consent=True)
    assert stories.published_stories(session) == []


def test_a_story_sent_back_keeps_the_comments_until_published(session, world):
    story = _story(session, world)
    with pytest.raises(stories.StoryRefused, match="only a story waiting"):
        stories.send_back(session, story, comments="Say more", actor=world["lnd"])
    stories.submit(session, story, consent=True)
    with pytest.raises(InvalidInput, match="change"):
        stories.send_back(session, story, comments="  ", actor=world["lnd"])
    stories.send_back(session, story, comments=" Please leave out the home's name ",
                      actor=world["lnd"])
    assert (story.status, story.review_comments, story.consented_at) == (
        "returned", "Please leave out the home's name", None)
    with pytest.raises(stories.StoryRefused, match="only a submitted story"):
        stories.approve(session, story, actor=world["lnd"])
    # Revised: a draft again, the comments still beside it; sent again with consent.
    stories.write_story(session, world["G"], world["colleague"], title=story.title,
                        body="I started on nights at a care home...", steps=STEPS,
                        story=story, today=TODAY)
    assert story.status == "draft" and story.review_comments
    stories.submit(session, story, consent=True)
    stories.approve(session, story, actor=world["lnd"])
    assert (story.status, story.review_comments, story.returned_at) == ("published", "", None)


def test_a_story_sent_back_can_be_sent_again_as_it_is(session, world):
    story = _story(session, world)
    stories.submit(session, story, consent=True)
    stories.send_back(session, story, comments="Is the year right?", actor=world["lnd"])
    with pytest.raises(InvalidInput, match="consent"):
        stories.submit(session, story, consent=False)
    assert stories.submit(session, story, consent=True).status == "submitted"


def test_rewriting_a_published_story_unpublishes_it(session, world):
    story = _story(session, world)
    stories.submit(session, story, consent=True)
    stories.approve(session, story, actor=world["lnd"])
    stories.write_story(session, world["G"], world["colleague"], title="New title",
                        body="Edited", steps=STEPS, story=story, today=TODAY)
    assert story.status == "draft" and stories.published_stories(session) == []


@pytest.mark.parametrize("steps, where", [
    ([("Astronaut", 2015), ("social-worker", 2020)], "route[1]"),
    ([("care-worker", 2020), ("social-worker", 2015)], "route[2].year"),
    ([("care-worker", 1900), ("social-worker", 2015)], "route[1].year"),
    ([("care-worker", 2020)], "route"),
])
def test_a_story_route_must_be_on_the_map_and_in_order(session, world, steps, where):
    with pytest.raises(InvalidInput) as refused:
        _story(session, world, steps)
    assert where in {p.where for p in refused.value.problems}


# The data download ---------------------------------------------------------------------


def test_the_download_holds_everything_and_no_secrets(session, world):
    import json

    from pathways.people.data_download import everything_about

    staff = world["staff"]
    conversations.record_conversation(session, staff, held_on=TODAY,
                                      review_on=TODAY + timedelta(days=90),
                                      aspirations="Social work", actor=world["manager"],
                                      today=TODAY)
    request = shadowing.request_place(session, _place(session, world), staff, today=TODAY)
    story = stories.write_story(session, world["G"], staff, title="Mine", body="Words",
                                steps=STEPS, today=TODAY)
    data = json.loads(json.dumps(everything_about(session, staff)))
    assert data["person"]["email"] == staff.email
    assert "password_hash" not in data["person"]
    assert data["development_conversations"][0]["aspirations"] == "Social work"
    assert data["development_conversations"][0]["manager"] == world["manager"].name
    assert data["shadowing"][0]["id"] == request.id
    assert data["career_stories"][0]["id"] == story.id
    assert data["pairings"][0]["champion"] == world["champion"].name
    assert data["pairings"][0]["you_are"] == "supported"
    assert any(e["action"] == "shadowing_request" and e["by"] == "you"
               for e in data["audit_events_about_you"])
    assert any(e["action"] == "conversation" and e["by"] == world["manager"].name
               for e in data["audit_events_about_you"])


# The public-content version: cached public pages move on when a story is shown or hidden


def _versions(session):
    from pathways.models.graph import read_versions

    return read_versions(session)


def test_a_new_database_reads_version_one_for_public_content(session, world):
    from pathways.models import read_graph_version

    graph_version, content_version = _versions(session)
    assert content_version == 1 and graph_version == read_graph_version(session)


def test_publishing_and_withdrawing_bump_the_public_version_only(session, world):
    from pathways.models import read_graph_version

    graph_version = read_graph_version(session)
    story = _story(session, world)
    stories.submit(session, story, consent=True)
    assert _versions(session) == (graph_version, 1)  # drafts and submissions are not shown
    stories.approve(session, story, actor=world["lnd"])
    assert _versions(session) == (graph_version, 2)
    stories.withdraw(session, story)
    assert _versions(session) == (graph_version, 3)
    assert read_graph_version(session) == graph_version


def test_rewriting_bumps_only_when_it_unpublishes(session, world):
    story = _story(session, world)
    stories.write_story(session, world["G"], world["colleague"], title="Draft again",
                        body="Edited", steps=STEPS, story=story, today=TODAY)
    assert _versions(session)[1] == 1
    stories.submit(session, story, consent=True)
    stories.approve(session, story, actor=world["lnd"])
    stories.write_story(session, world["G"], world["colleague"], title="New title",
                        body="Edited", steps=STEPS, story=story, today=TODAY)
    assert _versions(session)[1] == 3


def test_a_refused_rewrite_changes_no_version(session, world):
    story = _story(session, world)
    stories.submit(session, story, consent=True)
    stories.approve(session, story, actor=world["lnd"])
    with pytest.raises(InvalidInput):
        stories.write_story(session, world["G"], world["colleague"], title="", body="",
                            steps=STEPS, story=story, today=TODAY)
    assert _versions(session)[1] == 2 and story.status == "published"


def test_both_versions_are_read_in_one_query(session, world):
    from sqlalchemy import event

    from pathways.models.graph import bump_public_content_version

    bump_public_content_version(session)
    bump_public_content_version(session)
    statements = []
    engine = session.get_bind()
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        versions = _versions(session)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert versions[1] == 3 and len(statements) == 1
