"""Hostile input never gives a server error, and a refused request writes nothing (issue 11).

A property-based walk (Hypothesis) of every rule of ``app.url_map`` (static files aside), as
someone not signed in and as each role of ``tests.web.test_policy_walk``, on the records its
``make_world`` makes. For every rule and method:

1. it is requested once plainly (the walk's real ids; a POST with an empty form) while the app
   notes every query parameter and form field the view asks for (``Recording``), and the
   pages answered are read for their forms (``FormsOnPage``): their fields, the values they
   offer and send, and where they are sent. So a new page, parameter or field is fuzzed
   without being written down here;
2. then Hypothesis sends examples. The first (the simplest) makes every query parameter and
   form field hostile at once, starting with NUL; the others make one or two things hostile
   (a URL parameter too) among the values the page would send, or among offered and
   plausible ones, so hostile input gets past the rest of the form to the domain. Hostile
   is ``HOSTILE`` (control characters, 2^31 and 2^63, NaN and Infinity, 1e30, long strings,
   unicode, blanks), random text and numbers, ``HOSTILE_NUMBERS`` for fields that ask for a
   number, ``HOSTILE_IDS`` in URLs, and CSV uploads with hostile cells (``FILE_COLUMNS``).

Every answer must be below 500, and an API answer strict JSON (no NaN). A refused request (a
4xx answer, or a page shown again with its error summary) must leave every table as it was
(``Fingerprint``: a digest of every row). Afterwards every page the role opened is opened
again: what the hostile examples managed to save must not break a page either.

Hypothesis runs inside each test: one app and world per engine and role, built once, with
the role's session kept between examples (and started again when an example ends it), so no
function-scoped fixture is reset between examples and no health check needs suppressing;
what an example saves stays for the next ones, more hostile data for the pages to show.
``make test`` sends ``OPEN_EXAMPLES`` examples to each rule and method the role gets past the
gate of and ``GATED_EXAMPLES`` to the others, with a seed per role and rule (the same
examples every run); ``FUZZ_EXAMPLES=100`` sends that many, new ones every run.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from flask import Flask, request, request_tearing_down
from flask.wrappers import Request
from hypothesis import given, seed, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException

from pathways.db import make_engine
from pathways.models import Base, Person
from tests.web.apps import running_app
from tests.web.sessions import start_session
from tests.web.test_policy_walk import OVERRIDES, ROLES, WALK_WORLD

# Hypothesis keeps its caches out of the working tree (pytest would warn about .hypothesis).
set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), f"pathways-hypothesis-{os.getuid()}"))

#: Examples per rule and method that the role gets past the gate of; ``FUZZ_EXAMPLES``
#: raises it (and makes the examples random rather than the same every run).
DEEP = int(os.environ.get("FUZZ_EXAMPLES") or 0)
OPEN_EXAMPLES = DEEP or 8
#: Examples for a rule the role is turned away from (signing in, 403, 404) before any input.
GATED_EXAMPLES = max(1, OPEN_EXAMPLES // 8)

#: Text no form, query or file should answer with a server error.
HOSTILE = [
    "\x00", "a\x00b", "\x00" * 3, "", " ", "  \t ", "\x01\x02\x1b[31m", "\x07", "\x7f",
    "\x85", "\u2028", "line\nbreak", "cr\r\nlf", "tab\there",
    "0", "-1", "-0", "1.5", "abc", "2147483647", "2147483648", "-2147483649", "4294967296",
    "9223372036854775807", "9223372036854775808", "-9223372036854775809",
    "18446744073709551616", "9" * 40, "1e30", "1e26", "-1e30", "1e-30", "1e309",
    "NaN", "nan", "-NaN", "sNaN", "Infinity", "inf", "-Infinity", "0x10", "1_000", "1,5",
    "\u0663", "\u00b2", "\u00bd", "\uff11",
    "x" * 5000, "y" * 70_000, "é" * 300, "\U0001f600" * 200, "\u202egnp.exe", "\ufeff",
    "Zoë Ødegård", "<script>alert(1)</script>", "' OR '1'='1", "%00", "../../etc/passwd",
    "2026-02-30", "0000-00-00", "9999-12-31", "31/12/9999", "yes", "no", "true", "null",
]
#: Values a form might accept, besides those its page offers.
PLAUSIBLE = ["", "1", "3", "7.5", "37.5", "2026-11-01", "care-worker", "Care worker",
             "social-worker", "sw-apprenticeship", "staff@example.org", "yes", "Walk cohort"]
#: Dates for the GOV.UK date input's day, month and year (the suite's today is 24 11 2026).
DATES = ["24 11 2026", "1 9 2026", "20 11 2026", "1 12 2026", "31 3 2027", "31 8 2028"]
#: Ids in URLs: past the database's 32-bit integers, and things that are not ids.
HOSTILE_IDS = ["0", "2147483647", "2147483648", "4294967296", "9223372036854775807",
               "9223372036854775808", "18446744073709551616", "9" * 30, "-1", "1.5", "abc",
               "\u0663", "0001"]
#: The columns of an uploaded file, by its field (the importers' own), with plausible cells.
FILE_COLUMNS = {
    "staff_file": {"email": ["new@example.org", "staff@example.org"], "name": ["New Person"],
                   "staff_id": ["S1"], "team": ["Home care"], "current_role": ["care-worker"],
                   "role_start_date": ["2025-01-06"], "qualifications": ["care-cert"],
                   "target_role": ["social-worker"], "roles": ["staff"]},
    "apprenticeships_file": {
        "email": ["colleague@example.org"], "cohort": ["Walk cohort", "12345"],
        "standard_code": ["ST0510"], "start_date": ["2026-09-01"],
        "planned_end_date": ["2029-09-01"], "weekly_hours": ["37.5"],
        "otj_hours_logged": ["10"], "last_review_date": [""], "status": ["active"],
        "guaranteed_post": [""]},
}

#: Numbers a field that asks for one (``inputmode``) should refuse or take without a 500.
HOSTILE_NUMBERS = ["NaN", "nan", "Infinity", "-inf", "1e309", "1e30", "1e26", "-1e30", "-1",
                   "0", "1e-30", "0.001", "1.5", "1,5", "2147483648", "-2147483649",
                   "9223372036854775808", "9" * 40, "\u00b2", "\u0663"]

#: Hostile text; the simplest (what Hypothesis tries first and shrinks towards) is NUL.
text_values = st.one_of(
    st.sampled_from(HOSTILE),
    # Any character UTF-8 can carry: all but the surrogates (``codec="utf-8"`` says the same
    # but costs Hypothesis seconds per process to work out from the codec).
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats().map(repr),
)
#: Hostile values for a number: text, or (half the time) a number out of range or not finite.
number_values = st.one_of(text_values, st.sampled_from(HOSTILE_NUMBERS))


# -- what views ask for, and what pages offer ---------------------------------------------------

class Recording(ImmutableMultiDict):
    """A request's parameters that note every name a view asks about."""

    def _note(self, key) -> None:
        if isinstance(key, str):
            self.__dict__.setdefault("asked", set()).add(key)

    def __contains__(self, key) -> bool:
        self._note(key)
        return super().__contains__(key)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def get(self, key, default=None, type=None):
        self._note(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        self._note(key)
        return super().getlist(key, type)


class RecordingRequest(Request):
    parameter_storage_class = Recording


@dataclass
class FieldOnPage:
    """A form field as pages show it: its kind, its inputs, the values offered and sent.

    ``sent`` is what a browser sends when the form is submitted as shown (the text typed,
    the option selected, the boxes ticked), once a page has shown the field.
    """

    kind: str = "text"
    inputs: int = 0
    offered: list[str] = field(default_factory=list)
    sent: list[str] | None = None

    def offer(self, value: str | None) -> None:
        if value is not None and value not in self.offered:
            self.offered.append(value)

    def merge(self, other: FieldOnPage) -> None:
        """Add what another page showed of the same field."""
        self.kind, self.inputs = other.kind, max(self.inputs, other.inputs)
        for value in other.offered:
            self.offer(value)
        if self.sent is None:
            self.sent = other.sent


class FormsOnPage(HTMLParser):
    """The forms of an HTML page: ``[(method, action, {name: FieldOnPage})]``."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, str, dict[str, FieldOnPage]]] = []
        self.lists: dict[str, list[str]] = {}
        self._form: dict[str, FieldOnPage] | None = None
        self._select: FieldOnPage | None = None
        self._textarea: FieldOnPage | None = None
        self._datalist: list[str] | None = None
        self._wants_list: list[tuple[FieldOnPage, str]] = []
        self.feed(page)
        for found, list_id in self._wants_list:
            for value in self.lists.get(list_id, []):
                found.offer(value)

    def handle_starttag(self, tag, attrs):
        attributes = {name: "" if value is None else value for name, value in attrs}
        name = attributes.get("name")
        if tag == "form":
            self._form = {}
            self.forms.append(((attributes.get("method") or "get").upper(),
                               attributes.get("action") or "", self._form))
        elif tag == "datalist":
            self._datalist = self.lists.setdefault(attributes.get("id") or "", [])
        elif tag == "option":
            value = attributes.get("value", "")
            if self._datalist is not None:
                self._datalist.append(value)
            elif self._select is not None:
                self._select.offer(value)
                if "selected" in attributes:
                    self._select.sent = [*(self._select.sent or []), value]
        elif self._form is None or not name or tag not in ("input", "button", "select",
                                                            "textarea"):
            return
        else:
            self._field(tag, name, attributes)

    def _field(self, tag: str, name: str, attributes: dict[str, str]) -> None:
        kind = attributes.get("type", "text") if tag == "input" else tag
        if tag == "button" or kind == "submit":
            kind = "button"
        elif tag == "select":
            kind = "select-multiple" if "multiple" in attributes else "select"
        elif "govuk-date-input__input" in attributes.get("class", ""):
            kind = "date"  # day, month and year: three inputs of one name
        elif attributes.get("inputmode") in ("decimal", "numeric"):
            kind = "number"
        found = self._form.setdefault(name, FieldOnPage(kind=kind))
        found.inputs += 1
        value = attributes.get("value", "on" if kind in ("checkbox", "radio") else "")
        if kind == "file" or tag in ("select", "textarea"):
            pass
        elif kind in ("checkbox", "radio", "button"):
            found.offer(value)
            if "checked" in attributes or (kind == "button" and found.sent is None):
                found.sent = [*(found.sent or []), value]
        else:  # text, number, date, hidden and the like
            found.offer(value)
            found.sent = [*(found.sent or []), value] if kind == "date" else [value]
        if attributes.get("list"):
            self._wants_list.append((found, attributes["list"]))
        if tag == "select":
            self._select = found
        elif tag == "textarea":
            self._textarea = found
            found.sent = [""]

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            if self._select is not None and self._select.sent is None \
                    and self._select.kind == "select" and self._select.offered:
                self._select.sent = [self._select.offered[0]]  # what a browser sends
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "datalist":
            self._datalist = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.sent = [(self._textarea.sent or [""])[0] + data]
            self._textarea.offer(self._textarea.sent[0])


# -- targets: a rule and method with what it reads --------------------------------------------

VARIABLE = re.compile(r"<(?:(?P<converter>[a-zA-Z_]\w*)(?:\([^)]*\))?:)?(?P<name>[a-zA-Z_]\w*)>")


@dataclass
class Target:
    """One rule and method: its URL, and the parameters and fields it reads."""

    method: str
    endpoint: str
    rule: str
    values: dict[str, str]
    args: dict[str, FieldOnPage] = field(default_factory=dict)
    fields: dict[str, FieldOnPage] = field(default_factory=dict)
    gated: bool = False

    def path(self, values: dict[str, str] | None = None) -> str:
        given = {**self.values, **(values or {})}
        return VARIABLE.sub(lambda match: quote(given[match["name"]], safe=""), self.rule)

    def converters(self) -> dict[str, str]:
        return {match["name"]: match["converter"] or "default"
                for match in VARIABLE.finditer(self.rule)}


def targets_of(app: Flask, values: dict, people: dict) -> list[Target]:
    """Every rule and method (static aside), with the walk's real URL values."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        given = {**values, **OVERRIDES.get(rule.endpoint, lambda _: {})(people)}
        for method in ("GET", "POST"):
            if method in rule.methods:
                found.append(Target(method, rule.endpoint, rule.rule,
                                    {name: str(given[name]) for name in rule.arguments}))
    return found


#: Rules whose success undoes much of the world: fuzzed after the others, signing out last.
DESTRUCTIVE = ("delete", "retire", "remove", "release", "end", "withdraw", "status",
               "decline", "logout")


def order(target: Target) -> tuple:
    last = [word for word in DESTRUCTIVE if word in target.endpoint]
    return (target.method != "GET", target.endpoint == "accounts.logout", bool(last),
            target.endpoint, target.rule)


# -- the database, before and after -----------------------------------------------------------

#: PostgreSQL: one query digesting every row of every table (each row as its text).
_POSTGRES_DIGEST = "SELECT md5(string_agg(part, '' ORDER BY name)) FROM (" + " UNION ALL ".join(
    f"SELECT '{table.name}' AS name, count(*) || ':' || "
    f"md5(coalesce(string_agg(row_text, '|' ORDER BY row_text), '')) AS part "
    f'FROM (SELECT t::text AS row_text FROM "{table.name}" AS t) AS rows'
    for table in Base.metadata.sorted_tables) + ") AS parts"


class Fingerprint:
    """A digest of every row of every table, read on a connection of its own.

    On SQLite ``PRAGMA data_version`` on that connection changes only when another
    connection commits, so the rows are read again only then; PostgreSQL digests the rows
    itself, in one query.
    """

    def __init__(self, url: str):
        self.engine = make_engine(url)
        self.sqlite = self.engine.dialect.name == "sqlite"
        self._connection = self.engine.connect() if self.sqlite else None
        self._version: object = None
        self._digest = ""

    def __call__(self) -> str:
        if self._connection is not None:
            version = self._connection.exec_driver_sql("PRAGMA data_version").scalar()
            self._connection.rollback()
            if version == self._version:
                return self._digest
            self._version = version
        with self.engine.connect() as connection:
            if self.sqlite:
                digest = hashlib.blake2b(digest_size=16)
                for table in Base.metadata.sorted_tables:
                    rows = sorted(repr(tuple(row)) for row in connection.execute(table.select()))
                    digest.update(f"{table.name}:{len(rows)}:{''.join(rows)}".encode())
                self._digest = digest.hexdigest()
            else:  # the server digests every row in one round trip
                self._digest = connection.exec_driver_sql(_POSTGRES_DIGEST).scalar_one()
        return self._digest

    def generation(self, person_id: int) -> int:
        with self.engine.connect() as connection:
            return connection.execute(Person.__table__.select().with_only_columns(
                Person.session_generation).where(Person.id == person_id)).scalar_one()

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
        self.engine.dispose()


def _not_json_constant(name: str):
    raise ValueError(f"{name} is not JSON")


@dataclass
class Answer:
    status: int
    body: bytes = b""
    mimetype: str = ""
    location: str = ""
    error: str = ""

    @property
    def refused(self) -> bool:
        return self.status >= 400 or (self.status == 200 and b"govuk-error-summary" in self.body)

    def problems(self) -> list[str]:
        if self.status >= 500:
            return [f"answered {self.status}{': ' + self.error if self.error else ''}"]
        if self.mimetype == "application/json" and self.status < 300:
            try:
                json.loads(self.body, parse_constant=_not_json_constant)
            except ValueError as bad:
                return [f"answered invalid JSON ({bad})"]
        return []


# -- the fuzz --------------------------------------------------------------------------------

class Fuzz:
    """One role's fuzz of every target, on one app and world."""

    def __init__(self, app: Flask, people: dict, role: str, world: dict, url: str):
        self.app, self.people, self.role, self.world = app, people, role, world
        self.fingerprint = Fingerprint(url)
        self.asked: tuple[set[str], set[str]] = (set(), set())
        self.failures: list[str] = []
        self.last = ""
        self._client = None
        self.forms: dict[tuple[str, str], dict[str, FieldOnPage]] = {}
        self.requests = 0
        app.request_class = RecordingRequest
        request_tearing_down.connect(self._note_asked, app, weak=False)
        self.adapter = app.url_map.bind("localhost")

    def close(self) -> None:
        request_tearing_down.disconnect(self._note_asked, self.app)
        self.fingerprint.close()

    def _note_asked(self, _app, **_extra) -> None:
        args, form = request.__dict__.get("args"), request.__dict__.get("form")
        self.asked = (set(getattr(args, "__dict__", {}).get("asked", ())),
                      set(getattr(form, "__dict__", {}).get("asked", ())))

    def client(self):
        """The role's client, signed in again when an example signed it out."""
        if self._client is None:
            self._client = self.app.test_client()
            if self.role != "anonymous":
                person = self.people[self.role]
                start_session(self.app, self._client, person,
                              self.fingerprint.generation(person))
        return self._client

    def send(self, method: str, path: str, args=None, form=None) -> Answer:
        self.requests += 1
        self.asked = (set(), set())
        try:
            response = self.client().open(path, method=method, query_string=args,
                                          data=form if method == "POST" else None)
        except Exception as error:  # TESTING propagates a view's exception: that is a 500
            self._client = None
            return Answer(500, error=f"{type(error).__name__}: {str(error)[:300]}")
        answer = Answer(response.status_code, response.get_data(), response.mimetype,
                        response.headers.get("Location", ""))
        if "/login" in answer.location or "/logout" in path or answer.status == 401:
            self._client = None  # signed out (or never in): a new session next time
        return answer

    # -- discovery --

    def read_forms(self, page_path: str, body: bytes) -> None:
        """Note each form of a page under the endpoint and method it is sent to."""
        for method, action, fields in FormsOnPage(body.decode("utf-8", "replace")).forms:
            path = urlsplit(action).path or page_path
            try:
                endpoint, _ = self.adapter.match(path, method=method)
            except HTTPException:
                continue
            known = self.forms.setdefault((method, endpoint), {})
            for name, found in fields.items():
                if name != "csrf_token":
                    known.setdefault(name, FieldOnPage()).merge(found)

    def discover(self, target: Target) -> None:
        """Request a target plainly; note what it reads and whether the gate turned us away."""
        answer = self.send(target.method, target.path(), form={})
        args, form = self.asked
        for name in args:
            target.args.setdefault(name, FieldOnPage())
        for name in form:
            target.fields.setdefault(name, FieldOnPage())
        target.gated = (answer.status in (401, 403, 404, 405)
                        or (answer.status == 302 and "/login" in answer.location))
        if target.method == "GET" and answer.mimetype == "text/html":
            self.read_forms(target.path(), answer.body)
        self.check(target, "plainly", answer)

    def add_page_fields(self, target: Target) -> None:
        """Add the fields and offered values of the forms sent to the target."""
        into = target.args if target.method == "GET" else target.fields
        for name, found in self.forms.get((target.method, target.endpoint), {}).items():
            into.setdefault(name, FieldOnPage()).merge(found)

    # -- checking --

    def check(self, target: Target, how: str, answer: Answer) -> None:
        """Fail on a server error or invalid JSON, or when a refusal wrote to the database."""
        before, self.last = self.last, self.fingerprint()
        problems = answer.problems()
        if answer.refused and self.last != before:
            problems.append(f"refused with {answer.status} but wrote to the database")
        if problems:
            raise AssertionError(f"{target.method} {target.endpoint} as {self.role} {how}: "
                                 + "; ".join(problems))

    # -- examples --

    def fuzz(self, target: Target) -> None:
        """Send hostile examples to one target (see the module's docstring)."""
        converters = target.converters()
        fields = {} if target.method == "GET" else target.fields
        names = [*(f"url {name}" for name in converters), *(f"query {name}" for name in
                 sorted(target.args)), *(f"field {name}" for name in sorted(fields))]

        @settings(max_examples=GATED_EXAMPLES if target.gated else OPEN_EXAMPLES,
                  deadline=None, database=None, derandomize=False, print_blob=False)
        @given(st.data())
        def example(data):
            # First (the simplest example) every query parameter and field hostile at once;
            # then one or two things hostile among the values the page would send, or among
            # plausible ones, so that hostile input gets past the rest of the form.
            base = data.draw(st.sampled_from(BASES), label="base") if names else "hostile"
            hostile = {name for name in names if not name.startswith("url ")} or set(names) \
                if base == "hostile" else data.draw(
                    st.sets(st.sampled_from(names), min_size=1, max_size=2), label="hostile")
            values = {name: data.draw(
                (id_values if kind == "int" else text_values) if f"url {name}" in hostile
                else st.just(target.values[name]), label=f"url {name}")
                for name, kind in converters.items()}
            args = {name: value for name, found in sorted(target.args.items())
                    if (value := data.draw(field_values(found, f"query {name}" in hostile, base),
                        label=f"query {name}")) is not None}
            form = {name: value for name, found in sorted(fields.items())
                    if (value := data.draw(field_values(found, f"field {name}" in hostile,
                                                        base, name),
                        label=f"field {name}")) is not None}
            path = target.path(values)
            answer = self.send(target.method, path, args or None, _files(form))
            self.check(target, f"at {path[:200]!r}", answer)

        if not DEEP:  # the same examples every run; a deeper run draws new ones
            example = seed(zlib.crc32(f"{self.role} {target.method} {target.rule}".encode())
                           )(example)
        try:
            example()
        except AssertionError as failure:
            self.failures.append(str(failure).split("\n")[0][:600])

    def run(self, targets: list[Target]) -> None:
        """Discover every page, fuzz every target, then open every page that opened again."""
        self.last = self.fingerprint()
        targets = sorted(targets, key=order)
        for target in targets:
            if target.method == "GET":
                self._try(self.discover, target)
        for target in targets:
            if target.method == "POST":
                self._try(self.discover, target)
            self.add_page_fields(target)
            self.fuzz(target)
        for target in targets:  # what the examples saved must not break a page either
            if target.method == "GET" and not target.gated:
                self._try(lambda t: self.check(t, "afterwards", self.send("GET", t.path())),
                          target)

    def _try(self, step: Callable[[Target], None], target: Target) -> None:
        try:
            step(target)
        except AssertionError as failure:
            self.failures.append(str(failure)[:600])


id_values = st.one_of(st.sampled_from(HOSTILE_IDS),
                      st.integers(min_value=0, max_value=2**80).map(str))


#: How the values that are not hostile are chosen: all hostile, as the page would send
#: them, or among the values offered and plausible ones.
BASES = ["hostile", "page", "plausible"]


def field_values(found: FieldOnPage, hostile: bool, base: str, name: str = ""
                 ) -> st.SearchStrategy:
    """Values for one field or query parameter (None leaves it out, as a page may).

    A date is its three boxes, ticked boxes and a select of several values a list, an
    upload a CSV file (``csv_files``).
    """
    if name in FILE_COLUMNS:
        return csv_files(FILE_COLUMNS[name], hostile)
    several = found.kind in ("date", "select-multiple") or (found.kind == "checkbox"
                                                             and found.inputs > 1)
    if hostile:
        if found.kind == "date":
            return st.lists(st.one_of(text_values, st.sampled_from(HOSTILE_NUMBERS)),
                            min_size=3, max_size=3)
        if found.kind == "number":
            return number_values
        return st.lists(text_values, max_size=3) if several else text_values
    if base == "page" and found.sent is not None:
        return st.just(found.sent if several else (found.sent or [None])[0])
    if found.kind == "date":
        return st.sampled_from([value for value in found.offered if value.count(" ") == 2]
                               + DATES).map(str.split)
    offered = [value for value in found.offered if value]
    one = st.sampled_from(offered or PLAUSIBLE)
    return st.lists(one, max_size=max(found.inputs, 1)) if several else one


@st.composite
def csv_files(draw, columns: dict[str, list[str]], hostile: bool):
    """An upload: the importer's header and a row or two of plausible cells, some hostile."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for _ in range(draw(st.integers(min_value=1, max_value=2))):
        bad = draw(st.sets(st.sampled_from(list(columns)), min_size=1, max_size=2)) \
            if hostile else set()
        writer.writerow([draw(text_values if column in bad else st.sampled_from(plausible))
                         for column, plausible in columns.items()])
    return ("upload", out.getvalue().encode())


def _files(form: dict) -> dict:
    """The form with each drawn upload as a file."""
    return {name: (io.BytesIO(value[1]), "upload.csv") if isinstance(value, tuple) else value
            for name, value in form.items()}


@pytest.fixture
def database_url(database_for):
    return database_for(WALK_WORLD)


@pytest.fixture
def app(database_url, tmp_path):
    with running_app(database_url, WTF_CSRF_ENABLED=False,
                     OUTBOX_DIR=str(tmp_path / "outbox")) as app:
        yield app


@pytest.mark.parametrize("role", ["anonymous", *[r for r in ROLES if r != "anonymous"]])
def test_hostile_input_never_gives_a_server_error(app, people, database_url, recipe_made,
                                                  role):
    world = recipe_made(WALK_WORLD)
    fuzz = Fuzz(app, people, role, world, database_url)
    try:
        fuzz.run(targets_of(app, world, people))
    finally:
        fuzz.close()
    assert not fuzz.failures, f"{len(fuzz.failures)} failures in {fuzz.requests} requests:\n" \
        + "\n".join(fuzz.failures)
