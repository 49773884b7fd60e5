"""The demo municipalities, councils and seats, modelled on the seed pages (people are fictional)."""

from councils.models import County, Membership, Organisation

R = Membership.Role
O = Organisation.Kind  # noqa: E741

MUNICIPALITIES = [
    {
        "slug": "vaggeryd",
        "name": "Vaggeryd",
        "kommunkod": "0665",
        "county": County.JONKOPING,
        "police_area": "Lokalpolisområde Värnamo/Vaggeryd",
        "intro": (
            "Det brottsförebyggande arbetet är en del i kommunens övergripande trygghets- och säkerhetsarbete. "
            "Kommunen och polisen tar tillsammans fram en gemensam lägesbild, en handlingsplan och "
            "medborgarlöften."
        ),
        "contact_name": "Säkerhets- och beredskapssamordnaren",
        "contact_email": "sakerhet@vaggeryd.example",
        "contact_phone": "0370-67 80 00",
    },
    {
        "slug": "vara",
        "name": "Vara",
        "kommunkod": "1470",
        "county": County.VASTRA_GOTALAND,
        "police_area": "Lokalpolisområde Lidköping",
        "intro": (
            "Invånarna i Vara kommun ska känna sig trygga. Sedan juli 2023 har kommunen ett lagstadgat ansvar "
            "för det lokala brottsförebyggande arbetet, med en samordningsfunktion, en lägesbild och en "
            "åtgärdsplan som förnyas minst vartannat år."
        ),
        "contact_name": "Kommunens säkerhetssamordnare",
        "contact_email": "sakerhet@vara.example",
        "contact_phone": "0512-310 00",
    },
    {
        "slug": "hjo",
        "name": "Hjo",
        "kommunkod": "1497",
        "county": County.VASTRA_GOTALAND,
        "police_area": "Lokalpolisområde Skövde",
        "intro": (
            "Brottsförebyggande rådet samordnar kommunens brottsförebyggande arbete med andra aktörers insatser "
            "och leder kommunens övergripande insatser för ökad trygghet."
        ),
        "contact_name": "Säkerhetsstrategen",
        "contact_email": "kontaktcenter@hjo.example",
        "contact_phone": "0503-350 00",
    },
    {
        "slug": "hagfors",
        "name": "Hagfors",
        "kommunkod": "1783",
        "county": County.VARMLAND,
        "police_area": "Lokalpolisområde Norra Värmland",
        "intro": (
            "Hagfors kommun arbetar tillsammans med Sunne, Torsby och Munkfors i ett gemensamt "
            "brottsförebyggande arbete, SUTOHAMU-samarbetet."
        ),
        "contact_name": "Kontaktperson vid Individ- och omsorgsavdelningen",
        "contact_email": "trygghet@hagfors.example",
        "contact_phone": "0563-185 00",
    },
    {
        "slug": "sunne",
        "name": "Sunne",
        "kommunkod": "1766",
        "county": County.VARMLAND,
        "police_area": "Lokalpolisområde Norra Värmland",
        "intro": "Sunne kommun ingår i SUTOHAMU-samarbetet med Torsby, Hagfors och Munkfors.",
        "contact_name": "Brottsförebyggande samordnare",
        "contact_email": "trygghet@sunne.example",
    },
    {
        "slug": "torsby",
        "name": "Torsby",
        "kommunkod": "1737",
        "county": County.VARMLAND,
        "police_area": "Lokalpolisområde Norra Värmland",
        "intro": "Torsby kommun ingår i SUTOHAMU-samarbetet med Sunne, Hagfors och Munkfors.",
        "contact_name": "Brottsförebyggande samordnare",
        "contact_email": "trygghet@torsby.example",
    },
    {
        "slug": "munkfors",
        "name": "Munkfors",
        "kommunkod": "1762",
        "county": County.VARMLAND,
        "police_area": "Lokalpolisområde Norra Värmland",
        "intro": "Munkfors kommun ingår i SUTOHAMU-samarbetet med Sunne, Torsby och Hagfors.",
        "contact_name": "Brottsförebyggande samordnare",
        "contact_email": "trygghet@munkfors.example",
    },
]

