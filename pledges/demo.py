"""Demo pledges modelled on the seed pages (Vaggeryd's focus areas of 2023); the follow-up texts are invented."""

from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone

from core.periods import Tertial
from pledges import services
from pledges.models import Activity, CitizenPledge, FocusArea, FollowUp, FollowUpRevision, Signatory

P, M, B = "police", "municipality", "both"

VAGGERYD_AREAS = [
    (
        "Ökad trygghet för kommuninnevånarna",
        [
            (
                "Genomföra trygghetsrundor på aktuella platser (hot spots) utifrån den gemensamma lägesbilden",
                B,
                12,
                "trygghetsrundor",
            ),
            (
                "Fortsätta arbetet med Effektiv samordning för trygghet (EST) med möten varannan vecka",
                M,
                20,
                "EST-möten",
            ),
            ("Genomföra trygghetsvandringar tillsammans med invånare", B, 4, "trygghetsvandringar"),
        ],
    ),
    (
        "Narkotikabrottslighet",
        [
            ("Riktade insatser mot narkotikaförsäljning på kända platser", P, 6, "insatser"),
            ("Föräldraträffar om narkotika i samverkan med skolan", M, 3, "föräldraträffar"),
        ],
    ),
    (
        "Förebygga våldsbrott – särskilt fokus på att förebygga mäns våld mot kvinnor",
        [
            ("Utbilda personal i kommunens verksamheter i att upptäcka våld i nära relationer", M, 80, "personer"),
            ("Ökad polisiär närvaro vid större evenemang och helgkvällar i centrum", P, None, ""),
        ],
    ),
    (
        "Skadegörelsebrott",
        [
            ("Snabb sanering av klotter på kommunens fastigheter inom 48 timmar", M, None, ""),
            ("Riktad övervakning av platser med återkommande skadegörelse", P, 4, "insatsperioder"),
        ],
    ),
    (
        "Bedrägerier",
        [
            ("Informationsträffar för äldre om bedrägerier via telefon och internet", B, 6, "träffar"),
        ],
    ),
    (
        "Förbättrad trafiksäkerhet",
        [
            ("Hastighetskontroller vid skolor och i tätorterna", P, 10, "kontroller"),
            ("Se över belysning och övergångsställen på skolvägar", M, None, ""),
        ],
    ),
]

NARRATIVES = {
    1: "Arbetet har kommit igång enligt plan. Aktiviteterna har samordnats på EST-mötena.",
    2: "Arbetet har fortsatt under sommarhalvåret med extra fokus på kvällar och helger.",
    3: "Aktiviteten är genomförd för året. Erfarenheterna tas med i nästa års lägesbild.",
}

PLEDGES = [
    {
        "key": "vaggeryd-2023",
        "title": "Medborgarlöfte Vaggeryd 2023",
        "municipalities": ["vaggeryd"],
        "police_area": "Lokalpolisområde Värnamo/Vaggeryd",
        "start": date(2023, 1, 1),
        "end": date(2023, 12, 31),
        "background": (
            "Polisen och Vaggeryds kommun kommer under 2023 att fokusera på ökad trygghet för "
            "kommuninnevånarna, narkotikabrottslighet, förebyggande av våldsbrott, skadegörelsebrott, bedrägerier "
            "och trafiksäkerhetsfrågor. Löftena utgår från den gemensamma lägesbilden."
        ),
        "effect": (
            "Det övergripande målet är att öka tryggheten bland invånarna i Vaggeryds kommun. Riktade insatser och "
            "en ökad närvaro på de aktuella platserna ger en brottsförebyggande effekt."
        ),
        "areas": VAGGERYD_AREAS,
        "published_tertials": [1, 2, 3],
        "close": False,
        "signatories": [
            ("Petra Nyström", "Lokalpolisområdeschef"),
            ("Ingrid Halvarsson", "Kommunstyrelsens ordförande"),
        ],
    },
    {
        "key": "vaggeryd-2022",
        "title": "Medborgarlöfte Vaggeryd 2022",
        "municipalities": ["vaggeryd"],
        "police_area": "Lokalpolisområde Värnamo/Vaggeryd",
        "start": date(2022, 1, 1),
        "end": date(2022, 12, 31),
        "background": "Polisen och kommunen fokuserade 2022 på trygghet i centrum, narkotika och trafik.",
        "effect": "",
        "areas": VAGGERYD_AREAS[:2] + VAGGERYD_AREAS[5:],
        "published_tertials": [1, 2, 3],
        "close": True,
        "signatories": [
            ("Petra Nyström", "Lokalpolisområdeschef"),
            ("Ingrid Halvarsson", "Kommunstyrelsens ordförande"),
        ],
    },
    {
        "key": "vaggeryd-2021",
        "title": "Medborgarlöfte Vaggeryd 2021",
        "municipalities": ["vaggeryd"],
        "police_area": "Lokalpolisområde Värnamo/Vaggeryd",
        "start": date(2021, 1, 1),
        "end": date(2021, 12, 31),
        "background": "Polisen och kommunen fokuserade 2021 på trygghet och narkotikabrottslighet.",
        "effect": "",
        "areas": VAGGERYD_AREAS[:2],
        "published_tertials": [3],
        "close": True,
        "signatories": [],
    },
    {
        "key": "hjo-2024",
        "title": "Medborgarlöfte Hjo 2024–2025",
        "municipalities": ["hjo"],
        "police_area": "Lokalpolisområde Skövde",
        "start": date(2024, 1, 1),
        "end": date(2025, 12, 31),
        "background": (
            "Löftet bygger på medborgarundersökningar, medarbetarundersökningar och dialog mellan polis, kommun och "
            "medborgare."
        ),
        "effect": "",
        "areas": [
            (
                "Trygghet i hamnen och centrum",
                [
                    ("Trygghetsvandringar i hamnområdet", B, 4, "trygghetsvandringar"),
                    ("Ökad polisiär närvaro sommarkvällar", P, None, ""),
                ],
            ),
            (
                "Ungdomar och droger",
                [
                    ("Föreläsningar om droger för elever i årskurs 8", M, 2, "föreläsningar"),
                    ("Riktade insatser mot langning av alkohol", P, 3, "insatser"),
                ],
            ),
        ],
        "published_tertials": [1, 2, 3, 4],
        "close": False,
        "signatories": [("Erik Nordin", "Kommunpolis"), ("Annika Bergqvist", "Kommunstyrelsens ordförande")],
    },
    {
        "key": "sutohamu-2024",
        "title": "Gemensamt medborgarlöfte för Sunne, Torsby, Hagfors och Munkfors 2024–2026",
        "municipalities": ["hagfors", "sunne", "torsby", "munkfors"],
        "police_area": "Lokalpolisområde Norra Värmland",
        "start": date(2024, 1, 1),
        "end": date(2026, 12, 31),
        "background": "De fyra kommunerna och polisen har en gemensam lägesbild och gemensamma arbetssätt.",
        "effect": "",
        "areas": [
            (
                "Våldsbejakande extremism",
                [
                    ("Utbildning för kommunernas personal om våldsbejakande extremism", M, 4, "utbildningstillfällen"),
                ],
            ),
            (
                "Trafiksäkerhet på landsvägarna",
                [
                    ("Hastighets- och nykterhetskontroller", P, 24, "kontroller"),
                    ("Gemensam informationskampanj om trafiksäkerhet", B, 1, "kampanj"),
                ],
            ),
        ],
        "published_tertials": [1, 2],
        "close": False,
        "signatories": [("Anders Persson Kvist", "Kommunpolis")],
    },
]


