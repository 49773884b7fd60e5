"""The permission matrix: every URL pattern, as every kind of visitor, against an explicit table.

A URL pattern without a row here fails `test_every_url_pattern_has_a_row`, so a new view cannot ship
without its expected outcome for each role being written down.
"""

from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from core.models import WorkerHeartbeat
from tests.conftest import ROLES
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

OK, LOGIN, ADMIN_LOGIN, DENY, REDIRECT, NOT_ALLOWED = 200, "login", "admin login", 403, 302, 405

# Outcomes in the order of ROLES:
# anonymous, reporter, member, police, coordinator, coordinator of another municipality, superuser
PUBLIC = (OK,) * 7
SIGNED_IN = (LOGIN, OK, OK, OK, OK, OK, OK)
STAFF_AREA = (LOGIN, OK, OK, OK, OK, DENY, OK)
INSIDERS = (LOGIN, DENY, OK, OK, OK, DENY, OK)
COORDINATOR = (LOGIN, DENY, DENY, DENY, OK, DENY, OK)
SUPERUSER = (LOGIN, DENY, DENY, DENY, DENY, DENY, OK)
PLEDGE_MANAGERS = (LOGIN, DENY, DENY, OK, OK, DENY, OK)
# POST-only actions answer GET with 405 once the permission check has passed.
INSIDERS_POST = (LOGIN, DENY, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, DENY, NOT_ALLOWED)
PLEDGE_MANAGERS_POST = (LOGIN, DENY, DENY, NOT_ALLOWED, NOT_ALLOWED, DENY, NOT_ALLOWED)
COORDINATOR_POST = (LOGIN, DENY, DENY, DENY, NOT_ALLOWED, DENY, NOT_ALLOWED)
ACCEPTED = 202
NOT_FOUND = 404
COORD_POLICE = PLEDGE_MANAGERS
# An incident reported by the coordinator: reporters and members see only their own reports.
COUNCIL_INCIDENT = (LOGIN, NOT_FOUND, NOT_FOUND, OK, OK, DENY, OK)


