"""Champion profiles: setting one up, and setting many up from a CSV or XLSX file.

The import reads ``email, specialisms, roles_held, capacity, open_to_partnership``:
``specialisms`` are role families (``pathways.vocabulary.FAMILIES``, by key or label) and
``roles_held`` role ids or titles, each list separated by ``;``; ``capacity`` is a whole
number from 0 to 20 (empty: 3); ``open_to_partnership`` is yes or no (empty: no). People
are matched by email in the organisation (import them as staff first). Each person gets the
``champion`` access role if they lack it. All-or-nothing with a row-numbered report, like
the other imports; re-importing a champion replaces their profile.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import IO

import networkx as nx
from sqlalchemy.orm import Session

from .. import audit
from ..csv_input import read_upload, row_problems, whole_number
from ..errors import InvalidInput, Problem, UnknownNode
from ..lookup import resolve_node
from ..models import ChampionProfile, Organisation, Person
from ..people.access import grant_role
from ..people.accounts import find_person, normalise_email
from ..spreadsheets import read_table
from ..vocabulary import FAMILIES

COLUMNS = ("email", "specialisms", "roles_held", "capacity", "open_to_partnership")
REQUIRED_COLUMNS = ("email",)
MAX_ROWS = 2000
SUMMARY = "The champions were not imported"
DEFAULT_CAPACITY = 3
MAX_CAPACITY = 20
YES, NO = ("yes", "y", "true", "1"), ("no", "n", "false", "0", "")
#: The template's example row, in the order of ``COLUMNS`` (``pathways.spreadsheets``).
TEMPLATE_ROW = ("sam.poole@example.org", "Social work; Care and support", "Social worker", 3,
                "no")


@dataclass(frozen=True)
class ChampionDetails:
    """What a champion profile says, checked."""

    specialisms: tuple[str, ...] = ()
    roles_held: tuple[str, ...] = ()
    capacity: int = DEFAULT_CAPACITY
    open_to_partnership: bool = False
    availability: str = ""


def family_key(text: str) -> str | None:
    """Return the family key for a key or label in any case, or None."""
    folded = text.strip().casefold().replace(" ", "_")
    for key, label in FAMILIES.items():
        if folded in (key, label.casefold().replace(" ", "_")):
            return key
    return None


def check_details(G: nx.DiGraph, specialisms, roles_held, capacity, open_to_partnership,
                  problem) -> ChampionDetails:
    """Check a profile's values; report each bad one with ``problem(field, message)``."""
    families = []
    for text in specialisms:
        key = family_key(text)
        if key is None:
            problem("specialisms", f"{text!r} is not a role family; use "
                    f"{', '.join(FAMILIES)}")
        elif key not in families:
            families.append(key)
    roles = []
    for text in roles_held:
        try:
            node = resolve_node(G, text)
        except UnknownNode as unknown:
            problem("roles_held", str(unknown))
            continue
        if G.nodes[node]["kind"] != "role":
            problem("roles_held", f"{text!r} is a qualification, not a role")
        elif node not in roles:
            roles.append(node)
    if isinstance(capacity, str):
        text = capacity.strip()
        number = whole_number(text, maximum=MAX_CAPACITY)
        capacity = number if number is not None else (DEFAULT_CAPACITY if not text else -1)
    if not 0 <= capacity <= MAX_CAPACITY:
        problem("capacity", f"must be a whole number from 0 to {MAX_CAPACITY}")
    if isinstance(open_to_partnership, str):
        answer = open_to_partnership.strip().casefold()
        if answer not in YES + NO:
            problem("open_to_partnership", "must be yes or no")
        open_to_partnership = answer in YES
    return ChampionDetails(tuple(families), tuple(roles), capacity, bool(open_to_partnership))


