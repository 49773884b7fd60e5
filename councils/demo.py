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
