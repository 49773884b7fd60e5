from django.contrib import admin

from situation.models import FeedState, Incident, IncidentCategory, Place, PoliceEvent


@admin.register(FeedState)
class FeedStateAdmin(admin.ModelAdmin):
    """Where an administrator clears a feed stopped by a 404 (empty `disabled reason`)."""

    list_display = ["key", "last_call_at", "disabled_reason"]
    fields = ["key", "last_call_at", "disabled_reason"]
    readonly_fields = ["key", "last_call_at"]


@admin.register(PoliceEvent)
class PoliceEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "type", "name", "municipality"]
    list_filter = ["type"]
    list_select_related = ["municipality"]


@admin.register(IncidentCategory)
class IncidentCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "tag", "municipality", "is_active"]
    list_select_related = ["parent", "municipality"]


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "area", "municipality", "is_hot_spot"]
    list_select_related = ["area", "municipality"]


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "category", "municipality", "visibility", "source"]
    list_select_related = ["category", "municipality"]
    list_filter = ["visibility", "source"]
