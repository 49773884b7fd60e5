"""The reminder engine on real components: a Celery worker on the test Redis, a real SMTP server on loopback
(aiosmtpd), two schedulers at once, and a worker killed mid-batch and restarted."""

import os
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection, connections
from django.utils import timezone

from core import reminders
from core.models import Delivery
from core.tasks import reminders_task, send_due_task
from councils.models import Meeting
from tests.factories import CouncilFactory, MembershipFactory, MunicipalityFactory
from tests.mailserver import MailServer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def smtp(settings):
    server = MailServer().start()
    for name, value in server.settings().items():
        setattr(settings, name, value)
    yield server
    server.stop()


def meeting_with_members(count: int, title="Rådsmöte om trygghet i Åby"):
    municipality = MunicipalityFactory(name="Åbyköping")
    council = CouncilFactory(municipalities=[municipality])
    members = [MembershipFactory(council=council, email=f"ledamot{n}@example.se") for n in range(count)]
    # The 7-day reminder became due an hour ago.
    starts = timezone.now() + timedelta(days=7, hours=-1)
    meeting = Meeting.objects.create(
        council=council,
        municipality=municipality,
        title=title,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        location="Medborgarhuset, Älvsalen",
    )
    meeting.invitees.set(members)
    return meeting, members


def test_a_real_worker_sends_reminders_over_smtp_with_swedish_intact(celery_worker, smtp):
    _meeting, members = meeting_with_members(3)
    reminders_task.delay()
    messages = smtp.wait_for(3)
    assert sorted(m["To"] for m in messages) == sorted(m.email for m in members)
    message = messages[0]
    assert message["Subject"].strip().startswith("Påminnelse: Rådsmöte om trygghet i Åby")
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Du är kallad till Rådsmöte om trygghet i Åby." in text
    assert "Var: Medborgarhuset, Älvsalen" in text
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert "SUMMARY:Rådsmöte om trygghet i Åby" in attachment.get_content()
    assert message["Message-ID"].endswith("@bra-portalen.example>")


def test_two_schedulers_at_once_send_one_mail_per_recipient(transactional_db, smtp):
    _meeting, members = meeting_with_members(20)
    barrier = threading.Barrier(2)
    errors = []

    def scheduler():
        try:
            barrier.wait()
            reminders.scan()
            reminders.send_due()
        except Exception as exc:  # reported below; a thread's exception would otherwise vanish
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    time.sleep(0.5)
    recipients = [m["To"] for m in smtp.messages]
    assert len(recipients) == 20
    assert sorted(set(recipients)) == sorted(m.email for m in members)
    assert Delivery.objects.filter(status="sent").count() == 20


def _worker_env(smtp_port: int) -> dict:
    settings = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        DEBUG="false",
        PYTHONPATH=str(ROOT),
    )
    return env


def _start_worker(queue: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "bra_portal", "worker", "--pool=solo", "-Q", queue, "-l", "WARNING"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_a_worker_killed_mid_batch_and_restarted_delivers_exactly_once(transactional_db, settings):
    count = 30
    server = MailServer(mail_delay=0.15).start()  # about 0.15 s a mail: the batch takes several seconds
    try:
        meeting_with_members(count)
        reminders.scan()
        assert Delivery.objects.filter(status="planned").count() == count
        queue = f"test-{uuid.uuid4().hex[:8]}"
        env = _worker_env(server.port)

        worker = _start_worker(queue, env)
        send_due_task.apply_async(queue=queue)
        server.wait_for(8, timeout=60)
        worker.kill()  # SIGKILL: no clean shutdown, the open transaction dies with the connection
        worker.wait(10)
        delivered_before_restart = len(server.messages)
        assert delivered_before_restart < count
        assert Delivery.objects.filter(status="sent").count() <= delivered_before_restart

        worker = _start_worker(queue, env)
        try:
            send_due_task.apply_async(queue=queue)  # what the beat schedule does every five minutes
            server.wait_for(count, timeout=90)
            time.sleep(1)
        finally:
            worker.terminate()
            worker.wait(20)
        recipients = [m["To"] for m in server.messages]
        assert len(recipients) == count, "a mail was sent twice or lost"
        assert len(set(recipients)) == count
        assert Delivery.objects.filter(status="sent").count() == count
    finally:
        server.stop()
