"""Retention: each rule removes or anonymises exactly what is older than its period; the nightly task runs them all."""

import logging
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from bra_portal.celery import app
from core import retention
from core.data_rights import anonymised_name
from core.models import AccessLogEntry, Delivery, Subscription
from core.subscription_kinds import SubscriptionConfirmKind
from core.tasks import retention_task
from councils.models import Council, Membership, Organisation
from situation.categories import categories_for
from situation.models import Incident
from tests.factories import MembershipFactory, OrganisationFactory

NOW = timezone.now()
DAY = timedelta(days=1)


def rule(key) -> retention.RetentionRule:
    return next(rule for rule in retention.RULES if rule.key == key)


def purge(key) -> int:
    return rule(key).purge(now=NOW, period=rule(key).period)


def _delivery(key, *, age, status=Delivery.Status.SENT, kind="meeting", object_id=None):
    delivery = Delivery.objects.create(
        key=key, kind=kind, recipient_email=f"{key}@example.se", due_at=NOW, send_after=NOW, status=status,
        object_id=object_id,
    )  # fmt: skip
    Delivery.objects.filter(pk=delivery.pk).update(created_at=NOW - age)
    return delivery


def _remaining(model, field="pk"):
    return set(model.objects.values_list(field, flat=True))


@pytest.mark.django_db
def test_delivery_log_keeps_its_period_and_mail_not_yet_sent(settings):
    settings.DELIVERY_LOG_RETENTION_DAYS = 400
    _delivery("old", age=401 * DAY)
    _delivery("old-failed", age=401 * DAY, status=Delivery.Status.FAILED)
    _delivery("old-planned", age=401 * DAY, status=Delivery.Status.PLANNED)
    _delivery("young", age=399 * DAY)
    assert purge("delivery_log") == 2
    assert _remaining(Delivery, "key") == {"old-planned", "young"}


def _subscription(email, tenant, *, age, confirmed=False, cancelled_age=None):
    subscription = Subscription.objects.create(municipality=tenant.municipality, email=email, topics=["plans"])
    Subscription.objects.filter(pk=subscription.pk).update(
        created_at=NOW - age,
        confirmed_at=NOW - age if confirmed else None,
        unsubscribed_at=NOW - cancelled_age if cancelled_age is not None else None,
    )
    return subscription


@pytest.mark.django_db
def test_unconfirmed_subscriptions_go_once_their_last_confirmation_mail_is_older_than_the_period(tenant, settings):
    settings.UNCONFIRMED_SUBSCRIPTION_RETENTION_DAYS = 7
    _subscription("gammal@example.se", tenant, age=8 * DAY)
    asked_again = _subscription("igen@example.se", tenant, age=30 * DAY)
    _delivery("confirm-again", age=2 * DAY, kind=SubscriptionConfirmKind.name, object_id=asked_again.pk)
    _subscription("ny@example.se", tenant, age=6 * DAY)
    _subscription("bekraftad@example.se", tenant, age=100 * DAY, confirmed=True)
    assert purge("unconfirmed_subscriptions") == 1
    assert _remaining(Subscription, "email") == {"igen@example.se", "ny@example.se", "bekraftad@example.se"}


@pytest.mark.django_db
def test_cancelled_subscriptions_lose_their_address_after_the_period(tenant, settings):
    settings.CANCELLED_SUBSCRIPTION_RETENTION_DAYS = 30
    _subscription("slutade@example.se", tenant, age=90 * DAY, confirmed=True, cancelled_age=31 * DAY)
    _subscription("nyss@example.se", tenant, age=90 * DAY, confirmed=True, cancelled_age=29 * DAY)
    _subscription("aktiv@example.se", tenant, age=90 * DAY, confirmed=True)
    assert purge("cancelled_subscriptions") == 1
    assert _remaining(Subscription, "email") == {"nyss@example.se", "aktiv@example.se"}


