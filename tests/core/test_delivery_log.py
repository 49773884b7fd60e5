"""The delivery log (/hantera/<kommun>/utskick/): failures visible to the municipality's coordinator, with a retry."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import reminders
from core.models import Delivery

pytestmark = pytest.mark.django_db


def _delivery(municipality, n, **fields):
    moment = timezone.now() - timedelta(hours=n)
    values = {
        "key": f"test:{municipality.slug}:{n}",
        "kind": "meeting",
        "municipality": municipality,
        "recipient_email": f"mottagare{n}@example.se",
        "due_at": moment,
        "send_after": moment,
        "subject": f"Påminnelse {n}",
        "status": Delivery.Status.SENT,
        "attempts": 1,
    }
    return Delivery.objects.create(**{**values, **fields})


def _failed(municipality, n=0):
    return _delivery(
        municipality,
        n,
        status=Delivery.Status.FAILED,
        attempts=reminders.MAX_ATTEMPTS,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )


def _log_url(municipality, query=""):
    return reverse("councils:delivery-log", kwargs={"kommun": municipality.slug}) + query


def test_coordinator_sees_failed_deliveries_first_with_error_attempts_recipient_and_subject(client, tenant):
    _delivery(tenant.municipality, 1)
    failed = _failed(tenant.municipality, 2)
    client.force_login(tenant.coordinator)

    response = client.get(_log_url(tenant.municipality))

    assert response.status_code == 200
    assert response.context["failed"] == [failed] and response.context["failed_count"] == 1
    page = response.content.decode()
    alert = page[page.index('class="alert alert-danger"') : page.index("</section>")]
    for text in ("SMTPServerDisconnected", "mottagare2@example.se", "Påminnelse 2", str(reminders.MAX_ATTEMPTS)):
        assert text in alert
    assert reverse("councils:delivery-retry", kwargs={"kommun": tenant.municipality.slug, "pk": failed.pk}) in alert


def test_log_lists_newest_first_and_filters_by_status_and_kind(client, tenant):
    old = _delivery(tenant.municipality, 5)
    new = _delivery(tenant.municipality, 1)
    confirmation = _delivery(tenant.municipality, 3, kind="subscription_confirm")
    failed = _failed(tenant.municipality, 4)
    client.force_login(tenant.coordinator)

    assert list(client.get(_log_url(tenant.municipality)).context["deliveries"]) == [new, confirmation, failed, old]
    assert list(client.get(_log_url(tenant.municipality, "?status=failed")).context["deliveries"]) == [failed]
    by_kind = client.get(_log_url(tenant.municipality, "?kind=subscription_confirm")).context["deliveries"]
    assert list(by_kind) == [confirmation]


def test_log_shows_only_the_municipalitys_own_deliveries(client, tenant):
    own = _delivery(tenant.municipality, 1)
    _failed(tenant.other_municipality, 2)
    client.force_login(tenant.coordinator)
    response = client.get(_log_url(tenant.municipality))
    assert list(response.context["deliveries"]) == [own]
    assert response.context["failed_count"] == 0


@pytest.mark.parametrize("role", ["other_coordinator", "police", "member", "reporter"])
def test_only_the_coordinator_may_read_the_log(client, tenant, role):
    _failed(tenant.municipality)
    client.force_login(tenant.users[role])
    assert client.get(_log_url(tenant.municipality)).status_code == 403


def test_another_coordinator_cannot_retry_a_delivery_of_this_municipality(client, tenant):
    failed = _failed(tenant.municipality)
    client.force_login(tenant.users["other_coordinator"])
    own = {"kommun": tenant.other_municipality.slug, "pk": failed.pk}
    assert client.post(reverse("councils:delivery-retry", kwargs=own)).status_code == 404
    theirs = {"kommun": tenant.municipality.slug, "pk": failed.pk}
    assert client.post(reverse("councils:delivery-retry", kwargs=theirs)).status_code == 403
    failed.refresh_from_db()
    assert failed.status == Delivery.Status.FAILED


def test_try_again_queues_the_delivery_and_the_next_sending_delivers_it(
    client, tenant, django_capture_on_commit_callbacks
):
    failed = _failed(tenant.municipality)
    client.force_login(tenant.coordinator)
    url = reverse("councils:delivery-retry", kwargs={"kommun": tenant.municipality.slug, "pk": failed.pk})

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url)

    assert response.status_code == 302 and response["Location"] == _log_url(tenant.municipality)
    assert len(callbacks) == 1, "send_due_task is queued once the retry is committed"
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (Delivery.Status.RETRYING, 0)
    # What the queued task does: the row is due again. Its kind ("meeting") finds no such meeting now, so the
    # engine marks it obsolete instead of failing again: either way it leaves the list of failures.
    reminders.send_due()
    failed.refresh_from_db()
    assert failed.status != Delivery.Status.FAILED


def test_retry_of_a_subscription_confirmation_sends_the_mail(client, tenant):
    from core.models import Subscription

    subscription = Subscription.objects.create(municipality=tenant.municipality, email="ny@example.se")
    failed = _failed(tenant.municipality, 0)
    Delivery.objects.filter(pk=failed.pk).update(
        kind="subscription_confirm",
        object_id=subscription.pk,
        context={"token": subscription.token},
        recipient_email="ny@example.se",
    )
    client.force_login(tenant.coordinator)
    client.post(reverse("councils:delivery-retry", kwargs={"kommun": tenant.municipality.slug, "pk": failed.pk}))
    assert reminders.send_due()["sent"] == 1
    assert mail.outbox[0].to == ["ny@example.se"]
    failed.refresh_from_db()
    assert failed.status == Delivery.Status.SENT


def test_log_is_read_in_the_same_number_of_queries_with_few_or_many_rows(client, tenant):
    client.force_login(tenant.coordinator)
    for n in range(3):
        _delivery(tenant.municipality, n)
    _failed(tenant.municipality, 10)
    with CaptureQueriesContext(connection) as few:
        assert client.get(_log_url(tenant.municipality)).status_code == 200
    for n in range(20, 60):
        _delivery(tenant.municipality, n)
    for n in range(100, 125):
        _failed(tenant.municipality, n)
    with CaptureQueriesContext(connection) as many:
        response = client.get(_log_url(tenant.municipality))
    assert len(response.context["deliveries"]) == 50
    assert len(few) == len(many)


def test_dashboard_shows_the_coordinator_how_many_deliveries_failed(client, tenant):
    _failed(tenant.municipality, 1)
    _failed(tenant.municipality, 2)
    client.force_login(tenant.coordinator)
    page = client.get(tenant.municipality.get_staff_url()).content.decode()
    assert _log_url(tenant.municipality) in page
    assert _log_url(tenant.municipality, "?status=failed") in page
    assert 'class="badge text-bg-danger">2 ' in page

    client.force_login(tenant.users["member"])
    page = client.get(tenant.municipality.get_staff_url()).content.decode()
    assert _log_url(tenant.municipality) not in page