# (slug, name, kind) per municipality; the first entry of each list is the municipality itself.
ORGANISATIONS = {
    "vaggeryd": [
        ("Vaggeryds kommun, kommunstyrelsen", O.MUNICIPALITY),
        ("Vaggeryds kommun, säkerhet och beredskap", O.MUNICIPALITY),
        ("Polisen, lokalpolisområde Värnamo/Vaggeryd", O.POLICE),
        ("Vaggeryds kommun, fältassistenterna", O.MUNICIPALITY),
        ("Vaggeryds kommun, sociala verksamheter", O.MUNICIPALITY),
        ("Vaggeryds kommun, barn- och utbildningsförvaltningen", O.MUNICIPALITY),
    ],
    "vara": [
        ("Vara kommun, kommunstyrelsen", O.MUNICIPALITY),
        ("Vara kommun, säkerhet", O.MUNICIPALITY),
        ("Polisen, lokalpolisområde Lidköping", O.POLICE),
        ("Räddningstjänsten Vara", O.RESCUE),
        ("Vara Näringsliv", O.BUSINESS),
        ("Föreningsrådet i Vara", O.CIVIL_SOCIETY),
    ],
    "hjo": [
        ("Hjo kommun, kommunstyrelsen", O.MUNICIPALITY),
        ("Hjo kommun, kommunledningen", O.MUNICIPALITY),
        ("Polisen, lokalpolisområde Skövde", O.POLICE),
        ("Hjo kommun, barn och utbildning", O.MUNICIPALITY),
        ("Hjo kommun, socialtjänsten", O.MUNICIPALITY),
        ("Hjo Företagarförening", O.BUSINESS),
        ("Frivilligcentralen i Hjo", O.CIVIL_SOCIETY),
    ],
    "hagfors": [
        ("Hagfors kommun, Individ- och omsorgsavdelningen", O.MUNICIPALITY),
        ("Hagfors kommun, skolan", O.MUNICIPALITY),
        ("Hagfors kommun, ANDT-samordning", O.MUNICIPALITY),
        ("Polisen, lokalpolisområde Norra Värmland", O.POLICE),
        ("Länsstyrelsen i Värmland", O.REGION),
    ],
    "sunne": [("Sunne kommun", O.MUNICIPALITY)],
    "torsby": [("Torsby kommun", O.MUNICIPALITY)],
    "munkfors": [("Munkfors kommun", O.MUNICIPALITY)],
}

