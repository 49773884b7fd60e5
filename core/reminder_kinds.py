"""Every kind of reminder the engine (core/reminders.py) knows, in one place.

Each kind's `plan` reads what it needs in a fixed number of queries whatever the number of municipalities,
meetings or members, and returns one `Planned` per recipient and due moment. Staged reminders (7 and 1 days
before a meeting; 6, 3 and 1 months before an expiry) plan only the latest stage reached, so a portal that
starts late sends one reminder, not a burst. At sending time `is_current` checks the object again: a meeting
moved, a document adopted or a follow-up published turns the reminder obsolete instead of sending it.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.links import portal_url
from core.periods import FOLLOW_UP_DUE_DAYS, Tertial, add_months, tertials_between
from core.reminders import Message, Planned, ReminderKind
from core.subscription_kinds import PublicationKind, SubscriptionConfirmKind
from core.validators import parse_lead_days

MORNING = time(8, 0)
# A same-day meeting reminder ("0 days before") goes this long before the start.
SAME_DAY_LEAD = timedelta(hours=2)
# Old meetings and tertials are not reminded of any more.
LOOKBACK = timedelta(days=120)


def local_morning(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, MORNING))


def compact(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%MZ")


def when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "l j F Y \\k\\l. H:i")


def day_text(day: date) -> str:
    return date_format(day, "j F Y")


def current_stage(stages: list[tuple[str, datetime]], now: datetime, until: datetime):
    """The stages (name, send_after), earliest first, to plan: every future one up to `until`, and of the
    ones already passed only the latest."""
    passed = [s for s in stages if s[1] <= now]
    latest_passed = passed[-1] if passed else None
    return [s for s in stages if s[1] <= until and (s[1] > now or s == latest_passed)]


def still_latest(stages: list[tuple[str, datetime]], stage: str, now: datetime) -> bool:
    """True while no later stage than `stage` has been reached."""
    names = [name for name, _at in stages]
    if stage not in names:
        return False
    later = stages[names.index(stage) + 1 :]
    return not any(at <= now for _name, at in later)


# ---- Recipients, each read in one query ----------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    email: str
    user_id: int | None = None


def portal_staff(roles) -> dict[int, list[Recipient]]:
    """Users with one of `roles` per municipality id."""
    from councils.models import PortalRole

    result = defaultdict(list)
    rows = PortalRole.objects.filter(role__in=roles, user__is_active=True).values_list(
        "municipality_id", "user_id", "user__email"
    )
    for municipality_id, user_id, email in rows:
        result[municipality_id].append(Recipient(email, user_id))
    return result


def council_chairs(today: date) -> dict[int, list[Recipient]]:
    """The current chairs of each municipality's councils (escalation of an overdue statutory document)."""
    from councils.models import Membership

    result = defaultdict(list)
    rows = (
        Membership.objects.current(today)
        .filter(role=Membership.Role.CHAIR, council__is_active=True)
        .values_list("council__municipalities", "user_id", "user__email", "email")
    )
    for municipality_id, user_id, user_email, email in rows:
        address = user_email or email
        if address and Recipient(address, user_id) not in result[municipality_id]:
            result[municipality_id].append(Recipient(address, user_id))
    return result


def coordinators():
    from councils.models import PortalRole

    return portal_staff([PortalRole.Role.COORDINATOR])


def coordinators_and_police():
    from councils.models import PortalRole

    return portal_staff([PortalRole.Role.COORDINATOR, PortalRole.Role.POLICE])


def staff_link(municipality_slug: str) -> str:
    return portal_url(reverse("councils:staff-municipality", args=[municipality_slug]))


# ---- Meetings ---------------------------------------------------------------------------------------------