# url name -> (kwargs from the tenant, expected outcomes)
MATRIX = {
    "accounts:login": (lambda t: {}, (OK, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT)),
    "accounts:logout": (lambda t: {}, (NOT_ALLOWED,) * 7),
    "accounts:password_change": (lambda t: {}, SIGNED_IN),
    "accounts:password_change_done": (lambda t: {}, SIGNED_IN),
    "accounts:password_reset": (lambda t: {}, PUBLIC),
    "accounts:password_reset_done": (lambda t: {}, PUBLIC),
    "accounts:password_reset_confirm": (lambda t: {"uidb64": "MQ", "token": "fel-token"}, PUBLIC),
    "accounts:password_reset_complete": (lambda t: {}, PUBLIC),
    "accounts:invitation_accept": (lambda t: {"uidb64": "MQ", "token": "fel-token"}, PUBLIC),
    # Two-factor sign-in. The matrix's sessions have given the second factor (tests/conftest.py), so set-up and
    # the code page send them on; the new-backup-codes page without new codes goes back to the overview; those
    # whose role requires two-factor sign-in cannot turn it off.
    "accounts:two_factor": (lambda t: {}, SIGNED_IN),
    "accounts:two_factor_setup": (lambda t: {}, (LOGIN,) + (REDIRECT,) * 6),
    "accounts:two_factor_verify": (lambda t: {}, (LOGIN,) + (REDIRECT,) * 6),
    "accounts:two_factor_backup_codes": (lambda t: {}, (LOGIN,) + (REDIRECT,) * 6),
    "accounts:two_factor_disable": (lambda t: {}, (LOGIN, OK, OK, DENY, DENY, DENY, DENY)),
    "accessibility": (lambda t: {}, PUBLIC),
    "privacy": (lambda t: {}, PUBLIC),
    # Answers a GET by going back without changing anything; the switch itself is a POST.
    "set_language": (lambda t: {}, (REDIRECT,) * 7),
    "healthz": (lambda t: {}, PUBLIC),
    "admin:index": (lambda t: {}, (ADMIN_LOGIN,) * 6 + (OK,)),
    "councils:public-index": (lambda t: {}, PUBLIC),
    "councils:public-municipality": (lambda t: {"kommun": t.municipality.slug}, PUBLIC),
    "councils:staff-home": (lambda t: {}, (LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, OK)),
    "councils:municipality-create": (lambda t: {}, SUPERUSER),
    "councils:staff-municipality": (lambda t: {"kommun": t.municipality.slug}, STAFF_AREA),
    "councils:municipality-settings": (lambda t: {"kommun": t.municipality.slug}, COORDINATOR),
    "councils:council-create": (lambda t: {"kommun": t.municipality.slug}, COORDINATOR),
    "councils:council-detail": (lambda t: {"kommun": t.municipality.slug, "pk": t.council.pk}, INSIDERS),
    "councils:council-update": (lambda t: {"kommun": t.municipality.slug, "pk": t.council.pk}, COORDINATOR),
    "councils:council-history": (
        lambda t: {"kommun": t.municipality.slug, "council_pk": t.council.pk},
        COORDINATOR,
    ),
    "councils:membership-create": (
        lambda t: {"kommun": t.municipality.slug, "council_pk": t.council.pk},
        COORDINATOR,
    ),
    "councils:membership-update": (
        lambda t: {"kommun": t.municipality.slug, "pk": t.membership.pk},
        COORDINATOR,
    ),
    "councils:membership-delete": (
        lambda t: {"kommun": t.municipality.slug, "pk": t.membership.pk},
        COORDINATOR,
    ),
    "councils:organisation-list": (lambda t: {"kommun": t.municipality.slug}, COORDINATOR),
    "councils:organisation-create": (lambda t: {"kommun": t.municipality.slug}, COORDINATOR),
    "councils:organisation-update": (
        lambda t: {"kommun": t.municipality.slug, "pk": t.organisation.pk},
        COORDINATOR,
    ),
    "councils:role-list": (lambda t: {"kommun": t.municipality.slug}, COORDINATOR),
    "councils:role-invite": (lambda t: {"kommun": t.municipality.slug}, COORDINATOR),
    "councils:role-update": (lambda t: {"kommun": t.municipality.slug, "pk": t.role.pk}, COORDINATOR),
    "councils:role-delete": (lambda t: {"kommun": t.municipality.slug, "pk": t.role.pk}, COORDINATOR),
    # Data rights: anonymising is the coordinator's (GET is the confirm page); everybody signed in sees their own data.
    "councils:membership-anonymise": (lambda t: {"kommun": t.municipality.slug, "pk": t.membership.pk}, COORDINATOR),
    "councils:role-anonymise": (lambda t: {"kommun": t.municipality.slug, "pk": t.role.pk}, COORDINATOR),
    "councils:my-data": (lambda t: {}, SIGNED_IN),
    "councils:my-data-download": (lambda t: {}, SIGNED_IN),
    # Meetings: an upcoming meeting with an agenda item and a decision; a held one with published minutes.
    "councils:meeting-list": (lambda t: {"kommun": t.municipality.slug}, INSIDERS),
    "councils:meeting-create": (lambda t: {"kommun": t.municipality.slug}, COORD_POLICE),
    "councils:meeting-detail": (lambda t: t.meeting_kwargs, INSIDERS),
    "councils:meeting-update": (lambda t: t.meeting_kwargs, COORD_POLICE),
    "councils:meeting-cancel": (lambda t: t.meeting_kwargs, COORD_POLICE),
    "councils:agenda-item-create": (lambda t: t.meeting_kwargs, COORD_POLICE),
    "councils:agenda-suggestion-add": (lambda t: t.meeting_kwargs, PLEDGE_MANAGERS_POST),
    "councils:agenda-item-update": (lambda t: {**t.meeting_kwargs, "item_pk": t.agenda_item.pk}, COORD_POLICE),
    "councils:agenda-item-delete": (lambda t: {**t.meeting_kwargs, "item_pk": t.agenda_item.pk}, COORD_POLICE),
    "councils:agenda-item-move": (lambda t: {**t.meeting_kwargs, "item_pk": t.agenda_item.pk}, PLEDGE_MANAGERS_POST),
    "councils:meeting-attendance": (lambda t: t.meeting_kwargs, COORD_POLICE),
    "councils:meeting-minutes": (lambda t: t.meeting_kwargs, COORD_POLICE),
    "councils:minutes-approve": (lambda t: t.meeting_kwargs, PLEDGE_MANAGERS_POST),
    "councils:minutes-publish": (lambda t: t.meeting_kwargs, PLEDGE_MANAGERS_POST),
    # Until the worker has rendered it, the PDF answers 202 with a page that waits for it.
    "councils:minutes-pdf": (lambda t: t.meeting_kwargs, (LOGIN, DENY, ACCEPTED, ACCEPTED, ACCEPTED, DENY, ACCEPTED)),
    "councils:decision-create": (lambda t: t.meeting_kwargs, COORD_POLICE),
    "councils:decision-update": (lambda t: {**t.meeting_kwargs, "decision_pk": t.decision.pk}, COORD_POLICE),
    "councils:decision-delete": (lambda t: {**t.meeting_kwargs, "decision_pk": t.decision.pk}, COORD_POLICE),
    "councils:public-minutes": (lambda t: {"kommun": t.municipality.slug, "pk": t.minutes_meeting.pk}, PUBLIC),
    "councils:public-minutes-pdf": (
        lambda t: {"kommun": t.municipality.slug, "pk": t.minutes_meeting.pk},
        (ACCEPTED,) * 7,
    ),
    # Citizen pledges: staff area
    "pledges:staff-list": (lambda t: {"kommun": t.municipality.slug}, INSIDERS),
    "pledges:staff-create": (lambda t: {"kommun": t.municipality.slug}, PLEDGE_MANAGERS),
    "pledges:staff-detail": (lambda t: {"kommun": t.municipality.slug, "pk": t.pledge.pk}, INSIDERS),
    "pledges:staff-update": (lambda t: {"kommun": t.municipality.slug, "pk": t.pledge.pk}, PLEDGE_MANAGERS),
    "pledges:staff-publish": (lambda t: {"kommun": t.municipality.slug, "pk": t.pledge.pk}, PLEDGE_MANAGERS_POST),
    "pledges:staff-close": (lambda t: {"kommun": t.municipality.slug, "pk": t.pledge.pk}, PLEDGE_MANAGERS_POST),
    "pledges:focus-area-create": (lambda t: {"kommun": t.municipality.slug, "pk": t.pledge.pk}, PLEDGE_MANAGERS),
    "pledges:focus-area-update": (lambda t: {"kommun": t.municipality.slug, "pk": t.focus_area.pk}, PLEDGE_MANAGERS),
    "pledges:activity-create": (lambda t: {"kommun": t.municipality.slug, "pk": t.focus_area.pk}, PLEDGE_MANAGERS),
    "pledges:activity-update": (lambda t: {"kommun": t.municipality.slug, "pk": t.activity.pk}, PLEDGE_MANAGERS),
    "pledges:follow-up-create": (lambda t: {"kommun": t.municipality.slug, "pk": t.pledge.pk}, PLEDGE_MANAGERS),
    "pledges:follow-up-edit": (lambda t: {"kommun": t.municipality.slug, "pk": t.follow_up.pk}, INSIDERS),
    "pledges:row-save": (
        lambda t: {"kommun": t.municipality.slug, "pk": t.follow_up.pk, "row": t.row.pk},
        INSIDERS_POST,
    ),
    "pledges:follow-up-submit": (
        lambda t: {"kommun": t.municipality.slug, "pk": t.follow_up.pk},
        PLEDGE_MANAGERS_POST,
    ),
    "pledges:follow-up-approve": (lambda t: {"kommun": t.municipality.slug, "pk": t.follow_up.pk}, COORDINATOR_POST),
    "pledges:follow-up-return": (lambda t: {"kommun": t.municipality.slug, "pk": t.follow_up.pk}, COORDINATOR_POST),
    "pledges:follow-up-reopen": (lambda t: {"kommun": t.municipality.slug, "pk": t.follow_up.pk}, COORDINATOR_POST),
    # Citizen pledges: public pages (only published content exists there)
    "pledges:feed": (lambda t: {"kommun": t.municipality.slug}, PUBLIC),
    "pledges:public-list": (lambda t: {"kommun": t.municipality.slug}, PUBLIC),
    "pledges:public-detail": (lambda t: {"kommun": t.municipality.slug, "pk": t.pledge.pk}, PUBLIC),
    "pledges:public-follow-up": (lambda t: t.follow_up_kwargs, PUBLIC),
    # Until the worker has rendered it, the PDF answers 202 with a page that waits for it.
    "pledges:public-follow-up-pdf": (lambda t: t.follow_up_kwargs, (ACCEPTED,) * 7),
    "pledges:public-year-csv": (
        lambda t: {"kommun": t.municipality.slug, "pk": t.pledge.pk, "year": t.follow_up.year},
        PUBLIC,
    ),
    # Open data: read-only, anonymous, published content only
    "api:api-root": (lambda t: {}, PUBLIC),
    "api:schema": (lambda t: {}, PUBLIC),
    "api:municipality-list": (lambda t: {}, PUBLIC),
    "api:municipality-detail": (lambda t: {"slug": t.municipality.slug}, PUBLIC),
    "api:pledge-list": (lambda t: {}, PUBLIC),
    "api:pledge-detail": (lambda t: {"pk": t.pledge.pk}, PUBLIC),
    "api:follow-up-list": (lambda t: {}, PUBLIC),
    "api:follow-up-detail": (lambda t: {"id": t.follow_up_published.pk}, PUBLIC),
    # Action plans and the statutory clock
    "actionplans:overview": (lambda t: {}, PUBLIC),
    # Situation picture: reporting and reference data
    "situation:staff-home": (lambda t: {"kommun": t.municipality.slug}, STAFF_AREA),
    "situation:incident-report": (lambda t: {"kommun": t.municipality.slug}, STAFF_AREA),
    "situation:incident-list": (lambda t: {"kommun": t.municipality.slug}, STAFF_AREA),
    "situation:incident-detail": (lambda t: {"kommun": t.municipality.slug, "pk": t.incident.pk}, COUNCIL_INCIDENT),
    "situation:place-list": (lambda t: {"kommun": t.municipality.slug}, COORD_POLICE),
    "situation:place-create": (lambda t: {"kommun": t.municipality.slug}, COORD_POLICE),
    "situation:place-update": (lambda t: {"kommun": t.municipality.slug, "pk": t.place.pk}, COORD_POLICE),
    "situation:area-create": (lambda t: {"kommun": t.municipality.slug}, COORD_POLICE),
    "situation:area-update": (lambda t: {"kommun": t.municipality.slug, "pk": t.area.pk}, COORD_POLICE),
    "situation:category-list": (lambda t: {"kommun": t.municipality.slug}, COORDINATOR),
    "situation:category-create": (lambda t: {"kommun": t.municipality.slug}, COORDINATOR),
    "situation:category-update": (lambda t: {"kommun": t.municipality.slug, "pk": t.category.pk}, COORDINATOR),
    "situation:analysis": (lambda t: {"kommun": t.municipality.slug}, COORD_POLICE),
    "situation:analysis-csv": (lambda t: {"kommun": t.municipality.slug}, COORD_POLICE),
    "situation:import-statistics": (lambda t: {"kommun": t.municipality.slug}, COORD_POLICE),
    # Without a waiting upload the preview sends the user back to the upload form.
    "situation:import-statistics-preview": (
        lambda t: {"kommun": t.municipality.slug},
        (LOGIN, DENY, DENY, REDIRECT, REDIRECT, DENY, REDIRECT),
    ),
    "situation:import-statistics-confirm": (lambda t: {"kommun": t.municipality.slug}, PLEDGE_MANAGERS_POST),
    "situation:import-statistics-cancel": (lambda t: {"kommun": t.municipality.slug}, PLEDGE_MANAGERS_POST),
    # Situation picture documents (a draft picture; adopted ones redirect editors back, tested in test_picture)
    "situation:picture-list": (lambda t: {"kommun": t.municipality.slug}, INSIDERS),
    "situation:picture-create": (lambda t: {"kommun": t.municipality.slug}, COORD_POLICE),
    "situation:picture-detail": (lambda t: {"kommun": t.municipality.slug, "pk": t.picture.pk}, INSIDERS),
    "situation:picture-update": (lambda t: {"kommun": t.municipality.slug, "pk": t.picture.pk}, COORD_POLICE),
    "situation:picture-problem-create": (lambda t: {"kommun": t.municipality.slug, "pk": t.picture.pk}, COORD_POLICE),
    "situation:picture-problem-update": (
        lambda t: {"kommun": t.municipality.slug, "pk": t.picture.pk, "problem_pk": t.problem.pk},
        COORD_POLICE,
    ),
    "situation:picture-problem-delete": (
        lambda t: {"kommun": t.municipality.slug, "pk": t.picture.pk, "problem_pk": t.problem.pk},
        COORD_POLICE,
    ),
    "situation:picture-adopt": (lambda t: {"kommun": t.municipality.slug, "pk": t.picture.pk}, COORDINATOR),
    "situation:picture-new-version": (
        lambda t: {"kommun": t.municipality.slug, "pk": t.picture.pk},
        PLEDGE_MANAGERS_POST,
    ),
    # A draft has no PDF.
    "situation:picture-pdf": (
        lambda t: {"kommun": t.municipality.slug, "pk": t.picture.pk},
        (LOGIN, DENY, NOT_FOUND, NOT_FOUND, NOT_FOUND, DENY, NOT_FOUND),
    ),
    "situation:public-picture": (lambda t: {"kommun": t.municipality.slug}, PUBLIC),
    # Safety walks
    "situation:walk-list": (lambda t: {"kommun": t.municipality.slug}, INSIDERS),
    "situation:walk-create": (lambda t: {"kommun": t.municipality.slug}, COORD_POLICE),
    "situation:walk-detail": (lambda t: {"kommun": t.municipality.slug, "pk": t.walk.pk}, INSIDERS),
    "situation:walk-update": (lambda t: {"kommun": t.municipality.slug, "pk": t.walk.pk}, COORD_POLICE),
    "situation:walk-report": (lambda t: {"kommun": t.municipality.slug, "pk": t.walk.pk}, INSIDERS),
    "situation:walk-report-pdf": (
        lambda t: {"kommun": t.municipality.slug, "pk": t.walk.pk},
        (LOGIN, DENY, ACCEPTED, ACCEPTED, ACCEPTED, DENY, ACCEPTED),
    ),
    "situation:walk-observation-create": (lambda t: {"kommun": t.municipality.slug, "pk": t.walk.pk}, COORD_POLICE),
    "situation:walk-observation-update": (
        lambda t: {"kommun": t.municipality.slug, "pk": t.observation.pk},
        COORD_POLICE,
    ),
    "situation:walk-observation-outcome": (
        lambda t: {"kommun": t.municipality.slug, "pk": t.observation.pk},
        COORD_POLICE,
    ),
    "situation:walk-observation-photo": (lambda t: {"kommun": t.municipality.slug, "pk": t.observation.pk}, INSIDERS),
    # Action plans: staff area
    "actionplans:public-plan": (lambda t: {"kommun": t.municipality.slug}, PUBLIC),
    # The matrix tenant's plan is a draft: no adopted plan, no public PDF.
    "actionplans:public-plan-pdf": (lambda t: {"kommun": t.municipality.slug}, (NOT_FOUND,) * 7),
    "actionplans:plan-compare": (lambda t: {"kommun": t.municipality.slug}, INSIDERS),
    "actionplans:plan-history": (lambda t: {"kommun": t.municipality.slug, "pk": t.plan.pk}, INSIDERS),
    "actionplans:measures-export": (lambda t: {"kommun": t.municipality.slug, "pk": t.plan.pk}, INSIDERS),
    "actionplans:measures-import": (lambda t: {"kommun": t.municipality.slug, "pk": t.plan.pk}, COORD_POLICE),
    "actionplans:plan-list": (lambda t: {"kommun": t.municipality.slug}, INSIDERS),
    "actionplans:plan-start": (lambda t: {"kommun": t.municipality.slug}, COORD_POLICE),
    "actionplans:plan-detail": (lambda t: {"kommun": t.municipality.slug, "pk": t.plan.pk}, INSIDERS),
    "actionplans:plan-update": (lambda t: {"kommun": t.municipality.slug, "pk": t.plan.pk}, COORD_POLICE),
    "actionplans:plan-adopt": (lambda t: {"kommun": t.municipality.slug, "pk": t.plan.pk}, COORDINATOR),
    "actionplans:plan-copy": (lambda t: {"kommun": t.municipality.slug, "pk": t.plan.pk}, COORD_POLICE),
    # Until the worker has rendered it, the PDF answers 202 with a page that waits for it.
    "actionplans:plan-pdf": (
        lambda t: {"kommun": t.municipality.slug, "pk": t.plan.pk},
        (LOGIN, DENY, ACCEPTED, ACCEPTED, ACCEPTED, DENY, ACCEPTED),
    ),
    "actionplans:area-create": (lambda t: {"kommun": t.municipality.slug, "pk": t.plan.pk}, COORD_POLICE),
    "actionplans:area-update": (lambda t: {"kommun": t.municipality.slug, "pk": t.plan_area.pk}, COORD_POLICE),
    "actionplans:goal-create": (lambda t: {"kommun": t.municipality.slug, "pk": t.plan_area.pk}, COORD_POLICE),
    "actionplans:goal-update": (lambda t: {"kommun": t.municipality.slug, "pk": t.goal.pk}, COORD_POLICE),
    "actionplans:measure-create": (lambda t: {"kommun": t.municipality.slug, "pk": t.plan_area.pk}, COORD_POLICE),
    "actionplans:measure-detail": (lambda t: {"kommun": t.municipality.slug, "pk": t.measure.pk}, INSIDERS),
    "actionplans:measure-update": (lambda t: {"kommun": t.municipality.slug, "pk": t.measure.pk}, COORD_POLICE),
    # Calendar feeds: the token is the credential, so a valid one answers everybody.
    "councils:calendar-feed": (lambda t: {"token": _calendar_feed(t).token}, PUBLIC),
    "councils:reminder-settings": (lambda t: {}, SIGNED_IN),
    "councils:calendar-feed-renew": (lambda t: {}, (LOGIN,) + (NOT_ALLOWED,) * 6),
    "councils:calendar-feed-revoke": (lambda t: {}, (LOGIN,) + (NOT_ALLOWED,) * 6),
    "councils:council-feed-renew": (
        lambda t: {"kommun": t.municipality.slug, "council_pk": t.council.pk},
        COORDINATOR_POST,
    ),
    "councils:council-feed-revoke": (
        lambda t: {"kommun": t.municipality.slug, "council_pk": t.council.pk},
        COORDINATOR_POST,
    ),
    # The delivery log: the municipality's coordinator only.
    "councils:delivery-log": (lambda t: {"kommun": t.municipality.slug}, COORDINATOR),
    "councils:delivery-retry": (
        lambda t: {"kommun": t.municipality.slug, "pk": _failed_delivery(t).pk},
        COORDINATOR_POST,
    ),
    # Export of all the municipality's data: its coordinator only. The download row names an archive that does not
    # exist, so the permission is checked before the file is looked for (404 only for those who may download).
    "councils:export": (lambda t: {"kommun": t.municipality.slug}, COORDINATOR),
    "councils:export-download": (
        lambda t: {"kommun": t.municipality.slug, "name": "testkoping-20250101-120000.zip"},
        (LOGIN, DENY, DENY, DENY, NOT_FOUND, DENY, NOT_FOUND),
    ),
    # The access log of sensitive data (core.audit): the municipality's coordinator only.
    "audit:access-log": (lambda t: {"kommun": t.municipality.slug}, COORDINATOR),
    "audit:access-log-csv": (lambda t: {"kommun": t.municipality.slug}, COORDINATOR),
    # Residents' subscriptions: public; the confirmation and unsubscribe pages take the token as credential.
    "councils:subscribe": (lambda t: {"kommun": t.municipality.slug}, PUBLIC),
    "councils:subscribe-sent": (lambda t: {"kommun": t.municipality.slug}, PUBLIC),
    "councils:subscribe-confirm": (lambda t: {"kommun": t.municipality.slug, "token": _subscription(t).token}, PUBLIC),
    "councils:unsubscribe": (lambda t: {"kommun": t.municipality.slug, "token": _subscription(t).token}, PUBLIC),
}


