"""Career stories: writing, consenting, approving, withdrawing and reading them.

``/stories`` and a published story's page are public (and cached, keyed by the
public-content version that publishing and withdrawing bump, so a withdrawn story is gone
from every process at once). What the public sees of the author is their first name only,
the name their consent names: never their email, full name, organisation or current role.

A person has one story: ``/stories/mine`` writes it and rewrites it (a rewrite is a draft
again, and a published story leaves the public pages until approved again), sends it with
their consent to be published, and withdraws it at any time. L&D and admins who run the
author's organisation (``policy.can_manage_apprenticeships``, the organisation-level L&D
check) see unpublished stories, approve them from ``/stories/review`` or send them back
with comments (which the writer reads on ``/stories/mine`` until it is published), and
withdraw them.
An unpublished story is "not found" for everyone else.

A view checks the policy first (404 hidden, 403 forbidden), submits the form
(``webapp.submit``: validate, one service, commit) and redirects; a refused form shows the
page again (400) with the GOV.UK error summary, the domain's problems on their fields and
its refusals in its own words.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from pathways.mentoring import pages, stories
from pathways.models import CareerStory, Person
from pathways.policy import (
    can_approve_story,
    can_edit_story,
    can_moderate_story,
    can_read_unpublished_story,
    can_review_stories,
    can_withdraw_story,
)

from ..apprenticeship_forms import identify
from ..auth import own_page, personal_page, public, require, signed_in
from ..extensions import current_graph, db
from ..page_cache import StoryCard, cached_page, published_story_card, published_story_cards
from ..stories_forms import CONSENT, SendBackForm, StoryActionForm, StoryForm, SubmitForm
from ..submit import submit as submit_form
from .shared import error_list

blueprint = Blueprint("stories", __name__)
#: A story's address; ids past the database's integer range are simply not found.
STORY = "/stories/<int:story_id>"


@blueprint.get("/stories")
@public
@cached_page
def index():
    """Show every published story: title, route with years, the words, the first name."""
    return render_template("stories/index.html", G=current_graph(),
                           stories=published_story_cards())


@blueprint.get(STORY)
@public  # published stories; an unpublished one asks the policy below
@cached_page
def story(story_id: int):
    """Show one story: to everyone when published; else to its author and L&D (else 404)."""
    if not current_user.is_authenticated:
        card = published_story_card(str(story_id))
        if card is None:
            abort(404)
        return _story_page(card)
    found = _story_or_404(story_id)
    me = signed_in()
    if found.status != "published":
        require(can_read_unpublished_story(me, found))
    return _story_page(StoryCard.of(found), found)


def _story_page(card: StoryCard, found: CareerStory | None = None):
    """Render a story's page, with the author's and L&D's buttons when they are looking."""
    me = signed_in() if found is not None else None
    mine = me is not None and found.person_id == me.id
    moderator = me is not None and bool(can_moderate_story(me, found))
    return render_template(
        "stories/story.html", G=current_graph(), story=card,
        mine=mine, moderator=moderator and not mine,
        may_approve=moderator and found.status == "submitted"
        and bool(can_approve_story(me, found)),
        may_withdraw=(mine or moderator) and found.status in ("submitted", "published"),
        action_form=StoryActionForm(formdata=None))


@blueprint.route("/stories/mine", methods=["GET", "POST"])
@own_page
def mine():
    """Write or rewrite the signed-in person's story (a draft until sent and approved)."""
    me, G = signed_in(), current_graph()
    story = _my_story(me)
    form = StoryForm().fill(G)
    if not form.is_submitted():
        return _mine_page(story)
    was_published = story is not None and story.status == "published"
    if submit_form(form, lambda: stories.write_story(
            db.session, G, me, title=form.title.data, body=form.body.data, steps=form.steps(),
            story=story)):
        flash("Your story is saved as a draft. It is no longer published: send it again "
              "when you are ready." if was_published else
              "Your story is saved as a draft. Send it to be published when you are ready.")
        return redirect(url_for(".mine"), 303)
    return _mine_page(story, story_form=form, status=400)


@blueprint.post(f"{STORY}/submit")
@personal_page
def submit(story_id: int):
    """Send the signed-in person's story to L&D to publish, with their consent."""
    found = _own_story_or_404(story_id)
    form = SubmitForm()
    if submit_form(form, lambda: stories.submit(db.session, found,
                                                consent=bool(form.consent.data)),
                   refused_on="consent", sentences=True):
        flash("Your story is sent. Learning and development will read it before it is "
              "published.")
        return redirect(url_for(".mine"), 303)
    return _mine_page(found, submit_form=form, status=400)