class MeetingReminderKind(ReminderKind):
    """Reminders to each invitee before a meeting, at the municipality's lead times or the member's own."""

    name = "meeting"

    @staticmethod
    def send_after(starts_at: datetime, days: int) -> datetime:
        return starts_at - SAME_DAY_LEAD if days == 0 else starts_at - timedelta(days=days)

    def plan(self, now, until, prefs):
        from councils.models import Meeting

        invitations = Meeting.invitees.through.objects.filter(
            meeting__status=Meeting.Status.SCHEDULED,
            meeting__starts_at__gt=now,
            meeting__starts_at__lte=until + timedelta(days=91),
        ).values_list(
            "meeting_id",
            "meeting__starts_at",
            "meeting__municipality_id",
            "meeting__municipality__meeting_reminder_days",
            "membership__user_id",
            "membership__user__email",
            "membership__email",
        )
        planned = []
        seen = set()
        for meeting_id, starts_at, municipality_id, default_days, user_id, user_email, email in invitations:
            address = user_email or email
            if not address or (meeting_id, address) in seen:
                continue
            seen.add((meeting_id, address))
            try:
                days = parse_lead_days(prefs.meeting_days(user_id) or default_days)
            except ValueError:
                days = parse_lead_days("7,1")
            stages = [(str(d), self.send_after(starts_at, d)) for d in days]  # largest lead first = earliest
            wanted = current_stage(stages, now, until)
            for index, (lead, send_after) in enumerate(stages):
                if (lead, send_after) not in wanted:
                    continue
                next_at = stages[index + 1][1] if index + 1 < len(stages) else None
                planned.append(
                    Planned(
                        kind=self.name,
                        key=f"meeting:{meeting_id}:{compact(starts_at)}:{lead}d:{address}",
                        recipient_email=address,
                        user_id=user_id,
                        municipality_id=municipality_id,
                        object_id=meeting_id,
                        due_at=starts_at,
                        send_after=send_after,
                        context={
                            "starts_at": starts_at.isoformat(),
                            "lead_days": int(lead),
                            "next_stage_at": next_at.isoformat() if next_at else None,
                        },
                    )
                )
        return planned

    def is_current(self, delivery, now):
        from councils.models import Meeting

        meeting = Meeting.objects.filter(pk=delivery.object_id).first()
        if meeting is None or meeting.is_cancelled or meeting.starts_at <= now:
            return False
        if meeting.starts_at.isoformat() != delivery.context.get("starts_at"):
            return False
        next_at = delivery.context.get("next_stage_at")
        return next_at is None or datetime.fromisoformat(next_at) > now

    def message(self, delivery):
        from councils.calendars import meeting_ics
        from councils.models import Meeting

        meeting = Meeting.objects.select_related("municipality", "council").get(pk=delivery.object_id)
        items = [item.title for item in meeting.agenda_items.filter(parent__isnull=True)]
        lines = [
            _("You are invited to %(title)s.") % {"title": meeting.title},
            "",
            _("When: %(when)s") % {"when": when(meeting.starts_at)},
        ]
        if meeting.location:
            lines.append(_("Where: %(place)s") % {"place": meeting.location})
        if meeting.video_url:
            lines.append(_("Video link: %(url)s") % {"url": meeting.video_url})
        if items:
            lines += ["", _("Agenda:")] + [f"{n}. {title}" for n, title in enumerate(items, 1)]
        lines += ["", _("The meeting in the portal: %(url)s") % {"url": portal_url(meeting.get_absolute_url())}]
        lines += ["", _("The attached calendar file adds the meeting to your calendar.")]
        return Message(
            subject=_("Reminder: %(title)s, %(when)s") % {"title": meeting.title, "when": when(meeting.starts_at)},
            body="\n".join(lines),
            attachments=[("mote.ics", meeting_ics(meeting), "text/calendar; method=PUBLISH; charset=utf-8")],
        )


class MinutesOverdueKind(ReminderKind):
    """The minutes of a held meeting are not approved within the municipality's period."""

    name = "minutes_overdue"

    def plan(self, now, until, prefs):
        from councils.models import Meeting

        meetings = Meeting.objects.filter(
            status=Meeting.Status.SCHEDULED, ends_at__lte=now, ends_at__gte=now - LOOKBACK
        ).exclude(minutes_status=Meeting.MinutesStatus.APPROVED)
        rows = meetings.values_list("id", "municipality_id", "ends_at", "municipality__minutes_due_days")
        recipients = coordinators()
        planned = []
        for meeting_id, municipality_id, ends_at, due_days in rows:
            due = local_morning(timezone.localdate(ends_at) + timedelta(days=due_days))
            if due > until:
                continue
            planned += self.to_each(
                recipients.get(municipality_id, []),
                f"minutes_overdue:{meeting_id}:{compact(due)}",
                municipality_id=municipality_id,
                object_id=meeting_id,
                due_at=due,
                send_after=due,
                context={"ends_at": ends_at.isoformat()},
            )
        return planned

    def is_current(self, delivery, now):
        from councils.models import Meeting

        meeting = Meeting.objects.filter(pk=delivery.object_id).first()
        return (
            meeting is not None
            and not meeting.is_cancelled
            and not meeting.minutes_approved
            and meeting.ends_at.isoformat() == delivery.context.get("ends_at")
        )

    def message(self, delivery):
        from councils.models import Meeting

        meeting = Meeting.objects.get(pk=delivery.object_id)
        return Message(
            subject=_("Minutes not approved: %(title)s") % {"title": meeting.title},
            body="\n".join(
                [
                    _("The minutes of %(title)s, held %(when)s, are not yet approved.")
                    % {"title": meeting.title, "when": when(meeting.starts_at)},
                    "",
                    _("Write and approve them here: %(url)s") % {"url": portal_url(meeting.get_absolute_url())},
                ]
            ),
        )


