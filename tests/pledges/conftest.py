from datetime import date

import pytest

from pledges import services
from pledges.models import Activity, CitizenPledge, FocusArea


def build_pledge(
    municipality,
    *,
    activities_per_area=2,
    areas=2,
    start=date(2025, 1, 1),
    end=date(2025, 12, 31),
    title="Medborgarlöfte Testköping 2025",
    responsible=("police", "municipality"),
):
    pledge = CitizenPledge.objects.create(
        title=title,
        police_area="Lokalpolisområde Test",
        start_date=start,
        end_date=end,
        background="Bakgrund med å, ä och ö.",
    )
    pledge.municipalities.set([municipality])
    for a in range(areas):
        area = FocusArea.objects.create(pledge=pledge, title=f"Fokusområde {a + 1}: trygghet och säkerhet", order=a)
        for n in range(activities_per_area):
            Activity.objects.create(
                focus_area=area,
                description=f"Aktivitet {a + 1}.{n + 1} – trygghetsvandring i Ödeshög",
                responsible=responsible[n % len(responsible)],
                target=4,
                unit="trygghetsvandringar",
                order=n,
            )
    return pledge


def fill_rows(follow_up, by, narrative="Genomfört enligt plan, även på Åsgatan."):
    for row in follow_up.rows.all():
        row.refresh_from_db()
        services.row_save(row_id=row.pk, by=by, status="ongoing", achieved=2, narrative=narrative, version=row.version)


def published_follow_up(municipality, by, **kwargs):
    """A published pledge whose T1 follow-up is published (revision 1)."""
    pledge = build_pledge(municipality, **kwargs)
    services.pledge_publish(pledge=pledge, by=by)
    follow_up = pledge.follow_ups.order_by("year", "tertial").first()
    fill_rows(follow_up, by)
    revision = services.follow_up_approve(follow_up=follow_up, by=by)
    return pledge, follow_up, revision


@pytest.fixture
def pledge_world(tenant):
    pledge, follow_up, revision = published_follow_up(tenant.municipality, tenant.coordinator)
    tenant.pledge, tenant.follow_up, tenant.revision = pledge, follow_up, revision
    return tenant