def _calendar_feed(tenant):
    from councils.models import CalendarFeed

    return CalendarFeed.objects.get_or_create(user=tenant.users["member"], revoked_at=None)[0]


def _failed_delivery(tenant):
    from core.models import Delivery

    now = timezone.now()
    return Delivery.objects.get_or_create(
        key="matrix:failed",
        defaults={
            "kind": "meeting", "municipality": tenant.municipality, "recipient_email": "ledamot@example.se",
            "due_at": now, "send_after": now, "status": Delivery.Status.FAILED, "last_error": "SMTP nere",
        },
    )[0]  # fmt: skip


def _subscription(tenant):
    from core.models import Subscription

    return Subscription.objects.get_or_create(
        municipality=tenant.municipality, email="invanare@example.se", defaults={"topics": ["plans"]}
    )[0]


# The Django admin's own model pages are covered by `admin:index` (superusers only, checked by
# AdminSite.has_permission for every admin view); listing each of them here would add nothing.
SKIPPED_NAMESPACES = {"admin"}


def _pattern_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _pattern_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<unnamed {pattern.pattern}>"


def test_every_url_pattern_has_a_row():
    names = {n for n in _pattern_names() if n.split(":")[0] not in SKIPPED_NAMESPACES}
    missing = sorted(names - set(MATRIX))
    assert not missing, f"URL patterns without a row in the permission matrix: {missing}"
    stale = sorted(set(MATRIX) - names - {"admin:index"})
    assert not stale, f"Rows for URL patterns that no longer exist: {stale}"


