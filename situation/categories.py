"""The national seed list of incident categories (DESIGN.md), copied to each municipality on first use."""

from situation.models import IncidentCategory, Tag

B, O = Tag.CRIME, Tag.INSECURITY  # noqa: E741

DEFAULT_CATEGORIES = [
    ("Skadegörelse", B, ["Klotter"]),
    ("Nedskräpning", O, []),
    ("Brand/anlagd brand", B, []),
    ("Otrygghetsskapande samling av personer", O, []),
    ("Ordningsstörning/bråk", O, []),
    ("Hot/våld", B, []),
    ("Inbrott/stöld", B, []),
    ("Misstänkt narkotikahantering", B, []),
    ("Buskörning/farlig trafik", O, []),
    ("Otrygg plats (belysning, vegetation, ödslig)", O, []),
    ("Händelse mot anställd", O, []),
    ("Arrangemang", O, []),
    ("Ryktesspridning i sociala medier", O, []),
    ("Övrigt", O, []),
]


def ensure_default_categories(municipality) -> None:
    """Give a municipality the seed list once; later edits are the municipality's own."""
    if IncidentCategory.objects.filter(municipality=municipality).exists():
        return
    order = 0
    for name, tag, subtypes in DEFAULT_CATEGORIES:
        order += 10
        parent = IncidentCategory.objects.create(municipality=municipality, name=name, tag=tag, order=order)
        for sub in subtypes:
            order += 1
            IncidentCategory.objects.create(municipality=municipality, parent=parent, name=sub, tag=tag, order=order)


def categories_for(municipality):
    ensure_default_categories(municipality)
    return IncidentCategory.objects.filter(municipality=municipality, is_active=True).select_related("parent")
