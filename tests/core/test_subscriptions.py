"""Residents' e-mail subscriptions: double opt-in, no enumeration, throttle, one-click unsubscribe (RFC 8058),
and publication mails planned by the reminder engine only for those who had confirmed."""

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core import reminders
from core.models import Delivery, Subscription
from core.subscription_kinds import PublicationKind
from core.subscriptions import subscription_request

pytestmark = pytest.mark.django_db

EMAIL = "invanare@example.se"


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    """The per-connection limit counts in the cache; every test starts from zero."""
    cache.clear()


def _subscribe(client, tenant, email=EMAIL, topics=("follow_ups", "pictures")):
    url = reverse("councils:subscribe", kwargs={"kommun": tenant.municipality.slug})
    return client.post(url, {"email": email, "topics": list(topics)})


def _link(message, kind: str) -> str:
    match = re.search(rf"https?://\S+/prenumerera/{kind}/[\w-]+/", message.body)
    assert match, message.body
    return match.group(0)


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _active(tenant, email, *, confirmed_at, topics=("pictures",)):
    return Subscription.objects.create(
        municipality=tenant.municipality, email=email, topics=list(topics), confirmed_at=confirmed_at
    )


def test_double_opt_in_from_the_form_to_a_confirmed_subscription(client, tenant):
    response = _subscribe(client, tenant)
    assert response.status_code == 302
    assert response["Location"] == reverse("councils:subscribe-sent", kwargs={"kommun": tenant.municipality.slug})
    subscription = Subscription.objects.get(email=EMAIL)
    assert subscription.confirmed_at is None and subscription.topics == ["follow_ups", "pictures"]

    assert reminders.send_due()["sent"] == 1
    (message,) = mail.outbox
    assert message.to == [EMAIL]
    assert "Testköping" in message.subject
    confirm = _path(_link(message, "bekrafta"))

    # Following the link (as a mail scanner would) shows a button but confirms nothing.
    page = client.get(confirm)
    assert page.status_code == 200 and EMAIL in page.content.decode()
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None

    assert client.post(confirm, {"topics": ["follow_ups", "pictures"]}).status_code == 302
    subscription.refresh_from_db()
    assert subscription.is_active


def test_subscribe_form_keeps_the_input_and_explains_an_invalid_address_in_swedish(client, tenant):
    response = _subscribe(client, tenant, email="inte-en-adress")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="inte-en-adress"' in page
    assert "Ange en giltig mejladress." in page
    assert re.search(r'value="follow_ups"\s+id="id_topics_0" checked', page)
    assert not re.search(r'value="plans"\s+id="id_topics_1" checked', page)
    assert not Subscription.objects.exists()