def _published_pledge(tenant):
    """A published pledge with one published follow-up, built through the services."""
    from pledges import services
    from pledges.models import Activity, CitizenPledge, FocusArea

    pledge = CitizenPledge.objects.create(
        title="Medborgarlöfte 2025", police_area="LPO Test", start_date=date(2025, 1, 1), end_date=date(2025, 12, 31)
    )
    pledge.municipalities.set([tenant.municipality])
    areas = [FocusArea.objects.create(pledge=pledge, title=f"Fokusområde {n}", order=n) for n in (1, 2)]
    activities = [
        Activity.objects.create(focus_area=area, description=f"Aktivitet {area.order}", responsible="both")
        for area in areas
    ]
    services.pledge_publish(pledge=pledge, by=tenant.coordinator)
    follow_up = pledge.follow_ups.get(year=2025, tertial=1)
    for row in follow_up.rows.all():
        services.row_save(
            row_id=row.pk, by=tenant.coordinator, status="ongoing", achieved=None, narrative="Pågår.", version=0
        )
    services.follow_up_approve(follow_up=follow_up, by=tenant.coordinator)
    tenant.pledge, tenant.focus_area, tenant.activity = pledge, areas[0], activities[0]
    tenant.follow_up = pledge.follow_ups.get(year=2025, tertial=2)
    tenant.row = tenant.follow_up.rows.first()
    tenant.follow_up_published = follow_up
    tenant.follow_up_kwargs = {"kommun": tenant.municipality.slug, "pk": pledge.pk, "year": 2025, "tertial": 1}


