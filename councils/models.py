from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from core.slugs import validate_not_reserved
from core.validators import validate_lead_days


class County(models.TextChoices):
    STOCKHOLM = "01", _("Stockholm County")
    UPPSALA = "03", _("Uppsala County")
    SODERMANLAND = "04", _("Södermanland County")
    OSTERGOTLAND = "05", _("Östergötland County")
    JONKOPING = "06", _("Jönköping County")
    KRONOBERG = "07", _("Kronoberg County")
    KALMAR = "08", _("Kalmar County")
    GOTLAND = "09", _("Gotland County")
    BLEKINGE = "10", _("Blekinge County")
    SKANE = "12", _("Skåne County")
    HALLAND = "13", _("Halland County")
    VASTRA_GOTALAND = "14", _("Västra Götaland County")
    VARMLAND = "17", _("Värmland County")
    OREBRO = "18", _("Örebro County")
    VASTMANLAND = "19", _("Västmanland County")
    DALARNA = "20", _("Dalarna County")
    GAVLEBORG = "21", _("Gävleborg County")
    VASTERNORRLAND = "22", _("Västernorrland County")
    JAMTLAND = "23", _("Jämtland County")
    VASTERBOTTEN = "24", _("Västerbotten County")
    NORRBOTTEN = "25", _("Norrbotten County")


class MunicipalityQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Municipalities in which the user holds a portal role (all of them for a superuser)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(portal_roles__user=user).distinct()

    def managed_by(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(portal_roles__user=user, portal_roles__role=PortalRole.Role.COORDINATOR).distinct()

    def public(self):
        return self.filter(is_published=True)


kommunkod_validator = RegexValidator(
    r"^\d{4}$", _("The municipality code (kommunkod) is four digits, e.g. 0665."), code="invalid_kommunkod"
)


class Municipality(TimeStampedModel):
    """A kommun: the tenant every other datum belongs to."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("address name"),
        max_length=60,
        unique=True,
        validators=[validate_not_reserved],
        help_text=_("Used in public addresses, e.g. /vaggeryd/. Lower-case letters a–z, digits and hyphens."),
        error_messages={"unique": _("Another municipality already uses this address name.")},
    )
    kommunkod = models.CharField(
        _("municipality code"),
        max_length=4,
        unique=True,
        validators=[kommunkod_validator],
        help_text=_("SCB's four-digit code, e.g. 0665 for Vaggeryd."),
        error_messages={"unique": _("Another municipality already has this municipality code.")},
    )
    county = models.CharField(_("county"), max_length=2, choices=County.choices)
    police_area = models.CharField(_("local police area"), max_length=150, blank=True)
    revision_interval_months = models.PositiveSmallIntegerField(
        _("revision interval (months)"),
        default=24,
        validators=[MinValueValidator(1)],
        help_text=_("How often the situation picture and the action plan must be renewed (Lag 2023:196)."),
    )
    incident_text_retention_months = models.PositiveSmallIntegerField(
        _("keep incident free text (months)"),
        default=24,
        validators=[MinValueValidator(1)],
        help_text=_("After this, the free text of EST reports is removed; category, place and time remain."),
    )
    meeting_reminder_days = models.CharField(
        _("meeting reminders (days before)"),
        max_length=40,
        default="7,1",
        validators=[validate_lead_days],
        help_text=_("Comma-separated, e.g. 7,1: reminders a week and a day before. Members may choose their own."),
    )
    minutes_due_days = models.PositiveSmallIntegerField(
        _("minutes due (days after the meeting)"),
        default=14,
        validators=[MinValueValidator(1)],
        help_text=_("After this, the coordinator is reminded that the minutes are not approved."),
    )
    intro = models.TextField(
        _("public introduction"), blank=True, help_text=_("Shown to residents on the municipality's page.")
    )
    contact_name = models.CharField(_("coordination function: name or title"), max_length=150, blank=True)
    contact_email = models.EmailField(_("coordination function: e-mail"), blank=True)
    contact_phone = models.CharField(_("coordination function: telephone"), max_length=40, blank=True)
    is_published = models.BooleanField(_("shown to residents"), default=True)
    history = HistoricalRecords()

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revision_interval_months__gte=1),
                name="councils_municipality_interval_positive",
                violation_error_message=_("The revision interval must be at least one month."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("councils:public-municipality", kwargs={"kommun": self.slug})

    def get_staff_url(self):
        return reverse("councils:staff-municipality", kwargs={"kommun": self.slug})


class CouncilQuerySet(models.QuerySet):
    def for_municipality(self, municipality):
        return self.filter(municipalities=municipality)

    def public(self):
        return self.filter(is_active=True)


class Council(TimeStampedModel):
    """A standing body: a local BRÅ, a trygghetsråd, an EST group, or a regional collaboration."""

    class Kind(models.TextChoices):
        BRA = "bra", _("Crime prevention council (BRÅ)")
        SAFETY_COUNCIL = "trygghetsrad", _("Safety council (trygghetsråd)")
        EST_GROUP = "est", _("EST group")
        REGIONAL = "regional", _("Regional collaboration")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.BRA)
    municipalities = models.ManyToManyField(Municipality, related_name="councils", verbose_name=_("municipalities"))
    purpose = models.TextField(_("purpose"), blank=True, help_text=_("Shown to residents."))
    meeting_frequency = models.CharField(
        _("meets"), max_length=150, blank=True, help_text=_("For example “four times a year and as needed”.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(m2m_fields=[municipalities])

    objects = CouncilQuerySet.as_manager()

    class Meta:
        verbose_name = _("council")
        verbose_name_plural = _("councils")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Organisation(TimeStampedModel):
    """An organisation that holds seats: a municipal department, the police area, a housing company…"""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", pgettext_lazy("organisation kind", "Municipality")
        POLICE = "police", pgettext_lazy("organisation kind", "Police")
        RESCUE = "rescue", pgettext_lazy("organisation kind", "Rescue service")
        REGION = "region", pgettext_lazy("organisation kind", "Region or county authority")
        HOUSING = "housing", pgettext_lazy("organisation kind", "Housing company")
        BUSINESS = "business", pgettext_lazy("organisation kind", "Business")
        CIVIL_SOCIETY = "civil_society", pgettext_lazy("organisation kind", "Civil society")
        OTHER = "other", pgettext_lazy("organisation kind", "Other")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="organisations", verbose_name=_("municipality")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MUNICIPALITY)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"],
                name="councils_organisation_unique_name",
                violation_error_message=_("This municipality already has an organisation with that name."),
            )
        ]

    def __str__(self):
        return self.name


class MembershipQuerySet(models.QuerySet):
    def current(self, on=None):
        from django.utils import timezone

        day = on or timezone.localdate()
        return self.filter(Q(term_start__lte=day) | Q(term_start__isnull=True)).filter(
            Q(term_end__gte=day) | Q(term_end__isnull=True) | Q(until_successor=True)
        )


class Membership(TimeStampedModel):
    """A person's seat on a council: role, organisation, term and alternate."""

    class Role(models.TextChoices):
        CHAIR = "chair", pgettext_lazy("council role", "Chair")
        VICE_CHAIR = "vice_chair", pgettext_lazy("council role", "Vice chair")
        CONVENER = "convener", pgettext_lazy("council role", "Convener")
        POLICE = "police", pgettext_lazy("council role", "Police")
        FIELD_ASSISTANT = "field_assistant", pgettext_lazy("council role", "Field assistant")
        SOCIAL_SERVICES = "social_services", pgettext_lazy("council role", "Social services")
        SCHOOL = "school", pgettext_lazy("council role", "School")
        RESCUE_SERVICE = "rescue_service", pgettext_lazy("council role", "Rescue service")
        HOUSING = "housing", pgettext_lazy("council role", "Housing")
        BUSINESS = "business", pgettext_lazy("council role", "Business")
        CIVIL_SOCIETY = "civil_society", pgettext_lazy("council role", "Civil society")
        OTHER = "other", pgettext_lazy("council role", "Other")

    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("council")
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("portal account"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("For example “chair of the municipal executive board”.")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
    )
    term_start = models.DateField(_("term from"), null=True, blank=True)
    term_end = models.DateField(_("term to"), null=True, blank=True)
    until_successor = models.BooleanField(_("sits until a successor is appointed"), default=False)
    alternate_for = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alternates",
        verbose_name=_("alternate for"),
    )
    publish_name = models.BooleanField(
        _("name may be published"),
        default=False,
        help_text=_("Only then is the name shown to residents; otherwise only role and organisation."),
    )
    # Set when the person's name and contact details were replaced (core/data_rights.py): the seat stays a record.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["council", "role", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_start__isnull=True) | Q(term_end__gte=F("term_start")),
                name="councils_membership_term_order",
                violation_error_message=_("The term cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(alternate_for__isnull=True) | ~Q(alternate_for=F("id")),
                name="councils_membership_not_own_alternate",
                violation_error_message=_("A member cannot be their own alternate."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"

    @property
    def is_alternate(self):
        return self.alternate_for_id is not None


class PortalRoleQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)


class PortalRole(TimeStampedModel):
    """What a user may do in one municipality's part of the portal."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Security coordinator")
        POLICE = "police", _("Police liaison")
        MEMBER = "member", _("Council member")
        REPORTER = "reporter", _("EST reporter")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_roles", verbose_name=_("user")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="portal_roles", verbose_name=_("municipality")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    history = HistoricalRecords()

    objects = PortalRoleQuerySet.as_manager()

    class Meta:
        verbose_name = _("portal role")
        verbose_name_plural = _("portal roles")
        ordering = ["municipality", "role", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality"],
                name="councils_portalrole_one_per_municipality",
                violation_error_message=_("This user already has a role in this municipality."),
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} ({self.municipality})"


from councils.models_meetings import (  # noqa: E402  (the meeting models belong to this app)
    AgendaItem,
    Attendance,
    CalendarFeed,
    Decision,
    Meeting,
)

__all__ = [
    "AgendaItem",
    "Attendance",
    "CalendarFeed",
    "Council",
    "County",
    "Decision",
    "Meeting",
    "Membership",
    "Municipality",
    "Organisation",
    "PortalRole",
]
