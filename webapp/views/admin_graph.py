"""The graph editor for L&D and admins: roles, qualifications and moves.

Each form carries the ``lock_version`` it was loaded at and is submitted through
``webapp.submit``. A save refused by the rules re-shows the form with every problem (400);
a save someone else got in before re-shows the person's input beside the current version
(409), so nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from pathways.document import tidy_number
from pathways.errors import InvalidInput, PathwayError
from pathways.graph_editing import (
    EditResult,
    create_node,
    create_transition,
    delete_transition,
    editor_nodes,
    moves_of,
    node_choices,
    restore_node,
    retire_node,
    update_node,
    update_transition,
)
from pathways.interchange.fields import EDGE_FIELD_NAMES, EDGE_FIELDS, NODE_FIELD_NAMES, NODE_FIELDS
from pathways.models import Node, Transition
from pathways.policy import can_edit_graph

from ..auth import login_manager, require, signed_in
from ..extensions import db
from ..graph_forms import FORM_BY_KIND, EditorForm, LockForm, MoveForm, current_rows
from ..submit import submit
from .shared import confirm_first, error_list

blueprint = Blueprint("admin_graph", __name__, url_prefix="/admin/graph")

KIND_BY_AREA = {"roles": "role", "qualifications": "qualification"}
SHOWN = {"active": "In use", "retired": "Retired", "all": "All"}


@blueprint.before_request
def editors_only():
    """Let in only L&D and admins (403 for others); ask people who are not signed in to sign in."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    require(can_edit_graph(signed_in()))
    return None


@blueprint.get("/")
def index():
    """List roles and qualifications, in use, retired or all."""
    shown = request.args.get("show", "active")
    shown = shown if shown in SHOWN else "active"
    nodes = editor_nodes(db.session, shown)
    return render_template("admin/graph/index.html", shown=shown, choices=SHOWN,
                           roles=[n for n in nodes if n.kind == "role"],
                           qualifications=[n for n in nodes if n.kind == "qualification"])


@blueprint.route("/<any(roles, qualifications):area>/new", methods=["GET", "POST"])
def new_node(area: str):
    """Add a role or a qualification."""
    kind = KIND_BY_AREA[area]
    form = FORM_BY_KIND[kind]()

    def page(errors=(), conflict=None):
        return render_template("admin/graph/new_node.html", form=form, kind=kind, area=area,
                               error_list=list(errors), conflict=conflict)

    return _save(lambda: create_node(db.session, signed_in(), {"kind": kind, **form.item()},
                                     text=True),
                 lambda result: url_for(".edit_node", node_id=result.record.id), page, form)


@blueprint.route("/nodes/<node_id>", methods=["GET", "POST"])
def edit_node(node_id: str):
    """Show a role or qualification with its moves, and save changes to it."""
    node = _node_or_404(node_id)
    form = FORM_BY_KIND[node.kind]()
    del form.id
    if not form.is_submitted():
        form.fill(_node_record(node), node.lock_version)
    page = _node_page(node, form)
    return _save(lambda: update_node(db.session, signed_in(), node_id, form.item(),
                                     form.lock_version.data, text=True),
                 lambda result: url_for(".edit_node", node_id=node_id), page, form)


@blueprint.post("/nodes/<node_id>/<any(retire, restore):action>")
def retire_or_restore(node_id: str, action: str):
    """Retire a role or qualification (off the map, kept for histories), or restore it."""
    node = _node_or_404(node_id)
    lock = LockForm()
    form = FORM_BY_KIND[node.kind](formdata=None)
    del form.id
    form.fill(_node_record(node), node.lock_version)
    page = _node_page(node, form)
    service = retire_node if action == "retire" else restore_node
    return _save(lambda: service(db.session, signed_in(), node_id, lock.lock_version.data),
                 lambda result: url_for(".edit_node", node_id=node_id), page, form, lock)


@blueprint.route("/nodes/<node_id>/moves/new", methods=["GET", "POST"])
def new_move(node_id: str):
    """Add a move from this role or qualification (``direction=out``) or into it (``in``)."""
    node = _node_or_404(node_id)
    outward = request.args.get("direction", "out") != "in"
    form = MoveForm()
    form.other.label.text = "To" if outward else "From"
    _move_choices(form, exclude=node_id)

    def page(errors=(), conflict=None):
        return render_template("admin/graph/move.html", form=form, node=node, outward=outward,
                               move=None, error_list=list(errors), conflict=conflict)

    ends = (node_id, form.other.data) if outward else (form.other.data, node_id)
    return _save(lambda: create_transition(
        db.session, signed_in(), {"source": ends[0], "target": ends[1], **form.item()}, text=True),
        lambda result: url_for(".edit_node", node_id=node_id), page, form)


@blueprint.route("/moves/<int:move_id>", methods=["GET", "POST"])
def edit_move(move_id: int):
    """Change a move."""
    move, node_id = _move_or_404(move_id)
    form = MoveForm()
    del form.other
    _move_choices(form)
    if not form.is_submitted():
        form.fill(_move_record(move), move.lock_version)
    page = _move_page(move_id, node_id, form)
    return _save(lambda: update_transition(db.session, signed_in(), move_id, form.item(),
                                           form.lock_version.data, text=True),
                 lambda result: url_for(".edit_node", node_id=node_id), page, form)


