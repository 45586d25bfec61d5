"""L&D pages for programmes, cohorts, apprentices and posts.

Every page loads its records through ``apprenticeship_access``: another organisation's
cohort or post is 404, and people of the organisation who do not run its apprenticeships
get 403. A form is submitted (``webapp.submit``: validated, one service of
``pathways.apprenticeships`` makes the change, committed) and the view redirects; a refused
form is shown again with the GOV.UK error summary (400) and nothing written. The numbers
come from ``pathways.apprenticeships.progress``, the same functions
``GET /api/v1/cohorts/<id>/summary`` and ``pathways cohort-report`` use.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf import FlaskForm
from markupsafe import Markup

from pathways import clock
from pathways.apprenticeships import pages
from pathways.apprenticeships.placements import EDUCATOR_QUALIFICATIONS
from pathways.apprenticeships.posts import create_post, move_post
from pathways.apprenticeships.programmes import is_apprenticeship
from pathways.apprenticeships.progress import (
    STATUS_WORDS,
    MonthPoint,
    Thresholds,
    otj_over_time,
    qualifiers_by_month,
)
from pathways.apprenticeships.setup import create_cohort, create_programme, enrol
from pathways.apprenticeships.standing import ORDERS, cohort_dashboard, missing_educators
from pathways.models import (
    BUDGET_KINDS,
    POST_STATES,
    PROVIDER_KINDS,
    Organisation,
    Person,
    Post,
    Programme,
    Team,
)

from .. import charts
from ..auth import personal_page, signed_in
from ..cohort_forms import (
    RAG_LABELS,
    SORTS,
    CohortForm,
    DashboardForm,
    EnrolForm,
    PostForm,
    ProgrammeForm,
    ReleaseForm,
)
from ..extensions import current_graph, db
from ..input_rules import query_text
from ..people_forms import DayMonthYearField
from ..submit import submit
from .apprenticeship_access import ID, cohort_or_404, managed_organisation, post_or_404
from .shared import (
    confirm_first,
    error_list,
    keyset_asked,
    keyset_pagination,
    link_to,
)

blueprint = Blueprint("cohorts", __name__, url_prefix="/cohorts")
COHORT = f"/<{ID}:cohort_id>"
#: A refused service's field names that differ from the form's.
ENROL_FIELDS = {"email": "person_id"}
POST_FIELDS = {"team": "team_id"}


#: Apprentices on one page of a cohort's dashboard.
APPRENTICES_PAGE = 50


@blueprint.context_processor
def page_words() -> dict:
    """Words and links the cohort pages share."""
    return {"STATUSES": STATUS_WORDS, "RAG_LABELS": RAG_LABELS, "PROVIDER_KINDS": PROVIDER_KINDS,
            "BUDGET_KINDS": BUDGET_KINDS, "SORTS": SORTS, "link_to": link_to}


def thresholds() -> Thresholds:
    """The configured thresholds of OTJ behind and review overdue."""
    return Thresholds.from_mapping(current_app.config)


@blueprint.get("")
@personal_page
def index():
    """The organisation's cohorts (with today's RAG counts) and programmes."""
    organisation = managed_organisation()
    overview = pages.cohorts_overview(db.session, organisation, clock.today(), thresholds())
    return render_template("cohorts/index.html", organisation=organisation,
                           cohorts=overview.cohorts, programmes=overview.programmes,
                           counts=overview.counts, G=current_graph())


@blueprint.route("/programmes/new", methods=["GET", "POST"])
@personal_page
def new_programme():
    """Set up a programme: an apprenticeship standard, its provider and the role it leads to."""
    organisation = managed_organisation()
    G = current_graph()
    form = ProgrammeForm().fill(G)
    saved = submit(form, lambda: create_programme(
        db.session, organisation, name=form.name.data, qualification_id=form.qualification_id.data,
        provider_name=form.provider_name.data, provider_kind=form.provider_kind.data,
        leads_to_role_id=form.leads_to_role_id.data, G=G, actor=signed_in()), sentences=True)
    if saved:
        flash(f"Programme {saved.value.name} set up")
        return redirect(url_for(".index"), 303)
    return form_page("cohorts/programme_form.html", form, organisation=organisation)


@blueprint.route("/new", methods=["GET", "POST"])
@personal_page
def new_cohort():
    """Start a cohort of one of the organisation's programmes."""
    organisation = managed_organisation()
    programmes = pages.programmes_of(db.session, organisation)
    form = CohortForm().fill(programmes)
    saved = submit(form, lambda: create_cohort(
        db.session, db.session.get(Programme, int(form.programme_id.data)),
        name=form.name.data, start_date=form.start_date.data,
        planned_end_date=form.planned_end_date.data,
        provider_contact=form.provider_contact.data or "", budget_kind=form.budget_kind.data,
        budget_gbp=form.budget_gbp.data or None, actor=signed_in()), sentences=True)
    if saved:
        flash(f"Cohort {saved.value.name} started")
        return redirect(url_for(".cohort", cohort_id=saved.value.id), 303)
    return form_page("cohorts/cohort_form.html", form, organisation=organisation,
                     programmes=programmes)