# Councils: name, kind, municipalities, purpose, meets, seats.
# A seat: (fictional name, role, title, organisation name, publish name?, alternate for (name) or None)
COUNCILS = [
    {
        "name": "Vaggeryds lokala brottsförebyggande råd",
        "kind": "bra",
        "municipalities": ["vaggeryd"],
        "purpose": (
            "Rådet följer brottsligheten och tryggheten i kommunen och utgår från den handlingsplan som kommun "
            "och polis tagit fram tillsammans utifrån en gemensam lägesbild."
        ),
        "meeting_frequency": "fyra gånger om året och vid behov",
        "seats": [
            (
                "Ingrid Halvarsson",
                R.OTHER,
                "Kommunstyrelsens ordförande",
                "Vaggeryds kommun, kommunstyrelsen",
                True,
                None,
            ),
            (
                "Mattias Sjöberg",
                R.CHAIR,
                "Kommunstyrelsens vice ordförande",
                "Vaggeryds kommun, kommunstyrelsen",
                True,
                None,
            ),
            (
                "Sara Lindblom",
                R.CONVENER,
                "Säkerhets- och beredskapssamordnare",
                "Vaggeryds kommun, säkerhet och beredskap",
                True,
                None,
            ),
            ("Johan Ekvall", R.POLICE, "Kommunpolis", "Polisen, lokalpolisområde Värnamo/Vaggeryd", True, None),
            (
                "Petra Nyström",
                R.POLICE,
                "Lokalpolisområdeschef",
                "Polisen, lokalpolisområde Värnamo/Vaggeryd",
                False,
                None,
            ),
            ("Amir Haddad", R.FIELD_ASSISTANT, "Fältassistent", "Vaggeryds kommun, fältassistenterna", False, None),
            (
                "Lena Berggren",
                R.SOCIAL_SERVICES,
                "Samordnare sociala verksamheter",
                "Vaggeryds kommun, sociala verksamheter",
                False,
                None,
            ),
            (
                "Karin Åkesson",
                R.SCHOOL,
                "Förvaltningschef",
                "Vaggeryds kommun, barn- och utbildningsförvaltningen",
                True,
                None,
            ),
        ],
    },
    {
        "name": "Vara kommuns brottsförebyggande råd",
        "kind": "bra",
        "municipalities": ["vara"],
        "purpose": ("Rådet samlar politiker och polis som genom dialog skapar en gemensam bild av det lokala nuläget."),
        "meeting_frequency": "fyra gånger om året",
        "seats": [
            ("Göran Lundqvist", R.CHAIR, "Kommunstyrelsens ordförande", "Vara kommun, kommunstyrelsen", True, None),
            (
                "Helena Strand",
                R.VICE_CHAIR,
                "Kommunstyrelsens vice ordförande",
                "Vara kommun, kommunstyrelsen",
                True,
                None,
            ),
            ("Maria Öberg", R.CONVENER, "Säkerhetssamordnare", "Vara kommun, säkerhet", True, None),
            ("Daniel Forsberg", R.POLICE, "Kommunpolis", "Polisen, lokalpolisområde Lidköping", True, None),
            ("Elin Magnusson", R.OTHER, "Ledamot, kommunstyrelsen", "Vara kommun, kommunstyrelsen", False, None),
            (
                "Per Andersson Wik",
                R.OTHER,
                "Ersättare, kommunstyrelsen",
                "Vara kommun, kommunstyrelsen",
                False,
                "Elin Magnusson",
            ),
        ],
    },
    {
        "name": "VEST – Vara i effektiv samordning för trygghet",
        "kind": "est",
        "municipalities": ["vara"],
        "purpose": (
            "Ett samarbete mellan kommunens verksamheter, räddningstjänst, polis, civilsamhälle, näringsliv och "
            "myndigheter för att snabbt upptäcka problem och sätta in insatser för lugn och trygghet."
        ),
        "meeting_frequency": "varannan vecka",
        "seats": [
            ("Maria Öberg", R.CONVENER, "Säkerhetssamordnare", "Vara kommun, säkerhet", True, None),
            ("Daniel Forsberg", R.POLICE, "Kommunpolis", "Polisen, lokalpolisområde Lidköping", True, None),
            ("Oskar Lind", R.RESCUE_SERVICE, "Räddningschef", "Räddningstjänsten Vara", False, None),
            ("Jenny Holm", R.BUSINESS, "Verksamhetsledare", "Vara Näringsliv", False, None),
            ("Fredrik Sandin", R.CIVIL_SOCIETY, "Ordförande", "Föreningsrådet i Vara", False, None),
        ],
    },
    {
        "name": "Brottsförebyggande rådet i Hjo",
        "kind": "bra",
        "municipalities": ["hjo"],
        "purpose": (
            "Ett organ för samråd och ömsesidig information mellan kommunen, polisen och andra aktörer. Rådet "
            "följer brottsligheten i kommunen och styr de övergripande insatserna för ökad trygghet."
        ),
        "meeting_frequency": "fyra gånger om året",
        "seats": [
            ("Annika Bergqvist", R.CHAIR, "Kommunstyrelsens ordförande", "Hjo kommun, kommunstyrelsen", True, None),
            ("Tomas Wallin", R.OTHER, "Kommundirektör", "Hjo kommun, kommunledningen", True, None),
            ("Linnea Karlsson", R.CONVENER, "Säkerhetsstrateg", "Hjo kommun, kommunledningen", True, None),
            ("Erik Nordin", R.POLICE, "Kommunpolis", "Polisen, lokalpolisområde Skövde", True, None),
            (
                "Sofia Hedlund",
                R.SCHOOL,
                "Verksamhetschef barn och utbildning",
                "Hjo kommun, barn och utbildning",
                False,
                None,
            ),
            ("Magnus Ek", R.SOCIAL_SERVICES, "Verksamhetschef socialtjänst", "Hjo kommun, socialtjänsten", False, None),
            ("Camilla Roos", R.BUSINESS, "Representant", "Hjo Företagarförening", False, None),
            ("Björn Lilja", R.CIVIL_SOCIETY, "Representant", "Frivilligcentralen i Hjo", False, None),
        ],
    },
    {
        "name": "EST-gruppen i Hjo",
        "kind": "est",
        "municipalities": ["hjo"],
        "purpose": "Möten varannan vecka där en gemensam lägesbild för de gångna veckorna diskuteras.",
        "meeting_frequency": "varannan vecka",
        "seats": [
            ("Linnea Karlsson", R.CONVENER, "Säkerhetsstrateg", "Hjo kommun, kommunledningen", True, None),
            ("Erik Nordin", R.POLICE, "Kommunpolis", "Polisen, lokalpolisområde Skövde", True, None),
            ("Magnus Ek", R.SOCIAL_SERVICES, "Verksamhetschef socialtjänst", "Hjo kommun, socialtjänsten", False, None),
        ],
    },
    {
        "name": "Trygghetsrådet i Hagfors",
        "kind": "trygghetsrad",
        "municipalities": ["hagfors"],
        "purpose": "Rådet samordnar lägesbilderna från kommunens olika avdelningar.",
        "meeting_frequency": "cirka fyra gånger per år",
        "seats": [
            (
                "Nils Gustavsson",
                R.CONVENER,
                "Kontaktperson brottsförebyggande arbete",
                "Hagfors kommun, Individ- och omsorgsavdelningen",
                True,
                None,
            ),
            ("Hanna Olsson", R.SCHOOL, "Rektor", "Hagfors kommun, skolan", False, None),
            (
                "Viktor Engström",
                R.SOCIAL_SERVICES,
                "Socialsekreterare",
                "Hagfors kommun, Individ- och omsorgsavdelningen",
                False,
                None,
            ),
            ("Emma Dahl", R.OTHER, "ANDT-samordnare", "Hagfors kommun, ANDT-samordning", False, None),
            ("Anders Persson Kvist", R.POLICE, "Kommunpolis", "Polisen, lokalpolisområde Norra Värmland", True, None),
        ],
    },
    {
        "name": "SUTOHAMU-samarbetet",
        "kind": "regional",
        "municipalities": ["hagfors", "sunne", "torsby", "munkfors"],
        "purpose": (
            "Sunne, Torsby, Hagfors och Munkfors arbetar tillsammans för gemensamma lägesbilder över "
            "brottsligheten och gemensamma arbetssätt i det förebyggande arbetet. Polisen och Länsstyrelsen i "
            "Värmland är samarbetsparter."
        ),
        "meeting_frequency": "",
        "seats": [
            (
                "Nils Gustavsson",
                R.CONVENER,
                "Kontaktperson, Hagfors",
                "Hagfors kommun, Individ- och omsorgsavdelningen",
                True,
                None,
            ),
            ("Ida Hellström", R.OTHER, "Brottsförebyggande samordnare, Sunne", "Sunne kommun", True, None),
            ("Rasmus Berg", R.OTHER, "Brottsförebyggande samordnare, Torsby", "Torsby kommun", True, None),
            ("Malin Sundberg", R.OTHER, "Folkhälsosamordnare, Munkfors", "Munkfors kommun", True, None),
            ("Anders Persson Kvist", R.POLICE, "Kommunpolis", "Polisen, lokalpolisområde Norra Värmland", True, None),
            ("Lotta Ring", R.OTHER, "Handläggare", "Länsstyrelsen i Värmland", False, None),
        ],
    },
]