@blueprint.post("/moves/<int:move_id>/delete")
def delete_move(move_id: int):
    """Delete a move, once confirmed (a deleted move is gone: adding it again starts anew)."""
    move, node_id = _move_or_404(move_id)
    ask = confirm_first(
        f"Delete the move from {move.source.title} to {move.target.title}?",
        warning="Deleting a move cannot be undone: it leaves the map and every route at once, "
                "with what it takes (months, cost, prerequisites).",
        details=("To keep a role or qualification for people's histories, retire it instead.",),
        button="Yes, delete the move",
        back=url_for(".edit_move", move_id=move.id, node=node_id))
    if ask:
        return ask
    lock = LockForm()
    form = MoveForm(formdata=None)
    del form.other
    _move_choices(form)
    form.fill(_move_record(move), move.lock_version)
    page = _move_page(move_id, node_id, form)
    return _save(lambda: delete_transition(db.session, signed_in(), move_id,
                                           lock.lock_version.data),
                 lambda result: url_for(".edit_node", node_id=node_id), page, form, lock)


# Pages

Page = Callable[..., str]


def _node_page(node: Node, form: EditorForm) -> Page:
    """Return how to show the node's page, with errors or a conflict when there are some."""
    def page(errors=(), conflict=None):
        current = _node_record(node)
        changes = form.merge_conflict(current, node.lock_version) if conflict else []
        moves = moves_of(db.session, node.id)
        return render_template(
            "admin/graph/node.html", node=node, form=form, error_list=list(errors),
            conflict=conflict, lock=_lock(node.lock_version),
            current=current_rows(current, NODE_FIELDS, ("id", *form.FIELD_NAMES), changes),
            moves_out=[m for m in moves if m.source_id == node.id],
            moves_in=[m for m in moves if m.target_id == node.id])
    return page


def _move_page(move_id: int, node_id: str, form: EditorForm) -> Page:
    def page(errors=(), conflict=None):
        move = db.session.get(Transition, move_id)
        if move is None:  # someone else deleted it meanwhile
            flash("Someone else deleted that move while you were editing it.", "warning")
            abort(redirect(url_for(".edit_node", node_id=node_id)))
        record = _move_record(move)
        changes = form.merge_conflict(record, move.lock_version) if conflict else []
        return render_template(
            "admin/graph/move.html", form=form, node=db.session.get(Node, node_id), move=move,
            outward=move.source_id == node_id, error_list=list(errors), conflict=conflict,
            lock=_lock(move.lock_version),
            current=current_rows(record, EDGE_FIELDS, EDGE_FIELD_NAMES, changes))
    return page


def _save(change: Callable[[], EditResult], next_url: Callable[[EditResult], str],
          page: Page, form: EditorForm, lock: LockForm | None = None):
    """Submit the edit and go on; or show the page: 400 with the problems, 409 on conflict.

    ``lock`` is a button's form (retire, restore, delete): it is the one checked, and
    ``form``, the record as loaded, shows the problems.
    """
    saved = submit(form, change, anchor="#graph-problems", check=lock)
    if saved:
        flash("Saved." if saved.value.changed else "Nothing was changed.", "success")
        for warning in saved.value.warnings:
            flash(f"Check: {warning}", "warning")
        return redirect(next_url(saved.value))
    if saved.conflict:
        return page([{"text": str(saved.conflict), "href": "#current-version"}],
                    saved.conflict), 409
    if saved.error is None and not form.form_errors:  # not sent, or its own checks failed
        return _shown(page, lock or form)
    return page(_problem_items(form, saved.error)), 400


def _problem_items(form: EditorForm, error: PathwayError | None) -> list[dict]:
    """The error summary; problems with the graph around the record are led by the summary."""
    items = error_list(form)
    if isinstance(error, InvalidInput) and form.form_errors:
        summary = str(error).split(" (", 1)[0]
        items.insert(0, {"text": f"{summary}.", "href": "#graph-problems"})
    return items


def _shown(page: Page, form: EditorForm):
    """Show the page; a form sent with errors of shape gets them summarised, with 400."""
    if form.is_submitted():
        return page(error_list(form)), 400
    return page()


def _lock(version: int) -> LockForm:
    lock = LockForm(formdata=None)
    lock.start_from(version)
    return lock


# Records

def _node_or_404(node_id: str) -> Node:
    node = db.session.get(Node, node_id)
    if node is None:
        abort(404)
    return node


def _move_or_404(move_id: int) -> tuple[Transition, str]:
    """Return the move and the node whose page it was opened from (``?node=``, else its source)."""
    move = db.session.get(Transition, move_id)
    if move is None:
        abort(404)
    node_id = request.args.get("node")
    return move, node_id if node_id in (move.source_id, move.target_id) else move.source_id


def _node_record(node: Node) -> dict:
    return {name: tidy_number(getattr(node, name, None))
            if name == "duration_months" else getattr(node, name, None)
            for name in NODE_FIELD_NAMES}


def _move_record(move: Transition) -> dict:
    record = {f.name: getattr(move, f.name, None) for f in EDGE_FIELDS}
    record.update(source=move.source_id, target=move.target_id, requires=move.requires,
                  months=tidy_number(move.months), cost_gbp=tidy_number(move.cost_gbp))
    return record


def _move_choices(form: MoveForm, exclude: str | None = None) -> None:
    nodes = node_choices(db.session)
    if "other" in form:
        form.other.choices = [("", "Choose a role or qualification")] + [
            (n.id, f"{n.title} ({n.kind})") for n in nodes if not n.retired and n.id != exclude]
    form.requires.choices = [(n.id, n.title + (" (retired)" if n.retired else ""))
                             for n in nodes if n.kind == "qualification"]
