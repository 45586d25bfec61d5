"""Editing the career graph one record at a time: roles, qualifications and the moves between them.

Each service takes the acting person, checks the input with the interchange format's field
rules (``parse_item``), builds the graph the change would leave and validates it before a
row is written, changes rows and flushes; the caller commits (and rolls back after an
error). Errors the change would bring refuse it with every problem (``InvalidInput``);
the warnings it would add are returned to show. A save based on an older ``lock_version``
is refused with ``EditConflict``. Every change records an audit event.

Values are typed as in the JSON format, or, with ``text=True``, text as in the CSV format
and as sent by web forms (``""`` for nothing, ``yes``/``no``, requirements joined by ``;``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from . import audit
from .document import GraphDocument, complete_document, complete_edge, load_document
from .errors import EditConflict, InvalidInput, NotFound, Problem
from .interchange.fields import EDGE_FIELDS, NODE_FIELDS, Field, node_record_for_kind, parse_item
from .models import Node, Person, Qualification, Role, Transition, TransitionRequirement
from .validation import Finding, validate_document

MODEL_BY_KIND: dict[str, type[Node]] = {"role": Role, "qualification": Qualification}
_EDGE_COLUMNS = ("kind", "months", "cost_gbp", "funding", "earn_while_learning",
                 "min_experience_months", "citation", "note")


@dataclass
class EditResult:
    """What a service did: the row, the names of the fields it changed, the warnings it added."""

    record: Node | Transition
    changed: list[str] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)


# What the editor's pages list

@dataclass(frozen=True)
class FieldChange:
    """A field someone else changed while an editor had the record open.

    ``was`` is the value both started from (None when not known), ``saved`` the one they
    saved, ``yours`` the editor's; ``clash`` when the editor changed it too, to something
    else.
    """

    name: str
    was: str | None
    saved: str
    yours: str
    clash: bool


def merge_edit(loaded: Mapping[str, str] | None, saved: Mapping[str, str],
               yours: Mapping[str, str]) -> tuple[dict[str, str], list[FieldChange]]:
    """Merge an editor's stale input onto the record saved since, field by field.

    Every mapping holds a record's fields as text (as a form holds them): ``loaded`` as the
    editor loaded it (None when not known), ``saved`` as stored now, ``yours`` as sent.

    Returns
    -------
    tuple
        The values to start the form from: the saved record with the editor's own changes
        re-applied where the other person left the field alone (on a clash, the saved
        value); and the fields the other person changed, in the saved record's order. When
        ``loaded`` is not known, nothing can be told apart: the editor's input is kept and
        every field that differs from the saved record is listed as a clash.

    Examples
    --------
    >>> start, changes = merge_edit({"months": "36", "note": "", "cost": "0"},
    ...                             {"months": "40", "note": "", "cost": "5"},
    ...                             {"months": "36", "note": "Part-time", "cost": "9"})
    >>> start
    {'months': '40', 'note': 'Part-time', 'cost': '5'}
    >>> [(c.name, c.was, c.saved, c.yours, c.clash) for c in changes]
    [('months', '36', '40', '36', False), ('cost', '0', '5', '9', True)]
    """
    start, changes = dict(saved), []
    for name, now in saved.items():
        mine = yours.get(name, now)
        if loaded is None:
            start[name] = mine
            if mine != now:
                changes.append(FieldChange(name, None, now, mine, True))
            continue
        was = loaded.get(name, now)
        theirs_changed, mine_changed = now != was, mine != was
        if mine_changed and not theirs_changed:
            start[name] = mine
        if theirs_changed:
            changes.append(FieldChange(name, was, now, mine, mine_changed and mine != now))
    return start, changes


def editor_nodes(session: Session, shown: str = "active") -> list[Node]:
    """Return roles and qualifications by title: in use (``active``), ``retired`` or ``all``.

    Examples
    --------
    >>> [node.title for node in editor_nodes(session, "retired")]
    []
    """
    query = select(Node).order_by(Node.title)
    if shown != "all":
        query = query.where(Node.retired.is_(shown == "retired"))
    return list(session.scalars(query))


def moves_of(session: Session, node_id: str) -> list[Transition]:
    """Return the moves out of and into a role or qualification, with both ends loaded."""
    return list(session.scalars(
        select(Transition).where((Transition.source_id == node_id)
                                 | (Transition.target_id == node_id))
        .options(selectinload(Transition.source), selectinload(Transition.target))))


def node_choices(session: Session) -> list[Row]:
    """Return every role and qualification's ``id``, ``title``, ``kind`` and ``retired``."""
    return list(session.execute(select(Node.id, Node.title, Node.kind, Node.retired)
                                .order_by(Node.title)))


