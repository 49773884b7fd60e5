"""Who may do what with citizen pledges and their follow-ups, per municipality (django-rules)."""

import rules

from councils.rules import is_coordinator, is_council_insider, is_police

# Staff pages of pledges: the council's own people.
rules.add_perm("pledges.view_internal", is_council_insider)
# Police and municipality write and publish pledges together.
rules.add_perm("pledges.manage_pledge", is_coordinator | is_police)
# Either party may send a follow-up for approval; the coordinator approves, publishes and returns.
rules.add_perm("pledges.submit_follow_up", is_coordinator | is_police)
rules.add_perm("pledges.approve_follow_up", is_coordinator)


def can_report_row(user, municipality, activity) -> bool:
    """Police rows are the police liaison's; municipal rows the coordinator's or the activity owner's."""
    if user.is_superuser:
        return True
    police = is_police(user, municipality)
    coordinator = is_coordinator(user, municipality)
    if activity.responsible == "police":
        return police
    if activity.responsible == "both":
        return police or coordinator or activity.owner_id == user.pk
    return coordinator or activity.owner_id == user.pk
