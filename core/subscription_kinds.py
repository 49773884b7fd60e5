"""Reminder-engine kinds for residents' e-mail subscriptions (core/subscriptions.py has the services).

`SubscriptionConfirmKind` is planned by `subscription_request` when a resident asks to subscribe (double opt-in);
`PublicationKind` is planned by every scan: what each municipality published in the last 14 days, one mail per
publication and active subscriber with that topic who confirmed before it was published. Both carry the
subscription's id as `object_id` and its token in `context`, so a cancelled (or renewed) subscription turns a
planned mail obsolete instead of sending it.
"""

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.links import portal_url
from core.models import Subscription
from core.reminders import Message, Planned, ReminderKind

# Publications older than this are not announced any more (a portal started late sends no burst of old news).
PUBLICATION_WINDOW = timedelta(days=14)
Topic = Subscription.Topic


def confirm_url(municipality_slug: str, token: str) -> str:
    return portal_url(reverse("councils:subscribe-confirm", kwargs={"kommun": municipality_slug, "token": token}))


def unsubscribe_url(municipality_slug: str, token: str) -> str:
    return portal_url(reverse("councils:unsubscribe", kwargs={"kommun": municipality_slug, "token": token}))


def unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 2369 and RFC 8058: mail clients offer a one-click unsubscribe that POSTs to `url`."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def topic_labels(topics) -> str:
    labels = dict(Topic.choices)
    return ", ".join(str(labels[t]).lower() for t in Topic.values if t in topics)


def _subscription(delivery):
    return (
        Subscription.objects.select_related("municipality")
        .filter(pk=delivery.object_id, token=delivery.context.get("token"))
        .first()
    )


class SubscriptionConfirmKind(ReminderKind):
    """The double opt-in mail: a link to the page where the resident confirms (or, when already subscribed,
    changes the topics). Planned on demand by `core.subscriptions.subscription_request`, never by a scan."""

    name = "subscription_confirm"
    label = gettext_lazy("Subscription confirmation")
    digestible = False

    def plan(self, now, until, prefs):
        return []

    def is_current(self, delivery, now):
        subscription = _subscription(delivery)
        return subscription is not None and subscription.unsubscribed_at is None

    def message(self, delivery):
        subscription = _subscription(delivery)
        municipality = subscription.municipality
        values = {
            "municipality": municipality.name,
            "topics": topic_labels(subscription.topics),
            "link": confirm_url(municipality.slug, subscription.token),
            "unsubscribe": unsubscribe_url(municipality.slug, subscription.token),
        }
        if subscription.is_active:
            subject = _("Your subscription to news about crime prevention in %(municipality)s") % values
            paragraphs = [
                _("Hello!"),
                _(
                    "Someone, hopefully you, asked to subscribe this address to news about crime prevention in "
                    "%(municipality)s. You already subscribe to: %(topics)s."
                )
                % values,
                _("To change what you get e-mail about, open this page:\n%(link)s") % values,
                _("To stop all e-mail from this subscription, open this page:\n%(unsubscribe)s") % values,
                _("If you did not ask for this, you can ignore this e-mail. Nothing has been changed."),
            ]
        else:
            subject = _("Confirm your subscription to news about crime prevention in %(municipality)s") % values
            paragraphs = [
                _("Hello!"),
                _(
                    "Someone, hopefully you, asked to get an e-mail when %(municipality)s publishes news about its "
                    "crime prevention work: %(topics)s."
                )
                % values,
                _("Confirm the subscription on this page:\n%(link)s") % values,
                _(
                    "If you did not ask for this, you can ignore this e-mail. You will get no more e-mail from us "
                    "unless you confirm."
                ),
            ]
        paragraphs.append(_("Best regards,\n%(municipality)s through BRÅ-portalen") % values)
        return Message(subject=subject, body="\n\n".join(paragraphs))


def _first_adopted(model, since: datetime, until: datetime) -> list[dict]:
    """Documents adopted (status "adopted" recorded in their history for the first time) between the two moments.

    The history gives the moment residents could first read the document; its decision date may be weeks
    earlier, when the decision was recorded in the portal late.
    """
    return list(
        model.history.filter(status="adopted")
        .values("id", "municipality_id", "title")
        .annotate(adopted=Min("history_date"))
        .filter(adopted__gt=since, adopted__lte=until)
    )


def _publications(since: datetime, until: datetime, slugs: dict[int, str]) -> list[dict]:
    """What was published between the two moments, per municipality: four queries whatever their number."""
    from actionplans.models import ActionPlan
    from councils.models import Meeting
    from pledges.models import CitizenPledge, FollowUpRevision
    from situation.models import SituationPicture

    found = []
    revisions = FollowUpRevision.objects.filter(
        published_at__gt=since,
        published_at__lte=until,
        follow_up__pledge__status__in=[CitizenPledge.Status.PUBLISHED, CitizenPledge.Status.CLOSED],
        follow_up__pledge__municipalities__in=list(slugs),
    ).values_list(
        "pk",
        "number",
        "published_at",
        "follow_up__year",
        "follow_up__tertial",
        "follow_up__pledge_id",
        "follow_up__pledge__title",
        "follow_up__pledge__municipalities",
    )
    for pk, number, published_at, year, tertial, pledge_id, title, municipality_id in revisions:
        if municipality_id not in slugs:
            continue
        kwargs = {"kommun": slugs[municipality_id], "pk": pledge_id, "year": year, "tertial": tertial}
        found.append(
            {
                "topic": Topic.FOLLOW_UPS,
                "pk": pk,
                "municipality_id": municipality_id,
                "published_at": published_at,
                "title": title,
                "period": f"T{tertial} {year}",
                "correction": number > 1,
                "path": reverse("pledges:public-follow-up", kwargs=kwargs),
            }
        )
    for topic, model, url_name in (
        (Topic.PLANS, ActionPlan, "actionplans:public-plan"),
        (Topic.PICTURES, SituationPicture, "situation:public-picture"),
    ):
        for row in _first_adopted(model, since, until):
            if row["municipality_id"] not in slugs:
                continue
            found.append(
                {
                    "topic": topic,
                    "pk": row["id"],
                    "municipality_id": row["municipality_id"],
                    "published_at": row["adopted"],
                    "title": row["title"],
                    "path": reverse(url_name, kwargs={"kommun": slugs[row["municipality_id"]]}),
                }
            )
    meetings = (
        Meeting.objects.with_published_minutes()
        .filter(minutes_published_at__gt=since, minutes_published_at__lte=until)
        .values_list("pk", "title", "starts_at", "municipality_id", "minutes_published_at")
    )
    for pk, title, starts_at, municipality_id, published_at in meetings:
        if municipality_id not in slugs:
            continue
        found.append(
            {
                "topic": Topic.MINUTES,
                "pk": pk,
                "municipality_id": municipality_id,
                "published_at": published_at,
                "title": title,
                "meeting_day": timezone.localdate(starts_at).isoformat(),
                "path": reverse("councils:public-minutes", args=[slugs[municipality_id], pk]),
            }
        )
    return found


