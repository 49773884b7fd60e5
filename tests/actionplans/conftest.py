from datetime import date

import pytest

from actionplans import services
from actionplans.models import Goal, Measure
from situation.models import SituationPicture, SituationProblem


def adopted_picture(municipality):
    picture = SituationPicture.objects.create(
        municipality=municipality,
        title="Lägesbild 2024",
        period_start=date(2023, 1, 1),
        period_end=date(2023, 12, 31),
        status="adopted",
        adopted_at=date(2024, 2, 1),
        adopted_by_body="KS",
    )
    for order, title in enumerate(["Otrygghet i centrum", "Narkotika bland unga"]):
        SituationProblem.objects.create(picture=picture, title=title, evidence="EST-rapporter 2023", order=order)
    return picture


def started_plan(tenant):
    picture = adopted_picture(tenant.municipality)
    plan = services.plan_start_from_picture(
        picture=picture,
        by=tenant.coordinator,
        title="Åtgärdsplan 2024–2025",
        period_start=date(2024, 1, 1),
        period_end=date(2025, 12, 31),
    )
    area = plan.problem_areas.order_by("order").first()
    goal = Goal.objects.create(
        problem_area=area,
        title="Färre otrygghetsrapporter vid torget",
        indicator="EST",
        baseline=40,
        target=20,
        unit="rapporter/år",
    )
    for n, weight in ((1, 1), (2, 3)):
        services.measure_save(
            measure=Measure(problem_area=area),
            by=tenant.coordinator,
            version=None,
            fields={
                "title": f"Åtgärd {n}: bättre belysning på Ågatan",
                "goal": goal,
                "weight": weight,
                "responsible_organisation": tenant.organisation,
                "owner": tenant.users["member"],
                "start_date": date(2024, 3, 1),
                "end_date": date(2024, 12, 31),
            },
        )
    return plan


@pytest.fixture
def plan(tenant):
    return started_plan(tenant)
