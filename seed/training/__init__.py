"""The shared standard of training subjects, from ``subjects.csv``.

One row per subject: ``id``, ``title``, ``refresh_months`` (empty: it does not expire),
``interval_basis`` (``guidance``, ``employer_choice`` where no published figure was found,
``one_off``), ``level``, ``accredited`` (yes/no), ``who_needs_it``, ``learning_outcomes``,
``interval_note`` (what the interval rests on) and ``source``. The figures come from
``../shared/domain/reference/training_subjects.csv`` (Skills for Care's core and mandatory
training, mostly through secondary sources, as its notes say).
"""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy.orm import Session

from pathways.models import TrainingSubject
from pathways.training.subjects import add_missing_subjects

SUBJECTS_CSV = Path(__file__).resolve().parent / "subjects.csv"


def standard_subjects() -> list[TrainingSubject]:
    """Return the shared standard's subjects as unsaved rows."""
    with SUBJECTS_CSV.open(newline="", encoding="utf-8") as handle:
        return [TrainingSubject(
            id=row["id"], title=row["title"],
            refresh_months=int(row["refresh_months"]) if row["refresh_months"] else None,
            interval_basis=row["interval_basis"], level=row["level"],
            accredited=row["accredited"] == "yes", who_needs_it=row["who_needs_it"],
            learning_outcomes=row["learning_outcomes"], interval_note=row["interval_note"],
            source=row["source"]) for row in csv.DictReader(handle)]


def load_subjects(session: Session) -> int:
    """Add the standard's subjects not stored yet; return how many (flushes)."""
    return add_missing_subjects(session, standard_subjects())
