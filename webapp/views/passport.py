"""The training passport on the web: keys and status lists, sharing, receiving, verifying.

- Published to everyone (``@public``): an organisation's public keys as a JWKS
  (``/organisations/<id>/jwks.json``), its signed revocation list
  (``/organisations/<id>/passport/status``) and the verification page (``/passport/verify``),
  which checks a pasted credential against every organisation of the service.
- The person's own (``policy.can_share_passport``): ``/passport`` lists what their passport
  holds and their links; they make a link, withdraw it, or download the passport file.
- The receiving organisation's L&D (``policy.can_receive_passports``, then
  ``policy.can_accept_credentials`` for the person named): a share link
  (``/passport/shared/<secret>``) or a pasted passport (``/passport/receive``) shows one
  verdict per credential, checked against their organisation, and the valid ones can be
  accepted as the training of one of its people. A link shows the credentials shared and
  nothing else about the person.
- The issuing organisation's L&D (``policy.can_manage_training``, ``can_revoke_credential``)
  list what it issued (``/passport/issued``) and revoke a credential.
"""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import func, select

from pathways import audit, clock, config, policy
from pathways.csv_input import whole_number
from pathways.errors import InvalidInput, PathwayError, Problem
from pathways.models import (
    IssuedCredential,
    Organisation,
    PassportShare,
    Person,
    TrainingSubject,
)
from pathways.passport.credentials import current_training, issue_passport, passport_file
from pathways.passport.keys import jwks as jwks_of
from pathways.passport.keys import key_of
from pathways.passport.sharing import (
    accept_credentials,
    create_share,
    open_share,
    shares_of,
    withdraw_share,
)
from pathways.passport.status_list import revoke_credential, signed_status_list
from pathways.passport.verification import (
    MAX_CREDENTIAL,
    Checked,
    read_passport,
    verify_credential,
)
from pathways.people.accounts import find_person
from pathways.people.pages import Page

from .. import limits
from ..auth import personal_page, public, require, signed_in
from ..extensions import db
from ..passport_forms import AcceptForm, ButtonForm, PassportForm, RevokeForm, ShareForm
from ..submit import submit
from .shared import error_list, pagination

blueprint = Blueprint("passport", __name__)

#: Credentials a page of ``/passport/issued``.
PER_PAGE = 25


def base_url() -> str:
    """The service's address that names issuers: ``SERVICE_URL``, else the domain's default."""
    return config.service_url()


# Published to everyone ---------------------------------------------------------------------


