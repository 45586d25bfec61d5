"""The demo partnership's career champions, mentoring, a development conversation, role
shadowing and career stories, made through the services.

Everything is fictional. The files in ``demo/`` say what there is; dates in them are offsets
from the day the demo is loaded (``seed.demo_dates``: ``-140d`` is 140 days before, ``+7d`` a
week after), so the activity always looks recent, and years in the stories' routes and words
are ``{-8y:%Y}``, so careers move with the load day too:

``champions.csv``
    Champion profiles (``email, specialisms, roles_held, capacity, open_to_partnership,
    availability``), checked like the champion import and saved with ``save_profile``,
    which grants the ``champion`` role. ``roles_held`` are each champion's own route.
``mentoring.csv``
    One row a pairing. ``demo.py`` loads ``pairings.csv`` as plain active pairings, from
    before champions were requested and accepted; a row for such a pair writes its agreement
    (goals, how often, until when) onto that pairing, with the day it started as
    ``accepted``. Any other row is asked for with ``request_champion`` on ``requested`` and
    accepted with ``accept`` on ``accepted``; with ``accepted`` empty the request is left
    waiting for the champion.
``sessions.csv``, ``mentoring_actions.csv``
    Past sessions of active pairings (one a row, recorded by the champion), and the actions
    agreed in them (keyed by the person and the session's ``held``), done on ``done`` or
    open. ``count_as_otj`` logs the session as off-the-job mentoring when the person's
    apprenticeship has started by then (approved by L&D when three weeks old, like the
    cohorts' entries); otherwise it is a plain session.
``conversations.csv``, ``conversation_actions.csv``
    Development conversations recorded by the person's manager, and their actions.
``shadowing.csv``, ``shadowing_requests.csv``
    Places published by their hosts on ``published`` (keyed by ``place``), and requests for
    them: with ``decided_by`` empty the request waits for the manager; with a ``reflection``
    the person has written it on ``reflected``.
``stories.csv``
    Career stories in the person's own words, written, submitted with consent on
    ``submitted`` and approved by L&D on ``approved``; with ``withdrawn`` the person
    withdrew it that day, so it shows nowhere. ``route`` is ``node year`` steps separated
    by ``;``.

The services stamp requests, decisions, consent and approval with the clock; the loader
sets those timestamps to the day the file gives (10:00 UTC), so that histories read in
order. Deterministic for a given day; loading again adds nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import networkx as nx
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways import audit, clock
from pathways.apprenticeships import records
from pathways.errors import InvalidInput, Problem
from pathways.mentoring import conversations, pairings, sessions, shadowing, stories
from pathways.mentoring.champions import check_details, save_profile
from pathways.models import ChampionPairing, ChampionProfile, Person, ShadowingPlace
from pathways.people.accounts import team_named

from .demo_cohorts import APPROVED_AFTER_DAYS, person, rows
from .demo_dates import on, on_or_none

SUMMARY = "The demo mentoring was not loaded"


def demo_mentoring_loaded(session: Session) -> bool:
    """Whether any of the demo champions already has a profile."""
    emails = [row["email"] for row in rows("champions.csv")]
    return session.scalar(select(ChampionProfile.person_id).join(
        Person, Person.id == ChampionProfile.person_id).where(Person.email.in_(emails))
        .limit(1)) is not None


def load_demo_mentoring(session: Session, G: nx.DiGraph, *, lnd: Person,
                        today: date | None = None) -> bool:
    """Load the demo champions, pairings and sessions, a conversation, shadowing and stories.

    Returns whether anything was loaded (False when the demo champions have profiles
    already). ``lnd`` sets up the champions and approves the stories. Flushes; the caller
    commits.

    Raises
    ------
    InvalidInput
        When a demo file names someone or something that is not there, or a service
        refuses a row.
    """
    today = today or clock.today()
    if demo_mentoring_loaded(session):
        return False
    load_champions(session, G, lnd, today)
    paired = load_pairings(session, G, today)
    load_sessions(session, paired, lnd, today)
    load_conversations(session, today)
    load_shadowing(session, today)
    load_stories(session, G, lnd, today)
    session.flush()
    return True


def stamp(day: date) -> datetime:
    """The time an event of the demo happened on ``day``: 10:00 UTC."""
    return datetime.combine(day, time(10), tzinfo=UTC)


def split(value: str) -> list[str]:
    """The parts of a ``;``-separated column, stripped, without empty ones."""
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def load_champions(session: Session, G: nx.DiGraph, lnd: Person, today: date) -> None:
    """Save each champion's profile (granting the champion role)."""
    for row in rows("champions.csv", today):
        found: list[Problem] = []

        def problem(field, message, found=found, email=row["email"]):
            found.append(Problem(f"{email}: {field}", message))
        details = check_details(
            G, split(row["specialisms"]), split(row["roles_held"]), row["capacity"],
            row["open_to_partnership"], problem)
        if found:
            raise InvalidInput(found, SUMMARY)
        save_profile(session, person(session, row["email"]),
                     replace(details, availability=row["availability"].strip()), actor=lnd)