# ---- Citizen pledges --------------------------------------------------------------------------------------


def pledge_staff_url(slug: str, pk: int) -> str:
    return portal_url(reverse("pledges:staff-detail", kwargs={"kommun": slug, "pk": pk}))


def published_pledges(today: date, ending_within: timedelta | None = None):
    """(pledge, [municipality ids]) of the published pledges still running or ended within LOOKBACK."""
    from pledges.models import CitizenPledge

    pledges = CitizenPledge.objects.filter(
        status=CitizenPledge.Status.PUBLISHED, start_date__lte=today, end_date__gte=today - LOOKBACK
    )
    if ending_within is not None:
        pledges = pledges.filter(end_date__gte=today, end_date__lte=today + ending_within)
    pledges = list(pledges.only("id", "title", "start_date", "end_date"))
    links = defaultdict(list)
    for pledge_id, municipality_id, slug in CitizenPledge.municipalities.through.objects.filter(
        citizenpledge_id__in=[p.pk for p in pledges]
    ).values_list("citizenpledge_id", "municipality_id", "municipality__slug"):
        links[pledge_id].append((municipality_id, slug))
    return [(pledge, links[pledge.pk]) for pledge in pledges]


class FollowUpDueKind(ReminderKind):
    """A tertial has ended: its follow-up is due FOLLOW_UP_DUE_DAYS later; then overdue."""

    name = "follow_up_due"

    @staticmethod
    def stages(tertial: Tertial):
        due = tertial.end + timedelta(days=FOLLOW_UP_DUE_DAYS)
        return [("due", local_morning(tertial.end + timedelta(days=1))), ("overdue", local_morning(due))]

    def plan(self, now, until, prefs):
        from pledges.models import FollowUp

        today = timezone.localdate(now)
        pledges = published_pledges(today)
        published = set(
            FollowUp.objects.filter(
                pledge_id__in=[p.pk for p, _m in pledges], status=FollowUp.Status.PUBLISHED
            ).values_list("pledge_id", "year", "tertial")
        )
        recipients = coordinators_and_police()
        planned = []
        for pledge, municipalities in pledges:
            last_day = min(pledge.end_date, today)
            for tertial in tertials_between(pledge.start_date, last_day):
                if tertial.end >= today or tertial.end < today - LOOKBACK:
                    continue
                if (pledge.pk, tertial.year, tertial.n) in published:
                    continue
                stages = self.stages(tertial)
                for stage, send_after in current_stage(stages, now, until):
                    for municipality_id, slug in municipalities:
                        planned += self.to_each(
                            recipients.get(municipality_id, []),
                            f"follow_up_due:{pledge.pk}:{tertial.slug}:{stage}",
                            municipality_id=municipality_id,
                            object_id=pledge.pk,
                            due_at=stages[1][1],
                            send_after=send_after,
                            context={"tertial": tertial.slug, "stage": stage, "kommun": slug},
                        )
        return planned

    def is_current(self, delivery, now):
        from pledges.models import CitizenPledge, FollowUp

        tertial = Tertial.from_slug(delivery.context["tertial"])
        if not CitizenPledge.objects.filter(pk=delivery.object_id, status=CitizenPledge.Status.PUBLISHED).exists():
            return False
        if FollowUp.objects.filter(
            pledge_id=delivery.object_id, year=tertial.year, tertial=tertial.n, status=FollowUp.Status.PUBLISHED
        ).exists():
            return False
        return still_latest(self.stages(tertial), delivery.context["stage"], now)

    def message(self, delivery):
        from pledges.models import CitizenPledge

        pledge = CitizenPledge.objects.get(pk=delivery.object_id)
        tertial = Tertial.from_slug(delivery.context["tertial"])
        due = tertial.end + timedelta(days=FOLLOW_UP_DUE_DAYS)
        url = portal_url(
            reverse("pledges:staff-detail", kwargs={"kommun": delivery.context["kommun"], "pk": pledge.pk})
        )
        values = {"tertial": f"T{tertial.n} {tertial.year}", "title": pledge.title, "due": day_text(due)}
        if delivery.context["stage"] == "overdue":
            subject = _("Follow-up overdue: %(title)s, %(tertial)s") % values
            first = _("The follow-up of %(tertial)s for “%(title)s” was due on %(due)s and is not published.") % values
        else:
            subject = _("Follow-up due: %(title)s, %(tertial)s") % values
            first = _("%(tertial)s has ended: the follow-up of “%(title)s” is due on %(due)s.") % values
        return Message(subject=subject, body="\n".join([first, "", _("Write it here: %(url)s") % {"url": url}]))