class PublicationKind(ReminderKind):
    """One mail per publication to each active subscriber of its municipality and topic who had confirmed
    before it was published (so a new subscriber is not sent last week's news)."""

    name = "publication"
    label = gettext_lazy("News to subscribers")
    digestible = False

    def plan(self, now, until, prefs):
        subscriptions = defaultdict(list)
        slugs = {}
        rows = Subscription.objects.filter(
            confirmed_at__isnull=False, unsubscribed_at__isnull=True, municipality__is_published=True
        ).values_list("pk", "municipality_id", "municipality__slug", "email", "token", "topics", "confirmed_at")
        for pk, municipality_id, slug, email, token, topics, confirmed_at in rows:
            subscriptions[municipality_id].append((pk, email, token, set(topics or []), confirmed_at))
            slugs[municipality_id] = slug
        if not subscriptions:
            return []
        planned = []
        for publication in _publications(now - PUBLICATION_WINDOW, until, slugs):
            published_at = publication["published_at"]
            context = {key: value for key, value in publication.items() if key not in ("pk", "published_at")}
            context["published_at"] = published_at.isoformat()
            for pk, email, token, topics, confirmed_at in subscriptions[publication["municipality_id"]]:
                if publication["topic"] not in topics or confirmed_at >= published_at:
                    continue
                planned.append(
                    Planned(
                        kind=self.name,
                        key=f"publication:{publication['topic']}:{publication['pk']}:{pk}",
                        recipient_email=email,
                        due_at=published_at,
                        send_after=published_at,
                        municipality_id=publication["municipality_id"],
                        object_id=pk,
                        context={**context, "token": token, "publication_id": publication["pk"]},
                    )
                )
        return planned

    def is_current(self, delivery, now):
        subscription = _subscription(delivery)
        return (
            subscription is not None
            and subscription.is_active
            and delivery.context.get("topic") in (subscription.topics or [])
        )

    def message(self, delivery):
        subscription = _subscription(delivery)
        municipality = subscription.municipality
        context = delivery.context
        values = {
            "municipality": municipality.name,
            "title": context.get("title", ""),
            "period": context.get("period", ""),
            "day": date_format(date.fromisoformat(context["meeting_day"]), "j F Y") if "meeting_day" in context else "",
            "link": portal_url(context["path"]),
            "manage": confirm_url(municipality.slug, subscription.token),
            "unsubscribe": unsubscribe_url(municipality.slug, subscription.token),
        }
        topic = context["topic"]
        if topic == Topic.FOLLOW_UPS and context.get("correction"):
            news = _("The follow-up of %(period)s of the citizen pledge “%(title)s” has been corrected.") % values
        elif topic == Topic.FOLLOW_UPS:
            news = _(
                "%(municipality)s and the police have published the follow-up of %(period)s of the citizen pledge "
                "“%(title)s”: what was promised and what has been done."
            )
            news %= values
        elif topic == Topic.PLANS:
            news = _("%(municipality)s has adopted a new action plan against crime and insecurity: “%(title)s”.")
            news %= values
        elif topic == Topic.PICTURES:
            news = _("%(municipality)s has adopted a new situation picture of crime and insecurity: “%(title)s”.")
            news %= values
        else:
            news = _("The minutes of the meeting “%(title)s” on %(day)s have been published.") % values
        subjects = {
            Topic.FOLLOW_UPS: _("%(municipality)s: follow-up of the citizen pledge, %(period)s"),
            Topic.PLANS: _("%(municipality)s: new action plan adopted"),
            Topic.PICTURES: _("%(municipality)s: new situation picture adopted"),
            Topic.MINUTES: _("%(municipality)s: minutes published"),
        }
        paragraphs = [
            _("Hello!"),
            news,
            _("Read it here:\n%(link)s") % values,
            "—",
            _("You get this e-mail because you subscribe to news about crime prevention in %(municipality)s.") % values,
            _("Change what you get e-mail about:\n%(manage)s") % values,
            _("Unsubscribe:\n%(unsubscribe)s") % values,
        ]
        return Message(
            subject=subjects[topic] % values,
            body="\n\n".join(paragraphs),
            headers={
                **unsubscribe_headers(values["unsubscribe"]),
                "List-Id": f"<{municipality.slug}.prenumeration.{settings.MAIL_MESSAGE_ID_DOMAIN}>",
            },
        )