# Roles and qualifications

def create_node(session: Session, actor: Person | None, fields: Mapping[str, Any], *,
                text: bool = False) -> EditResult:
    """Add a role or a qualification (``fields["kind"]``).

    Parameters
    ----------
    session : Session
    actor : Person or None
        Who is editing (None for the command line).
    fields : mapping
        Node fields of the interchange format; ``id``, ``kind`` and ``title`` are required.
    text : bool
        Whether the values are text (from a form or CSV) rather than typed.

    Returns
    -------
    EditResult

    Raises
    ------
    InvalidInput
        Bad fields, a used id, or a change that would make the graph invalid.

    Examples
    --------
    >>> added = create_node(session, lnd, {"id": "cook", "kind": "role", "title": "Cook"})
    >>> added.record, [finding.code for finding in added.warnings]
    (<Role 'cook'>, ['unreachable', 'dead-end'])
    """
    current = load_document(session)
    record = _parse(fields, NODE_FIELDS, text, "The role or qualification was not added")
    node_id, title = record["id"], record["title"]
    problems = []
    if node_id in current.nodes:
        problems.append(Problem("id", f"{node_id!r} is already the id of "
                                      f"{current.nodes[node_id]['title']}: choose another"))
    if record["retired"]:
        problems.append(Problem("retired", "a new role or qualification cannot start retired"))
    if problems:
        raise InvalidInput(problems, "The role or qualification was not added")
    warnings = _check_graph(current, GraphDocument({**current.nodes, node_id: record},
                                                   current.edges), f"{title} was not added")
    row = MODEL_BY_KIND[record["kind"]](**{name: value for name, value in
                                           node_record_for_kind(record).items() if name != "kind"})
    session.add(row)
    _flush(session, EditConflict(title, record["kind"], node_id, (
        f"Someone else added {node_id!r} while you were editing. Your role or qualification "
        "was not added: choose another id.")))
    given = [f.name for f in NODE_FIELDS if record["kind"] in f.applies_to
             and record[f.name] != f.default]
    audit.record(session, actor, "create", record["kind"], node_id, f"Added {title}",
                 {"fields": given}, concerns=None)
    session.flush()
    return EditResult(row, given, warnings)


