"""The benchmark's data, built with the project's own services where it has them.

One municipality per size: its council has 50 seats (with organisations, alternates, and names published for
half of them), and it has one published pledge with N activities whose first tertial's follow-up is published
(rows saved with `services.row_save`, approved with `services.follow_up_approve`). Pledges, focus areas,
activities and seats are created with the ORM, as the staff views' forms do: there is no service for them.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from councils.models import Council, County, Membership, Municipality, Organisation
from pledges import services
from pledges.models import Activity, CitizenPledge, FocusArea, FollowUp, FollowUpRevision, Signatory

SLUG_PREFIX = "bench-"
COORDINATOR_EMAIL = "bench-coordinator@bra-portalen.invalid"
PLEDGE_START, PLEDGE_END = date(2025, 1, 1), date(2025, 12, 31)
RESPONSIBLE = ("police", "municipality", "both")
ORGANISATIONS = [
    ("kommunstyrelsen", Organisation.Kind.MUNICIPALITY),
    ("säkerhet och beredskap", Organisation.Kind.MUNICIPALITY),
    ("lokalpolisområdet", Organisation.Kind.POLICE),
    ("räddningstjänsten", Organisation.Kind.RESCUE),
    ("bostadsbolaget", Organisation.Kind.HOUSING),
    ("föreningsrådet", Organisation.Kind.CIVIL_SOCIETY),
]
NARRATIVE = (
    "Genomfört enligt plan tillsammans med polisen och fältassistenterna; trygghetsvandringen på Åsgatan "
    "samlade ett trettiotal invånare och ledde till bättre belysning vid gångtunneln under järnvägen."
)


@dataclass
class BenchSite:
    """One municipality of the benchmark and the addresses of its public pages."""

    municipality: Municipality
    council: Council
    pledge: CitizenPledge
    follow_up: FollowUp
    revision: FollowUpRevision
    activities: int
    members: int

    @property
    def municipality_url(self) -> str:
        return reverse("councils:public-municipality", kwargs={"kommun": self.municipality.slug})

    @property
    def pledge_url(self) -> str:
        return reverse("pledges:public-detail", kwargs={"kommun": self.municipality.slug, "pk": self.pledge.pk})

    @property
    def follow_up_url(self) -> str:
        return reverse(
            "pledges:public-follow-up",
            kwargs={
                "kommun": self.municipality.slug,
                "pk": self.pledge.pk,
                "year": self.follow_up.year,
                "tertial": self.follow_up.tertial,
            },
        )

    @property
    def public_urls(self) -> list[str]:
        """Every public page of the municipality (its plan and lägesbild pages say that none is adopted yet)."""
        slug = {"kommun": self.municipality.slug}
        return [
            self.municipality_url,
            reverse("pledges:public-list", kwargs=slug),
            self.pledge_url,
            self.follow_up_url,
            reverse("situation:public-picture", kwargs=slug),
            reverse("actionplans:public-plan", kwargs=slug),
        ]


def coordinator():
    User = get_user_model()
    user = User.objects.filter(email=COORDINATOR_EMAIL).first()
    return user or User.objects.create_user(email=COORDINATOR_EMAIL, full_name="Bänkens samordnare")


def _area_sizes(activities: int) -> list[int]:
    """Activities per focus area: 2–6 areas (the pledge rules), about six activities each."""
    areas = min(services.MAX_FOCUS_AREAS, max(services.MIN_FOCUS_AREAS, -(-activities // 6)))
    return [activities // areas + (1 if i < activities % areas else 0) for i in range(areas)]


def _council(municipality: Municipality, members: int) -> Council:
    council = Council.objects.create(
        name=f"{municipality.name}s brottsförebyggande råd",
        kind=Council.Kind.BRA,
        purpose="Rådet samordnar kommunens och polisens brottsförebyggande arbete och trygghetsskapande insatser.",
        meeting_frequency="fyra gånger om året och vid behov",
    )
    council.municipalities.set([municipality])
    organisations = [
        Organisation.objects.create(municipality=municipality, name=f"{municipality.name}, {name}", kind=kind)
        for name, kind in ORGANISATIONS
    ]
    roles = Membership.Role.values
    seats: list[Membership] = []
    for n in range(members):
        # Every fifth seat is the alternate of the seat before it.
        alternate_for = seats[-1] if n % 5 == 4 else None
        seats.append(
            Membership.objects.create(
                council=council,
                name=f"Ledamot Åström {n + 1:02d}",
                role=roles[n % len(roles)],
                title="Ersättare" if alternate_for else "Ledamot",
                organisation=organisations[n % len(organisations)],
                until_successor=True,
                publish_name=n % 2 == 0,
                alternate_for=alternate_for,
            )
        )
    return council


def _pledge(municipality: Municipality, activities: int) -> CitizenPledge:
    pledge = CitizenPledge.objects.create(
        title=f"Medborgarlöfte {municipality.name} 2025",
        police_area="Lokalpolisområde Bänkby",
        start_date=PLEDGE_START,
        end_date=PLEDGE_END,
        background="Lägesbilden visar otrygghet i centrum kvällstid, skadegörelse och narkotikaförsäljning.",
        effect="Ökad trygghet och färre brott i centrum, mätt i trygghetsmätningen och polisens statistik.",
    )
    pledge.municipalities.set([municipality])
    Signatory.objects.create(pledge=pledge, name="Karin Öberg", title="Lokalpolisområdeschef", order=0)
    Signatory.objects.create(pledge=pledge, name="Per Ärlig", title="Kommunstyrelsens ordförande", order=1)
    number = 0
    for a, size in enumerate(_area_sizes(activities)):
        area = FocusArea.objects.create(
            pledge=pledge,
            title=f"Fokusområde {a + 1}: trygghet i centrum och på skolvägar",
            description="Insatser som invånarna har efterfrågat i trygghetsmätningen.",
            order=a,
        )
        for n in range(size):
            number += 1
            Activity.objects.create(
                focus_area=area,
                description=f"Aktivitet {number}: trygghetsvandringar och riktade insatser på platser i lägesbilden",
                responsible=RESPONSIBLE[number % len(RESPONSIBLE)],
                target=4,
                unit="trygghetsvandringar",
                order=n,
            )
    return pledge


@transaction.atomic
def build_site(*, activities: int, members: int = 50, by=None, slug: str | None = None) -> BenchSite:
    """A municipality with a council of `members` seats and a published pledge of `activities` activities whose
    T1 follow-up is published."""
    by = by or coordinator()
    slug = slug or f"{SLUG_PREFIX}{activities}"
    taken = set(Municipality.objects.filter(kommunkod__startswith="99").values_list("kommunkod", flat=True))
    kommunkod = next(f"{code:04d}" for code in range(9999, 9000, -1) if f"{code:04d}" not in taken)
    municipality = Municipality.objects.create(
        name=f"Bänkby {activities}",
        slug=slug,
        kommunkod=kommunkod,
        county=County.JONKOPING,
        police_area="Lokalpolisområde Bänkby",
        intro="Kommunen och polisen arbetar tillsammans för att Bänkby ska vara tryggt för alla som bor här.",
        contact_name="Säkerhetssamordnaren",
        contact_email="trygghet@bankby.invalid",
        contact_phone="0370-123 45",
    )
    council = _council(municipality, members)
    pledge = _pledge(municipality, activities)
    services.pledge_publish(pledge=pledge, by=by)
    follow_up = pledge.follow_ups.order_by("year", "tertial").first()
    follow_up.summary = "Under första tertialen genomfördes de flesta aktiviteterna enligt plan."
    follow_up.save(update_fields=["summary"])
    for row in follow_up.rows.all():
        services.row_save(row_id=row.pk, by=by, status="ongoing", achieved=2, narrative=NARRATIVE, version=row.version)
    revision = services.follow_up_approve(follow_up=follow_up, by=by)
    return BenchSite(
        municipality, council, pledge, revision.follow_up, revision, activities=activities, members=members
    )


@transaction.atomic
def remove_bench_data() -> None:
    """Delete what `build_site` created (for a database of your own, given as DATABASE_URL)."""
    municipalities = Municipality.objects.filter(slug__startswith=SLUG_PREFIX)
    CitizenPledge.objects.filter(municipalities__in=municipalities).delete()
    for council in Council.objects.filter(municipalities__in=municipalities).distinct():
        council.memberships.all().delete()
        council.delete()
    municipalities.delete()
    get_user_model().objects.filter(email=COORDINATOR_EMAIL).delete()
