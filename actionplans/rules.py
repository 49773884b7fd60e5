"""Who may do what with action plans, per municipality (django-rules)."""

import rules

from councils.rules import is_coordinator, is_council_insider, is_police

rules.add_perm("actionplans.view_internal", is_council_insider)
rules.add_perm("actionplans.manage_plan", is_coordinator | is_police)
rules.add_perm("actionplans.adopt_plan", is_coordinator)


def can_report_progress(user, municipality, measure) -> bool:
    """The measure's owner reports progress; so may the coordinator and the police liaison."""
    if user.is_superuser or measure.owner_id == user.pk:
        return True
    return is_coordinator(user, municipality) or is_police(user, municipality)