# Demo logins: <role word>@<slug>.example, one per role per municipality.
ROLE_LOGINS = {
    "samordnare": "coordinator",
    "polis": "police",
    "ledamot": "member",
    "rapportor": "reporter",
}
ROLE_LOGIN_NAMES = {
    "samordnare": "Demo Samordnare",
    "polis": "Demo Polis",
    "ledamot": "Demo Ledamot",
    "rapportor": "Demo Rapportör",
}


# --- meetings -------------------------------------------------------------------------------------------------
# A year of meetings per demo municipality, relative to the day seed_demo first runs: four council meetings
# (three held, with approved and published minutes, and one upcoming with its agenda) and an EST meeting every
# other week (held ones with attendance and approved minutes). Councils that already have meetings are left
# alone, so running seed_demo again changes nothing.
MEETINGS = {
    "vaggeryd": {
        "council": "Vaggeryds lokala brottsförebyggande råd",
        "est": None,
        "place": "Kommunhuset i Vaggeryd, sammanträdesrum Lagan",
        "est_place": "Polisstationen i Vaggeryd",
        "measure": ("Trygghetsvandring i Skillingaryd med fastighetsägarna", 0),
    },
    "vara": {
        "council": "Vara kommuns brottsförebyggande råd",
        "est": "VEST – Vara i effektiv samordning för trygghet",
        "place": "Stadshuset i Vara, sal Kvänum",
        "est_place": "Räddningsstationen i Vara",
        "measure": ("Fler vuxna på stan under skolavslutningen", 1),
    },
    "hjo": {
        "council": "Brottsförebyggande rådet i Hjo",
        "est": "EST-gruppen i Hjo",
        "place": "Stadshuset i Hjo, sammanträdesrum Vättern",
        "est_place": "Stadshuset i Hjo, rum Guldkroken",
        "measure": None,
    },
    "hagfors": {
        "council": "Trygghetsrådet i Hagfors",
        "est": None,
        "place": "Hagfors kommunhus, sal Uddeholm",
        "est_place": "Hagfors kommunhus, rum Klarälven",
        "measure": None,
    },
}