def _organisation(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        abort(404)
    return organisation


@blueprint.get("/organisations/<int:organisation_id>/jwks.json")
@public
def jwks(organisation_id: int):
    """Publish an organisation's public signing keys as a JSON Web Key Set."""
    response = Response(json.dumps(jwks_of(db.session, _organisation(organisation_id))),
                        mimetype="application/jwk-set+json")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@blueprint.get("/organisations/<int:organisation_id>/passport/status")
@public
def status_list(organisation_id: int):
    """Publish an organisation's revocation list, signed (a BitstringStatusList VC-JWT)."""
    organisation = _organisation(organisation_id)
    if key_of(db.session, organisation.id) is None:
        abort(404)  # it has issued nothing
    response = Response(signed_status_list(db.session, organisation, base_url=base_url()),
                        mimetype="application/vc+jwt")
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


def _verdicts_of(form: PassportForm, receiving: Organisation | None) -> list[Checked] | None:
    """Read the pasted or uploaded passport and verify each credential (None: refused, with
    the problem on the form)."""
    if not form.validate_on_submit():
        return None
    upload = form.passport_file.data
    text: str | bytes = upload.read(MAX_UPLOAD) if upload else (form.passport.data or "")
    try:
        items = read_passport(text)
    except InvalidInput as invalid:
        field = form.passport_file if upload else form.passport
        field.errors = [*field.errors, *(str(problem) for problem in invalid.problems)]
        return None
    return [verify_credential(db.session, item, today=clock.today(), receiving=receiving,
                              base_url=base_url()) for item in items]


#: Read no more of an upload than a passport may hold (and one byte to know it is more).
MAX_UPLOAD = 1_000_001


@blueprint.route("/passport/verify", methods=["GET", "POST"])
@public
def verify():
    """Check credentials anyone pastes: one verdict each, against every issuer of the service.

    ``?credential=<VC-JWT>`` checks one credential straight away, so a credential's own check
    can be a link. Checks are limited per client address (``limits.take_verification``).
    """
    form = PassportForm()
    given = request.args.get("credential", "")
    if (request.method == "POST" or given) and not limits.take_verification():
        return render_template("passport/verify_limited.html",
                               seconds=limits.VERIFY_WINDOW_SECONDS), 429, {
            "Retry-After": str(limits.VERIFY_WINDOW_SECONDS)}
    verdicts = _verdicts_of(form, None) if request.method == "POST" else None
    status = 400 if request.method == "POST" and verdicts is None else 200
    if request.method == "GET" and given:
        verdicts = [verify_credential(db.session, given[:MAX_CREDENTIAL], today=clock.today(),
                                      base_url=base_url())]
    return render_template("passport/verify.html", form=form, verdicts=verdicts,
                           error_list=error_list(form) if status == 400 else []), status


# The person's own --------------------------------------------------------------------------


def _own_page(share_form: ShareForm | None = None, status: int = 200, made: str | None = None):
    me = signed_in()
    today = clock.today()
    share_form = share_form or ShareForm()
    return render_template(
        "passport/mine.html", me=me, held=current_training(db.session, me, today),
        shares=shares_of(db.session, me), share_form=share_form, button=ButtonForm(),
        made=made, today=today,
        error_list=error_list(share_form) if status == 400 else []), status


@blueprint.get("/passport")
@personal_page
def mine():
    """Show the person's passport: their current training and the links they made."""
    me = signed_in()
    require(policy.can_share_passport(me, me))
    return _own_page()


@blueprint.post("/passport/shares")
@personal_page
def share():
    """Make a share link; the page shows it once (only its digest is kept)."""
    me = signed_in()
    require(policy.can_share_passport(me, me))
    form = ShareForm()
    saved = submit(form, lambda: create_share(
        db.session, me, days=whole_number(form.days.data or "") or 0, base_url=base_url()),
        fields={"days": "days"}, sentences=True)
    if not saved:
        return _own_page(form, 400)
    _share, secret = saved.value
    return _own_page(made=url_for("passport.shared", secret=secret, _external=True))


def _own_share(share_id: int) -> PassportShare:
    found = db.session.get(PassportShare, share_id)
    if found is None:
        abort(404)
    require(policy.can_share_passport(signed_in(), found.person))
    return found


@blueprint.post("/passport/shares/<int:share_id>/withdraw")
@personal_page
def withdraw(share_id: int):
    """Stop a share link working."""
    found = _own_share(share_id)
    form = ButtonForm()
    if submit(form, lambda: withdraw_share(db.session, signed_in(), found)):
        flash("The link no longer works.")
    else:
        flash(" ".join(form.form_errors) or "The link was not withdrawn.", "warning")
    return redirect(url_for("passport.mine"))


@blueprint.post("/passport/download")
@personal_page
def download():
    """Download the person's passport file (their current training, signed)."""
    me = signed_in()
    require(policy.can_share_passport(me, me))
    if not ButtonForm().validate_on_submit():
        abort(400)
    tokens = issue_passport(db.session, me, today=clock.today(), base_url=base_url())
    audit.record_export(db.session, me, "the training passport", len(tokens), "person", me.id,
                        concerns=me, fmt="json")
    db.session.commit()
    response = Response(json.dumps(passport_file(tokens), indent=2) + "\n",
                        mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="training-passport.json"'
    return response


# The receiving organisation ----------------------------------------------------------------


def _accept_form(verdicts: list[Checked], carried: str = "") -> AcceptForm:
    form = AcceptForm(formdata=None) if request.method == "GET" else AcceptForm()
    form.chosen.choices = [(str(number), checked.subject)
                           for number, checked in enumerate(verdicts) if checked.valid]
    if request.method == "GET" or form.chosen.data is None:
        form.chosen.data = [value for value, _label in form.chosen.choices]
    if carried:
        form.carried.data = carried
    return form


def _accept(form: AcceptForm, verdicts: list[Checked]):
    """Accept the chosen valid credentials for the person named; return the outcome, or
    None with the problems on the form."""
    me = signed_in()
    # the form is checked before the email is looked up (a NUL never reaches the database)
    person = (find_person(db.session, form.email.data)
              if form.email.data and form.validate() else None)
    decision = policy.can_accept_credentials(me, person) if person else policy.HIDE

    def change():
        if not decision:
            because = ("You cannot accept credentials for yourself: another member of L&D "
                       "accepts yours" if person is not None and person.id == me.id else
                       f"No one at {me.organisation.name} has that email address")
            raise InvalidInput([Problem("email", because)], "Nothing was accepted")
        chosen = {whole_number(value) for value in form.chosen.data or []}
        tokens = [checked.token for number, checked in enumerate(verdicts)
                  if number in chosen and checked.valid and checked.token]
        if not tokens:
            raise InvalidInput([Problem("chosen", "Choose at least one valid credential")],
                               "Nothing was accepted")
        assert person is not None  # nosec B101 - allowed above
        return person, accept_credentials(db.session, me, person, tokens,
                                          today=clock.today(), base_url=base_url())

    return submit(form, change, sentences=True)


def _received(verdicts: list[Checked], form: AcceptForm, *, action: str, status: int = 200,
              passport_form: PassportForm | None = None):
    return render_template("passport/received.html", verdicts=verdicts, form=form,
                           action=action, organisation=signed_in().organisation,
                           passport_form=passport_form,
                           error_list=error_list(form) if status == 400 else []), status


def _after_accepting(saved) -> Response:
    person, outcome = saved.value
    words = [f"{len(outcome.accepted)} accepted for {person.name}"]
    if outcome.already:
        words.append(f"{len(outcome.already)} accepted before")
    if outcome.refused:
        words.append(f"{len(outcome.refused)} refused: "
                     + "; ".join(reason for _checked, reason in outcome.refused))
    flash(", ".join(words) + ".")
    return redirect(url_for("passport.receive"))


@blueprint.route("/passport/shared/<secret>", methods=["GET", "POST"])
@personal_page
def shared(secret: str):
    """Open a passport shared by link: the verdicts, and accepting the valid credentials."""
    me = signed_in()
    require(policy.can_receive_passports(me))
    found = open_share(db.session, secret)
    if found is None:
        abort(404)
    verdicts = [verify_credential(db.session, item, today=clock.today(),
                                  receiving=me.organisation, base_url=base_url())
                for item in found.credentials]
    form = _accept_form(verdicts)
    action = url_for("passport.shared", secret=secret)
    if request.method == "POST":
        saved = _accept(form, verdicts)
        if saved:
            return _after_accepting(saved)
        return _received(verdicts, form, action=action, status=400)
    return _received(verdicts, form, action=action)


@blueprint.route("/passport/receive", methods=["GET", "POST"])
@personal_page
def receive():
    """Paste or upload a passport: the verdicts against the organisation, then accept."""
    me = signed_in()
    require(policy.can_receive_passports(me))
    form = PassportForm()
    if request.method == "GET":
        return render_template("passport/receive.html", form=form, error_list=[])
    verdicts = _verdicts_of(form, me.organisation)
    if verdicts is None:
        return render_template("passport/receive.html", form=form,
                               error_list=error_list(form)), 400
    carried = json.dumps([checked.token for checked in verdicts if checked.valid])
    return _received(verdicts, _accept_form(verdicts, carried),
                     action=url_for("passport.accept"))


@blueprint.post("/passport/receive/accept")
@personal_page
def accept():
    """Accept credentials carried from a pasted passport (each verified again)."""
    me = signed_in()
    require(policy.can_receive_passports(me))
    form = AcceptForm()
    try:
        items = read_passport(form.carried.data or "")
    except PathwayError:
        items = []
    verdicts = [verify_credential(db.session, item, today=clock.today(),
                                  receiving=me.organisation, base_url=base_url())
                for item in items]
    form = _accept_form(verdicts, form.carried.data or "")
    saved = _accept(form, verdicts)
    if saved:
        return _after_accepting(saved)
    return _received(verdicts, form, action=url_for("passport.accept"), status=400)


# The issuing organisation ------------------------------------------------------------------


@blueprint.get("/passport/issued")
@personal_page
def issued():
    """List the credentials the organisation issued, the newest first, to revoke one."""
    me = signed_in()
    require(policy.can_manage_training(me, me.organisation))
    page = max(whole_number(request.args.get("page", "")) or 1, 1)
    total = db.session.scalar(select(func.count()).select_from(IssuedCredential).where(
        IssuedCredential.organisation_id == me.organisation_id)) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(page, pages)
    rows = db.session.execute(
        select(IssuedCredential, Person.name, TrainingSubject.title)
        .join(Person, Person.id == IssuedCredential.person_id)
        .join(TrainingSubject, TrainingSubject.id == IssuedCredential.subject_id)
        .where(IssuedCredential.organisation_id == me.organisation_id)
        .order_by(IssuedCredential.issued_at.desc(), IssuedCredential.id.desc())
        .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    found = Page(rows=list(rows), number=page, pages=pages, total=total)
    return render_template("passport/issued.html", found=found, form=RevokeForm(),
                           pagination=pagination(found, "passport.issued"))


@blueprint.post("/passport/issued/<int:credential_id>/revoke")
@personal_page
def revoke(credential_id: int):
    """Revoke a credential the organisation issued: its bit in the status list is set."""
    credential = db.session.get(IssuedCredential, credential_id)
    if credential is None:
        abort(404)
    me = signed_in()
    require(policy.can_revoke_credential(me, credential))
    form = RevokeForm()
    if submit(form, lambda: revoke_credential(db.session, me, credential,
                                              form.reason.data or "")):
        flash(f"The {credential.subject.title} credential of {credential.person.name} is "
              "revoked: it no longer verifies.")
    else:
        flash(" ".join([*form.form_errors, *form.reason.errors]) or "It was not revoked.",
              "warning")
    return redirect(url_for("passport.issued"))
