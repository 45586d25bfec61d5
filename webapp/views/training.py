"""Training: an organisation's matrix (people by required subjects) and a person's own page.

The matrix is for those who run the organisation's training and for its managers, who see
their own team (``policy.can_see_training_matrix``, ``policy.training_people_filter``); a
person's own page shows their required subjects and records (``policy.can_view_training``).
Everything is read by ``pathways.training``: statuses, filters, order, pages and percentages
are SQL.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from pathways import clock, policy
from pathways.csv_input import whole_number
from pathways.training.compliance import EXPIRING_CHOICES, expiring_within
from pathways.training.matrix import MatrixFilters, filter_choices, training_matrix
from pathways.training.records import records_of
from pathways.training.requirements import required_subjects
from pathways.training.status import TrainingStatus, training_status
from pathways.training.subjects import expiring_window, intervals_for

from ..auth import personal_page, require, signed_in
from ..extensions import db
from .shared import pagination

blueprint = Blueprint("training", __name__)


@blueprint.get("/training")
@personal_page
def matrix():
    """Show the signed-in person's organisation's training matrix, filtered, a page at a time."""
    me = signed_in()
    organisation = me.organisation
    require(policy.can_see_training_matrix(me, organisation))
    people = policy.training_people_filter(me, organisation)
    teams, roles = filter_choices(db.session, organisation, people)
    team_id = whole_number(request.args.get("team", ""))
    role_id = request.args.get("role", "")
    status = TrainingStatus.of(request.args.get("status", ""))
    filters = MatrixFilters(team_id=team_id if team_id in dict(teams) else None,
                            role_id=role_id if role_id in dict(roles) else None,
                            status=status)
    days = whole_number(request.args.get("within", "")) or 90
    days = days if days in EXPIRING_CHOICES else 90
    today = clock.today()
    found = training_matrix(db.session, organisation, people, today, filters,
                            page=whole_number(request.args.get("page", "")) or 1)
    expiring = expiring_within(db.session, organisation, people, today, days)
    args = {key: value for key, value in (("team", filters.team_id), ("role", filters.role_id),
                                          ("status", filters.status and filters.status.value))
            if value}
    return render_template("training/matrix.html", found=found, teams=teams, roles=roles,
                           filters=filters, statuses=list(TrainingStatus), today=today,
                           expiring=expiring, days=days, choices=EXPIRING_CHOICES,
                           may_receive=bool(policy.can_receive_passports(me)),
                           pagination=pagination(found, "training.matrix", **args))


@blueprint.get("/training/mine")
@personal_page
def mine():
    """Show the signed-in person's required training with its status, and their records."""
    me = signed_in()
    require(policy.can_view_training(db.session, me, me))
    today = clock.today()
    records = records_of(db.session, me)
    subjects = required_subjects(db.session, me)
    intervals = intervals_for(db.session, me.organisation_id, subjects)
    window = expiring_window(db.session, me.organisation_id)
    latest = {}
    for record in records:
        if record.completed_on <= today:
            latest.setdefault(record.subject_id, record)
    required = [(subject, training_status(latest.get(subject.id), intervals[subject.id], today,
                                          window), latest.get(subject.id))
                for subject in subjects]
    return render_template("training/mine.html", me=me, required=required, records=records,
                           today=today)