@blueprint.get(COHORT)
@personal_page
def cohort(cohort_id: int):
    """A cohort's dashboard on a date: RAG and status counts, charts and a page of apprentices.

    The counts and the page come from one SQL statement (``standing.cohort_dashboard``), so
    the page costs the same whatever the cohort's size; the page continues by keyset.
    """
    cohort = cohort_or_404(cohort_id)
    form = DashboardForm(request.args)
    form.validate()
    as_of = form.day() or clock.today()
    rag = form.rag.data if form.rag.data and not form.rag.errors else ""
    status = form.status.data if form.status.data and not form.status.errors else ""
    order = form.sort.data if form.sort.data in ORDERS and not form.sort.errors else "urgency"
    found = cohort_dashboard(db.session, cohort, as_of, thresholds(), rag=rag, status=status,
                             order=order, per_page=APPRENTICES_PAGE, **keyset_asked())
    kept = {name: request.args.get(name) or None for name in ("as_of", "rag", "sort", "status")}
    apprentices = is_apprenticeship(cohort.programme)  # else no off-the-job hours to show
    otj = otj_over_time(db.session, cohort, as_of) if apprentices else []
    qualifiers = qualifiers_by_month(db.session, cohort)
    unallocated, unallocated_total = missing_educators(db.session, cohort, as_of,
                                                       limit=APPRENTICES_PAGE)
    errors = error_list(form)
    return render_template(
        "cohorts/cohort.html", cohort=cohort, form=form, summary=found,
        rows=found.page.rows, total=found.page.total,
        pagination=keyset_pagination(found.page, "cohorts.cohort", cohort_id=cohort.id,
                                     _anchor="apprentices", **kept),
        rag=rag, status=status, order=order, otj=otj, qualifiers=qualifiers,
        G=current_graph(), apprentices=apprentices,
        otj_chart=otj_chart(otj) if apprentices else None,
        qualifiers_chart=qualifiers_chart(qualifiers), unallocated=unallocated,
        unallocated_total=unallocated_total,
        # Only social work and OT programmes have placements (and so practice educators).
        with_placements=cohort.programme.qualification.family in EDUCATOR_QUALIFICATIONS,
        error_list=errors), 400 if errors else 200


def otj_chart(points: list[MonthPoint]) -> Markup:
    """Off-the-job hours logged against expected, cumulative by month (a line chart)."""
    return charts.line_chart(
        "otj-chart", "Off-the-job hours logged against expected",
        "Cumulative off-the-job hours the cohort logged by the end of each month, against "
        "the hours expected by then. The table below has the same numbers.",
        [charts.month_label(point.month) for point in points],
        [charts.Series("Logged", [point.first for point in points]),
         charts.Series("Expected", [point.second for point in points])], unit="Hours")


