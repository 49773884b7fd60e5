"""Who sees and does what with situation data, per municipality (django-rules).

Incident visibility: the police liaison sees every incident of the municipality; the coordinator every incident
except police-internal ones reported by others; reporters and members see the incidents they reported.
"""

import rules

from councils.rules import Role, has_any_role, is_coordinator, is_police, portal_role

rules.add_perm("situation.report_incident", has_any_role)
rules.add_perm("situation.view_analysis", is_coordinator | is_police)
rules.add_perm("situation.manage_places", is_coordinator | is_police)
rules.add_perm("situation.manage_categories", is_coordinator)
rules.add_perm("situation.manage_walks", is_coordinator | is_police)
rules.add_perm("situation.import_data", is_coordinator | is_police)
rules.add_perm("situation.manage_picture", is_coordinator | is_police)
rules.add_perm("situation.adopt_picture", is_coordinator)


def incident_scope(queryset, user, municipality):
    if user.is_superuser:
        return queryset
    role = portal_role(user, municipality)
    if role == Role.POLICE:
        return queryset
    if role == Role.COORDINATOR:
        from django.db.models import Q

        return queryset.filter(~Q(visibility="police") | Q(reported_by=user))
    if role in (Role.REPORTER, Role.MEMBER):
        return queryset.filter(reported_by=user)
    return queryset.none()
