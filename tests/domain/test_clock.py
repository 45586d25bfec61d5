"""The suite's frozen clock, and the one place the domain reads the wall clock."""

from datetime import UTC, date, datetime, time, timedelta

from pathways import clock
from tests import clock as test_clock
from tests.recipes import DEMO


def test_every_reading_of_the_clock_is_the_frozen_day():
    assert clock.today() == date.today() == test_clock.FROZEN_AT.date()
    assert abs(clock.now() - test_clock.FROZEN_AT) < timedelta(hours=1)


def test_what_was_made_at_import_time_saw_the_frozen_day_too():
    """Regression: the demo recipe was named and dated at import, before the clock was frozen,
    so the two-years-ahead run loaded the demo on the real day."""
    assert DEMO.name == f"demo_{test_clock.FROZEN_AT:%Y%m%d}"


def test_today_is_the_day_in_england(time_machine):
    # 23:30 UTC on 30 June is 00:30 on 1 July in England (British Summer Time).
    time_machine.move_to(datetime.combine(date(2027, 6, 30), time(23, 30), tzinfo=UTC))
    assert clock.now().date() == date(2027, 6, 30)
    assert clock.today() == date(2027, 7, 1)
    # In winter England keeps UTC.
    time_machine.move_to(datetime.combine(date(2027, 12, 31), time(23, 30), tzinfo=UTC))
    assert clock.today() == date(2027, 12, 31)


def test_model_timestamps_come_from_the_clock(session, time_machine):
    from pathways.people.accounts import create_organisation, create_person

    moment = datetime(2030, 3, 1, 9, 15, tzinfo=UTC)
    time_machine.move_to(moment)
    council = create_organisation(session, "Clockshire Council")
    person = create_person(session, email="tick@example.org", name="Tick", organisation=council,
                           roles=["staff"])
    session.commit()
    session.expire_all()
    stamped = person.created_at
    assert abs(stamped.replace(tzinfo=stamped.tzinfo or UTC) - moment) < timedelta(minutes=1)


def test_nothing_but_pathways_clock_reads_the_wall_clock():
    """Time is an input: services take today/now, and everything else asks pathways.clock."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    reading = re.compile(r"\b(datetime\.now|datetime\.utcnow|date\.today|time\.time)\(")
    found = [f"{path.relative_to(root)}:{number}: {line.strip()}"
             for package in ("pathways", "webapp", "seed")
             for path in sorted((root / package).rglob("*.py"))
             if path != root / "pathways" / "clock.py"
             for number, line in enumerate(path.read_text().splitlines(), 1)
             if reading.search(line)]
    assert found == []
