from django.contrib import admin

from core.models import AccessLogEntry


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    """Read-only, for superusers too: the access log is evidence, and nobody edits or removes evidence."""

    list_display = ["at", "municipality", "user", "role", "action", "what", "object_id", "visibility", "count"]
    list_filter = ["action", "what", "municipality"]
    list_select_related = ["municipality", "user"]
    date_hierarchy = "at"
    search_fields = ["path", "query"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