class PledgeEndingKind(ReminderKind):
    """A published pledge's period ends in three months, then in one."""

    name = "pledge_ending"

    @staticmethod
    def stages(end: date):
        return [(f"m{m}", local_morning(add_months(end, -m))) for m in (3, 1)]

    def plan(self, now, until, prefs):
        today = timezone.localdate(now)
        recipients = coordinators_and_police()
        planned = []
        for pledge, municipalities in published_pledges(today, ending_within=timedelta(days=95)):
            stages = self.stages(pledge.end_date)
            for stage, send_after in current_stage(stages, now, until):
                for municipality_id, slug in municipalities:
                    planned += self.to_each(
                        recipients.get(municipality_id, []),
                        f"pledge_ending:{pledge.pk}:{pledge.end_date:%Y%m%d}:{stage}",
                        municipality_id=municipality_id,
                        object_id=pledge.pk,
                        due_at=local_morning(pledge.end_date),
                        send_after=send_after,
                        context={"end": pledge.end_date.isoformat(), "stage": stage, "kommun": slug},
                    )
        return planned

    def is_current(self, delivery, now):
        from pledges.models import CitizenPledge

        pledge = CitizenPledge.objects.filter(pk=delivery.object_id, status=CitizenPledge.Status.PUBLISHED).first()
        if pledge is None or pledge.end_date.isoformat() != delivery.context["end"]:
            return False
        return still_latest(self.stages(pledge.end_date), delivery.context["stage"], now)

    def message(self, delivery):
        from pledges.models import CitizenPledge

        pledge = CitizenPledge.objects.get(pk=delivery.object_id)
        url = portal_url(
            reverse("pledges:staff-detail", kwargs={"kommun": delivery.context["kommun"], "pk": pledge.pk})
        )
        values = {"title": pledge.title, "end": day_text(pledge.end_date)}
        return Message(
            subject=_("Citizen pledge ends %(end)s: %(title)s") % values,
            body="\n".join(
                [
                    _("The citizen pledge “%(title)s” ends on %(end)s.") % values,
                    _("Plan its final follow-up and the next pledge with the police."),
                    "",
                    url,
                ]
            ),
        )


# ---- Statutory clock (Lag 2023:196) -----------------------------------------------------------------------

DOCUMENTS = {"picture": "picture_clock", "plan": "plan_clock"}


