"""What applies to a programme: the apprenticeship rules only to apprenticeship standards.

A programme runs any qualification of the career map: an apprenticeship standard (ST0510
Social worker degree apprenticeship), or another course an L&D team runs cohorts of, such
as the ASYE, PEPS stage 1 or 2, the Level 3 Diploma in Adult Care, the Level 5 Diploma in
Leadership and Management, AMHP or BIA training. Its learners are kept as apprenticeships
(one person in one cohort, with statuses, reviews, placements and a guaranteed job), but
the funding rules of apprenticeships apply only to standards:

- **off-the-job hours**: none are required or logged (the requirement is 0, no funding
  year is stored) and "OTJ behind" never applies, so the RAG comes from reviews and the
  planned end alone;
- **statuses**: no gateway or end-point assessment. A learner moves ``active ->
  break_in_learning -> active``, ``active -> completed -> qualified`` and ``active |
  break_in_learning -> withdrawn`` (:data:`COURSE_MOVES`), with no minimum duration.
"""

from __future__ import annotations

from ..models import Apprenticeship, Programme
from .rules import STATUSES, StatusMoveRefused

#: The moves of a learner on a programme that is not an apprenticeship standard.
COURSE_MOVES: dict[str, frozenset[str]] = {
    "active": frozenset({"break_in_learning", "completed", "withdrawn"}),
    "break_in_learning": frozenset({"active", "withdrawn"}),
    "completed": frozenset({"qualified"}),
}
#: The statuses such a learner can hold.
COURSE_STATUSES = ("active", "break_in_learning", "completed", "qualified", "withdrawn")


def is_apprenticeship(programme: Programme) -> bool:
    """Whether the programme is an apprenticeship standard (so its funding rules apply)."""
    return programme.qualification.is_apprenticeship


def runs_apprenticeship(apprenticeship: Apprenticeship) -> bool:
    """Whether the learner is an apprentice (their programme is an apprenticeship standard)."""
    return is_apprenticeship(apprenticeship.cohort.programme)


def check_course_move(current: str, new: str) -> None:
    """Refuse a status move a course learner cannot make; return None when it is allowed.

    Raises
    ------
    StatusMoveRefused
        Saying that gateway and end-point assessment are for apprenticeship standards, or
        which moves there are from ``current``.

    Examples
    --------
    >>> check_course_move("active", "completed") is None
    True
    >>> check_course_move("active", "gateway")
    Traceback (most recent call last):
    ...
    pathways.apprenticeships.rules.StatusMoveRefused: Cannot move from active to gateway: \
gateway and end-point assessment are only for apprenticeship standards; this programme's \
learners move from active to completed.
    """
    if new not in COURSE_STATUSES or current not in COURSE_STATUSES:
        raise StatusMoveRefused(current, new, "gateway and end-point assessment are only for "
                                "apprenticeship standards; this programme's learners move "
                                "from active to completed.")
    if new not in COURSE_MOVES.get(current, frozenset()):
        allowed = ", ".join(STATUSES[status] for status in COURSE_STATUSES
                            if status in COURSE_MOVES.get(current, frozenset()))
        raise StatusMoveRefused(current, new, f"from {STATUSES[current]} the moves are to "
                                f"{allowed}." if allowed else "no move is left to make.")