def _situation(tenant):
    from situation.categories import categories_for
    from situation.models import Area, Incident, Place

    tenant.area = Area.objects.create(municipality=tenant.municipality, name="Centrum")
    tenant.place = Place.objects.create(municipality=tenant.municipality, area=tenant.area, name="Torget")
    tenant.category = categories_for(tenant.municipality).first()
    from situation.models import SituationPicture, SituationProblem

    tenant.picture = SituationPicture.objects.create(
        municipality=tenant.municipality,
        title="Lägesbild 2025",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
    )
    tenant.problem = SituationProblem.objects.create(picture=tenant.picture, title="Otrygghet vid torget")
    tenant.incident = Incident.objects.create(
        municipality=tenant.municipality,
        category=tenant.category,
        tag="brott",
        place=tenant.place,
        reported_by=tenant.coordinator,
        visibility="council",
    )


def _action_plan(tenant):
    from actionplans.models import Measure
    from tests.actionplans.conftest import started_plan

    tenant.plan = started_plan(tenant)
    tenant.plan_area = tenant.plan.problem_areas.order_by("order").first()
    tenant.goal = tenant.plan_area.goals.first()
    tenant.measure = Measure.objects.filter(problem_area=tenant.plan_area).first()


def _walk(tenant):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from situation import walks

    tenant.walk = walks.walk_create(
        municipality=tenant.municipality,
        title="Kvällsvandring",
        date=date(2025, 10, 1),
        route=[tenant.place],
        by=tenant.coordinator,
    )
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "JPEG")
    tenant.observation = walks.observation_save(
        walk=tenant.walk,
        place=tenant.place,
        note="Trasig lampa",
        by=tenant.coordinator,
        photo=SimpleUploadedFile("lampa.jpg", buffer.getvalue(), content_type="image/jpeg"),
    )