@blueprint.post(f"{STORY}/withdraw")
@personal_page
def withdraw(story_id: int):
    """Withdraw a story at any time (its author, or L&D): it is shown nowhere at once."""
    found = _story_or_404(story_id)
    me = signed_in()
    mine = found.person_id == me.id
    require(can_withdraw_story(me, found))
    if submit_form(StoryActionForm(), lambda: stories.withdraw(db.session, found, actor=me)):
        flash("The story is withdrawn: it is no longer shown anywhere.")
    return redirect(url_for(".mine" if mine else ".review"), 303)


@blueprint.get("/stories/review")
@personal_page
def review():
    """Show L&D the stories waiting to be published, and those published, in their reach."""
    require(can_review_stories(signed_in()))
    return _review_page()


@blueprint.post(f"{STORY}/approve")
@personal_page
def approve(story_id: int):
    """Publish a story sent with its author's consent (L&D of the author's organisation)."""
    found = _story_or_404(story_id)
    me = signed_in()
    require(can_approve_story(me, found))
    form = StoryActionForm()
    if submit_form(form, lambda: stories.approve(db.session, found, actor=me),
                   anchor=f"#story-{found.id}"):
        flash(f"“{found.title}” is published.")
    elif form.form_errors:
        return _review_page(error_list(form), 400)
    return redirect(url_for(".review"), 303)


@blueprint.post(f"{STORY}/send-back")
@personal_page
def send_back(story_id: int):
    """Send a story back to its writer with comments (L&D of the author's organisation)."""
    found = _story_or_404(story_id)
    me = signed_in()
    require(can_approve_story(me, found))
    form = identify(SendBackForm(), found.id)
    if submit_form(form, lambda: stories.send_back(
            db.session, found, comments=form.comments.data or "", actor=me),
                   anchor=f"#story-{found.id}", sentences=True):
        flash(f"“{found.title}” is sent back to its writer with your comments.")
        return redirect(url_for(".review"), 303)
    return _review_page(error_list(form), 400, {found.id: form})


# Pages ---------------------------------------------------------------------------------


def _mine_page(story: CareerStory | None, story_form: StoryForm | None = None,
               submit_form: SubmitForm | None = None, status: int = 200):
    """Show the signed-in person's story, its state and what they can do with it."""
    G = current_graph()
    if story_form is None:
        story_form = StoryForm(formdata=None).fill(G)
        if story is not None:
            story_form.fill_from(story)
    submit_form = submit_form or SubmitForm(formdata=None)
    return render_template(
        "stories/mine.html", G=G, story=story,
        card=StoryCard.of(story) if story is not None else None,
        story_form=story_form, submit_form=submit_form, consent_text=CONSENT,
        action_form=StoryActionForm(formdata=None),
        error_list=error_list(story_form) + error_list(submit_form),
    ), status


def _review_page(errors: list[dict] | None = None, status: int = 200,
                 forms: dict[int, SendBackForm] | None = None):
    """Show the stories in the signed-in L&D person's reach, waiting and published.

    ``forms`` holds a refused send-back form by story id.
    """
    me = signed_in()
    forms = forms or {}
    reach = [story for story in pages.stories_to_moderate(db.session)
             if can_moderate_story(me, story)]
    waiting = [s for s in reach if s.status == "submitted"]
    return render_template(
        "stories/review.html", G=current_graph(), waiting=waiting,
        published=[s for s in reach if s.status == "published"],
        send_back_forms={s.id: forms.get(s.id) or identify(SendBackForm(formdata=None), s.id)
                         for s in waiting},
        me=me, action_form=StoryActionForm(formdata=None), error_list=errors or [],
    ), status


# Finding stories -----------------------------------------------------------------------


def _story_or_404(story_id: int) -> CareerStory:
    """Return the story with this id, or answer 404."""
    found = db.session.get(CareerStory, story_id)
    if found is None:
        abort(404)
    return found


def _own_story_or_404(story_id: int) -> CareerStory:
    """Return the signed-in person's own story with this id; anyone else's is not found."""
    found = _story_or_404(story_id)
    require(can_edit_story(signed_in(), found))
    return found


def _my_story(me: Person) -> CareerStory | None:
    """Return the person's story (their latest, should there be more than one)."""
    return pages.story_of(db.session, me)