def load_pairings(session: Session, G: nx.DiGraph, today: date
                  ) -> dict[str, ChampionPairing]:
    """Agree the plain pairings, request and accept the others; return them by person."""
    paired: dict[str, ChampionPairing] = {}
    for row in rows("mentoring.csv", today):
        champion, mentee = person(session, row["champion"]), person(session, row["person"])
        existing = session.scalar(select(ChampionPairing).filter_by(
            champion_id=champion.id, person_id=mentee.id, status="active"))
        if existing is not None:
            paired[mentee.email] = agree_existing(session, existing, row, today)
            continue
        asked_on = on(row["requested"], today)
        pairing = pairings.request_champion(session, G, mentee, champion,
                                            message=row["message"], today=asked_on)
        pairing.requested_at = stamp(asked_on)
        if row["accepted"].strip():
            accepted_on = on(row["accepted"], today)
            pairings.accept(session, pairing, goals=row["goals"],
                            meeting_frequency=row["meeting_frequency"],
                            agreed_until=on(row["agreed_until"], today), actor=champion,
                            today=accepted_on)
            pairing.responded_at = stamp(accepted_on)
            paired[mentee.email] = pairing
    session.flush()
    return paired


def agree_existing(session: Session, pairing: ChampionPairing, row: dict[str, str],
                   today: date) -> ChampionPairing:
    """Write the agreement onto a pairing made before requests (``pairings.csv``).

    There is no service for it (``accept`` answers a request), so the fields are set here
    with the checks ``accept`` makes, and the change is audited like an acceptance.
    """
    accepted_on = on(row["accepted"], today)
    agreed_until = on(row["agreed_until"], today)
    goals, frequency = row["goals"].strip(), row["meeting_frequency"].strip()
    if not goals or not frequency or agreed_until <= today:
        raise InvalidInput([Problem(row["person"], "a pairing needs goals, how often and an "
                                    "end after today")], SUMMARY)
    pairing.goals, pairing.meeting_frequency = goals, frequency
    pairing.agreed_until = agreed_until
    pairing.responded_at = stamp(accepted_on)
    session.flush()
    audit.record(session, pairing.champion, "champion_accept", "pairing", pairing.id,
                 "Agreement recorded for a pairing made before requests", concerns=pairing.person)
    return pairing


