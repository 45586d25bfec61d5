"""Helpers the page views share: choices from the graph, named places from forms, the GOV.UK
error summary, the "Are you sure?" step, maps inside a page and table downloads (each
recorded in the audit log).

The view areas (one module each in ``webapp.views``) do not import one another; what two of
them need lives here (``lint-imports`` checks it).
"""

from __future__ import annotations

from typing import Any

import networkx as nx
from flask import Response, render_template, request, url_for
from markupsafe import escape
from werkzeug.routing import BuildError
from wtforms import Field

from pathways import audit
from pathways.errors import Problem, UnknownNode
from pathways.exports import FORMATS, export
from pathways.lookup import resolve_node
from pathways.models import Organisation, Person
from pathways.spreadsheets import template_file

from ..auth import signed_in
from ..extensions import db


def choices(G: nx.DiGraph, kind: str) -> list[tuple[str, str]]:
    """Return ``(id, title)`` pairs of every node of ``kind``, by title."""
    return sorted(((n, d["title"]) for n, d in G.nodes(data=True) if d["kind"] == kind),
                  key=lambda pair: pair[1].casefold())


def resolve_field(G: nx.DiGraph, field: Field) -> str | None:
    """Return the node id a form field names, or add a clear error to the field."""
    try:
        return resolve_node(G, field.data or "")
    except UnknownNode as unknown:
        hint = f" Did you mean {', '.join(unknown.suggestions[:3])}?" if unknown.suggestions else ""
        field.errors = [*field.errors, f"We could not find ‘{field.data}’.{hint}"]
        return None


def error_list(form, href: str | None = None) -> list[dict]:
    """Return the GOV.UK error summary items for a form's errors, each linking to its field.

    Errors of the form as a whole (``webapp.submit`` puts refusals there) come first,
    linking to the form's ``error_anchor``, else its first field. ``href`` links every
    item there instead (a row's buttons have no field of their own to link to).
    """
    fields = [field for field in form if field.type != "CSRFTokenField"]
    whole = href or getattr(form, "error_anchor", None) or (
        f"#{fields[0].id}" if fields else "#main-content")
    items = [{"text": message, "href": whole} for message in form.form_errors]
    for field in form:
        for message in field.errors:
            items.append({"text": message, "href": href or f"#{field.id}"})
    return items


#: At most this many problems of a refused import are listed in the error summary.
SHOWN_PROBLEMS = 100


def problem_items(problems: list[Problem], href: str) -> list[dict]:
    """Return the error summary items for a refused import (every row's problem, linking to
    the file field ``href``), with a count of any past ``SHOWN_PROBLEMS``."""
    items = [{"text": str(problem), "href": href} for problem in problems[:SHOWN_PROBLEMS]]
    if len(problems) > SHOWN_PROBLEMS:
        items.append({"text": f"and {len(problems) - SHOWN_PROBLEMS} more problems",
                      "href": href})
    return items


#: How many page numbers either side of the current one the pagination links to.
NEARBY_PAGES = 1


def pagination(found, endpoint: str, **args) -> dict:
    """Return the GOV.UK pagination parameters of a page of a list (``found`` has its
    ``number`` and ``pages``).

    A few numbers, the GOV.UK way: the first and last pages, the current one and its
    neighbours, an ellipsis for each gap (never one link per page of a long list).
    """
    page, pages_ = found.number, found.pages
    links: dict = {"landmarkLabel": "Pages"}
    if page > 1:
        links["previous"] = {"href": url_for(endpoint, page=page - 1, **args)}
    if page < pages_:
        links["next"] = {"href": url_for(endpoint, page=page + 1, **args)}
    shown = sorted({1, pages_, *range(max(1, page - NEARBY_PAGES),
                                      min(pages_, page + NEARBY_PAGES) + 1)})
    items: list[dict] = []
    for n in shown if pages_ > 1 else []:
        if items and n > items[-1].get("number", 0) + 1:
            items.append({"ellipsis": True})
        items.append({"number": n, "href": url_for(endpoint, page=n, **args),
                      "current": n == page})
    links["items"] = items
    return links