def test_subscribe_form_page_is_never_cached_and_carries_a_csrf_token(client, tenant):
    url = reverse("councils:subscribe", kwargs={"kommun": tenant.municipality.slug})
    first, second = client.get(url), client.get(url)
    for response in (first, second):
        assert "csrfmiddlewaretoken" in response.content.decode()
        assert "no-store" in response["Cache-Control"]
    enforcing = Client(enforce_csrf_checks=True)
    page = enforcing.get(url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = enforcing.post(url, {"email": EMAIL, "topics": ["plans"], "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_the_public_municipality_page_links_to_the_subscription_form(client, tenant):
    page = client.get(tenant.municipality.get_absolute_url()).content.decode()
    assert reverse("councils:subscribe", kwargs={"kommun": tenant.municipality.slug}) in page


def test_answer_is_the_same_for_a_known_address_and_topics_are_not_changed_without_the_mailbox(client, tenant):
    subscription = _active(tenant, EMAIL, confirmed_at=timezone.now() - timedelta(days=3), topics=["plans"])
    known = _subscribe(client, tenant, email=EMAIL, topics=["minutes"])
    unknown = _subscribe(client, tenant, email="ny@example.se", topics=["minutes"])
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])

    subscription.refresh_from_db()
    assert subscription.topics == ["plans"] and subscription.is_active
    reminders.send_due()
    to_known = next(m for m in mail.outbox if m.to == [EMAIL])
    # The owner of the mailbox learns the state, and gets the page where the topics can be changed.
    assert _link(to_known, "bekrafta") and _link(to_known, "avsluta")


def test_at_most_one_confirmation_mail_per_address_in_ten_minutes(client, tenant):
    for _ in range(3):
        assert _subscribe(client, tenant).status_code == 302
    _subscribe(client, tenant, email=EMAIL.upper())
    assert Delivery.objects.filter(kind="subscription_confirm").count() == 1
    reminders.send_due()
    assert len(mail.outbox) == 1

    assert Subscription.objects.get().email == EMAIL
    later = timezone.now() + timedelta(minutes=11)
    assert subscription_request(municipality=tenant.municipality, email=EMAIL, topics=["plans"], now=later)
    assert Delivery.objects.filter(kind="subscription_confirm").count() == 2


def test_one_connection_cannot_send_more_than_the_hourly_number_of_requests(client, tenant, monkeypatch):
    from councils import subscription_views

    monkeypatch.setattr(subscription_views, "REQUESTS_PER_HOUR", 2)
    assert _subscribe(client, tenant, email="ett@example.se").status_code == 302
    assert _subscribe(client, tenant, email="tva@example.se").status_code == 302
    refused = _subscribe(client, tenant, email="tre@example.se")
    assert refused.status_code == 429
    assert 'value="tre@example.se"' in refused.content.decode()
    assert not Subscription.objects.filter(email="tre@example.se").exists()


def test_behind_the_proxy_the_limit_counts_each_resident_not_the_proxy(client, tenant, monkeypatch, settings):
    from councils import subscription_views

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    monkeypatch.setattr(subscription_views, "REQUESTS_PER_HOUR", 1)
    url = reverse("councils:subscribe", kwargs={"kommun": tenant.municipality.slug})
    for n, forwarded in enumerate(["10.0.0.1", "6.6.6.6, 10.0.0.2"]):
        response = client.post(url, {"email": f"person{n}@example.se", "topics": ["plans"]}, REMOTE_ADDR="127.0.0.9",
                               HTTP_X_FORWARDED_FOR=forwarded)  # fmt: skip
        assert response.status_code == 302, forwarded
    again = client.post(url, {"email": "x@example.se", "topics": ["plans"]}, HTTP_X_FORWARDED_FOR="10.0.0.1")
    assert again.status_code == 429


def test_unknown_confirmation_token_gets_a_404_page(client, tenant):
    url = reverse("councils:subscribe-confirm", kwargs={"kommun": tenant.municipality.slug, "token": "fel-token"})
    assert client.get(url).status_code == 404
    assert client.post(url, {"topics": ["plans"]}).status_code == 404


def _adopted_picture(tenant):
    from tests.actionplans.conftest import adopted_picture

    return adopted_picture(tenant.municipality)


def test_publication_mail_goes_only_to_those_who_confirmed_before_it_was_published(tenant):
    before = timezone.now() - timedelta(days=1)
    confirmed = _active(tenant, "bekraftad@example.se", confirmed_at=before)
    _active(tenant, "obekraftad@example.se", confirmed_at=None)
    _active(tenant, "annat-amne@example.se", confirmed_at=before, topics=["minutes"])
    cancelled = _active(tenant, "avslutad@example.se", confirmed_at=before)
    cancelled.unsubscribed_at = before
    cancelled.save()
    picture = _adopted_picture(tenant)
    _active(tenant, "sen@example.se", confirmed_at=timezone.now() + timedelta(seconds=1))

    now = timezone.now()
    planned = PublicationKind().plan(now, now + reminders.HORIZON, reminders.Preferences())

    assert [(p.recipient_email, p.key) for p in planned] == [
        ("bekraftad@example.se", f"publication:pictures:{picture.pk}:{confirmed.pk}")
    ]
    assert planned[0].municipality_id == tenant.municipality.pk


def test_exactly_one_mail_per_subscriber_and_publication_when_the_engine_runs_twice(tenant):
    before = timezone.now() - timedelta(days=1)
    addresses = ["en@example.se", "tva@example.se"]
    for address in addresses:
        _active(tenant, address, confirmed_at=before)
    _adopted_picture(tenant)

    for _ in range(2):
        reminders.scan()
        reminders.send_due()

    to_subscribers = [m for m in mail.outbox if m.to[0] in addresses]
    assert sorted(m.to[0] for m in to_subscribers) == addresses
    message = to_subscribers[0]
    assert "/testkoping/lagesbild/" in message.body
    unsubscribe = _link(message, "avsluta")
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    mime = message.message()
    assert mime["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert mime["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_one_click_unsubscribe_post_without_csrf_token_unsubscribes_at_once(tenant):
    subscription = _active(tenant, EMAIL, confirmed_at=timezone.now() - timedelta(days=1))
    url = reverse("councils:unsubscribe", kwargs={"kommun": tenant.municipality.slug, "token": subscription.token})
    mail_client = Client(enforce_csrf_checks=True)

    page = mail_client.get(url)
    assert page.status_code == 200
    subscription.refresh_from_db()
    assert subscription.is_active, "opening the link must not unsubscribe (mail scanners open links)"

    response = mail_client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None
    assert mail_client.post(url).status_code == 200, "a second one-click POST is harmless"


def test_mail_planned_before_unsubscribing_is_not_sent(tenant, client):
    subscription = _active(tenant, EMAIL, confirmed_at=timezone.now() - timedelta(days=1))
    _adopted_picture(tenant)
    now = timezone.now()
    reminders.record(PublicationKind().plan(now, now + reminders.HORIZON, reminders.Preferences()))
    assert Delivery.objects.filter(kind="publication", status="planned").count() == 1

    url = reverse("councils:unsubscribe", kwargs={"kommun": tenant.municipality.slug, "token": subscription.token})
    client.post(url)
    reminders.send_due()

    assert not [m for m in mail.outbox if m.to == [EMAIL]]
    assert Delivery.objects.get(kind="publication").status == "obsolete"


def test_resubscribing_after_unsubscribing_needs_a_new_confirmation_and_kills_the_old_links(client, tenant):
    subscription = _active(tenant, EMAIL, confirmed_at=timezone.now() - timedelta(days=10))
    old_token = subscription.token
    client.post(reverse("councils:unsubscribe", kwargs={"kommun": tenant.municipality.slug, "token": old_token}))

    _subscribe(client, tenant, topics=["plans"])

    subscription.refresh_from_db()
    assert subscription.token != old_token and subscription.confirmed_at is None
    assert subscription.unsubscribed_at is None and subscription.topics == ["plans"]
    old_confirm = reverse("councils:subscribe-confirm", kwargs={"kommun": tenant.municipality.slug, "token": old_token})
    assert client.post(old_confirm, {"topics": ["plans"]}).status_code == 404


def test_confirmed_subscriber_changes_topics_on_the_page_from_the_mail(client, tenant):
    confirmed_at = timezone.now() - timedelta(days=5)
    subscription = _active(tenant, EMAIL, confirmed_at=confirmed_at, topics=["plans"])
    url = reverse(
        "councils:subscribe-confirm", kwargs={"kommun": tenant.municipality.slug, "token": subscription.token}
    )

    response = client.post(url, {"topics": []})
    assert response.status_code == 200 and response.context["form"].has_error("topics", "required")

    client.post(url, {"topics": ["minutes", "plans"]})
    subscription.refresh_from_db()
    assert subscription.topics == ["plans", "minutes"]
    assert subscription.confirmed_at == confirmed_at, "changing topics is not a new confirmation"


def _publish_everything(tenant):
    """One publication of each topic: a follow-up, an adopted plan, an adopted situation picture, minutes."""
    from actionplans.services import plan_adopt
    from councils.models import Meeting
    from pledges import services
    from pledges.models import Activity, CitizenPledge, FocusArea
    from tests.actionplans.conftest import started_plan

    by = tenant.coordinator
    pledge = CitizenPledge.objects.create(
        title="Tryggare centrum", police_area="LPO Test", start_date=date(2025, 1, 1), end_date=date(2025, 12, 31)
    )
    pledge.municipalities.set([tenant.municipality])
    for n in (1, 2):
        area = FocusArea.objects.create(pledge=pledge, title=f"Fokus {n}", order=n)
        Activity.objects.create(focus_area=area, description="Trygghetsvandring", responsible="both")
    services.pledge_publish(pledge=pledge, by=by)
    follow_up = pledge.follow_ups.get(year=2025, tertial=1)
    for row in follow_up.rows.all():
        services.row_save(row_id=row.pk, by=by, status="ongoing", achieved=None, narrative="Pågår.", version=0)
    services.follow_up_approve(follow_up=follow_up, by=by)
    plan = plan_adopt(plan=started_plan(tenant), by=by, body="ks", decision_date=timezone.localdate())
    now = timezone.now()
    meeting = Meeting.objects.create(
        council=tenant.council, municipality=tenant.municipality, title="Rådsmöte", starts_at=now - timedelta(days=7),
        ends_at=now - timedelta(days=7) + timedelta(hours=2), minutes_status="approved", minutes_published_at=now,
    )  # fmt: skip
    return pledge, plan, meeting


def test_every_topic_is_announced_with_a_link_to_its_public_page(tenant):
    subscription = _active(
        tenant, EMAIL, confirmed_at=timezone.now() - timedelta(days=1), topics=Subscription.Topic.values
    )
    pledge, _plan, meeting = _publish_everything(tenant)

    reminders.scan()
    reminders.send_due()

    bodies = [m.body for m in mail.outbox if m.to == [EMAIL]]
    assert len(bodies) == 4
    for path in (
        f"/testkoping/medborgarloften/{pledge.pk}/uppfoljning/2025-t1/",
        "/testkoping/atgardsplan/",
        "/testkoping/lagesbild/",
        f"/testkoping/protokoll/{meeting.pk}/",
    ):
        assert sum(path in body for body in bodies) == 1, path
    topics = {d.context["topic"] for d in Delivery.objects.filter(kind="publication", object_id=subscription.pk)}
    assert topics == set(Subscription.Topic.values)


def test_publications_are_planned_in_the_same_number_of_queries_for_one_or_many(tenant):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _active(tenant, EMAIL, confirmed_at=timezone.now() - timedelta(days=1), topics=Subscription.Topic.values)
    _publish_everything(tenant)
    kind = PublicationKind()

    def planned_with_queries():
        now = timezone.now()
        with CaptureQueriesContext(connection) as queries:
            planned = kind.plan(now, now + reminders.HORIZON, reminders.Preferences())
        return len(planned), len(queries)

    few = planned_with_queries()
    for n in range(5):
        _active(tenant, f"fler{n}@example.se", confirmed_at=timezone.now() - timedelta(days=1), topics=["pictures"])
    _adopted_picture(tenant)
    many = planned_with_queries()
    assert many[0] > few[0]
    assert many[1] == few[1]