def qualifiers_chart(points: list[MonthPoint]) -> Markup:
    """Apprentices expected to qualify each month against posts held for them (bars)."""
    return charts.bar_chart(
        "qualifiers-chart", "Expected qualifiers by month against posts held",
        "How many apprentices are planned to finish each month, and how many of them hold "
        "a reserved, offered or filled post. The table below has the same numbers.",
        [charts.month_label(point.month) for point in points],
        [charts.Series("Expected to qualify", [point.first for point in points]),
         charts.Series("Holding a post", [point.second for point in points])],
        unit="Apprentices")


@blueprint.route(f"{COHORT}/enrol", methods=["GET", "POST"], endpoint="enrol")
@personal_page
def enrol_apprentice(cohort_id: int):
    """Enrol one of the organisation's people, with a guaranteed post, role or neither."""
    cohort = cohort_or_404(cohort_id)
    G = current_graph()
    search, problem = query_text("person_q")
    offered = pages.enrollable_people(db.session, cohort, search)
    people = list(offered.rows)
    asked = (request.form.get("person_id") or "").strip() if request.method == "POST" else ""
    if asked.isdigit() and 0 < int(asked) < 2 ** 31 and all(
            str(person.id) != asked for person in people):
        chosen = pages.enrollable_person(db.session, cohort, int(asked))
        people += [chosen] if chosen is not None else []
    post_search, post_problem = query_text("post_q")
    offered_posts = pages.vacant_posts(db.session, cohort.organisation, post_search)
    posts = list(offered_posts.rows)
    asked = (request.form.get("guaranteed_post") or "").strip() \
        if request.method == "POST" else ""
    if asked.isdigit() and 0 < int(asked) < 2 ** 31 and all(
            str(post.id) != asked for post in posts):
        chosen_post = pages.vacant_post(db.session, cohort.organisation, int(asked))
        posts += [chosen_post] if chosen_post is not None else []
    form = EnrolForm(start_date=cohort.start_date,
                     planned_end_date=cohort.planned_end_date).fill(G, people, posts)
    if problem:
        form.person_id.errors = [f"The search {problem}"]
    if post_problem:
        form.guaranteed_post.errors = [f"The search {post_problem}"]
    saved = submit(form, lambda: enrol(
        db.session, cohort, db.session.get(Person, int(form.person_id.data)),
        start_date=form.start_date.data, planned_end_date=form.planned_end_date.data,
        weekly_hours=form.weekly_hours.data.strip(),
        post=db.session.get(Post, int(form.guaranteed_post.data))
        if form.guaranteed_post.data else None,
        guaranteed_role_id=form.guaranteed_role_id.data or None, actor=signed_in()),
        fields=ENROL_FIELDS, sentences=True)
    if saved:
        required = (f": {saved.value.otj_required_hours} hours off the job required"
                    if is_apprenticeship(cohort.programme) else "")
        flash(f"{saved.value.person.name} enrolled on {cohort.name}{required}")
        return redirect(url_for(".cohort", cohort_id=cohort.id), 303)
    return form_page("cohorts/enrol.html", form, cohort=cohort, search=search,
                     more_people=offered.after is not None, any_people=bool(
                         people or search or offered.total), post_search=post_search,
                     more_posts=offered_posts.after is not None)


@blueprint.get(f"{COHORT}/enrol/people.json", endpoint="enrol_people")
@personal_page
def enrol_people(cohort_id: int):
    """Search the people who may be enrolled on the cohort (JSON, a page at a time): ``q``
    part of a name or email, ``after`` the cursor of the page before."""
    cohort = cohort_or_404(cohort_id)
    search, problem = query_text("q")
    if problem:
        return {"error": f"The search {problem}"}, 400
    found = pages.enrollable_people(db.session, cohort, search,
                                    after=request.args.get("after") or None)
    return {"people": [{"id": person.id, "name": person.name, "email": person.email}
                       for person in found.rows],
            "next": url_for(".enrol_people", cohort_id=cohort.id, q=search or None,
                            after=found.after) if found.after else None}