def keyset_pagination(found, endpoint: str, **args) -> dict:
    """Return the GOV.UK pagination parameters of a page of a list read by keyset
    (``pathways.paging.KeysetPage``): previous, next, the first page and the current one.

    Each link carries the cursor where its page continues (``after`` or ``before``) and its
    number (only for showing); the first page's link carries neither.
    """
    page = found.number
    links: dict = {"landmarkLabel": "Pages"}
    if found.before is not None:
        links["previous"] = {"href": url_for(endpoint, before=found.before, page=page - 1,
                                             **args) if page > 2 else url_for(endpoint, **args)}
    if found.after is not None:
        links["next"] = {"href": url_for(endpoint, after=found.after, page=page + 1, **args)}
    items: list[dict] = []
    if page > 1:
        items.append({"number": 1, "href": url_for(endpoint, **args), "current": False})
        if page > 2:
            items.append({"ellipsis": True})
        items.append({"number": page, "href": request.full_path.rstrip("?"), "current": True})
    links["items"] = items
    return links


def keyset_asked() -> dict:
    """Return where the address asks a list read by keyset to continue: its ``after`` or
    ``before`` cursor and the page's ``number`` (checked by the domain: anything else is
    the first page)."""
    number = request.args.get("page", 1, type=int) or 1
    return {"after": request.args.get("after") or None,
            "before": request.args.get("before") or None,
            "number": min(max(number, 1), 10 ** 9)}


def confirm_first(question: str, *, warning: str, button: str, back: str,
                  details: tuple[str, ...] = ()) -> tuple[str, int] | None:
    """Return the "Are you sure?" page for an action that cannot be undone, unless confirmed.

    The GOV.UK pattern: the action's button posts as before; without ``confirm=yes`` the
    answer is a page asking ``question``, saying what cannot be undone (``warning``) and
    posting the same fields again to the same address with ``confirm=yes`` (``button``),
    beside a link ``back``. Nothing is changed until then. Returns None when confirmed.
    """
    if request.form.get("confirm") == "yes":
        return None
    carry = [(name, value) for name, values in request.form.lists()
             for value in values if name not in ("confirm", "csrf_token")]
    return render_template("confirm.html", question=question, warning=warning,
                           button=button, back=back, details=details,
                           action=request.full_path.rstrip("?"), carry=carry), 200


def inline_svg(svg: str, group: str | None = None) -> str:
    """Return Graphviz's SVG without its XML prolog, to sit inside a page.

    Its links' ``xlink:href`` become SVG 2's plain ``href``, which browsers, assistive
    technology and test tools all treat as a link. With ``group`` the picture is exposed as
    a group of links of that name (``role="group"``), not as one image.
    """
    start = svg.find("<svg")
    if start < 0:
        return ""
    svg = svg[start:].replace("<a xlink:href=", "<a href=")
    if group is not None:
        svg = svg.replace("<svg ", f'<svg role="group" aria-label="{escape(group)}" ', 1)
    return svg


def download(fmt: str, headers: list[str], rows: list, name: str, sheet: str, *,
             what: str, about: tuple[str, Any], concerns: Organisation | Person) -> Response:
    """Answer with the table as an attachment ``name.fmt`` (CSV or XLSX).

    Every table downloaded holds personal data, so the download is recorded in the audit
    log first (``audit.record_export``: ``what``, how many rows, about the ``(kind, id)``
    ``about``, concerning that organisation or person's), and committed.
    """
    audit.record_export(db.session, signed_in(), what, len(rows), *about, concerns=concerns,
                        fmt=fmt)
    db.session.commit()
    response = Response(export(fmt, headers, rows, sheet), mimetype=FORMATS[fmt])
    response.headers["Content-Type"] = FORMATS[fmt]
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def template_download(fmt: str, columns, example, name: str) -> Response:
    """Answer with an import's template (its columns and an example row) as ``name.fmt``.

    A template holds no one's data (the example row is made up), so it is not audited.
    """
    response = Response(template_file(fmt, columns, example, sheet="Import"),
                        mimetype=FORMATS[fmt])
    response.headers["Content-Type"] = FORMATS[fmt]
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def link_to(endpoint: str, fallback: str, **values) -> str:
    """Return the URL of a page another area serves, or ``fallback`` until it exists."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return fallback