def load_sessions(session: Session, paired: dict[str, ChampionPairing], lnd: Person,
                  today: date) -> None:
    """Record each pairing's past sessions with their actions, and complete the done ones."""
    agreed: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for row in rows("mentoring_actions.csv", today):
        agreed[(row["person"], row["session"].strip())].append(row)
    for row in rows("sessions.csv", today):
        pairing = paired.get(row["person"])
        if pairing is None:
            raise InvalidInput([Problem(row["person"], "has no active pairing in "
                                        "mentoring.csv")], SUMMARY)
        held_on = on(row["held"], today)
        actions = agreed.pop((row["person"], row["held"].strip()), [])
        otj = row["count_as_otj"].strip().lower() == "yes"
        apprenticeship = sessions.active_apprenticeship(session, pairing.person) if otj else None
        otj = apprenticeship is not None and apprenticeship.start_date <= held_on
        record = sessions.record_session(
            session, pairing, held_on=held_on, duration_minutes=int(row["minutes"]),
            mode=row["mode"], topics=row["topics"], private_notes=row["private_notes"],
            actions=[sessions.AgreedAction(a["description"], a["owner"],
                                           on(a["due"], today)) for a in actions],
            next_session_on=on_or_none(row["next"], today), count_as_otj=otj,
            actor=pairing.champion, today=today)
        for action, planned in zip(record.actions, actions):
            done_on = on_or_none(planned["done"], today)
            if done_on is not None:
                owner = pairing.person if action.owner == "person" else pairing.champion
                sessions.complete_action(session, action, done_on, actor=owner)
        if apprenticeship is not None and record.otj_entry_id is not None and (
                held_on <= today - timedelta(days=APPROVED_AFTER_DAYS)):
            entry = next(e for e in apprenticeship.otj_entries if e.id == record.otj_entry_id)
            records.review_entry(session, entry, "approved", actor=lnd)
    if agreed:
        raise InvalidInput([Problem(f"{email} {held}", "no such session in sessions.csv")
                            for email, held in agreed], SUMMARY)


def load_conversations(session: Session, today: date) -> None:
    """Record each development conversation, by the person's manager."""
    planned: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows("conversation_actions.csv", today):
        planned[row["person"]].append(row)
    for row in rows("conversations.csv", today):
        conversations.record_conversation(
            session, person(session, row["person"]), held_on=on(row["held"], today),
            review_on=on(row["review"], today), aspirations=row["aspirations"],
            actions=[conversations.PlannedAction(a["kind"], a["description"],
                                                 on_or_none(a["due"], today))
                     for a in planned[row["person"]]],
            actor=person(session, row["manager"]), today=today)


def load_shadowing(session: Session, today: date) -> None:
    """Publish the places, then make, decide and reflect on the requests for them."""
    places: dict[str, ShadowingPlace] = {}
    for row in rows("shadowing.csv", today):
        host = person(session, row["host"])
        places[row["place"]] = shadowing.publish_place(
            session, host, role_id=row["role"], starts_on=on(row["starts"], today),
            ends_on=on(row["ends"], today), capacity=int(row["capacity"]),
            team=team_named(session, host.organisation, row["team"]),
            description=row["description"],
            open_to_partnership=row["open_to_partnership"].strip().lower() == "yes",
            today=on(row["published"], today))
    for row in rows("shadowing_requests.csv", today):
        asked_on = on(row["requested"], today)
        request = shadowing.request_place(session, places[row["place"]],
                                          person(session, row["person"]), today=asked_on)
        request.requested_at = stamp(asked_on)
        if not row["decided_by"].strip():
            continue
        decided_on = on(row["decided"], today)
        shadowing.decide(session, request, True, actor=person(session, row["decided_by"]),
                         today=decided_on)
        request.decided_at = stamp(decided_on)
        if row["reflection"].strip():
            shadowing.reflect(session, request, reflection=row["reflection"],
                              still_my_goal=row["still_my_goal"].strip().lower() == "yes",
                              today=on(row["reflected"], today))
    session.flush()


def route_of(text: str) -> list[tuple[str, int | None]]:
    """Read a story's route: ``node year`` steps separated by ``;`` (the year may be left out)."""
    steps: list[tuple[str, int | None]] = []
    for step in split(text):
        node, _, year = step.rpartition(" ")
        steps.append((node, int(year)) if year.isdigit() and node else (step, None))
    return steps


def load_stories(session: Session, G: nx.DiGraph, lnd: Person, today: date) -> None:
    """Write, submit with consent and approve each story; withdraw the withdrawn ones."""
    for row in rows("stories.csv", today):
        author = person(session, row["email"])
        story = stories.write_story(session, G, author, title=row["title"], body=row["body"],
                                    steps=route_of(row["route"]), today=today)
        stories.submit(session, story, consent=True)
        story.consented_at = stamp(on(row["submitted"], today))
        stories.approve(session, story, actor=lnd)
        story.approved_at = stamp(on(row["approved"], today))
        withdrawn_on = on_or_none(row["withdrawn"], today)
        if withdrawn_on is not None:
            stories.withdraw(session, story, actor=author)
            story.withdrawn_at = stamp(withdrawn_on)
    session.flush()
