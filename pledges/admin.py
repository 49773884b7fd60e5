from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from pledges.models import (
    Activity,
    CitizenPledge,
    FocusArea,
    FollowUp,
    FollowUpRevision,
    PartnershipAgreement,
    Signatory,
)


@admin.register(PartnershipAgreement)
class PartnershipAgreementAdmin(SimpleHistoryAdmin):
    list_display = ["title", "police_area", "start_date", "end_date"]
    filter_horizontal = ["municipalities"]
    search_fields = ["title", "police_area"]


class SignatoryInline(admin.TabularInline):
    model = Signatory
    extra = 0


class FocusAreaInline(admin.TabularInline):
    model = FocusArea
    extra = 0
    show_change_link = True


@admin.register(CitizenPledge)
class CitizenPledgeAdmin(SimpleHistoryAdmin):
    list_display = ["title", "status", "start_date", "end_date", "police_area"]
    list_filter = ["status"]
    filter_horizontal = ["municipalities"]
    search_fields = ["title"]
    inlines = [SignatoryInline, FocusAreaInline]


class ActivityInline(admin.TabularInline):
    model = Activity
    extra = 0
    autocomplete_fields = ["owner"]


@admin.register(FocusArea)
class FocusAreaAdmin(SimpleHistoryAdmin):
    list_display = ["title", "pledge", "order"]
    list_select_related = ["pledge"]
    inlines = [ActivityInline]


@admin.register(FollowUp)
class FollowUpAdmin(SimpleHistoryAdmin):
    list_display = ["pledge", "year", "tertial", "status"]
    list_filter = ["status", "year"]
    list_select_related = ["pledge"]


@admin.register(FollowUpRevision)
class FollowUpRevisionAdmin(admin.ModelAdmin):
    """Published revisions are public records: readable here, never editable."""

    list_display = ["follow_up", "number", "published_at", "published_by"]
    list_select_related = ["follow_up__pledge", "published_by"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