def _achieved(target, share):
    if target is None:
        return None
    return (Decimal(target) * Decimal(share)).quantize(Decimal("1"))


def seed_pledges(*, municipalities: dict, by) -> int:
    created = 0
    for spec in PLEDGES:
        pledge = CitizenPledge.objects.filter(title=spec["title"]).first()
        if pledge is not None:
            continue
        pledge = CitizenPledge.objects.create(
            title=spec["title"],
            police_area=spec["police_area"],
            start_date=spec["start"],
            end_date=spec["end"],
            background=spec["background"],
            effect=spec["effect"],
        )
        pledge.municipalities.set([municipalities[slug] for slug in spec["municipalities"]])
        for order, (name, title) in enumerate(spec["signatories"]):
            Signatory.objects.create(pledge=pledge, name=name, title=title, order=order)
        for order, (title, activities) in enumerate(spec["areas"]):
            area = FocusArea.objects.create(pledge=pledge, title=title, order=order)
            for a_order, (description, responsible, target, unit) in enumerate(activities):
                Activity.objects.create(
                    focus_area=area,
                    description=description,
                    responsible=responsible,
                    target=target,
                    unit=unit,
                    order=a_order,
                )
        services.pledge_publish(pledge=pledge, by=by)
        _publish_follow_ups(pledge, spec["published_tertials"], by)
        if spec["close"]:
            services.pledge_close(pledge=pledge, by=by)
        created += 1
    return created


def _publish_follow_ups(pledge, count_or_list, by):
    tertials = services.pledge_tertials(pledge)
    wanted = [tertials[i - 1] for i in count_or_list if i - 1 < len(tertials)]
    for tertial in wanted:
        follow_up = FollowUp.objects.get(pledge=pledge, year=tertial.year, tertial=tertial.n)
        share = tertial.n / 3
        for row in follow_up.rows.select_related("activity"):
            done = tertial.n == 3
            services.row_save(
                row_id=row.pk,
                by=by,
                status="done" if done else "ongoing",
                achieved=_achieved(row.activity.target, share),
                narrative=NARRATIVES[tertial.n],
                version=row.version,
            )
        follow_up.summary = (
            f"Sammanfattning av arbetet under {tertial.months_label} {tertial.year}: aktiviteterna har genomförts "
            "i stort enligt plan."
        )
        follow_up.save(update_fields=["summary"])
        revision = services.follow_up_approve(follow_up=follow_up, by=by)
        published = _publication_day(tertial)
        FollowUpRevision.objects.filter(pk=revision.pk).update(published_at=published)


def _publication_day(tertial: Tertial):
    """About three weeks after the tertial ends, when a council would publish it."""
    after = tertial.next().start
    return timezone.make_aware(datetime.combine(date(after.year, after.month, 20), time(10, 0)))
