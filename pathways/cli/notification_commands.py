"""Commands that tell people: the scheduled reminders, and sending the stored emails."""

from __future__ import annotations

import os

import click

from ..db import make_session_factory
from ..notifications.delivery import deliver_due, service_url
from ..notifications.reminders import send_reminders
from ..notifications.transport import transport_from
from .base import cli
from .context import CliContext, pass_context


@cli.command("send-reminders")
@pass_context
def send_reminders_command(ctx: CliContext) -> None:
    """Remind people of what is due (champion requests about to expire, progress reviews,
    My Conversation reviews), each once however often this runs, then send the emails due.

    Run it daily (cron or a systemd timer); running it twice, or on two servers at once,
    sends nothing twice.
    """
    with ctx.session() as session:
        sent = send_reminders(session)
    click.echo(f"Sent {sum(sent.values())} reminder(s)"
               + (": " + ", ".join(f"{count} {kind}" for kind, count in sorted(sent.items()))
                  if sent else "."))
    send_due_email(ctx)


@cli.command("send-email")
@pass_context
def send_email_command(ctx: CliContext) -> None:
    """Send the stored emails that are due: new ones not sent yet, and retries of failed
    ones (run every few minutes; safe on several servers at once)."""
    send_due_email(ctx)


def send_due_email(ctx: CliContext) -> None:
    done = deliver_due(make_session_factory(ctx.engine), transport_from(os.environ),
                       service_url(os.environ))
    click.echo(f"Emails: {done.sent} sent, {done.failed} failed (to try again), "
               f"{done.given_up} given up.")