def save_profile(session: Session, person: Person, details: ChampionDetails, *,
                 actor: Person | None = None) -> ChampionProfile:
    """Create or replace a champion's profile and make sure they hold the champion role."""
    profile = session.get(ChampionProfile, person.id) or ChampionProfile(person_id=person.id)
    profile.specialisms = list(details.specialisms)
    profile.roles_held = list(details.roles_held)
    profile.capacity = details.capacity
    profile.open_to_partnership = details.open_to_partnership
    profile.availability = details.availability
    session.add(profile)
    if not person.has_role("champion"):
        grant_role(session, person, "champion", actor=actor)
    session.flush()
    audit.record(session, actor, "champion_profile", "person", person.id,
                 "Champion profile saved", {"capacity": details.capacity}, concerns=person)
    return profile


def update_profile(session: Session, G: nx.DiGraph, person: Person, *, specialisms,
                   roles_held, capacity, open_to_partnership, availability: str = "",
                   actor: Person | None = None) -> ChampionProfile:
    """Check a champion's profile as a form sends it, and save it.

    Parameters
    ----------
    specialisms, roles_held : lists of str
        Role families, and roles by id or title.
    capacity : int or str
        How many people they support at once (0 to ``MAX_CAPACITY``).
    open_to_partnership : bool or str
        Whether people elsewhere in the partnership may ask them.

    Returns
    -------
    ChampionProfile
        The saved profile (the person holds the ``champion`` role from now on).

    Raises
    ------
    InvalidInput
        With every bad value, each named by its field; nothing is saved.

    Examples
    --------
    >>> update_profile(session, G, me, specialisms=["nursing"], roles_held=["care worker"],
    ...                capacity=2, open_to_partnership=False).roles_held
    ['care-worker']
    >>> update_profile(session, G, me, specialisms=["astronomy"], roles_held=[], capacity=2,
    ...                open_to_partnership=False)
    Traceback (most recent call last):
    ...
    pathways.errors.InvalidInput: The champion profile was not saved (1 problem(s)):
      - specialisms: 'astronomy' is not a role family; use ...
    """
    problems: list[Problem] = []
    details = check_details(G, specialisms, roles_held, capacity, open_to_partnership,
                            lambda where, message: problems.append(Problem(where, message)))
    if problems:
        raise InvalidInput(problems, "The champion profile was not saved")
    return save_profile(session, person, replace(details, availability=availability.strip()),
                        actor=actor)


def import_champions(session: Session, path_or_text: str | os.PathLike | bytes,
                     organisation: Organisation, G: nx.DiGraph,
                     actor: Person | None = None) -> int:
    """Set up the organisation's champions from a CSV or XLSX file; return how many (flushed).

    Raises
    ------
    InvalidInput
        Listing every problem as ``row N: column: reason``; nothing is written.
    """
    problems: list[Problem] = []
    rows = read_table(path_or_text, COLUMNS, REQUIRED_COLUMNS, problems, SUMMARY, MAX_ROWS,
                      noun="champions")
    checked: list[tuple[Person, ChampionDetails]] = []
    seen: dict[str, int] = {}
    for number, row in rows:
        problem = row_problems(number, problems)
        email = normalise_email(row.get("email", ""))
        person = find_person(session, email) if email else None
        if not email:
            problem("email", "is empty")
        elif email in seen:
            problem("email", f"{email} is also on row {seen[email]}")
        elif person is None:
            problem("email", f"nobody with {email} works here: import them as staff first, "
                    "then import this file again")
        elif person.organisation_id != organisation.id:
            problem("email", f"{email} works for another organisation")
        seen.setdefault(email, number)
        details = check_details(
            G, _split(row.get("specialisms")), _split(row.get("roles_held")),
            row.get("capacity", ""), row.get("open_to_partnership", ""), problem)
        if person is not None:
            checked.append((person, details))
    if problems:
        raise InvalidInput(problems, SUMMARY)
    for person, details in checked:
        save_profile(session, person, details, actor=actor)
    audit.record(session, actor, "import", "organisation", organisation.id,
                 f"Imported {len(checked)} champion(s)", concerns=organisation)
    return len(checked)


def import_champions_upload(session: Session, upload: IO[bytes], organisation: Organisation,
                            G: nx.DiGraph, actor: Person | None = None) -> int:
    """Import champions from an uploaded file object (at most ``csv_input.MAX_BYTES``)."""
    return import_champions(session, read_upload(upload, SUMMARY), organisation, G, actor)


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]
