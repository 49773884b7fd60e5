"""Demo areas, places and EST reports for the demo municipalities: invented, about places, never people."""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from situation.categories import categories_for
from situation.models import Area, Incident, Place, Source, Visibility

# municipality slug -> {locality: [(place, lat, lng, hot spot)]}
PLACES = {
    "vaggeryd": {
        "Vaggeryd": [
            ("Torget i Vaggeryd", 57.4985, 14.1472, True),
            ("Resecentrum Vaggeryd", 57.4969, 14.1441, True),
            ("Skolgården, Götaskolan", 57.5003, 14.1398, False),
            ("Badplatsen vid Hagasjön", 57.5051, 14.1553, False),
        ],
        "Skillingaryd": [
            ("Busstorget Skillingaryd", 57.4313, 14.0920, True),
            ("Idrottsplatsen Skillingaryd", 57.4349, 14.0868, False),
            ("Gångtunneln vid Järnvägsgatan", 57.4301, 14.0951, False),
        ],
    },
    "vara": {
        "Vara": [
            ("Stationsområdet Vara", 58.2617, 12.9560, True),
            ("Torget i Vara", 58.2627, 12.9590, False),
            ("Konserthusparken", 58.2645, 12.9533, False),
        ],
        "Kvänum": [("Kvänums centrum", 58.2990, 13.1790, False)],
    },
    "hjo": {
        "Hjo": [
            ("Hamnen i Hjo", 58.3036, 14.2925, True),
            ("Stadsparken", 58.3022, 14.2890, False),
            ("Busstationen Hjo", 58.3009, 14.2846, False),
        ],
    },
}

TEXTS = [
    "Nedskräpning kring papperskorgarna efter helgen.",
    "Klotter på väggen vid cykelstället.",
    "Stökigt sent på kvällen, flera ungdomar samlade.",
    "Trasig belysning gör platsen mörk och otrygg.",
    "Krossat glas på gångvägen.",
    "Mopeder som kör på gångbanan.",
    "Personalen upplevde otrygghet vid stängning.",
]


def seed_incidents(*, municipalities: dict, by, per_municipality: int = 120, now=None) -> int:
    now = now or timezone.now()
    rng = random.Random(2023)
    created = 0
    for slug, localities in PLACES.items():
        municipality = municipalities[slug]
        categories = list(categories_for(municipality))
        places = []
        for locality, spots in localities.items():
            area, _ = Area.objects.get_or_create(municipality=municipality, name=locality)
            for name, lat, lng, hot in spots:
                place, _ = Place.objects.get_or_create(
                    municipality=municipality,
                    name=name,
                    defaults={"area": area, "latitude": lat, "longitude": lng, "is_hot_spot": hot},
                )
                places.append(place)
        if Incident.objects.filter(municipality=municipality, source=Source.EST).exists():
            continue
        incidents = []
        for _n in range(per_municipality):
            place = rng.choice(places + places[:2])  # hot spots twice as likely
            category = rng.choice(categories)
            day = now - timedelta(days=rng.randint(0, 720))
            hour = rng.choice([9, 13, 16, 18, 20, 21, 22, 22, 23, 23, 0, 1])
            occurred = timezone.make_aware(datetime(day.year, day.month, day.day, hour, rng.randint(0, 59)))
            incidents.append(
                Incident(
                    municipality=municipality,
                    category=category,
                    tag=category.tag,
                    occurred_at=min(occurred, now),
                    place=place,
                    area=place.area,
                    description=rng.choice(TEXTS),
                    visibility=rng.choice([Visibility.COUNCIL] * 3 + [Visibility.PUBLIC] * 6 + [Visibility.POLICE]),
                    source=Source.EST,
                    reported_by=by,
                )
            )
        Incident.objects.bulk_create(incidents)
        created += len(incidents)
    return created
