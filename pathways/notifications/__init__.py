"""Notifications: telling people what needs them, in the app and by email.

- :mod:`.kinds`: the kinds of notification, who gets each and whether it emails by default;
- :mod:`.service`: ``notify`` (called by the services at each event), reading and marking
  notifications, and each person's email preferences;
- :mod:`.transport`: how an email leaves (the development outbox, SMTP, GOV.UK Notify);
- :mod:`.delivery`: sending the stored emails after the commit, through RQ or in the same
  process, and again until they go;
- :mod:`.reminders`: the scheduled reminders of ``pathways send-reminders``, sent once;
- :mod:`.pages`: what the notification pages show.

No Flask here: the web app and the command line call these.
"""

from .service import approvers_of, managers_of, notify, notify_each

__all__ = ["approvers_of", "managers_of", "notify", "notify_each"]