def update_node(session: Session, actor: Person | None, node_id: str, fields: Mapping[str, Any],
                expected_version: int, *, text: bool = False) -> EditResult:
    """Change some fields of a role or qualification; ``id``, ``kind`` and ``retired`` stay.

    Parameters
    ----------
    node_id : str
    fields : mapping
        The fields to change; the others keep their stored values.
    expected_version : int
        The ``lock_version`` the editor started from.

    Returns
    -------
    EditResult
        ``changed`` is empty when nothing differed (nothing is written then).

    Raises
    ------
    NotFound, InvalidInput, EditConflict
    """
    row = _node(session, node_id)
    _check_version(row, expected_version, row.title, row.kind)
    current = load_document(session)
    before = current.nodes[node_id]
    record = _parse({**_merge_base(before, text), **fields}, NODE_FIELDS, text,
                    f"{row.title} was not saved")
    problems = [Problem(name, f"the {name} of {row.title} cannot be changed")
                for name in ("id", "kind") if record[name] != before[name]]
    if record["retired"] != before["retired"]:
        problems.append(Problem("retired", "use Retire or Restore to change whether it is retired"))
    if problems:
        raise InvalidInput(problems, f"{row.title} was not saved")
    changed = [name for name, value in node_record_for_kind(record).items()
               if value != before.get(name)]
    if not changed:
        return EditResult(row)
    warnings = _check_graph(current, GraphDocument({**current.nodes, node_id: record},
                                                   current.edges), f"{row.title} was not saved")
    title = row.title
    with session.no_autoflush:
        for name in changed:
            setattr(row, name, record[name])
    _flush(session, EditConflict(title, row.kind, node_id))
    audit.record(session, actor, "update", row.kind, node_id, f"Changed {record['title']}",
                 {"fields": changed}, concerns=None)
    session.flush()
    return EditResult(row, changed, warnings)


def retire_node(session: Session, actor: Person | None, node_id: str,
                expected_version: int) -> EditResult:
    """Take a role or qualification off the map and out of routes, keeping its row and moves.

    Raises
    ------
    NotFound, EditConflict
    InvalidInput
        When moves that stay on the map still need it (as a requirement), or the map would
        otherwise not be valid without it.
    """
    return _set_retired(session, actor, node_id, expected_version, True)


def restore_node(session: Session, actor: Person | None, node_id: str,
                 expected_version: int) -> EditResult:
    """Put a retired role or qualification back on the map, with its moves.

    Raises
    ------
    NotFound, EditConflict, InvalidInput
    """
    return _set_retired(session, actor, node_id, expected_version, False)


def _set_retired(session: Session, actor: Person | None, node_id: str, expected_version: int,
                 retired: bool) -> EditResult:
    row = _node(session, node_id)
    title, verb = row.title, "retire" if retired else "restore"
    _check_version(row, expected_version, title, row.kind)
    if row.retired == retired:
        return EditResult(row)
    current = load_document(session)
    after = GraphDocument({**current.nodes, node_id: {**current.nodes[node_id],
                                                     "retired": retired}}, current.edges)
    errors, warnings = _graph_findings(current, after)
    if errors:
        needed_by = [] if not retired else [
            Problem(_move_name(current, key), f"needs {title}: change or delete that move first")
            for key, edge in after.active().edges.items() if node_id in edge["requires"]]
        others = [Problem(f.where, f.message) for f in errors
                  if not (needed_by and f.code == "dangling" and repr(node_id) in f.message)]
        raise InvalidInput(needed_by + others, f"{title} cannot be {verb}d: the career map "
                                               "would not be valid")
    row.retired = retired
    _flush(session, EditConflict(title, row.kind, node_id))
    audit.record(session, actor, verb, row.kind, node_id, f"{verb.capitalize()}d {title}",
                 {"fields": ["retired"]}, concerns=None)
    session.flush()
    return EditResult(row, ["retired"], warnings)


# Moves

