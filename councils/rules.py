"""Object-level permissions per municipality (django-rules).

Every internal page is scoped to one municipality; the permission object is that Municipality. A user's
roles are read once per request and cached on the user object.
"""

import rules

from councils.models import PortalRole

Role = PortalRole.Role


def portal_role(user, municipality) -> str | None:
    if not user.is_authenticated or municipality is None:
        return None
    roles = getattr(user, "_portal_roles_cache", None)
    if roles is None:
        roles = dict(PortalRole.objects.filter(user=user).values_list("municipality_id", "role"))
        user._portal_roles_cache = roles
    return roles.get(municipality.pk)


def _role_predicate(*allowed):
    @rules.predicate
    def has_role(user, municipality):
        return portal_role(user, municipality) in allowed

    has_role.name = "role_in_" + "_".join(allowed)
    return has_role


is_coordinator = _role_predicate(Role.COORDINATOR)
is_police = _role_predicate(Role.POLICE)
is_council_insider = _role_predicate(Role.COORDINATOR, Role.POLICE, Role.MEMBER)
has_any_role = _role_predicate(Role.COORDINATOR, Role.POLICE, Role.MEMBER, Role.REPORTER)

# Reading the municipality's internal council pages: the council's own people.
rules.add_perm("councils.view_internal", is_council_insider)
# Entering the staff area of a municipality at all (reporters land here to file EST reports).
rules.add_perm("councils.enter_staff_area", has_any_role)
# Managing the council, its members, organisations, portal roles and the municipality's settings.
rules.add_perm("councils.manage_council", is_coordinator)
rules.add_perm("councils.manage_roles", is_coordinator)
rules.add_perm("councils.change_municipality_settings", is_coordinator)
rules.add_perm("councils.view_member_history", is_coordinator)
# Exporting everything the municipality owns (every incident, whatever its visibility) and downloading the archives.
rules.add_perm("councils.export_data", is_coordinator)
# Meetings: the council's own people read agendas, attendance and internal minutes; the coordinator and the
# police liaison (who runs the EST meetings) schedule them, keep the register and write, approve and publish
# the minutes.
rules.add_perm("councils.view_meetings", is_council_insider)
rules.add_perm("councils.manage_meetings", is_coordinator | is_police)

# Celery's autodiscovery imports only `tasks.py`; every process loads the rules modules at start-up, so this import
# registers the meeting tasks (minutes PDFs) with the worker too.
from councils import meetings_tasks  # noqa: E402, F401