class StatutoryKind(ReminderKind):
    """The lägesbild or the action plan expires in 6, 3 and 1 months; then overdue, escalated to the chair."""

    name = "statutory"

    @staticmethod
    def stages(expires: date):
        months = [(f"m{m}", local_morning(add_months(expires, -m))) for m in (6, 3, 1)]
        return [*months, ("overdue", local_morning(expires + timedelta(days=1)))]

    def plan(self, now, until, prefs):
        from actionplans.selectors import municipalities_with_clock
        from councils.models import Municipality

        today = timezone.localdate(now)
        rows = municipalities_with_clock(today=today, queryset=Municipality.objects.all())
        recipients, chairs = coordinators(), council_chairs(today)
        planned = []
        for municipality in rows:
            for document, attribute in DOCUMENTS.items():
                expires = getattr(municipality, attribute).expires_on
                if expires is None:
                    continue
                stages = self.stages(expires)
                for stage, send_after in current_stage(stages, now, until):
                    people = list(recipients.get(municipality.pk, []))
                    if stage == "overdue":
                        people += [c for c in chairs.get(municipality.pk, []) if c not in people]
                    planned += self.to_each(
                        people,
                        f"statutory:{document}:{municipality.pk}:{expires:%Y%m%d}:{stage}",
                        municipality_id=municipality.pk,
                        object_id=municipality.pk,
                        due_at=local_morning(expires),
                        send_after=send_after,
                        context={"document": document, "expires": expires.isoformat(), "stage": stage},
                    )
        return planned

    def is_current(self, delivery, now):
        from actionplans.selectors import municipality_clock
        from councils.models import Municipality

        municipality = Municipality.objects.filter(pk=delivery.object_id).first()
        if municipality is None:
            return False
        picture, plan = municipality_clock(municipality=municipality, today=timezone.localdate(now))
        clock = picture if delivery.context["document"] == "picture" else plan
        if clock.expires_on is None or clock.expires_on.isoformat() != delivery.context["expires"]:
            return False
        return still_latest(self.stages(clock.expires_on), delivery.context["stage"], now)

    def message(self, delivery):
        from councils.models import Municipality

        municipality = Municipality.objects.get(pk=delivery.object_id)
        expires = date.fromisoformat(delivery.context["expires"])
        document = _("situation picture") if delivery.context["document"] == "picture" else _("action plan")
        values = {"document": document, "municipality": municipality.name, "date": day_text(expires)}
        if delivery.context["stage"] == "overdue":
            subject = _("Overdue: %(municipality)s's %(document)s expired %(date)s") % values
            lines = [
                _(
                    "%(municipality)s's %(document)s expired on %(date)s. Lag (2023:196) requires it to be renewed "
                    "at least every other year."
                )
                % values,
                _("This reminder also goes to the council's chair."),
            ]
        else:
            subject = _("%(municipality)s's %(document)s expires %(date)s") % values
            lines = [_("%(municipality)s's %(document)s must be renewed by %(date)s (Lag 2023:196).") % values]
        return Message(subject=subject, body="\n".join([*lines, "", staff_link(municipality.slug)]))


# ---- Council members --------------------------------------------------------------------------------------

TERM_NOTICE_DAYS = 60


class TermEndingKind(ReminderKind):
    """A member's term ends in two months: the coordinator arranges the renewal or a successor."""

    name = "term_ending"

    def plan(self, now, until, prefs):
        from councils.models import Membership

        today = timezone.localdate(now)
        rows = Membership.objects.filter(
            term_end__gte=today, term_end__lte=today + timedelta(days=TERM_NOTICE_DAYS + 2), council__is_active=True
        ).values_list("id", "term_end", "council__municipalities")
        recipients = coordinators()
        planned = []
        for membership_id, term_end, municipality_id in rows:
            send_after = local_morning(term_end - timedelta(days=TERM_NOTICE_DAYS))
            if send_after > until:
                continue
            planned += self.to_each(
                recipients.get(municipality_id, []),
                f"term_ending:{membership_id}:{term_end:%Y%m%d}",
                municipality_id=municipality_id,
                object_id=membership_id,
                due_at=local_morning(term_end),
                send_after=send_after,
                context={"term_end": term_end.isoformat()},
            )
        return planned

    def is_current(self, delivery, now):
        from councils.models import Membership

        membership = Membership.objects.filter(pk=delivery.object_id).first()
        return membership is not None and str(membership.term_end) == delivery.context["term_end"]

    def message(self, delivery):
        from councils.models import Membership, Municipality

        membership = Membership.objects.select_related("council").get(pk=delivery.object_id)
        municipality = Municipality.objects.get(pk=delivery.municipality_id)
        values = {
            "name": membership.name,
            "role": membership.get_role_display(),
            "council": membership.council.name,
            "date": day_text(membership.term_end),
        }
        return Message(
            subject=_("Term ends %(date)s: %(name)s") % values,
            body="\n".join(
                [
                    _("%(name)s's term as %(role)s in %(council)s ends on %(date)s.") % values,
                    _("Renew the term or arrange a successor."),
                    "",
                    portal_url(reverse("councils:council-detail", args=[municipality.slug, membership.council_id])),
                ]
            ),
        )


