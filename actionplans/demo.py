"""Adopted demo action plans for Vaggeryd and Vara, started from their situation pictures, with progress."""

from datetime import date
from decimal import Decimal

from actionplans import services
from actionplans.models import ActionPlan, Goal, Measure
from councils.models import Organisation

PLANS = {
    "vaggeryd": {
        "title": "Åtgärdsplan Vaggeryd 2024–2025",
        "period": (date(2024, 1, 1), date(2025, 12, 31)),
        "decision": ("ks", date(2025, 1, 15), "12", "KS 2024/318"),
        "goals": {
            0: [("Färre otrygghetsrapporter vid torget och resecentrum", "EST-rapporter per år", 60, 40, "rapporter")],
            1: [("Fler unga nås av förebyggande insatser", "Deltagare i föräldraträffar", 20, 60, "personer")],
            2: [("Klotter saneras snabbare", "Andel sanerat inom 48 timmar", 40, 90, "%")],
        },
        "measures": {
            0: [
                (
                    "Ny belysning på torget och vid resecentrum",
                    "Mörka platser kvällstid",
                    "situational",
                    "short",
                    (date(2024, 3, 1), date(2024, 11, 30)),
                    "done",
                    100,
                    "Klart i november.",
                ),
                (
                    "Nattvandrare fredag och lördag",
                    "Få vuxna i rörelse kvällstid",
                    "social",
                    "long",
                    (date(2024, 4, 1), date(2025, 12, 31)),
                    "yellow",
                    55,
                    "Svårt att rekrytera under sommaren.",
                ),
            ],
            1: [
                (
                    "Föräldraträffar om narkotika i årskurs 7–9",
                    "Föräldrar saknar kunskap",
                    "social",
                    "long",
                    (date(2024, 8, 15), date(2025, 6, 15)),
                    "green",
                    70,
                    "Fyra av sex träffar hållna.",
                ),
            ],
            2: [
                (
                    "Klottersanering inom 48 timmar",
                    "Klotter som får sitta kvar drar till sig mer",
                    "situational",
                    "short",
                    (date(2024, 2, 1), date(2024, 12, 31)),
                    "red",
                    35,
                    "Entreprenören hinner inte; upphandlas på nytt.",
                ),
            ],
        },
    },
    "vara": {
        "title": "Åtgärdsplan Vara 2024–2025",
        "period": (date(2024, 1, 1), date(2025, 12, 31)),
        "decision": ("kf", date(2024, 10, 15), "87", "KS 2024/122"),
        "goals": {0: [("Ökad trygghet vid stationen", "Andel som känner sig trygga", 55, 70, "%")]},
        "measures": {
            0: [
                (
                    "Kameraövervakning vid stationen",
                    "Skadegörelse och stölder",
                    "situational",
                    "short",
                    (date(2024, 11, 1), date(2025, 5, 31)),
                    "done",
                    100,
                    "Kamerorna är i drift.",
                ),
                (
                    "Fritidsgård öppen fredagar",
                    "Unga utan verksamhet kvällstid",
                    "social",
                    "long",
                    (date(2025, 1, 10), date(2025, 12, 19)),
                    "green",
                    80,
                    "",
                ),
            ],
            1: [
                (
                    "Hastighetskontroller på landsvägarna",
                    "Buskörning",
                    "situational",
                    "short",
                    (date(2024, 11, 1), date(2025, 10, 31)),
                    "yellow",
                    50,
                    "Färre kontroller än planerat.",
                ),
            ],
        },
    },
}


def seed_plans(*, municipalities: dict, pictures: dict) -> int:
    from django.contrib.auth import get_user_model

    created = 0
    for slug, spec in PLANS.items():
        municipality = municipalities[slug]
        by = get_user_model().objects.get(email=f"samordnare@{slug}.example")
        if ActionPlan.objects.filter(municipality=municipality, title=spec["title"]).exists():
            continue
        start, end = spec["period"]
        plan = services.plan_start_from_picture(
            picture=pictures[slug], by=by, title=spec["title"], period_start=start, period_end=end
        )
        areas = list(plan.problem_areas.order_by("order"))
        organisations = list(Organisation.objects.filter(municipality=municipality).order_by("name"))
        for index, goals in spec["goals"].items():
            for title, indicator, baseline, target, unit in goals:
                Goal.objects.create(
                    problem_area=areas[index],
                    title=title,
                    indicator=indicator,
                    baseline=baseline,
                    target=target,
                    unit=unit,
                )
        for index, measures in spec["measures"].items():
            goal = areas[index].goals.first()
            for n, (title, cause, kind, term, (m_start, m_end), status, percent, note) in enumerate(measures):
                measure = services.measure_save(
                    measure=Measure(problem_area=areas[index]),
                    by=by,
                    version=None,
                    fields={
                        "title": title,
                        "cause": cause,
                        "kind": kind,
                        "term": term,
                        "goal": goal,
                        "start_date": m_start,
                        "end_date": m_end,
                        "owner": by,
                        "responsible_organisation": organisations[n % len(organisations)],
                        "planned_hours": Decimal(40 * (n + 1)),
                        "planned_cost": Decimal(25000 * (n + 1)),
                    },
                )
                services.measure_update_post(
                    measure=measure,
                    by=by,
                    status=status,
                    percent_done=percent,
                    note=note,
                    date=min(m_end, date(2025, 11, 1)),
                )
        body, decided, paragraph, case_number = spec["decision"]
        services.plan_adopt(
            plan=plan, by=by, body=body, decision_date=decided, paragraph=paragraph, case_number=case_number
        )
        created += 1
    return created
