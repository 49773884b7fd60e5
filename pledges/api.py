"""Open data: published citizen pledges and the latest published revision of each follow-up (read-only JSON).

Follow-ups are read only from their FollowUpRevision snapshots: a follow-up's live rows are drafts.
"""

from django.db.models import Exists, Max, OuterRef, Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from core.periods import Tertial
from councils.api import OpenDataViewSet, absolute_url
from councils.models import Municipality
from pledges import selectors
from pledges.models import CitizenPledge, FocusArea, FollowUp, FollowUpRevision, ProgressRow, Responsible


def public_pledges():
    """Published and closed pledges of at least one published municipality."""
    in_public_municipality = CitizenPledge.municipalities.through.objects.filter(
        citizenpledge_id=OuterRef("pk"), municipality__in=Municipality.objects.public()
    )
    return CitizenPledge.objects.public().filter(Exists(in_public_municipality))


def _public_municipalities():
    return Prefetch(
        "municipalities", queryset=Municipality.objects.public().order_by("name"), to_attr="public_municipalities"
    )


def _html_kommun(pledge) -> str:
    """Public pages live under a municipality; a pledge shared by several is shown under the first."""
    return pledge.public_municipalities[0].slug


def _decimal_field(**kwargs):
    return serializers.DecimalField(max_digits=10, decimal_places=1, coerce_to_string=False, allow_null=True, **kwargs)


# Pledges


class ActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    description = serializers.CharField()
    responsible = serializers.ChoiceField(choices=Responsible.choices, help_text="Responsible party code.")
    responsible_label = serializers.CharField(
        help_text="Responsible party in Swedish, or the named organisation when the code is “other”."
    )
    target = _decimal_field(help_text="Numeric target for the pledge period, if any.")
    unit = serializers.CharField(help_text="Unit of the target, e.g. “trygghetsvandringar”.")


class FocusAreaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    activities = ActivitySerializer(many=True)


class SignatorySerializer(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()


class FollowUpLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Follow-up id in /follow-ups/.")
    year = serializers.IntegerField()
    tertial = serializers.IntegerField(min_value=1, max_value=3)
    revision = serializers.IntegerField(source="latest_revision", help_text="Number of the latest revision.")
    published_at = serializers.DateTimeField(source="latest_published_at")
    url = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField()

    def get_url(self, follow_up) -> str:
        return absolute_url(self, "api:follow-up-detail", id=follow_up.pk)

    def get_html_url(self, follow_up) -> str:
        return absolute_url(
            self,
            "pledges:public-follow-up",
            kommun=self.context["kommun"],
            pk=follow_up.pledge_id,
            year=follow_up.year,
            tertial=follow_up.tertial,
        )


class PledgeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField(help_text="The pledge's public page.")
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=CitizenPledge.Status.choices, help_text="Status code.")
    status_label = serializers.CharField(source="get_status_display", help_text="Status in Swedish.")
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    published_at = serializers.DateTimeField(allow_null=True)
    police_area = serializers.CharField(help_text="Local police area.")
    municipalities = serializers.SerializerMethodField(help_text="Slugs of the published municipalities.")
    background = serializers.CharField()
    effect = serializers.CharField(help_text="Intended effect.")
    signatories = SignatorySerializer(many=True)
    focus_areas = FocusAreaSerializer(many=True)
    follow_ups = serializers.SerializerMethodField(help_text="Published follow-ups, in period order.")

    def get_url(self, pledge) -> str:
        return absolute_url(self, "api:pledge-detail", pk=pledge.pk)

    def get_html_url(self, pledge) -> str:
        return absolute_url(self, "pledges:public-detail", kommun=_html_kommun(pledge), pk=pledge.pk)

    def get_municipalities(self, pledge) -> list[str]:
        return [municipality.slug for municipality in pledge.public_municipalities]

    @extend_schema_field(FollowUpLinkSerializer(many=True))
    def get_follow_ups(self, pledge):
        context = {**self.context, "kommun": _html_kommun(pledge)}
        return FollowUpLinkSerializer(pledge.published_follow_ups, many=True, context=context).data


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "kommun", OpenApiTypes.STR, description="Only the pledges of the municipality with this slug."
            )
        ]
    )
)
class PledgeViewSet(OpenDataViewSet):
    """Published citizen pledges (medborgarlöften), current and closed, newest first."""

    serializer_class = PledgeSerializer

    def get_queryset(self):
        published_follow_ups = (
            FollowUp.objects.annotate(
                latest_revision=Max("revisions__number"), latest_published_at=Max("revisions__published_at")
            )
            .filter(latest_revision__isnull=False)
            .order_by("year", "tertial")
        )
        pledges = public_pledges().prefetch_related(
            _public_municipalities(),
            "signatories",
            Prefetch("focus_areas", queryset=FocusArea.objects.prefetch_related("activities")),
            Prefetch("follow_ups", queryset=published_follow_ups, to_attr="published_follow_ups"),
        )
        kommun = self.request.query_params.get("kommun")
        if kommun:
            pledges = pledges.filter(municipalities__in=Municipality.objects.public().filter(slug=kommun))
        return pledges.order_by("-start_date", "title", "pk")


# Follow-ups


class FollowUpActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    description = serializers.CharField()
    responsible_label = serializers.CharField(help_text="Responsible party in Swedish, or the named organisation.")
    target = _decimal_field(help_text="Numeric target for the pledge period, if any.")
    unit = serializers.CharField()
    status = serializers.ChoiceField(choices=ProgressRow.Status.choices, help_text="Progress code.")
    status_label = serializers.CharField(help_text="Progress in Swedish.")
    achieved = _decimal_field(help_text="Achieved so far this year, if counted.")
    narrative = serializers.CharField(help_text="What was done.")


class FollowUpFocusAreaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    activities = FollowUpActivitySerializer(many=True)


class FollowUpSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="follow_up_id", help_text="Follow-up id; stays the same across corrections.")
    url = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField(help_text="The follow-up's public page.")
    pdf_url = serializers.SerializerMethodField(help_text="The follow-up as PDF.")
    pledge = serializers.IntegerField(source="follow_up.pledge_id", help_text="Pledge id in /pledges/.")
    pledge_url = serializers.SerializerMethodField()
    pledge_title = serializers.SerializerMethodField(help_text="The pledge's title as published in this revision.")
    year = serializers.IntegerField(source="follow_up.year")
    tertial = serializers.IntegerField(source="follow_up.tertial", min_value=1, max_value=3)
    period = serializers.SerializerMethodField(help_text="For example “T2 2024”.")
    revision = serializers.IntegerField(
        source="number", help_text="1 for the first publication, then one per correction."
    )
    published_at = serializers.DateTimeField(help_text="When this revision was published.")
    is_correction = serializers.BooleanField()
    correction_note = serializers.CharField(help_text="What was corrected; empty for the first publication.")
    summary = serializers.SerializerMethodField(help_text="A few sentences to residents about the tertial.")
    focus_areas = serializers.SerializerMethodField()

    def _page_kwargs(self, revision):
        follow_up = revision.follow_up
        return {
            "kommun": _html_kommun(follow_up.pledge),
            "pk": follow_up.pledge_id,
            "year": follow_up.year,
            "tertial": follow_up.tertial,
        }

    def get_url(self, revision) -> str:
        return absolute_url(self, "api:follow-up-detail", id=revision.follow_up_id)

    def get_html_url(self, revision) -> str:
        return absolute_url(self, "pledges:public-follow-up", **self._page_kwargs(revision))

    def get_pdf_url(self, revision) -> str:
        return absolute_url(self, "pledges:public-follow-up-pdf", **self._page_kwargs(revision))

    def get_pledge_url(self, revision) -> str:
        return absolute_url(self, "api:pledge-detail", pk=revision.follow_up.pledge_id)

    def get_pledge_title(self, revision) -> str:
        return revision.content.get("pledge", {}).get("title") or revision.follow_up.pledge.title

    def get_period(self, revision) -> str:
        return str(Tertial(revision.follow_up.year, revision.follow_up.tertial))

    def get_summary(self, revision) -> str:
        return revision.content.get("summary", "")

    @extend_schema_field(FollowUpFocusAreaSerializer(many=True))
    def get_focus_areas(self, revision):
        return FollowUpFocusAreaSerializer(selectors.revision_focus_areas(revision), many=True).data


class FollowUpFilterSerializer(serializers.Serializer):
    pledge = serializers.IntegerField(required=False, help_text="Only the follow-ups of the pledge with this id.")
    year = serializers.IntegerField(required=False, help_text="Only the follow-ups of this year.")
    kommun = serializers.SlugField(required=False, help_text="Only the follow-ups of this municipality's pledges.")


@extend_schema_view(
    list=extend_schema(parameters=[FollowUpFilterSerializer]),
    retrieve=extend_schema(
        parameters=[
            OpenApiParameter(
                "id", {"type": "integer", "minimum": 0}, OpenApiParameter.PATH, description="Follow-up id."
            )
        ]
    ),
)
class FollowUpViewSet(OpenDataViewSet):
    """The latest published revision of each follow-up of a published pledge, in pledge and period order.

    A follow-up opened for a correction stays as last published until the correction is approved.
    """

    serializer_class = FollowUpSerializer
    lookup_field = "follow_up_id"
    lookup_url_kwarg = "id"
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        newer = FollowUpRevision.objects.filter(follow_up=OuterRef("follow_up"), number__gt=OuterRef("number"))
        revisions = (
            FollowUpRevision.objects.filter(~Exists(newer), follow_up__pledge__in=public_pledges().values("pk"))
            .select_related("follow_up__pledge")
            .prefetch_related(
                Prefetch(
                    "follow_up__pledge__municipalities",
                    queryset=Municipality.objects.public().order_by("name"),
                    to_attr="public_municipalities",
                )
            )
            .order_by("follow_up__pledge_id", "follow_up__year", "follow_up__tertial")
        )
        if self.action == "list":
            filters = FollowUpFilterSerializer(data=self.request.query_params)
            filters.is_valid(raise_exception=True)
            wanted = filters.validated_data
            if "pledge" in wanted:
                revisions = revisions.filter(follow_up__pledge_id=wanted["pledge"])
            if "year" in wanted:
                revisions = revisions.filter(follow_up__year=wanted["year"])
            if "kommun" in wanted:
                municipality = Municipality.objects.public().filter(slug=wanted["kommun"])
                revisions = revisions.filter(follow_up__pledge__municipalities__in=municipality)
        return revisions
