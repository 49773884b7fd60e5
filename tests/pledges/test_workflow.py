from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from core.periods import Tertial
from pledges import services
from pledges.models import Activity, CitizenPledge, FocusArea, FollowUp, ProgressRow
from tests.pledges.conftest import build_pledge, fill_rows

pytestmark = pytest.mark.django_db


def test_publishing_creates_a_follow_up_for_every_tertial_of_the_period(tenant):
    pledge = build_pledge(tenant.municipality, start=date(2024, 3, 1), end=date(2025, 6, 30))
    services.pledge_publish(pledge=pledge, by=tenant.coordinator)
    periods = [f.period for f in pledge.follow_ups.order_by("year", "tertial")]
    assert [str(p) for p in periods] == ["T1 2024", "T2 2024", "T3 2024", "T1 2025", "T2 2025"]
    assert all(f.rows.count() == 4 for f in pledge.follow_ups.all())


def test_publishing_needs_two_to_six_focus_areas_each_with_an_activity(tenant):
    pledge = build_pledge(tenant.municipality, areas=1)
    with pytest.raises(ValidationError, match="mellan 2 och 6 fokusområden"):
        services.pledge_publish(pledge=pledge, by=tenant.coordinator)
    FocusArea.objects.create(pledge=pledge, title="Tomt område")
    with pytest.raises(ValidationError, match="Tomt område"):
        services.pledge_publish(pledge=pledge, by=tenant.coordinator)
    pledge.refresh_from_db()
    assert pledge.status == CitizenPledge.Status.DRAFT and not pledge.follow_ups.exists()