@pytest.mark.django_db
def test_former_members_are_anonymised_after_the_period_with_the_history_of_removed_seats(tenant, settings):
    settings.FORMER_MEMBER_RETENTION_DAYS = 730
    today = timezone.localdate(NOW)

    def seat(name, **fields):
        return MembershipFactory(council=tenant.council, name=name, email=f"{name.lower()}@example.se", **fields)

    ended = seat("Avgången", term_start=today - 2000 * DAY, term_end=today - 731 * DAY, until_successor=False)
    recent = seat("Nyligen", term_start=today - 2000 * DAY, term_end=today - 729 * DAY, until_successor=False)
    sitting = seat("Sittande", term_start=today - 2000 * DAY, term_end=today - 900 * DAY, until_successor=True)
    removed_long_ago, removed_lately = seat("Borttagen").pk, seat("Färsk").pk
    for pk, age in ((removed_long_ago, 731 * DAY), (removed_lately, 729 * DAY)):
        Membership.objects.get(pk=pk).delete()
        Membership.history.filter(id=pk, history_type="-").update(history_date=NOW - age)

    assert purge("former_members") == 2

    names = dict(Membership.objects.values_list("pk", "name"))
    assert names[ended.pk] == anonymised_name()
    assert (names[recent.pk], names[sitting.pk]) == ("Nyligen", "Sittande")
    assert set(Membership.history.filter(id=ended.pk).values_list("name", "email")) == {(anonymised_name(), "")}
    assert set(Membership.history.filter(id=removed_long_ago).values_list("name", flat=True)) == {anonymised_name()}
    assert set(Membership.history.filter(id=removed_lately).values_list("name", flat=True)) == {"Färsk"}
    assert purge("former_members") == 0, "a second night finds nothing new"


def _age_history(model, pk, *ages):
    """Date the object's history records, oldest first, `ages` ago."""
    records = list(model.history.filter(id=pk).order_by("history_date", "history_id"))
    assert len(records) == len(ages)
    for record, age in zip(records, ages, strict=True):
        model.history.filter(history_id=record.history_id).update(history_date=NOW - age)


@pytest.mark.django_db
def test_history_keeps_the_latest_version_of_what_exists_and_nothing_older_than_the_period(tenant, settings):
    settings.HISTORY_RETENTION_DAYS = 3653
    period = 3653 * DAY
    changed = OrganisationFactory(municipality=tenant.municipality, name="Förr")
    changed.name = "Nu"
    changed.save()
    _age_history(Organisation, changed.pk, period + 2 * DAY, period + DAY)
    recent = OrganisationFactory(municipality=tenant.municipality, name="Ny")
    recent.name = "Nyare"
    recent.save()
    _age_history(Organisation, recent.pk, period - 2 * DAY, period - DAY)
    gone = OrganisationFactory(municipality=tenant.municipality, name="Nedlagd")
    gone_pk = gone.pk
    gone.delete()
    _age_history(Organisation, gone_pk, period + 2 * DAY, period + DAY)
    council = Council.objects.create(name="Gamla rådet")
    council.municipalities.set([tenant.municipality])  # a record with a many-to-many history row
    council.name = "Rådet"
    council.save()
    _age_history(Council, council.pk, period + 3 * DAY, period + 2 * DAY, period + DAY)
    m2m = Council.history.model._meta.related_objects[0].related_model
    m2m_before = m2m.objects.filter(history__id=council.pk).count()

    purge("history")

    assert list(Organisation.history.filter(id=changed.pk).values_list("name", flat=True)) == ["Nu"]
    assert sorted(Organisation.history.filter(id=recent.pk).values_list("name", flat=True)) == ["Ny", "Nyare"]
    assert not Organisation.history.filter(id=gone_pk).exists()
    assert list(Council.history.filter(id=council.pk).values_list("name", flat=True)) == ["Rådet"]
    assert m2m.objects.filter(history__id=council.pk).count() < m2m_before
    assert not m2m.objects.exclude(history_id__in=Council.history.values("history_id")).exists(), "no orphans"


