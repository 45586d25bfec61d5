"""Calls made at the same moment from several threads, each with a connection of its own.

``race`` fires the same service call from several threads at once, each in a session of its
own (its own connection to the test's database) that loads what it works on first, as a web
request does, then waits at a barrier, acts and commits. The tests then count rows: a limit
must hold however the calls interleave, and every call that lost must have been told so (a
refusal), never acknowledged and then overwritten.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from pathways.db import make_engine, make_session_factory
from pathways.errors import InvalidInput, Refused

#: How long a thread may wait for the others, or for its call: the tests stay bounded.
WAIT_SECONDS = 15

#: What a thread does once it has loaded its rows: the call that races.
Act = Callable[[], object]


def race(database_url: str, prepares: list[Callable[..., Act]]) -> list[object]:
    """Run each ``prepare(session)`` in a thread of its own, then all their calls at once.

    Returns each call's outcome in order: ``"done"`` when it committed, or the refusal
    (``Refused`` or ``InvalidInput``) that rolled it back. Anything else fails the test.
    """
    engine = make_engine(database_url, pool_size=len(prepares))
    barrier = threading.Barrier(len(prepares), timeout=WAIT_SECONDS)
    outcomes: list[object] = [None] * len(prepares)

    def run(index: int, prepare: Callable[..., Act]) -> None:
        with make_session_factory(engine)() as session:
            try:
                act = prepare(session)
                session.commit()  # what was loaded stays loaded (no expiry on commit)
            except BaseException as error:
                barrier.abort()
                outcomes[index] = error
                return
            try:
                barrier.wait()
                act()
                session.commit()
                outcomes[index] = "done"
            except BaseException as error:
                session.rollback()
                outcomes[index] = error

    threads = [threading.Thread(target=run, args=(index, prepare), daemon=True)
               for index, prepare in enumerate(prepares)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_SECONDS * 2)
    engine.dispose()
    assert not any(thread.is_alive() for thread in threads), "a call never finished"
    unexpected = [outcome for outcome in outcomes
                  if outcome != "done" and not isinstance(outcome, (Refused, InvalidInput))]
    assert not unexpected, unexpected
    return outcomes


def done(outcomes: list[object]) -> int:
    return sum(outcome == "done" for outcome in outcomes)