def create_transition(session: Session, actor: Person | None, fields: Mapping[str, Any], *,
                      text: bool = False) -> EditResult:
    """Add a move from one role or qualification to another.

    Parameters
    ----------
    fields : mapping
        Edge fields of the interchange format; ``source``, ``target`` and ``months`` are
        required; ``kind``, ``funding`` and ``earn_while_learning`` default by shape.

    Returns
    -------
    EditResult

    Raises
    ------
    InvalidInput
        Bad fields, a move that already exists or touches a retired node, or one that
        would make the graph invalid.
    """
    current = load_document(session)
    record = _parse(fields, EDGE_FIELDS, text, "The move was not added")
    key = (record["source"], record["target"])
    problems = _retired_ends(current, record, record["requires"])
    if key in current.edges:
        problems.append(Problem("target", f"there is already a {_move_name(current, key)}: "
                                          "change that one instead"))
    if problems:
        raise InvalidInput(problems, "The move was not added")
    after = complete_document(GraphDocument(current.nodes, {**current.edges, key: record}))
    warnings = _check_graph(current, after, "The move was not added")
    edge = after.edges[key]
    row = Transition(source_id=key[0], target_id=key[1], **_edge_columns(edge),
                     requirements=[TransitionRequirement(qualification_id=q)
                                   for q in edge["requires"]])
    session.add(row)
    name = _move_name(current, key)
    _flush(session, EditConflict(name, "transition", None, (
        f"Someone else added the {name} while you were editing. Your move was not added: "
        "change theirs instead.")))
    given = [f.name for f in EDGE_FIELDS if edge[f.name] != f.default
             and not (f.type == "list" and not edge[f.name])]
    audit.record(session, actor, "create", "transition", row.id, f"Added the {name}",
                 {"fields": given, "source": key[0], "target": key[1]}, concerns=None)
    session.flush()
    return EditResult(row, given, warnings)


def update_transition(session: Session, actor: Person | None, transition_id: int,
                      fields: Mapping[str, Any], expected_version: int, *,
                      text: bool = False) -> EditResult:
    """Change some fields of a move; its ``source`` and ``target`` stay.

    Raises
    ------
    NotFound, InvalidInput, EditConflict
    """
    row = _transition(session, transition_id)
    key = (row.source_id, row.target_id)
    current = load_document(session)
    name = _move_name(current, key)
    _check_version(row, expected_version, f"the {name}", "transition")
    before = current.edges[key]
    record = _parse({**_merge_base(before, text), **fields}, EDGE_FIELDS, text,
                    f"The {name} was not saved")
    problems = [Problem(end, f"the {end} of a move cannot be changed: delete it and add "
                             "another") for end in ("source", "target")
                if record[end] != before[end]]
    problems += _retired_ends(current, None, set(record["requires"]) - set(before["requires"]))
    if problems:
        raise InvalidInput(problems, f"The {name} was not saved")
    edge = complete_edge(record, current.nodes)
    changed = [f.name for f in EDGE_FIELDS if edge[f.name] != before[f.name]]
    if not changed:
        return EditResult(row)
    warnings = _check_graph(current, GraphDocument(current.nodes, {**current.edges, key: edge}),
                            f"The {name} was not saved")
    with session.no_autoflush:  # one UPDATE, so lock_version moves by one
        for column, value in _edge_columns(edge).items():
            if column in changed:
                setattr(row, column, value)
        _set_requirements(row, edge["requires"])
        flag_modified(row, "note")  # a change of requirements alone still moves lock_version
    _flush(session, EditConflict(f"the {name}", "transition", transition_id))
    audit.record(session, actor, "update", "transition", transition_id, f"Changed the {name}",
                 {"fields": changed, "source": key[0], "target": key[1]}, concerns=None)
    session.flush()
    return EditResult(row, changed, warnings)


def delete_transition(session: Session, actor: Person | None, transition_id: int,
                      expected_version: int) -> EditResult:
    """Delete a move, unless the map would not be valid without it.

    Raises
    ------
    NotFound, InvalidInput, EditConflict
    """
    row = _transition(session, transition_id)
    key = (row.source_id, row.target_id)
    current = load_document(session)
    name = _move_name(current, key)
    _check_version(row, expected_version, f"the {name}", "transition")
    edges = {k: e for k, e in current.edges.items() if k != key}
    warnings = _check_graph(current, GraphDocument(current.nodes, edges),
                            f"The {name} cannot be deleted: the career map would not be valid")
    session.delete(row)
    _flush(session, EditConflict(f"the {name}", "transition", transition_id))
    audit.record(session, actor, "delete", "transition", transition_id, f"Deleted the {name}",
                 {"fields": [], "source": key[0], "target": key[1]}, concerns=None)
    session.flush()
    return EditResult(row, [], warnings)