def _meetings(tenant):
    """An upcoming meeting with an item and a decision, and a held one with published minutes (a closed item too)."""
    from datetime import timedelta

    from councils import meetings_services as meetings

    def schedule(when):
        return meetings.meeting_create(
            council=tenant.council,
            municipality=tenant.municipality,
            by=tenant.coordinator,
            kind="council",
            title="Rådsmöte",
            starts_at=when,
            ends_at=when + timedelta(hours=2),
            location="Kommunhuset",
            invitees=[tenant.membership],
        )[0]

    by = tenant.coordinator
    tenant.meeting = schedule(timezone.now() + timedelta(days=7))
    tenant.meeting_kwargs = {"kommun": tenant.municipality.slug, "pk": tenant.meeting.pk}
    tenant.agenda_item = meetings.agenda_item_save(meeting=tenant.meeting, by=by, fields={"title": "Lägesbild"})
    tenant.decision = meetings.decision_save(meeting=tenant.meeting, by=by, text="Beslut", is_public=True)
    held = schedule(timezone.now() - timedelta(days=3))
    meetings.agenda_item_save(meeting=held, by=by, fields={"title": "Öppen punkt"})
    meetings.agenda_item_save(meeting=held, by=by, fields={"title": "Stängd punkt", "is_public": False})
    meetings.attendance_save(meeting=held, by=by, rows={tenant.membership.pk: {"status": "present"}})
    meetings.minutes_approve(meeting=held, by=by)
    tenant.minutes_meeting = meetings.minutes_publish(meeting=held, by=by)


