"""The blueprints, one per area."""

from __future__ import annotations

from flask import Flask

from . import (
    accounts,
    admin_graph,
    admin_people,
    api,
    apprenticeships,
    cohort_files,
    cohorts,
    courses,
    development,
    explore,
    main,
    mentoring,
    notifications,
    passport,
    people,
    placements,
    planner,
    stories,
    team,
    training,
    training_files,
    training_summary,
    workforce,
)


def register(app: Flask) -> None:
    """Register every blueprint on ``app``."""
    for module in (main, explore, planner, api, accounts, people, admin_graph, admin_people,
                   cohorts, apprenticeships, cohort_files, placements, mentoring, development,
                   stories, notifications, team, training, training_summary, workforce, courses,
                   passport, training_files):
        app.register_blueprint(module.blueprint)