# ---- Action plans -----------------------------------------------------------------------------------------


def overdue_measures(today: date):
    from actionplans.models import Measure

    return Measure.objects.overdue(today)


class OverdueMeasuresKind(ReminderKind):
    """A weekly digest of overdue measures: each owner gets theirs, the coordinator the municipality's."""

    name = "overdue_measures"
    digestible = False  # it is a digest already

    @staticmethod
    def week_start(today: date) -> date:
        return today - timedelta(days=today.weekday())

    def plan(self, now, until, prefs):
        today = timezone.localdate(now)
        monday = self.week_start(today)
        send_after = timezone.make_aware(datetime.combine(monday, time(7, 0)))
        if send_after > until:
            return []
        year, week, _weekday = monday.isocalendar()
        rows = overdue_measures(today).values_list("problem_area__plan__municipality_id", "owner_id", "owner__email")
        owners, municipalities = defaultdict(set), set()
        for municipality_id, owner_id, owner_email in rows:
            municipalities.add(municipality_id)
            if owner_email:
                owners[municipality_id].add(Recipient(owner_email, owner_id))
        recipients = coordinators()
        planned = []
        for municipality_id in municipalities:
            everyone = dict.fromkeys(owners[municipality_id], False)
            everyone.update(dict.fromkeys(recipients.get(municipality_id, []), True))
            for recipient, all_measures in everyone.items():
                planned.append(
                    Planned(
                        kind=self.name,
                        key=f"overdue_measures:{year}-W{week:02d}:{municipality_id}:{recipient.email}",
                        recipient_email=recipient.email,
                        user_id=recipient.user_id,
                        municipality_id=municipality_id,
                        object_id=municipality_id,
                        due_at=send_after,
                        send_after=send_after,
                        context={"all": all_measures, "week": f"{year}-W{week:02d}"},
                    )
                )
        return planned

    def measures(self, delivery, now):
        measures = overdue_measures(timezone.localdate(now)).filter(
            problem_area__plan__municipality_id=delivery.object_id
        )
        if not delivery.context.get("all"):
            measures = measures.filter(owner_id=delivery.recipient_user_id)
        return measures

    def is_current(self, delivery, now):
        return self.measures(delivery, now).exists()

    def message(self, delivery):
        from councils.models import Municipality

        municipality = Municipality.objects.get(pk=delivery.object_id)
        measures = list(
            self.measures(delivery, timezone.now()).select_related("owner", "problem_area__plan").order_by("end_date")
        )
        lines = [
            _("%(count)s measures of %(municipality)s's action plan are past their end date and not done:")
            % {"count": len(measures), "municipality": municipality.name},
            "",
        ]
        for measure in measures:
            url = portal_url(
                reverse("actionplans:measure-detail", kwargs={"kommun": municipality.slug, "pk": measure.pk})
            )
            lines.append(f"- {measure.title} ({_('ended')} {day_text(measure.end_date)}): {url}")
        return Message(
            subject=_("Overdue measures, week %(week)s") % {"week": delivery.context["week"].split("-W")[1]},
            body="\n".join(lines),
        )


# ---- The daily digest --------------------------------------------------------------------------------------


class DigestKind(ReminderKind):
    """One mail with everything waiting for a user who chose the daily digest (planned by send_digests)."""

    name = "digest"
    digestible = False

    def plan(self, now, until, prefs):
        return []

    def message(self, delivery):
        items = list(delivery.items.order_by("send_after", "id"))
        lines = [_("Your reminders from BRÅ-portalen:"), ""]
        lines += [f"- {item.subject}" for item in items]
        lines += [
            "",
            _("Change how you get reminders: %(url)s") % {"url": portal_url(reverse("councils:reminder-settings"))},
        ]
        return Message(subject=_("BRÅ-portalen: %(count)s reminders") % {"count": len(items)}, body="\n".join(lines))


KINDS: dict[str, ReminderKind] = {
    kind.name: kind
    for kind in (
        MeetingReminderKind(),
        MinutesOverdueKind(),
        FollowUpDueKind(),
        PledgeEndingKind(),
        StatutoryKind(),
        TermEndingKind(),
        OverdueMeasuresKind(),
        DigestKind(),
        SubscriptionConfirmKind(),
        PublicationKind(),
    )
}