# (title, public?, minutes note) of a council meeting's agenda; the sub-items belong to the item before them.
COUNCIL_AGENDA = [
    ("Mötets öppnande och val av justerare", True, "Ordföranden öppnade mötet."),
    ("Lägesbild", True, ""),
    (
        "  Polisens lägesbild",
        True,
        "Anmälda brott ligger på samma nivå som förra kvartalet; fler skadegörelser vid skolorna.",
    ),
    ("  Kommunens lägesbild", True, "Fältassistenterna ser färre samlingar av unga vid resecentrum efter kl. 22."),
    ("Uppföljning av åtgärdsplanen", True, "Två åtgärder är försenade; ansvariga återkommer till nästa möte."),
    ("Enskilda ärenden", False, "Information om ett pågående ärende; sekretess enligt OSL."),
    ("Övriga frågor", True, "Inga övriga frågor."),
]
EST_AGENDA = [
    ("Händelser sedan förra mötet", True, "Genomgång av inrapporterade händelser; lugnare än vanligt."),
    ("Platser att bevaka", True, "Skolgården och busstationen kvällstid."),
    ("Insatser till nästa möte", True, "Fältassistenterna och polisen samordnar kvällspass fredag."),
]


def _demo_attendance(meeting, members, index):
    """A believable register: most present, one remote, now and then one absent (with an alternate) or late."""
    from datetime import time

    from django.utils import timezone

    from councils.models import Attendance

    rows = []
    for n, member in enumerate(members):
        row = Attendance(meeting=meeting, membership=member, status=Attendance.Status.PRESENT)
        turn = (n + index) % 7
        if turn == 1:
            row.status = Attendance.Status.REMOTE
        elif turn == 3:
            row.status = Attendance.Status.ABSENT
            row.alternate = next((a for a in members if a.alternate_for_id == member.pk), None)
        elif turn == 5:
            row.arrived_at = time(timezone.localtime(meeting.starts_at).hour, 20)
        rows.append(row)
    return rows


