from django.urls import include, path

from councils import data_rights_views, export_views, views

app_name = "councils"

urlpatterns = [
    # Staff area
    path("hantera/", views.StaffHomeView.as_view(), name="staff-home"),
    path("hantera/kommuner/ny/", views.MunicipalityCreateView.as_view(), name="municipality-create"),
    path("hantera/<slug:kommun>/", views.MunicipalityDashboardView.as_view(), name="staff-municipality"),
    path(
        "hantera/<slug:kommun>/installningar/",
        views.MunicipalitySettingsView.as_view(),
        name="municipality-settings",
    ),
    path("hantera/<slug:kommun>/rad/ny/", views.CouncilCreateView.as_view(), name="council-create"),
    path("hantera/<slug:kommun>/rad/<int:pk>/", views.CouncilDetailView.as_view(), name="council-detail"),
    path("hantera/<slug:kommun>/rad/<int:pk>/andra/", views.CouncilUpdateView.as_view(), name="council-update"),
    path(
        "hantera/<slug:kommun>/rad/<int:council_pk>/historik/",
        views.CouncilHistoryView.as_view(),
        name="council-history",
    ),
    path(
        "hantera/<slug:kommun>/rad/<int:council_pk>/ledamoter/ny/",
        views.MembershipCreateView.as_view(),
        name="membership-create",
    ),
    path(
        "hantera/<slug:kommun>/ledamoter/<int:pk>/andra/",
        views.MembershipUpdateView.as_view(),
        name="membership-update",
    ),
    path(
        "hantera/<slug:kommun>/ledamoter/<int:pk>/ta-bort/",
        views.MembershipDeleteView.as_view(),
        name="membership-delete",
    ),
    path("hantera/<slug:kommun>/organisationer/", views.OrganisationListView.as_view(), name="organisation-list"),
    path(
        "hantera/<slug:kommun>/organisationer/ny/",
        views.OrganisationCreateView.as_view(),
        name="organisation-create",
    ),
    path(
        "hantera/<slug:kommun>/organisationer/<int:pk>/andra/",
        views.OrganisationUpdateView.as_view(),
        name="organisation-update",
    ),
    # Export of everything the municipality owns (councils/export_views.py).
    path("hantera/<slug:kommun>/export/", export_views.ExportView.as_view(), name="export"),
    path("hantera/<slug:kommun>/export/<str:name>", export_views.ExportDownloadView.as_view(), name="export-download"),
    path("hantera/<slug:kommun>/roller/", views.RoleListView.as_view(), name="role-list"),
    path("hantera/<slug:kommun>/roller/bjud-in/", views.InvitationView.as_view(), name="role-invite"),
    path("hantera/<slug:kommun>/roller/<int:pk>/andra/", views.RoleUpdateView.as_view(), name="role-update"),
    path("hantera/<slug:kommun>/roller/<int:pk>/ta-bort/", views.RoleDeleteView.as_view(), name="role-delete"),
    # Data rights (councils/data_rights_views.py): anonymising a seat or an account, and a person's own data.
    path(
        "hantera/<slug:kommun>/ledamoter/<int:pk>/anonymisera/",
        data_rights_views.MembershipAnonymiseView.as_view(),
        name="membership-anonymise",
    ),
    path(
        "hantera/<slug:kommun>/roller/<int:pk>/anonymisera/",
        data_rights_views.RoleAnonymiseView.as_view(),
        name="role-anonymise",
    ),
    path("konto/mina-uppgifter/", data_rights_views.MyDataView.as_view(), name="my-data"),
    path(
        "konto/mina-uppgifter/mina-uppgifter.json",
        data_rights_views.MyDataDownloadView.as_view(),
        name="my-data-download",
    ),
    # Meetings, agendas, minutes and attendance (councils/urls_meetings.py); calendar feeds and residents'
    # subscriptions (councils/urls_calendar.py). Both before the catch-all public municipality page.
    path("", include("councils.urls_meetings")),
    path("", include("councils.urls_calendar")),
    # Public pages
    path("", views.PublicIndexView.as_view(), name="public-index"),
    path("<slug:kommun>/", views.PublicMunicipalityView.as_view(), name="public-municipality"),
]