@pytest.mark.django_db
def test_expired_sessions_are_removed_and_live_ones_kept():
    Session.objects.create(session_key="utgangen", session_data="", expire_date=NOW - timedelta(seconds=1))
    Session.objects.create(session_key="levande", session_data="", expire_date=NOW + timedelta(hours=1))
    assert purge("sessions") == 1
    assert "utgangen" not in _remaining(Session, "session_key")
    assert "levande" in _remaining(Session, "session_key")


@pytest.mark.django_db
def test_failed_sign_ins_are_removed_once_they_no_longer_count_towards_a_lockout(settings):
    from axes.models import AccessAttempt

    settings.LOGIN_LOCKOUT_MINUTES = 15

    def attempt(username, minutes_ago):
        made = AccessAttempt.objects.create(username=username, ip_address="192.0.2.7", failures_since_start=1)
        AccessAttempt.objects.filter(pk=made.pk).update(attempt_time=NOW - timedelta(minutes=minutes_ago))

    attempt("gammal@example.se", 16)
    attempt("farsk@example.se", 14)
    assert purge("failed_sign_ins") == 1
    assert _remaining(AccessAttempt, "username") == {"farsk@example.se"}


@pytest.mark.django_db
def test_incident_free_text_follows_each_municipalitys_own_period(tenant):
    tenant.municipality.incident_text_retention_months = 12
    tenant.municipality.save()
    category = categories_for(tenant.municipality).first()

    def incident(days_ago):
        return Incident.objects.create(
            municipality=tenant.municipality, category=category, tag="brott", description="Klotter på väggen",
            address="Storgatan 1", occurred_at=NOW - timedelta(days=days_ago),
        )  # fmt: skip

    old, young = incident(366), incident(364)
    assert purge("incident_texts") == 1
    old.refresh_from_db()
    young.refresh_from_db()
    assert (old.description, old.address) == ("", "") and old.anonymised_at is not None
    assert young.description == "Klotter på väggen"


@pytest.mark.django_db
def test_access_log_entries_are_removed_after_their_period(tenant, settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 1096
    now = timezone.now()
    for days in (1097, 1095):
        AccessLogEntry.objects.create(
            at=now - timedelta(days=days), municipality=tenant.municipality, action="read", what="incident",
            path=f"/{days}/",
        )  # fmt: skip
    assert rule("access_log").purge(now=now, period=rule("access_log").period) == 1
    assert list(AccessLogEntry.objects.values_list("path", flat=True)) == ["/1095/"]


def test_every_period_is_a_setting_and_the_registry_runs_nightly():
    for each in retention.RULES:
        assert each.period is not None or each.municipal_field, each.key
        assert each.setting == "" or hasattr(settings, each.setting), each.key
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "core.tasks.retention_task")
    assert entry["schedule"].hour == {3}
    assert "core.tasks.retention_task" in app.tasks


@pytest.mark.django_db
def test_one_failing_rule_does_not_stop_the_others(monkeypatch, caplog):
    def broken(*, now, period):
        raise RuntimeError("trasig")

    _delivery("old", age=10_000 * DAY)
    broken_rule = retention.RetentionRule("broken", "x", "y", broken, "DELIVERY_LOG_RETENTION_DAYS")
    monkeypatch.setattr(retention, "RULES", (broken_rule, rule("delivery_log")))
    with caplog.at_level(logging.ERROR, logger="core.retention"):
        counts = retention.run_all(now=NOW)
    assert counts == {"delivery_log": 1}
    assert "Retention rule broken failed" in caplog.text


def test_the_nightly_task_on_a_real_worker_runs_every_rule(celery_worker, tenant, caplog):
    _delivery("old", age=10_000 * DAY)
    _subscription("gammal@example.se", tenant, age=100 * DAY)
    with caplog.at_level(logging.INFO, logger="core.tasks"):
        retention_task.delay()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and "retention:" not in caplog.text:
            time.sleep(0.05)
    assert not Delivery.objects.exists() and not Subscription.objects.exists()
    line = next(record.getMessage() for record in caplog.records if record.getMessage().startswith("retention:"))
    assert all(f"{each.key} " in line for each in retention.RULES), line
