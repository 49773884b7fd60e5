"""National-scale synthetic data for benchmarks: 290 municipalities, 1,000,000 incidents over five years,
crime statistics for all. Not demo data: names are generated, people do not occur at all."""

import random
import time
from datetime import date, datetime, timedelta

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from councils.models import County, Municipality
from situation.categories import ensure_default_categories
from situation.models import Area, CrimeStatistic, Incident, IncidentCategory, Place

SCALE_PREFIX = "skala-"
STAT_CATEGORIES = ["Skadegörelse", "Stöld", "Misshandel", "Narkotikabrott", "Bedrägeri"]


class Command(BaseCommand):
    help = "Create national-scale synthetic data (290 municipalities, 1,000,000 incidents, statistics)."

    def add_arguments(self, parser):
        parser.add_argument("--municipalities", type=int, default=290)
        parser.add_argument("--incidents", type=int, default=1_000_000)
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument("--seed", type=int, default=290)

    def handle(self, *args, municipalities, incidents, years, seed, **options):
        started = time.monotonic()
        rng = random.Random(seed)
        counties = [c for c, _ in County.choices]
        with transaction.atomic():
            created = self._municipalities(municipalities, counties)
        self.stdout.write(f"{len(created)} municipalities ready ({time.monotonic() - started:.1f} s)")
        refs = self._reference_data(created)
        self.stdout.write(f"categories, areas and places ready ({time.monotonic() - started:.1f} s)")
        existing = Incident.objects.filter(municipality__slug__startswith=SCALE_PREFIX).count()
        if existing < incidents:
            self._incidents(refs, incidents - existing, years, rng)
        self.stdout.write(f"{incidents} incidents ready ({time.monotonic() - started:.1f} s)")
        self._statistics(created, years, rng)
        self.stdout.write(self.style.SUCCESS(f"seed_scale done in {time.monotonic() - started:.1f} s"))

    def _municipalities(self, count, counties):
        result = []
        for n in range(count):
            municipality, _ = Municipality.objects.get_or_create(
                slug=f"{SCALE_PREFIX}{n + 1:03d}",
                defaults={
                    "name": f"Skalkommun {n + 1:03d}",
                    "kommunkod": f"{3000 + n:04d}",
                    "county": counties[n % len(counties)],
                    "police_area": f"Lokalpolisområde {n // 5 + 1}",
                },
            )
            result.append(municipality)
        return result

    def _reference_data(self, municipalities):
        refs = []
        for municipality in municipalities:
            ensure_default_categories(municipality)
            if not Area.objects.filter(municipality=municipality).exists():
                areas = Area.objects.bulk_create(
                    [Area(municipality=municipality, name=f"Tätort {a}") for a in range(1, 4)]
                )
                Place.objects.bulk_create(
                    [
                        Place(
                            municipality=municipality,
                            area=areas[p % 3],
                            name=f"Plats {p}",
                            latitude=57 + p / 100,
                            longitude=14 + p / 100,
                            is_hot_spot=p < 2,
                        )
                        for p in range(10)
                    ]
                )
            categories = list(IncidentCategory.objects.filter(municipality=municipality).values_list("pk", "tag"))
            places = list(Place.objects.filter(municipality=municipality).values_list("pk", "area_id"))
            refs.append((municipality.pk, categories, places))
        return refs

    def _incidents(self, refs, count, years, rng):
        now = timezone.now()
        span = years * 365 * 24 * 3600
        columns = [
            "municipality_id",
            "category_id",
            "tag",
            "occurred_at",
            "place_id",
            "area_id",
            "address",
            "description",
            "visibility",
            "source",
            "created_at",
            "updated_at",
        ]
        visibilities = ["council"] * 3 + ["public"] * 6 + ["police"]

        def rows():
            for _ in range(count):
                municipality_id, categories, places = refs[rng.randrange(len(refs))]
                category_id, tag = categories[rng.randrange(len(categories))]
                place_id, area_id = places[rng.randrange(len(places))]
                occurred = now - timedelta(seconds=rng.randrange(span))
                yield (
                    municipality_id,
                    category_id,
                    tag,
                    occurred,
                    place_id,
                    area_id,
                    "",
                    "",
                    visibilities[rng.randrange(10)],
                    "est",
                    now,
                    now,
                )

        if connection.vendor == "postgresql":
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(f"COPY situation_incident ({', '.join(columns)}) FROM STDIN") as copy,
            ):
                for row in rows():
                    copy.write_row(row)
        else:
            batch = []
            for row in rows():
                batch.append(Incident(**dict(zip(columns, row, strict=True))))
                if len(batch) >= 5000:
                    Incident.objects.bulk_create(batch)
                    batch = []
            Incident.objects.bulk_create(batch)

    def _statistics(self, municipalities, years, rng):
        if CrimeStatistic.objects.filter(municipality__slug__startswith=SCALE_PREFIX).exists():
            return
        today = date.today()
        figures = []
        for municipality in municipalities:
            for months_back in range(years * 12):
                year, month = divmod(today.year * 12 + today.month - 1 - months_back, 12)
                start = date(year, month + 1, 1)
                end = (datetime(year + (month + 1) // 12, (month + 1) % 12 + 1, 1) - timedelta(days=1)).date()
                for category in STAT_CATEGORIES:
                    figures.append(
                        CrimeStatistic(
                            municipality=municipality,
                            period_start=start,
                            period_end=end,
                            category=category,
                            count=rng.randrange(0, 60),
                        )
                    )
        CrimeStatistic.objects.bulk_create(figures, batch_size=5000)
