"""Notifications: the signed-in person's list, marking them read, and email preferences.

A person sees only their own notifications (``policy.can_see_notification``: anyone else's
is "not found"). The header shows how many are unread on every page for someone signed in
(one count query; :func:`unread_context`). Which kinds also come by email is chosen on
``/notifications/preferences``; the kinds offered are those the person's access roles can
be sent (``pathways.notifications.kinds.kinds_for``).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    has_request_context,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from pathways.models import Notification
from pathways.notifications import pages, service
from pathways.notifications.kinds import kinds_for
from pathways.policy import can_see_notification

from ..auth import own_page, personal_page, require, signed_in
from ..extensions import db
from ..notifications_forms import NotificationActionForm, PreferencesForm
from ..submit import submit
from .shared import error_list, keyset_asked, keyset_pagination

blueprint = Blueprint("notifications", __name__)


@blueprint.app_context_processor
def unread_context() -> dict:
    """Give templates ``unread_notifications()``: the signed-in person's unread count (0 when
    nobody is signed in, or the database cannot answer: an error page still renders)."""
    def unread_notifications() -> int:
        if not has_request_context() or not current_user.is_authenticated:
            return 0
        if hasattr(current_user, "unread"):
            return current_user.unread  # read with the signed-in person (webapp.auth)
        try:
            return service.unread_count(db.session, current_user.person)
        except SQLAlchemyError:
            return 0
    return {"unread_notifications": unread_notifications}


@blueprint.get("/notifications")
@own_page
def index():
    """List the signed-in person's notifications, newest first, a page at a time."""
    found = pages.notifications_of(db.session, signed_in(), **keyset_asked())
    pagination = keyset_pagination(found, "notifications.index")
    pagination["landmarkLabel"] = "Pages of notifications"
    return render_template("notifications/index.html", found=found, pagination=pagination,
                           form=NotificationActionForm(formdata=None))


@blueprint.post("/notifications/<int:notification_id>/read")
@personal_page
def read(notification_id: int):
    """Mark one of the signed-in person's notifications read."""
    found = db.session.get(Notification, notification_id)
    if found is None:
        abort(404)
    require(can_see_notification(signed_in(), found))
    submit(NotificationActionForm(), lambda: service.mark_read(db.session, found))
    return redirect(url_for(".index"), 303)


@blueprint.post("/notifications/read")
@own_page
def read_all():
    """Mark every notification of the signed-in person read."""
    if submit(NotificationActionForm(),
              lambda: service.mark_all_read(db.session, signed_in())):
        flash("All your notifications are marked as read.")
    return redirect(url_for(".index"), 303)


@blueprint.route("/notifications/preferences", methods=["GET", "POST"])
@own_page
def preferences():
    """Choose which kinds of notification also come by email."""
    me = signed_in()
    kinds = kinds_for(me.role_names)
    form = PreferencesForm().fill(kinds)
    if not form.is_submitted():
        chosen = service.email_preferences(db.session, me)
        form.email.data = [kind.name for kind in kinds if chosen[kind.name]]
        return _preferences_page(form)
    wanted = set(form.email.data or [])
    if submit(form, lambda: service.set_email_preferences(
            db.session, me, {kind.name: kind.name in wanted for kind in kinds})):
        flash("Your email choices are saved.")
        return redirect(url_for(".preferences"), 303)
    return _preferences_page(form, 400)


def _preferences_page(form: PreferencesForm, status: int = 200):
    return render_template("notifications/preferences.html", form=form,
                           error_list=error_list(form)), status

