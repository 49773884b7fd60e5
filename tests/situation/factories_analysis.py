"""Small factories for the analysis tests (areas, places, categories, incidents at Swedish local times) and
one municipality's worth of incidents whose figures the tests know by heart."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory

from situation.analysis import AnalysisFilters, Period, analysis_for
from situation.models import Area, Incident, IncidentCategory, Place, Source, Tag, Visibility
from tests.factories import MunicipalityFactory

STOCKHOLM = ZoneInfo("Europe/Stockholm")
H1_2025 = Period(date(2025, 1, 1), date(2025, 6, 30))


def local(year, month, day, hour=12, minute=0):
    """An aware datetime at a Swedish wall-clock time."""
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Område {n}")


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Plats {n}")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncidentCategory

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Kategori {n}")
    tag = Tag.INSECURITY


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident

    municipality = factory.SubFactory(MunicipalityFactory)
    category = factory.SubFactory(CategoryFactory, municipality=factory.SelfAttribute("..municipality"))
    tag = factory.LazyAttribute(lambda o: o.category.tag)
    occurred_at = factory.LazyFunction(lambda: local(2025, 3, 14, 12))
    visibility = Visibility.COUNCIL
    source = Source.EST
    description = "Skräp och glas på marken."


class AnalysisWorld:
    """Testköping's categories, areas and places, and incidents in the first half of 2025 and the year before."""

    def __init__(self, tenant):
        m = self.municipality = tenant.municipality
        self.tenant = tenant
        self.damage = CategoryFactory(municipality=m, name="Skadegörelse", tag=Tag.CRIME, order=10)
        self.graffiti = CategoryFactory(municipality=m, name="Klotter", parent=self.damage, tag=Tag.CRIME, order=11)
        self.litter = CategoryFactory(municipality=m, name="Nedskräpning", order=20)
        self.centre = AreaFactory(municipality=m, name="Centrum")
        self.north = AreaFactory(municipality=m, name="Norra centrum", parent=self.centre)
        self.south = AreaFactory(municipality=m, name="Söder")
        self.square = PlaceFactory(
            municipality=m,
            name="Stora torget",
            area=self.centre,
            latitude=Decimal("57.500000"),
            longitude=Decimal("14.100000"),
            is_hot_spot=True,
        )
        self.schoolyard = PlaceFactory(
            municipality=m,
            name="Skolgården",
            area=self.north,
            latitude=Decimal("57.510000"),
            longitude=Decimal("14.120000"),
        )
        self.river_road = PlaceFactory(municipality=m, name="Åvägen", area=self.south)

        def add(category, when, place=None, **extra):
            extra.setdefault("area", place.area if place else None)
            return IncidentFactory(municipality=m, category=category, occurred_at=when, place=place, **extra)

        # The period, January–June 2025.
        self.jan = [add(self.damage, local(2025, 1, 10, 22), self.square) for _n in range(2)]
        self.jan.append(add(self.graffiti, local(2025, 1, 20, 15), self.schoolyard, source=Source.WALK))
        # 00:30 Swedish time on 1 February is still 31 January in UTC: it belongs to February.
        self.february = add(self.litter, local(2025, 2, 1, 0, 30), self.river_road, description="Glas på Åvägen, ö")
        self.march = [add(self.graffiti, local(2025, 3, 5, 16), self.schoolyard) for _n in range(3)]
        self.june_last_minute = add(
            self.litter,
            local(2025, 6, 30, 23, 59),
            None,
            address="Ängsgatan 3",
            latitude=Decimal("57.490000"),
            longitude=Decimal("14.090000"),
        )
        self.after = add(self.litter, local(2025, 7, 1, 0, 10), self.square)
        # Police-internal, reported by the police liaison: the coordinator does not see it.
        self.police_only = add(
            self.damage,
            local(2025, 3, 20, 2),
            self.square,
            visibility=Visibility.POLICE,
            reported_by=tenant.users["police"],
        )
        # The previous half year and the same half year of 2024.
        for _n in range(2):
            add(self.damage, local(2024, 9, 3, 12), self.square)
        # 00:30 on 1 July 2024 in Sweden is 30 June in UTC: the previous period, not the year-earlier one.
        add(self.litter, local(2024, 7, 1, 0, 30), self.river_road)
        for _n in range(4):
            add(self.damage, local(2024, 2, 3, 12), self.square)
        # Another municipality's incident in the period is never counted here.
        other = tenant.other_municipality
        IncidentFactory(municipality=other, category=CategoryFactory(municipality=other), occurred_at=local(2025, 3, 1))

    def analysis(self, role="coordinator", **filters):
        filters.setdefault("period", H1_2025)
        return analysis_for(
            municipality=self.municipality, user=self.tenant.users[role], filters=AnalysisFilters(**filters)
        )