def seed_meetings(*, municipalities: dict, today=None) -> int:
    """A year of council and EST meetings with agendas, attendance and minutes (see MEETINGS). Bulk inserts keep
    this quick; the numbers of § and the nesting are written directly, as the services would."""
    import uuid
    from datetime import datetime, time, timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from actionplans.models import ActionPlan, Measure
    from core.periods import add_months
    from councils.models import AgendaItem, Attendance, Council, Decision, Meeting

    today = today or timezone.localdate()
    now = timezone.now()
    created = 0
    for slug, spec in MEETINGS.items():
        municipality = municipalities[slug]
        coordinator = get_user_model().objects.get(email=f"samordnare@{slug}.example")
        council = Council.objects.get(name=spec["council"])
        est = Council.objects.get(name=spec["est"]) if spec["est"] else council
        plans = []
        if not Meeting.objects.filter(council=council, kind=Meeting.Kind.COUNCIL).exists():
            first = add_months(today, -9) + timedelta(days=10)
            days = [add_months(first, 3 * n) for n in range(4)]
            plans.append((council, Meeting.Kind.COUNCIL, days, time(13, 0), 150, spec["place"], COUNCIL_AGENDA))
        if not Meeting.objects.filter(council=est, kind=Meeting.Kind.EST).exists():
            monday = today - timedelta(days=today.weekday())
            days = [monday - timedelta(weeks=50) + timedelta(weeks=2 * n, days=1) for n in range(27)]
            plans.append((est, Meeting.Kind.EST, days, time(9, 0), 60, spec["est_place"], EST_AGENDA))

        for meeting_council, kind, days, start, minutes, place, agenda in plans:
            members = list(meeting_council.memberships.current().order_by("name"))
            series = uuid.uuid4()
            title = "Rådsmöte" if kind == Meeting.Kind.COUNCIL else "EST-möte"
            meetings = []
            for day in days:
                starts = timezone.make_aware(datetime.combine(day, start))
                held = starts + timedelta(minutes=minutes) < now
                meetings.append(
                    Meeting(
                        council=meeting_council,
                        municipality=municipality,
                        kind=kind,
                        title=f"{title} {meeting_council.name}" if kind == Meeting.Kind.COUNCIL else title,
                        starts_at=starts,
                        ends_at=starts + timedelta(minutes=minutes),
                        location=place,
                        series=series,
                        minutes_status=Meeting.MinutesStatus.APPROVED if held else Meeting.MinutesStatus.NONE,
                        minutes_approved_at=starts + timedelta(days=7) if held else None,
                        minutes_approved_by=coordinator if held else None,
                        minutes_published_at=(
                            starts + timedelta(days=8) if held and kind == Meeting.Kind.COUNCIL else None
                        ),
                        minutes_adjusters=" och ".join(m.name for m in members[:2]) if held else "",
                        minutes_text="Mötet hölls enligt dagordningen." if held else "",
                    )
                )
            Meeting.objects.bulk_create(meetings)
            Meeting.invitees.through.objects.bulk_create(
                [Meeting.invitees.through(meeting_id=m.pk, membership_id=s.pk) for m in meetings for s in members]
            )
            created += len(meetings)

            items, attendance = [], []
            for index, meeting in enumerate(meetings):
                held = meeting.minutes_status == Meeting.MinutesStatus.APPROVED
                for order, (raw_title, public, note) in enumerate(agenda):
                    nested = raw_title.startswith("  ")
                    items.append(
                        AgendaItem(
                            meeting=meeting,
                            title=raw_title.strip(),
                            is_public=public,
                            order=order,
                            minutes_note=note if held else "",
                        )
                    )
                    items[-1].nested = nested
                if held:
                    attendance += _demo_attendance(meeting, members, index)
            # Parents first (bulk_create returns their ids), then the sub-items under the item before them.
            top = [i for i in items if not i.nested]
            AgendaItem.objects.bulk_create(top)
            parent = None
            subs = []
            for item in items:
                if item.nested:
                    item.parent = parent
                    subs.append(item)
                else:
                    parent = item
            AgendaItem.objects.bulk_create(subs)
            Attendance.objects.bulk_create(attendance)
            created += len(items) + len(attendance)

            decisions = []
            by_meeting = {}
            for item in items:
                by_meeting.setdefault(item.meeting_id, []).append(item)
            for meeting in meetings:
                if meeting.minutes_status != Meeting.MinutesStatus.APPROVED:
                    continue
                meeting_items = by_meeting[meeting.pk]
                if kind == Meeting.Kind.COUNCIL:
                    decisions += [
                        Decision(
                            meeting=meeting,
                            agenda_item=meeting_items[1],
                            number=1,
                            text="Rådet beslutar att lägga lägesbilden till handlingarna.",
                            is_public=True,
                        ),
                        Decision(
                            meeting=meeting,
                            agenda_item=next(i for i in meeting_items if not i.is_public),
                            number=2,
                            text="Rådet uppdrar åt polisen och socialtjänsten att återkomma i ärendet.",
                            is_public=False,
                        ),
                    ]
                else:
                    decisions.append(
                        Decision(
                            meeting=meeting,
                            agenda_item=meeting_items[2],
                            number=1,
                            text="Gruppen beslutar om gemensamma kvällspass till nästa möte.",
                            is_public=True,
                        )
                    )
            # One council decision per municipality with a plan creates a measure that links back to the meeting.
            held_council = [m for m in meetings if kind == Meeting.Kind.COUNCIL and m.minutes_published_at]
            plan = ActionPlan.objects.filter(municipality=municipality, status__in=["adopted", "draft"]).first()
            if spec["measure"] and held_council and plan is not None:
                title, area_index = spec["measure"]
                areas = list(plan.problem_areas.order_by("order"))
                meeting = held_council[-1]
                measure = Measure.objects.create(
                    problem_area=areas[min(area_index, len(areas) - 1)],
                    title=title,
                    owner=get_user_model().objects.get(email=f"polis@{slug}.example"),
                    start_date=timezone.localtime(meeting.starts_at).date(),
                    end_date=add_months(timezone.localtime(meeting.starts_at).date(), 6),
                    origin_meeting=meeting,
                    version=1,
                )
                decisions.append(
                    Decision(
                        meeting=meeting,
                        agenda_item=by_meeting[meeting.pk][4],
                        number=3,
                        text=f"Rådet beslutar om åtgärden ”{title}”, med polisen som ansvarig.",
                        is_public=True,
                        measure=measure,
                    )
                )
                created += 1
            Decision.objects.bulk_create(decisions)
            created += len(decisions)
    return created
