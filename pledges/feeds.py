"""/<kommun>/flode.xml: an Atom feed of what a municipality published (pledges, follow-up revisions, adopted
situation pictures)."""

from dataclasses import dataclass
from datetime import datetime, time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.translation import gettext as _

from core.periods import Tertial
from councils.models import Municipality
from pledges.models import CitizenPledge, FollowUpRevision
from situation.models import SituationPicture

MAX_ENTRIES = 50


@dataclass(frozen=True)
class FeedSource:
    municipality: Municipality
    request: HttpRequest

    def absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path)


@dataclass(frozen=True)
class Entry:
    title: str
    link: str
    guid: str
    published: datetime
    text: str


def _entry_id(link: str, published: datetime, suffix: str = "") -> str:
    """A tag URI (RFC 4151) that stays the same however often the feed is fetched."""
    bits = urlsplit(link)
    return f"tag:{bits.hostname},{published:%Y-%m-%d}:{bits.path}{suffix}"


def _pledge_entries(source: FeedSource) -> list[Entry]:
    municipality = source.municipality
    pledges = (
        CitizenPledge.objects.public()
        .for_municipality(municipality)
        .annotate(feed_date=Coalesce("published_at", "created_at"))
        .order_by("-feed_date", "-pk")[:MAX_ENTRIES]
    )
    entries = []
    for pledge in pledges:
        link = source.absolute(reverse("pledges:public-detail", kwargs={"kommun": municipality.slug, "pk": pledge.pk}))
        entries.append(
            Entry(
                title=_("Citizen pledge: %(title)s") % {"title": pledge.title},
                link=link,
                guid=_entry_id(link, pledge.feed_date),
                published=pledge.feed_date,
                text=pledge.background,
            )
        )
    return entries


def _follow_up_entries(source: FeedSource) -> list[Entry]:
    municipality = source.municipality
    revisions = (
        FollowUpRevision.objects.filter(
            follow_up__pledge__in=CitizenPledge.objects.public().for_municipality(municipality).values("pk")
        )
        .select_related("follow_up__pledge")
        .defer("content")
        .annotate(summary=KT("content__summary"), published_title=KT("content__pledge__title"))
        .order_by("-published_at", "-pk")[:MAX_ENTRIES]
    )
    entries = []
    for revision in revisions:
        follow_up = revision.follow_up
        kwargs = {"kommun": municipality.slug, "pk": follow_up.pledge_id, "year": follow_up.year}
        link = source.absolute(reverse("pledges:public-follow-up", kwargs={**kwargs, "tertial": follow_up.tertial}))
        values = {
            "period": Tertial(follow_up.year, follow_up.tertial),
            "title": revision.published_title or follow_up.pledge.title,
        }
        text = revision.summary or ""
        if revision.is_correction:
            title = _("Follow-up %(period)s, corrected: %(title)s") % values
            note = _("What was corrected: %(note)s") % {"note": revision.correction_note}
            text = f"{note}\n\n{text}" if text else note
        else:
            title = _("Follow-up %(period)s: %(title)s") % values
        entries.append(
            Entry(
                title=title,
                link=link,
                # Every revision is its own entry, though all revisions share the follow-up's page.
                guid=_entry_id(link, revision.published_at, f"revision-{revision.number}"),
                published=revision.published_at,
                text=text,
            )
        )
    return entries


def _situation_picture_entries(source: FeedSource) -> list[Entry]:
    """One entry per adopted situation picture; all link to the stable page, which shows the latest."""
    municipality = source.municipality
    pictures = (
        SituationPicture.objects.adopted()
        .filter(municipality=municipality)
        .only("pk", "title", "adopted_at", "public_summary")
        .order_by("-adopted_at", "-pk")[:MAX_ENTRIES]
    )
    link = source.absolute(reverse("situation:public-picture", kwargs={"kommun": municipality.slug}))
    entries = []
    for picture in pictures:
        published = timezone.make_aware(datetime.combine(picture.adopted_at, time.min))
        entries.append(
            Entry(
                title=_("Situation picture adopted: %(title)s") % {"title": picture.title},
                link=link,
                guid=_entry_id(link, published, f"picture-{picture.pk}"),
                published=published,
                text=picture.public_summary,
            )
        )
    return entries


class MunicipalityFeed(Feed):
    """Newest first, at most 50 entries: published pledges and follow-up revisions, adopted situation pictures."""

    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        # Feed readers cache what they fetch first: the feed is in the portal's language whoever asks.
        with translation.override(settings.LANGUAGE_CODE):
            return super().__call__(request, *args, **kwargs)

    def get_object(self, request, kommun):
        return FeedSource(get_object_or_404(Municipality.objects.public(), slug=kommun), request)

    def title(self, source):
        return _("Crime prevention in %(municipality)s") % {"municipality": source.municipality.name}

    def subtitle(self, source):
        return _("Citizen pledges and follow-ups that the police and %(municipality)s have published.") % {
            "municipality": source.municipality.name
        }

    def link(self, source):
        return source.municipality.get_absolute_url()

    def feed_url(self, source):
        return reverse("pledges:feed", kwargs={"kommun": source.municipality.slug})

    def author_name(self, source):
        return source.municipality.name

    def items(self, source):
        entries = _pledge_entries(source) + _follow_up_entries(source) + _situation_picture_entries(source)
        return sorted(entries, key=lambda entry: entry.published, reverse=True)[:MAX_ENTRIES]

    def item_title(self, entry):
        return entry.title

    def item_link(self, entry):
        return entry.link

    def item_guid(self, entry):
        return entry.guid

    def item_pubdate(self, entry):
        return entry.published

    def item_updateddate(self, entry):
        return entry.published

    def item_description(self, entry):
        # Atom summaries are type="html": escape the plain text so that markup typed into it is shown, not run.
        return linebreaks(entry.text, autoescape=True) if entry.text else None
