"""Reads of councils and members that are more than one filter."""

from django.db.models import Count, Prefetch, Q

from councils.models import Council, Membership, Municipality

ROLE_ORDER = {value: index for index, value in enumerate(Membership.Role.values)}


def seats_in_role_order(memberships):
    return sorted(memberships, key=lambda m: (ROLE_ORDER.get(m.role, 99), m.is_alternate, m.name))


def public_councils(*, municipality: Municipality) -> list[Council]:
    """Active councils of a municipality with their current seats, in a constant number of queries."""
    current = Membership.objects.current().select_related("organisation", "alternate_for")
    councils = list(
        Council.objects.public()
        .for_municipality(municipality)
        .prefetch_related(
            Prefetch("memberships", queryset=current, to_attr="current_seats"),
            Prefetch("municipalities", queryset=Municipality.objects.order_by("name")),
        )
    )
    for council in councils:
        council.current_seats = seats_in_role_order(council.current_seats)
    return councils


def staff_councils(*, municipality: Municipality):
    return (
        Council.objects.for_municipality(municipality)
        .annotate(
            seat_count=Count("memberships", distinct=True),
        )
        .prefetch_related(Prefetch("municipalities", queryset=Municipality.objects.order_by("name")))
    )


def council_members(*, council: Council) -> list[Membership]:
    return seats_in_role_order(council.memberships.select_related("organisation", "alternate_for", "user").all())


def public_municipalities():
    return Municipality.objects.public().annotate(
        council_count=Count("councils", filter=Q(councils__is_active=True), distinct=True)
    )