@blueprint.get(f"{COHORT}/enrol/posts.json", endpoint="enrol_posts")
@personal_page
def enrol_posts(cohort_id: int):
    """Search the vacant posts an apprentice of the cohort may be given (JSON, a page at a
    time): ``q`` part of the reference or the role's title, ``after`` the cursor of the page
    before."""
    cohort = cohort_or_404(cohort_id)
    search, problem = query_text("q")
    if problem:
        return {"error": f"The search {problem}"}, 400
    found = pages.vacant_posts(db.session, cohort.organisation, search,
                               after=request.args.get("after") or None)
    return {"posts": [{"id": post.id, "reference": post.reference, "role": post.role_id,
                       "role_title": post.role.title} for post in found.rows],
            "next": url_for(".enrol_posts", cohort_id=cohort.id, q=search or None,
                            after=found.after) if found.after else None}


@blueprint.route("/posts", methods=["GET", "POST"])
@personal_page
def posts():
    """The organisation's posts, with their state and who each is held for; add a post."""
    organisation = managed_organisation()
    G = current_graph()
    form = PostForm().fill(G, pages.teams_of(db.session, organisation.id))
    saved = submit(form, lambda: create_post(
        db.session, organisation, reference=form.reference.data, role_id=form.role_id.data,
        team=db.session.get(Team, int(form.team_id.data)) if form.team_id.data else None,
        actor=signed_in()), fields=POST_FIELDS, sentences=True)
    if saved:
        flash(f"Post {saved.value.reference} added, vacant")
        return redirect(url_for(".posts"), 303)
    return posts_page(organisation, form, error_list(form), 400 if form.is_submitted() else 200)


@blueprint.post(f"/posts/<{ID}:post_id>/release")
@personal_page
def release_post(post_id: int):
    """Move a reserved, offered or filled post back to vacant."""
    post = post_or_404(post_id)
    organisation = managed_organisation()
    form = PostForm(formdata=None).fill(current_graph(),
                                        pages.teams_of(db.session, organisation.id))
    reference, before = post.reference, post.state
    holder = post.apprenticeship.person.name if post.apprenticeship else None
    ask = None if before == "vacant" else confirm_first(
        f"Release post {reference}?",
        warning=(f"{holder} will no longer hold this post: it becomes vacant, free to be "
                 "reserved for someone else, and their guaranteed role stays without a post."
                 if holder else
                 "The post becomes vacant and can be reserved for someone else."),
        details=(f"It is {POST_STATES[before].lower()} now.",),
        button="Yes, release the post", back=url_for(".posts") + f"#post-{post.id}")
    if ask:
        return ask
    release = ReleaseForm()
    if submit(release, lambda: move_post(db.session, post, "vacant", actor=signed_in())):
        flash(f"Post {reference} is vacant again (it was {POST_STATES[before].lower()})")
        return redirect(url_for(".posts"), 303)
    return posts_page(organisation, form, [
        {"text": text, "href": f"#post-{post.id}"}
        for text in release.form_errors or ["The form could not be sent: try again"]], 400)


def posts_page(organisation: Organisation, form: PostForm, errors: list[dict], status: int):
    """Render the posts page (400 when it shows problems)."""
    found = pages.posts_of(db.session, organisation, **keyset_asked())
    return render_template("cohorts/posts.html", organisation=organisation, found=found,
                           posts=found.rows,
                           pagination=keyset_pagination(found, "cohorts.posts"),
                           form=form, release_form=ReleaseForm(formdata=None),
                           error_list=errors), status


def errors_of(form: FlaskForm) -> list[dict]:
    """The error summary items of a form; a date's link to its day box, as GOV.UK advises."""
    dates = {f"#{field.id}" for field in form if isinstance(field, DayMonthYearField)}
    return [{**item, "href": f"{item['href']}-day"} if item["href"] in dates else item
            for item in error_list(form)]


def form_page(template: str, form: FlaskForm, **context):
    """Render a form page: 400 with the error summary when the form was sent and refused."""
    refused = form.is_submitted()
    return render_template(template, form=form, error_list=errors_of(form) if refused else [],
                           G=current_graph(), **context), 400 if refused else 200
