"""Reminder-engine kinds for residents' subscriptions (being written; see core/reminder_kinds.py)."""

from core.reminders import ReminderKind


class SubscriptionConfirmKind(ReminderKind):
    name = "subscription_confirm"
    digestible = False

    def plan(self, now, until, prefs):
        return []


class PublicationKind(ReminderKind):
    name = "publication"
    digestible = False

    def plan(self, now, until, prefs):
        return []
