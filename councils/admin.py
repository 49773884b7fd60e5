from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from councils.models import Council, Membership, Municipality, Organisation, PortalRole


@admin.register(Municipality)
class MunicipalityAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kommunkod", "slug", "county", "is_published"]
    list_filter = ["county", "is_published"]
    search_fields = ["name", "kommunkod", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "council"
    extra = 0
    autocomplete_fields = ["organisation", "user"]
    fields = ["name", "role", "title", "organisation", "term_start", "term_end", "until_successor", "publish_name"]


@admin.register(Council)
class CouncilAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    filter_horizontal = ["municipalities"]
    inlines = [MembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "municipality"]
    list_filter = ["kind"]
    search_fields = ["name"]
    list_select_related = ["municipality"]


@admin.register(PortalRole)
class PortalRoleAdmin(SimpleHistoryAdmin):
    list_display = ["user", "municipality", "role"]
    list_filter = ["role", "municipality"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "municipality"]
