from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actionplans import services
from actionplans.models import ActionPlan, Measure
from tests.actionplans.conftest import started_plan

pytestmark = pytest.mark.django_db


def test_a_plan_started_from_the_situation_picture_carries_over_its_problem_areas(plan):
    assert [a.title for a in plan.problem_areas.order_by("order")] == ["Otrygghet i centrum", "Narkotika bland unga"]
    assert all(a.source_problem_id for a in plan.problem_areas.all())


def test_progress_rolls_up_weighted_and_says_what_it_rests_on(client, tenant, plan):
    light, heavy = Measure.objects.order_by("id")
    services.measure_update_post(measure=light, by=tenant.users["member"], status="green", percent_done=100)
    services.measure_update_post(
        measure=heavy,
        by=tenant.users["member"],
        status="yellow",
        percent_done=20,
        note="Leverantören är sen.",
        hours_spent=Decimal("6.5"),
    )
    light.refresh_from_db()
    heavy.refresh_from_db()
    assert heavy.status == "yellow" and heavy.percent_done == 20
    assert services.weighted_progress([light, heavy]) == Decimal(40)  # (100·1 + 20·3) / 4
    client.force_login(tenant.coordinator)
    page = client.get(reverse("actionplans:plan-detail", kwargs={"kommun": "testkoping", "pk": plan.pk})).content
    assert "40 % klart (viktat medelvärde av 2 åtgärder)" in page.decode()


def test_the_owner_posts_updates_but_a_reporter_cannot(client, tenant, plan):
    measure = Measure.objects.order_by("id").first()
    url = reverse("actionplans:measure-detail", kwargs={"kommun": "testkoping", "pk": measure.pk})
    data = {"date": "2024-05-01", "status": "red", "percent_done": 10, "note": "Försenat"}
    client.force_login(tenant.users["member"])  # the owner
    assert client.post(url, data).status_code == 302
    client.force_login(tenant.users["reporter"])
    assert client.post(url, data).status_code == 403
    assert measure.updates.count() == 1


def test_overdue_measures_are_flagged_on_the_dashboard(client, tenant, plan):
    Measure.objects.filter(title__startswith="Åtgärd 1").update(start_date=date(2019, 1, 1), end_date=date(2020, 1, 1))
    Measure.objects.filter(title__startswith="Åtgärd 2").update(
        end_date=date.today().replace(year=date.today().year + 2)
    )
    client.force_login(tenant.coordinator)
    page = client.get(reverse("actionplans:plan-list", kwargs={"kommun": "testkoping"})).content.decode()
    assert "1 åtgärd har passerat sitt slutdatum" in page
    assert "Åtgärd 1: bättre belysning på Ågatan" in page


def test_adoption_records_the_decision_freezes_the_plan_and_supersedes_the_previous(tenant, plan):
    with pytest.raises(ValidationError, match="nämnd"):
        services.plan_adopt(plan=plan, by=tenant.coordinator, body="namnd", decision_date=date(2024, 3, 1))
    services.plan_adopt(
        plan=plan,
        by=tenant.coordinator,
        body="ks",
        decision_date=date(2024, 3, 1),
        paragraph="45",
        case_number="KS 2024/123",
    )
    plan.refresh_from_db()
    assert plan.status == "adopted" and plan.snapshot["problem_areas"][0]["measures"][0]["title"].startswith("Åtgärd")
    measure = Measure.objects.first()
    with pytest.raises(ValidationError, match="antagen plan kan inte ändras"):
        services.measure_save(measure=measure, by=tenant.coordinator, version=measure.version, fields={"title": "x"})

    nxt = services.plan_copy(
        plan=plan,
        by=tenant.coordinator,
        title="Åtgärdsplan 2026–2027",
        period_start=date(2026, 1, 1),
        period_end=date(2027, 12, 31),
    )
    assert nxt.previous == plan and nxt.status == "draft"
    assert Measure.objects.filter(problem_area__plan=nxt).count() == 2
    services.plan_adopt(plan=nxt, by=tenant.coordinator, body="kf", decision_date=date(2026, 2, 1))
    plan.refresh_from_db()
    assert plan.status == "superseded"
    assert ActionPlan.objects.filter(municipality=tenant.municipality, status="adopted").get() == nxt