def test_follow_up_outside_the_pledge_period_is_refused_in_swedish(client, tenant):
    pledge = build_pledge(tenant.municipality)
    services.pledge_publish(pledge=pledge, by=tenant.coordinator)
    with pytest.raises(ValidationError, match="utanför löftets period"):
        services.follow_up_create(pledge=pledge, tertial=Tertial(2026, 1))
    client.force_login(tenant.coordinator)
    url = reverse("pledges:follow-up-create", kwargs={"kommun": "testkoping", "pk": pledge.pk})
    response = client.post(url, {"year": 2027, "tertial": 2})
    page = response.content.decode()
    assert "T2 2027 ligger utanför löftets period 2025-01-01 – 2025-12-31." in page
    assert 'value="2027"' in page
    assert not FollowUp.objects.filter(year=2027).exists()


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2025-01-01", "2025-03-31", "minst en tertial"),
        ("2025-01-01", "2028-06-30", "högst tre år"),
        ("2025-05-01", "2025-04-01", "sluta efter att det börjar"),
    ],
)
def test_pledge_shorter_than_a_tertial_or_longer_than_three_years_is_refused(client, tenant, start, end, message):
    client.force_login(tenant.coordinator)
    response = client.post(
        reverse("pledges:staff-create", kwargs={"kommun": "testkoping"}),
        {
            "title": "Felaktigt löfte",
            "municipalities": [tenant.municipality.pk],
            "police_area": "LPO",
            "start_date": start,
            "end_date": end,
            "signatories-TOTAL_FORMS": "1",
            "signatories-INITIAL_FORMS": "0",
            "signatories-0-name": "Anna Andersson",
            "signatories-0-title": "Kommunpolis",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert 'value="Felaktigt löfte"' in page and 'value="Anna Andersson"' in page
    assert not CitizenPledge.objects.filter(title="Felaktigt löfte").exists()


def test_negative_target_is_refused_on_the_form_and_by_the_database(client, tenant):
    pledge = build_pledge(tenant.municipality)
    area = pledge.focus_areas.first()
    client.force_login(tenant.users["police"])
    response = client.post(
        reverse("pledges:activity-create", kwargs={"kommun": "testkoping", "pk": area.pk}),
        {"description": "Negativ aktivitet", "responsible": "police", "target": "-3", "unit": "rundor", "order": 0},
    )
    assert "Målet kan inte vara negativt." in response.content.decode()
    assert not Activity.objects.filter(description="Negativ aktivitet").exists()
    with pytest.raises(IntegrityError):
        Activity.objects.create(focus_area=area, description="x", responsible="police", target=-1)


def test_a_seventh_focus_area_is_refused(client, tenant):
    pledge = build_pledge(tenant.municipality, areas=6)
    client.force_login(tenant.coordinator)
    response = client.post(
        reverse("pledges:focus-area-create", kwargs={"kommun": "testkoping", "pk": pledge.pk}),
        {"title": "Sjunde området", "order": 7},
    )
    assert "högst 6 fokusområden" in response.content.decode()
    assert pledge.focus_areas.count() == 6


def test_approving_with_missing_rows_lists_them_and_publishes_nothing(client, tenant):
    pledge = build_pledge(tenant.municipality)
    services.pledge_publish(pledge=pledge, by=tenant.coordinator)
    follow_up = pledge.follow_ups.get(tertial=1)
    first = follow_up.rows.order_by("id").first()
    services.row_save(row_id=first.pk, by=tenant.coordinator, status="done", achieved=4, narrative="Klart.", version=0)
    client.force_login(tenant.coordinator)
    response = client.post(
        reverse("pledges:follow-up-approve", kwargs={"kommun": "testkoping", "pk": follow_up.pk}), follow=True
    )
    page = response.content.decode()
    assert "3 aktiviteter saknar status eller text" in page
    missing = follow_up.rows.exclude(pk=first.pk).select_related("activity")
    for row in missing:
        assert row.activity.description in page
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUp.Status.DRAFT and not follow_up.revisions.exists()


def test_police_fill_police_rows_and_coordinator_fills_municipal_rows_only(client, tenant):
    pledge = build_pledge(tenant.municipality)
    services.pledge_publish(pledge=pledge, by=tenant.coordinator)
    follow_up = pledge.follow_ups.get(tertial=1)
    police_row = follow_up.rows.filter(activity__responsible="police").first()
    municipal_row = follow_up.rows.filter(activity__responsible="municipality").first()

    def save(user, row):
        client.force_login(user)
        url = reverse("pledges:row-save", kwargs={"kommun": "testkoping", "pk": follow_up.pk, "row": row.pk})
        prefix = f"row{row.pk}"
        return client.post(
            url,
            {
                f"{prefix}-status": "ongoing",
                f"{prefix}-achieved": "1",
                f"{prefix}-narrative": "Pågår.",
                f"{prefix}-version": str(ProgressRow.objects.get(pk=row.pk).version),
            },
            HTTP_HX_REQUEST="true",
        )

    assert save(tenant.users["police"], police_row).status_code == 200
    assert save(tenant.users["police"], municipal_row).status_code == 403
    assert save(tenant.coordinator, police_row).status_code == 403
    assert save(tenant.coordinator, municipal_row).status_code == 200
    assert save(tenant.users["member"], municipal_row).status_code == 403
    Activity.objects.filter(pk=municipal_row.activity_id).update(owner=tenant.users["member"])
    assert save(tenant.users["member"], municipal_row).status_code == 200


def test_stale_row_form_gets_a_conflict_showing_the_other_change_and_loses_nothing(client, tenant):
    pledge = build_pledge(tenant.municipality)
    services.pledge_publish(pledge=pledge, by=tenant.coordinator)
    follow_up = pledge.follow_ups.get(tertial=1)
    row = follow_up.rows.filter(activity__responsible="police").first()
    services.row_save(
        row_id=row.pk,
        by=tenant.users["police"],
        status="done",
        achieved=4,
        narrative="Första versionen av texten.",
        version=0,
    )
    client.force_login(tenant.users["police"])
    prefix = f"row{row.pk}"
    response = client.post(
        reverse("pledges:row-save", kwargs={"kommun": "testkoping", "pk": follow_up.pk, "row": row.pk}),
        {f"{prefix}-status": "ongoing", f"{prefix}-narrative": "Min gamla text.", f"{prefix}-version": "0"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    assert "Första versionen av texten." in response.content.decode()
    row.refresh_from_db()
    assert row.narrative == "Första versionen av texten."


def test_published_follow_up_is_locked_and_a_correction_becomes_a_new_revision(client, pledge_world):
    t = pledge_world
    row = t.follow_up.rows.first()
    with pytest.raises(ValidationError, match="låst"):
        services.row_save(
            row_id=row.pk, by=t.coordinator, status="done", achieved=1, narrative="x", version=row.version
        )

    services.follow_up_reopen(follow_up=t.follow_up, by=t.coordinator)
    row.refresh_from_db()
    services.row_save(
        row_id=row.pk,
        by=t.coordinator,
        status="done",
        achieved=3,
        narrative="Rättad siffra efter granskning.",
        version=row.version,
    )
    public_url = reverse(
        "pledges:public-follow-up", kwargs={"kommun": "testkoping", "pk": t.pledge.pk, "year": 2025, "tertial": 1}
    )
    assert "Rättad siffra" not in client.get(public_url).content.decode(), "unapproved correction leaked"

    with pytest.raises(ValidationError, match="vad som rättades"):
        services.follow_up_approve(follow_up=t.follow_up, by=t.coordinator)
    revision = services.follow_up_approve(follow_up=t.follow_up, by=t.coordinator, correction_note="Fel antal i T1.")
    assert revision.number == 2
    page = client.get(public_url).content.decode()
    assert "Rättad siffra efter granskning." in page
    assert f"Rättad {revision.published_at:%Y-%m-%d}" in page
    assert "Fel antal i T1." in page
    assert t.follow_up.revisions.count() == 2


def test_returning_needs_a_comment_and_reopens_the_rows(client, tenant):
    pledge = build_pledge(tenant.municipality)
    services.pledge_publish(pledge=pledge, by=tenant.coordinator)
    follow_up = pledge.follow_ups.get(tertial=1)
    services.follow_up_submit(follow_up=follow_up, by=tenant.users["police"])
    with pytest.raises(ValidationError):
        services.follow_up_return(follow_up=follow_up, by=tenant.coordinator, comment="  ")
    services.follow_up_return(follow_up=follow_up, by=tenant.coordinator, comment="Fyll i polisens rader.")
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUp.Status.RETURNED and not follow_up.is_locked
    fill_rows(follow_up, tenant.coordinator)


def test_coordinator_sees_missing_rows_at_a_glance(client, tenant):
    pledge = build_pledge(tenant.municipality)
    services.pledge_publish(pledge=pledge, by=tenant.coordinator)
    follow_up = pledge.follow_ups.get(tertial=1)
    client.force_login(tenant.coordinator)
    page = client.get(reverse("pledges:follow-up-edit", kwargs={"kommun": "testkoping", "pk": follow_up.pk}))
    assert "4 rader kvar att fylla i" in page.content.decode()