@pytest.fixture
def matrix_tenant(tenant, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return populate_matrix_tenant(tenant)


def populate_matrix_tenant(tenant):
    """Gives `tenant` an object behind every URL of the matrix (tests/hostile builds it once per module)."""
    tenant.membership = MembershipFactory(council=tenant.council, organisation=tenant.organisation)
    tenant.role = tenant.municipality.portal_roles.get(role="member")
    WorkerHeartbeat.objects.create(hostname="matrix", seen_at=timezone.now())
    _published_pledge(tenant)
    _situation(tenant)
    _action_plan(tenant)
    _walk(tenant)
    _meetings(tenant)
    return tenant


def _check(clients, tenant, name) -> list[str]:
    make_kwargs, expected = MATRIX[name]
    url = reverse(name, kwargs=make_kwargs(tenant))
    failures = []
    for role, outcome in zip(ROLES, expected, strict=True):
        response = clients[role].get(url)
        if outcome in (LOGIN, ADMIN_LOGIN):
            login_path = "/konto/logga-in/" if outcome == LOGIN else "/admin/login/"
            ok = response.status_code == 302 and response["Location"].startswith(login_path)
            got = f"{response.status_code} → {response.get('Location')}"
        else:
            ok = response.status_code == outcome
            got = response.status_code
        if not ok:
            failures.append(f"{name} ({url}) as {role}: expected {outcome}, got {got}")
    return failures


def test_permission_matrix(matrix_tenant):
    """Every row, every role. One test over the whole table: building the tenant once keeps the suite fast,
    and the message lists every URL and role that did not answer as the table says."""
    from django.test import Client

    clients = {}
    for role in ROLES:
        clients[role] = Client()
        if matrix_tenant.users[role] is not None:
            clients[role].force_login(matrix_tenant.users[role])
    failures = [failure for name in sorted(MATRIX) for failure in _check(clients, matrix_tenant, name)]
    assert not failures, f"{len(failures)} outcomes differ from the matrix:\n" + "\n".join(failures)


def test_other_tenants_objects_answer_404_under_own_municipality(client, matrix_tenant):
    """A coordinator cannot reach another municipality's council or member by putting its id in their URL."""
    t = matrix_tenant
    client.force_login(t.users["other_coordinator"])
    own = t.other_municipality.slug
    for name, kwargs in [
        ("councils:council-detail", {"kommun": own, "pk": t.council.pk}),
        ("councils:council-update", {"kommun": own, "pk": t.council.pk}),
        ("councils:membership-create", {"kommun": own, "council_pk": t.council.pk}),
        ("councils:membership-update", {"kommun": own, "pk": t.membership.pk}),
        ("councils:organisation-update", {"kommun": own, "pk": t.organisation.pk}),
        ("councils:role-update", {"kommun": own, "pk": t.role.pk}),
    ]:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 404, name


def test_member_cannot_post_a_new_seat(client, matrix_tenant):
    t = matrix_tenant
    client.force_login(t.users["member"])
    url = reverse("councils:membership-create", kwargs={"kommun": t.municipality.slug, "council_pk": t.council.pk})
    before = t.council.memberships.count()
    response = client.post(url, {"name": "Obehörig", "role": "other"})
    assert response.status_code == 403
    assert t.council.memberships.count() == before


def test_admin_is_for_superusers_only(client, matrix_tenant):
    client.force_login(matrix_tenant.coordinator)
    assert client.get("/admin/councils/municipality/").status_code == 302
    client.force_login(matrix_tenant.users["superuser"])
    assert client.get("/admin/councils/municipality/").status_code == 200