# Shared steps

def _parse(raw: Mapping[str, Any], fields: tuple[Field, ...], text: bool,
           summary: str) -> dict[str, Any]:
    """Return the checked record, or raise every problem, each named by its field."""
    record, problems = parse_item(dict(raw), fields, "", text=text)
    if problems or record is None:
        names = {f.name for f in fields}
        raise InvalidInput([Problem(p.message.split(" ", 1)[0], p.message)
                            if p.message.split(" ", 1)[0] in names else p for p in problems],
                           summary)
    return record


def _merge_base(record: dict[str, Any], text: bool) -> dict[str, Any]:
    """Return a stored record in the form of the incoming values (text or typed)."""
    return {name: _as_text(value) for name, value in record.items()} if text else record


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ";".join(value)
    return str(value)


def _graph_findings(before: GraphDocument,
                    after: GraphDocument) -> tuple[list[Finding], list[Finding]]:
    """Return the errors and warnings that ``after`` has and ``before`` had not."""
    old = validate_document(complete_document(before).active())
    new = validate_document(complete_document(after).active())
    return ([f for f in new.errors if f not in set(old.errors)],
            [f for f in new.warnings if f not in set(old.warnings)])


def _check_graph(before: GraphDocument, after: GraphDocument, summary: str) -> list[Finding]:
    """Raise the errors the change would bring; return the warnings it would add."""
    errors, warnings = _graph_findings(before, after)
    if errors:
        raise InvalidInput([Problem(f.where, f.message) for f in errors], summary)
    return warnings


def _check_version(row: Node | Transition, expected_version: Any, title: str,
                   entity_type: str) -> None:
    if expected_version is None or str(expected_version) != str(row.lock_version):
        raise EditConflict(title, entity_type, getattr(row, "id", None))


def _flush(session: Session, conflict: EditConflict) -> None:
    """Flush; a row changed or added by someone else meanwhile becomes ``conflict``."""
    try:
        session.flush()
    except (StaleDataError, IntegrityError) as stale:
        raise conflict from stale


def _node(session: Session, node_id: str) -> Node:
    row = session.get(Node, node_id)
    if row is None:
        raise NotFound(f"No role or qualification with id {node_id!r}")
    return row


def _transition(session: Session, transition_id: int) -> Transition:
    row = session.get(Transition, transition_id)
    if row is None:
        raise NotFound(f"No move with id {transition_id!r}")
    return row


def _move_name(document: GraphDocument, key: tuple[str, str]) -> str:
    titles = [document.nodes[end]["title"] if end in document.nodes else end for end in key]
    return f"move from {titles[0]} to {titles[1]}"


def _retired_ends(document: GraphDocument, record: dict | None, requires) -> list[Problem]:
    """Name the retired roles or qualifications a move would lead from, to or need."""
    problems = []
    ends = [(end, record[end]) for end in ("source", "target")] if record else []
    for where, node_id in ends + [("requires", q) for q in sorted(requires)]:
        node = document.nodes.get(node_id)
        if node and node["retired"]:
            problems.append(Problem(where, f"{node['title']} is retired: restore it first"))
    return problems


def _edge_columns(edge: dict[str, Any]) -> dict[str, Any]:
    columns = {name: edge[name] for name in _EDGE_COLUMNS}
    columns["cost_gbp"] = Decimal(str(edge["cost_gbp"]))
    columns["citation"], columns["note"] = edge["citation"] or "", edge["note"] or ""
    return columns


def _set_requirements(row: Transition, wanted: list[str]) -> None:
    """Make the move's requirements exactly ``wanted``."""
    for requirement in list(row.requirements):
        if requirement.qualification_id not in wanted:
            row.requirements.remove(requirement)
    held = {r.qualification_id for r in row.requirements}
    for qualification_id in wanted:
        if qualification_id not in held:
            row.requirements.append(TransitionRequirement(qualification_id=qualification_id))