def test_two_people_saving_the_same_measure_from_stale_forms_get_a_conflict(client, tenant, plan):
    measure = Measure.objects.order_by("id").first()
    url = reverse("actionplans:measure-update", kwargs={"kommun": "testkoping", "pk": measure.pk})
    client.force_login(tenant.coordinator)
    form = client.get(url).context["form"]
    base = {name: (value if value is not None else "") for name, value in form.initial.items()}
    base.update(
        {
            "goal": measure.goal_id,
            "responsible_organisation": tenant.organisation.pk,
            "owner": tenant.users["member"].pk,
            "version": measure.version,
            "start_date": "2024-03-01",
            "end_date": "2024-12-31",
            "kind": "situational",
            "term": "short",
            "weight": "1",
        }
    )
    first = client.post(url, {**base, "title": "Belysning längs Ågatan (polisens version)"})
    assert first.status_code == 302
    client.force_login(tenant.users["police"])
    second = client.post(url, {**base, "title": "Belysning och kameror (min version)"})
    page = second.content.decode()
    assert second.status_code == 200
    assert "Inte sparat" in page and "Belysning längs Ågatan (polisens version)" in page
    assert 'value="Belysning och kameror (min version)"' in page
    measure.refresh_from_db()
    assert measure.title == "Belysning längs Ågatan (polisens version)"
    third = client.post(url, {**second.context["form"].data.dict()})
    assert third.status_code == 302
    measure.refresh_from_db()
    assert measure.title == "Belysning och kameror (min version)"


def test_only_the_coordinator_adopts(client, tenant, plan):
    url = reverse("actionplans:plan-adopt", kwargs={"kommun": "testkoping", "pk": plan.pk})
    client.force_login(tenant.users["police"])
    assert client.post(url, {"body": "ks", "decision_date": "2024-03-01"}).status_code == 403
    client.force_login(tenant.coordinator)
    assert client.post(url, {"body": "ks", "decision_date": "2024-03-01"}).status_code == 302


def test_compare_snapshots_lists_added_removed_and_changed(tenant):
    old = {
        "problem_areas": [
            {
                "title": "A",
                "description": "",
                "goals": [],
                "measures": [{"title": "M1", "end": "2024-01-01"}, {"title": "M2"}],
            },
            {"title": "B", "description": "", "goals": [], "measures": []},
        ]
    }
    new = {
        "problem_areas": [
            {
                "title": "A",
                "description": "",
                "goals": [],
                "measures": [{"title": "M1", "end": "2025-01-01"}, {"title": "M3"}],
            },
            {"title": "C", "description": "", "goals": [], "measures": []},
        ]
    }
    result = {r["area"]: r for r in services.compare_snapshots(old, new)}
    assert result["B"]["change"] == "removed" and result["C"]["change"] == "added"
    changes = {m["title"]: m for m in result["A"]["measures"]}
    assert changes["M2"]["change"] == "removed" and changes["M3"]["change"] == "added"
    assert changes["M1"]["fields"] == [{"field": "end", "old": "2024-01-01", "new": "2025-01-01"}]


def test_plan_page_queries_do_not_grow_with_the_number_of_measures(client, tenant):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan = started_plan(tenant)
    url = reverse("actionplans:plan-detail", kwargs={"kommun": "testkoping", "pk": plan.pk})
    client.force_login(tenant.coordinator)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    area = plan.problem_areas.first()
    Measure.objects.bulk_create([Measure(problem_area=area, title=f"Extra {n}") for n in range(8)])
    ten = count()
    Measure.objects.bulk_create([Measure(problem_area=area, title=f"Fler {n}") for n in range(90)])
    assert count() == ten
