"""`make bench`, third part: the reminder engine at national scale.

On a throwaway PostgreSQL (unless DATABASE_URL is set) it builds 290 municipalities, each with a council of 30
members (some with portal logins, some with a term ending soon), a coordinator and a police liaison, 30
meetings a year (half past, half ahead, every member invited), an adopted lägesbild and action plan at
different ages of the statutory clock, overdue measures, and a published citizen pledge. Then, measured in
this process and said how:
- one reminder scan (`core.reminders.scan`): wall time and number of queries (goal: under 10 s, and the
  same number of queries as a scan of 29 municipalities, which is counted first);
- 10,000 meeting reminders recorded (twice: the second changes nothing) and sent by two sender processes at
  once to an SMTP server on loopback (aiosmtpd): mails received, distinct recipients and keys (goal: none
  twice), and the time taken.
Figures go to stdout and var/bench/reminders.json.
"""

import atexit
import json
import multiprocessing
import os
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench.run import configure_environment
from core import testservers

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "var" / "bench" / "reminders.json"
MUNICIPALITIES, MEMBERS, MEETINGS_A_YEAR = 290, 30, 30


def build(first: int, count: int) -> None:
    """Municipalities first..first+count-1 with everything the reminder kinds read; bulk inserts throughout."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from actionplans.models import ActionPlan, Measure, ProblemArea
    from councils.models import Council, Meeting, Membership, Municipality, PortalRole
    from pledges.models import CitizenPledge
    from situation.models import SituationPicture

    User = get_user_model()
    today = timezone.localdate()
    now = timezone.now()
    municipalities = Municipality.objects.bulk_create(
        [
            Municipality(name=f"Påminnelsby {n:03d}", slug=f"paminnelse-{n:03d}", kommunkod=f"{7000 + n}", county="06")
            for n in range(first, first + count)
        ]
    )
    councils = Council.objects.bulk_create([Council(name=f"BRÅ {m.name}") for m in municipalities])
    Council.municipalities.through.objects.bulk_create(
        [
            Council.municipalities.through(council_id=c.pk, municipality_id=m.pk)
            for c, m in zip(councils, municipalities, strict=True)
        ]
    )
    users = User.objects.bulk_create(
        [User(email=f"{role}@{m.slug}.bench") for m in municipalities for role in ("samordnare", "polis", "ledamot")]
    )
    roles = []
    for index, municipality in enumerate(municipalities):
        coordinator, police, member = users[3 * index : 3 * index + 3]
        roles += [
            PortalRole(user=coordinator, municipality=municipality, role="coordinator"),
            PortalRole(user=police, municipality=municipality, role="police"),
            PortalRole(user=member, municipality=municipality, role="member"),
        ]
    PortalRole.objects.bulk_create(roles)
    memberships = []
    for index, council in enumerate(councils):
        for k in range(MEMBERS):
            memberships.append(
                Membership(
                    council=council,
                    name=f"Ledamot {k}",
                    email=f"ledamot{k}@{municipalities[index].slug}.bench",
                    user=users[3 * index + 2] if k == 0 else None,
                    role="chair" if k == 1 else "other",
                    term_end=today + timedelta(days=30 + k) if k < 3 else None,
                    until_successor=k >= 3,
                )
            )
    memberships = Membership.objects.bulk_create(memberships, batch_size=5000)
    meetings = []
    for index, council in enumerate(councils):
        for k in range(MEETINGS_A_YEAR):
            starts = now + timedelta(days=12 * (k - MEETINGS_A_YEAR // 2) + 1, hours=index % 7)
            meetings.append(
                Meeting(
                    council=council,
                    municipality=municipalities[index],
                    title=f"Möte {k + 1}",
                    kind="council" if k % 7 == 0 else "est",
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=2),
                    location="Stadshuset",
                )
            )
    meetings = Meeting.objects.bulk_create(meetings, batch_size=5000)
    invitations = [
        Meeting.invitees.through(meeting_id=meeting.pk, membership_id=membership.pk)
        for index in range(count)
        for meeting in meetings[index * MEETINGS_A_YEAR : (index + 1) * MEETINGS_A_YEAR]
        for membership in memberships[index * MEMBERS : (index + 1) * MEMBERS]
    ]
    Meeting.invitees.through.objects.bulk_create(invitations, batch_size=10000)
    pictures = SituationPicture.objects.bulk_create(
        [
            SituationPicture(
                municipality=m,
                title="Lägesbild",
                period_start=date(2024, 1, 1),
                period_end=date(2024, 12, 31),
                status="adopted",
                adopted_at=today - timedelta(days=30 * (i % 26)),
                adopted_by_body="KS",
            )
            for i, m in enumerate(municipalities)
        ]
    )
    plans = ActionPlan.objects.bulk_create(
        [
            ActionPlan(
                municipality=m,
                title="Åtgärdsplan",
                situation_picture=pictures[i],
                period_start=date(2025, 1, 1),
                period_end=date(2026, 12, 31),
                status="adopted",
                body="kf",
                decision_date=today - timedelta(days=31 * (i % 25)),
            )
            for i, m in enumerate(municipalities)
        ]
    )
    areas = ProblemArea.objects.bulk_create([ProblemArea(plan=p, title="Otrygghet i centrum") for p in plans])
    Measure.objects.bulk_create(
        [
            Measure(
                problem_area=area,
                title=f"Åtgärd {k}",
                owner=users[3 * i + 2],
                end_date=today - timedelta(days=10) if k < 3 else today + timedelta(days=200),
            )
            for i, area in enumerate(areas)
            for k in range(6)
        ]
    )
    pledges = CitizenPledge.objects.bulk_create(
        [
            CitizenPledge(
                title="Tryggare centrum",
                police_area="LPO",
                start_date=today - timedelta(days=300),
                end_date=today + timedelta(days=60),
                status="published",
                published_at=now,
            )
            for _m in municipalities
        ]
    )
    CitizenPledge.municipalities.through.objects.bulk_create(
        [
            CitizenPledge.municipalities.through(citizenpledge_id=p.pk, municipality_id=m.pk)
            for p, m in zip(pledges, municipalities, strict=True)
        ]
    )


def scan_figures() -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core import reminders
    from core.models import Delivery

    def one_scan():
        Delivery.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            counts = reminders.scan()
            seconds = time.perf_counter() - started
        return len(queries), round(seconds, 2), counts

    build(1, MUNICIPALITIES // 10)
    small_queries, _small_s, _counts = one_scan()
    build(MUNICIPALITIES // 10 + 1, MUNICIPALITIES - MUNICIPALITIES // 10)
    queries, seconds, counts = one_scan()
    return {
        "municipalities": MUNICIPALITIES,
        "members_per_council": MEMBERS,
        "meetings_per_year": MEETINGS_A_YEAR,
        "scan_s": seconds,
        "queries": queries,
        "queries_with_29_municipalities": small_queries,
        "planned_by_kind": counts,
        "goal_s": 10,
        "meets_goal": seconds < 10 and queries == small_queries,
        "measured_by": "time.perf_counter around core.reminders.scan() in this process, queries counted with "
        "CaptureQueriesContext; the same scan first with 29 municipalities, then with 290",
    }


def _sender(_index: int) -> dict:
    import django
    from django.db import connections

    django.setup()
    connections.close_all()
    from core import reminders

    return reminders.send_due()


def send_figures(total: int = 10_000) -> dict:
    from django.db import connections
    from django.utils import timezone

    from core import reminders
    from core.models import Delivery
    from core.reminder_kinds import MeetingReminderKind
    from tests.mailserver import MailServer

    Delivery.objects.all().delete()
    now = timezone.now()
    planned = MeetingReminderKind().plan(now, now + timedelta(days=200), reminders.Preferences())
    planned = [p for p in planned if p.context["lead_days"] == 7][:total]
    reminders.record(planned)
    reminders.record(planned)  # a second scheduler: nothing new
    Delivery.objects.update(send_after=now - timedelta(minutes=1))
    recorded = Delivery.objects.count()

    from django.conf import settings

    server = MailServer().start()
    for name, value in server.settings().items():
        setattr(settings, name, value)
    connections.close_all()
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        results = pool.map(_sender, range(2))
    seconds = time.perf_counter() - started
    time.sleep(1)
    messages = server.messages
    server.stop()
    recipients_keys = [(m["To"], m["X-BRA-Reminder"]) for m in messages]
    return {
        "recorded": recorded,
        "mails_received": len(messages),
        "distinct_keys": len({key for _to, key in recipients_keys}),
        "sent_by_each_process": [r["sent"] for r in results],
        "send_s": round(seconds, 1),
        "none_twice": len(messages) == len(set(recipients_keys)) == recorded,
        "measured_by": "10,000 meeting reminders recorded twice, then two forked processes running "
        "core.reminders.send_due() at once against aiosmtpd on loopback; mails counted by the server",
    }


def main():
    media = tempfile.mkdtemp(prefix="bra-bench-media-")
    static = tempfile.mkdtemp(prefix="bra-bench-static-")
    atexit.register(testservers.stop_servers)
    sources = configure_environment(media, static)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    report = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "cores": len(os.sched_getaffinity(0)),
        "sources": sources,
        "scan": scan_figures(),
        "send": send_figures(),
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    scan, send = report["scan"], report["send"]
    print(f"\nReminder engine ({report['cores']} cores, {sources['database']})")
    print(
        f"  scan of {scan['municipalities']} municipalities × {scan['members_per_council']} members × "
        f"{scan['meetings_per_year']} meetings a year: {scan['scan_s']} s, {scan['queries']} queries "
        f"({scan['queries_with_29_municipalities']} with 29 municipalities; goal < 10 s, constant)"
    )
    print(f"  planned: {scan['planned_by_kind']}")
    print(
        f"  {send['recorded']:,} reminders, two senders at once: {send['mails_received']:,} mails, "
        f"{send['distinct_keys']:,} distinct, {send['send_s']} s; none twice: {send['none_twice']}"
    )
    print(f"  written to {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
