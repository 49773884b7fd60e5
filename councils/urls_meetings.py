"""Meetings: staff pages under /hantera/<kommun>/moten/ and the published minutes at /<kommun>/protokoll/<id>/.

Included from councils/urls.py before the catch-all public municipality page (`<kommun>/`), which would not
catch these deeper paths anyway; no earlier app pattern matches `<kommun>/protokoll/…`."""

from django.urls import path

from councils import meetings_views as views

STAFF = "hantera/<slug:kommun>/moten"
MEETING = f"{STAFF}/<int:pk>"

urlpatterns = [
    path(f"{STAFF}/", views.MeetingListView.as_view(), name="meeting-list"),
    path(f"{STAFF}/ny/", views.MeetingCreateView.as_view(), name="meeting-create"),
    path(f"{MEETING}/", views.MeetingDetailView.as_view(), name="meeting-detail"),
    path(f"{MEETING}/andra/", views.MeetingUpdateView.as_view(), name="meeting-update"),
    path(f"{MEETING}/stall-in/", views.MeetingCancelView.as_view(), name="meeting-cancel"),
    path(f"{MEETING}/dagordning/ny/", views.AgendaItemCreateView.as_view(), name="agenda-item-create"),
    path(f"{MEETING}/dagordning/forslag/", views.AgendaSuggestionAddView.as_view(), name="agenda-suggestion-add"),
    path(f"{MEETING}/dagordning/<int:item_pk>/andra/", views.AgendaItemUpdateView.as_view(), name="agenda-item-update"),
    path(
        f"{MEETING}/dagordning/<int:item_pk>/ta-bort/",
        views.AgendaItemDeleteView.as_view(),
        name="agenda-item-delete",
    ),
    path(f"{MEETING}/dagordning/<int:item_pk>/flytta/", views.AgendaItemMoveView.as_view(), name="agenda-item-move"),
    path(f"{MEETING}/narvaro/", views.AttendanceView.as_view(), name="meeting-attendance"),
    path(f"{MEETING}/protokoll/", views.MinutesEditView.as_view(), name="meeting-minutes"),
    path(f"{MEETING}/protokoll/justera/", views.MinutesApproveView.as_view(), name="minutes-approve"),
    path(f"{MEETING}/protokoll/publicera/", views.MinutesPublishView.as_view(), name="minutes-publish"),
    path(f"{MEETING}/protokoll.pdf", views.MinutesPdfView.as_view(), name="minutes-pdf"),
    path(f"{MEETING}/beslut/ny/", views.DecisionCreateView.as_view(), name="decision-create"),
    path(f"{MEETING}/beslut/<int:decision_pk>/andra/", views.DecisionUpdateView.as_view(), name="decision-update"),
    path(f"{MEETING}/beslut/<int:decision_pk>/ta-bort/", views.DecisionDeleteView.as_view(), name="decision-delete"),
    # Public: the published part of approved minutes (a stable address residents may bookmark).
    path("<slug:kommun>/protokoll/<int:pk>/", views.PublicMinutesView.as_view(), name="public-minutes"),
    path("<slug:kommun>/protokoll/<int:pk>.pdf", views.PublicMinutesPdfView.as_view(), name="public-minutes-pdf"),
]
