"""Demo areas, places and EST reports for the demo municipalities: invented, about places, never people."""

import random
from datetime import date, datetime, timedelta

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
            day = now - timedelta(days=rng.randint(0, 1420))  # back to the start of 2023
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


PICTURES = {
    "vaggeryd": {
        "title": "Lägesbild Vaggeryd 2023",
        "period": (date(2023, 1, 1), date(2023, 12, 31)),
        "adopted": (date(2024, 12, 12), "Kommunstyrelsen"),
        "problems": [
            ("Otrygghet vid torget och resecentrum kvällstid", "EST-rapporter 2023 och trygghetsvandringen i oktober."),
            ("Narkotika bland unga", "Polisens lägesbild och skolans iakttagelser."),
            ("Skadegörelse och klotter i Skillingaryd", "EST-rapporter och fastighetsägarnas kostnader."),
        ],
    },
    "vara": {
        "title": "Lägesbild Vara 2023–2024",
        "period": (date(2023, 7, 1), date(2024, 6, 30)),
        "adopted": (date(2024, 9, 20), "Kommunstyrelsen"),
        "problems": [
            ("Otrygghet vid stationsområdet", "VEST-rapporter och medborgardialog."),
            ("Trafik och buskörning", "Polisens händelser och klagomål från boende."),
        ],
    },
    "hjo": {
        "title": "Lägesbild Hjo 2024",
        "period": (date(2024, 1, 1), date(2024, 12, 31)),
        "adopted": (date(2025, 6, 10), "Kommunstyrelsen"),
        "problems": [("Otrygghet i hamnen sommarkvällar", "EST-rapporter och trygghetsvandringen i juni.")],
    },
}


def seed_pictures(*, municipalities: dict, by) -> dict:
    """Adopted situation pictures with the parts the law names; returns them by municipality slug."""
    from situation import picture as picture_services
    from situation.models import SituationPicture, SituationProblem

    pictures = {}
    for slug, spec in PICTURES.items():
        municipality = municipalities[slug]
        existing = SituationPicture.objects.filter(municipality=municipality, title=spec["title"]).first()
        if existing:
            pictures[slug] = existing
            continue
        start, end = spec["period"]
        picture = SituationPicture.objects.create(
            municipality=municipality,
            title=spec["title"],
            period_start=start,
            period_end=end,
            crime_mapping=(
                "Brottsligheten i kommunen domineras av skadegörelse, stölder och narkotikabrott. Otryggheten "
                "är störst kvällstid kring torget och resecentrum."
            ),
            other_information="Trygghetsmätningen visar att fler kvinnor än män undviker vissa platser kvällstid.",
            cause_analysis=(
                "Dålig belysning, få vuxna i rörelse kvällstid och samlingsplatser för unga utan verksamhet "
                "bedöms vara viktiga orsaker."
            ),
            public_summary=(
                f"Lägesbilden för {municipality.name} visar att otryggheten är störst kvällstid i centrum. "
                "Kommunen och polisen prioriterar belysning, vuxennärvaro och insatser mot narkotika."
            ),
        )
        for order, (title, evidence) in enumerate(spec["problems"]):
            SituationProblem.objects.create(picture=picture, title=title, evidence=evidence, order=order)
        adopted_on, body = spec["adopted"]
        pictures[slug] = picture_services.picture_adopt(picture=picture, by=by, body=body, date=adopted_on)
    return pictures
