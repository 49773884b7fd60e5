"""Open data: the published municipalities with their councils and current seats (read-only JSON)."""

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import translation
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.pagination import LimitOffsetPagination

from councils.models import Council, Membership, Municipality
from councils.selectors import seats_in_role_order


class OpenDataPagination(LimitOffsetPagination):
    """?limit=&offset=, 100 rows by default; the cap keeps one request from loading the whole country."""

    max_limit = 500


class OpenDataSchema(AutoSchema):
    """Describes the error answers too: 404 for an id or slug of nothing published, 400 for a list filter that
    is not valid. Programs reading the description (and tests/hostile's schemathesis run) rely on every answer
    being in it."""

    ERRORS = {
        "list": ("400", "A filter is not valid; the answer names each wrong parameter.", {"type": "object"}),
        "retrieve": (
            "404",
            "Nothing published has this id.",
            {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]},
        ),
    }

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is not None and getattr(self.view, "action", None) in self.ERRORS:
            status, description, body = self.ERRORS[self.view.action]
            content = {"application/json": {"schema": body}}
            operation["responses"].setdefault(status, {"description": description, "content": content})
        return operation


class OpenDataViewSet(viewsets.ReadOnlyModelViewSet):
    """GET, HEAD and OPTIONS only, for anyone; labels always in the portal's language (Swedish).

    Open data is read by programs that cache and compare it, so its labels must not change with the
    Accept-Language of whoever fetched it first.
    """

    pagination_class = OpenDataPagination
    schema = OpenDataSchema()

    def dispatch(self, request, *args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            response = super().dispatch(request, *args, **kwargs)
        response.headers.setdefault("Content-Language", settings.LANGUAGE_CODE)
        return response


def absolute_url(serializer, name, **kwargs) -> str:
    path = reverse(name, kwargs=kwargs)
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request else path


def public_municipalities_with_councils():
    """Published municipalities with their active councils and current seats, in a constant number of queries."""
    seats = Membership.objects.current().select_related("organisation")
    councils = Council.objects.public().prefetch_related(
        Prefetch("memberships", queryset=seats, to_attr="current_seats"),
        Prefetch("municipalities", queryset=Municipality.objects.public().order_by("name"), to_attr="public_members"),
    )
    return (
        Municipality.objects.public()
        .prefetch_related(Prefetch("councils", queryset=councils.order_by("name"), to_attr="public_councils"))
        .order_by("name", "pk")
    )


class SeatSerializer(serializers.Serializer):
    """A current seat. The person's name only where they agreed to its publication."""

    role = serializers.ChoiceField(choices=Membership.Role.choices, help_text="Role code.")
    role_label = serializers.CharField(source="get_role_display", help_text="Role in Swedish.")
    title = serializers.CharField()
    organisation = serializers.SerializerMethodField(help_text="Name of the organisation holding the seat.")
    name = serializers.SerializerMethodField(help_text="Null unless the member agreed to publication of the name.")
    is_alternate = serializers.BooleanField()

    def get_organisation(self, seat) -> str | None:
        return seat.organisation.name if seat.organisation else None

    def get_name(self, seat) -> str | None:
        return seat.name if seat.publish_name else None


class CouncilSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Council.Kind.choices, help_text="Kind code.")
    kind_label = serializers.CharField(source="get_kind_display", help_text="Kind in Swedish.")
    purpose = serializers.CharField()
    meeting_frequency = serializers.CharField()
    municipalities = serializers.SerializerMethodField(help_text="Slugs of the published municipalities it serves.")
    seats = serializers.SerializerMethodField()

    def get_municipalities(self, council) -> list[str]:
        return [municipality.slug for municipality in council.public_members]

    @extend_schema_field(SeatSerializer(many=True))
    def get_seats(self, council):
        return SeatSerializer(seats_in_role_order(council.current_seats), many=True, context=self.context).data


class ContactSerializer(serializers.Serializer):
    """The municipality's coordination function (samordningsfunktion)."""

    name = serializers.CharField(source="contact_name")
    email = serializers.CharField(source="contact_email")
    phone = serializers.CharField(source="contact_phone")


class MunicipalitySerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text="Address name, as in https://…/<slug>/.")
    url = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField(help_text="The municipality's public page.")
    feed_url = serializers.SerializerMethodField(help_text="Atom feed of what the municipality published.")
    pledges_url = serializers.SerializerMethodField(help_text="The municipality's citizen pledges in this API.")
    name = serializers.CharField()
    kommunkod = serializers.CharField(help_text="SCB's four-digit municipality code.")
    county = serializers.ChoiceField(choices=Municipality._meta.get_field("county").choices, help_text="County code.")
    county_label = serializers.CharField(source="get_county_display", help_text="County in Swedish.")
    police_area = serializers.CharField(help_text="Local police area.")
    intro = serializers.CharField()
    contact = ContactSerializer(source="*")
    councils = CouncilSerializer(source="public_councils", many=True)

    def get_url(self, municipality) -> str:
        return absolute_url(self, "api:municipality-detail", slug=municipality.slug)

    def get_html_url(self, municipality) -> str:
        return absolute_url(self, "councils:public-municipality", kommun=municipality.slug)

    def get_feed_url(self, municipality) -> str:
        return absolute_url(self, "pledges:feed", kommun=municipality.slug)

    def get_pledges_url(self, municipality) -> str:
        return absolute_url(self, "api:pledge-list") + f"?kommun={municipality.slug}"


@extend_schema_view(
    retrieve=extend_schema(
        parameters=[
            # The route's own pattern: any other value is no address of the API (Django's 404 page, not JSON).
            OpenApiParameter("slug", {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}, OpenApiParameter.PATH)
        ]
    )
)
class MunicipalityViewSet(OpenDataViewSet):
    """Municipalities on the portal, with the coordination function's contact and the councils' current seats."""

    serializer_class = MunicipalitySerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_queryset(self):
        return public_municipalities_with_councils()
