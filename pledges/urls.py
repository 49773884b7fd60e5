from django.urls import path

from pledges import views_public, views_staff
from pledges.feeds import MunicipalityFeed

app_name = "pledges"

FOLLOW_UP = "<slug:kommun>/medborgarloften/<int:pk>/uppfoljning/<int:year>-t<int:tertial>"
STAFF = "hantera/<slug:kommun>"

urlpatterns = [
    # Staff area
    path(f"{STAFF}/medborgarloften/", views_staff.PledgeListView.as_view(), name="staff-list"),
    path(f"{STAFF}/medborgarloften/ny/", views_staff.PledgeCreateView.as_view(), name="staff-create"),
    path(f"{STAFF}/medborgarloften/<int:pk>/", views_staff.PledgeDetailView.as_view(), name="staff-detail"),
    path(f"{STAFF}/medborgarloften/<int:pk>/andra/", views_staff.PledgeUpdateView.as_view(), name="staff-update"),
    path(f"{STAFF}/medborgarloften/<int:pk>/publicera/", views_staff.PledgePublishView.as_view(), name="staff-publish"),
    path(f"{STAFF}/medborgarloften/<int:pk>/avsluta/", views_staff.PledgeCloseView.as_view(), name="staff-close"),
    path(
        f"{STAFF}/medborgarloften/<int:pk>/fokusomraden/ny/",
        views_staff.FocusAreaCreateView.as_view(),
        name="focus-area-create",
    ),
    path(f"{STAFF}/fokusomraden/<int:pk>/andra/", views_staff.FocusAreaUpdateView.as_view(), name="focus-area-update"),
    path(
        f"{STAFF}/fokusomraden/<int:pk>/aktiviteter/ny/",
        views_staff.ActivityCreateView.as_view(),
        name="activity-create",
    ),
    path(f"{STAFF}/aktiviteter/<int:pk>/andra/", views_staff.ActivityUpdateView.as_view(), name="activity-update"),
    path(
        f"{STAFF}/medborgarloften/<int:pk>/uppfoljningar/ny/",
        views_staff.FollowUpCreateView.as_view(),
        name="follow-up-create",
    ),
    path(f"{STAFF}/uppfoljningar/<int:pk>/", views_staff.FollowUpEditView.as_view(), name="follow-up-edit"),
    path(
        f"{STAFF}/uppfoljningar/<int:pk>/rader/<int:row>/",
        views_staff.ProgressRowSaveView.as_view(),
        name="row-save",
    ),
    path(f"{STAFF}/uppfoljningar/<int:pk>/skicka/", views_staff.FollowUpSubmitView.as_view(), name="follow-up-submit"),
    path(
        f"{STAFF}/uppfoljningar/<int:pk>/godkann/", views_staff.FollowUpApproveView.as_view(), name="follow-up-approve"
    ),
    path(
        f"{STAFF}/uppfoljningar/<int:pk>/returnera/", views_staff.FollowUpReturnView.as_view(), name="follow-up-return"
    ),
    path(f"{STAFF}/uppfoljningar/<int:pk>/ratta/", views_staff.FollowUpReopenView.as_view(), name="follow-up-reopen"),
    # Public pages
    path("<slug:kommun>/flode.xml", MunicipalityFeed(), name="feed"),
    path("<slug:kommun>/medborgarloften/", views_public.PledgeListView.as_view(), name="public-list"),
    path("<slug:kommun>/medborgarloften/<int:pk>/", views_public.PledgeDetailView.as_view(), name="public-detail"),
    path(f"{FOLLOW_UP}/", views_public.FollowUpView.as_view(), name="public-follow-up"),
    path(f"{FOLLOW_UP}.pdf", views_public.FollowUpPdfView.as_view(), name="public-follow-up-pdf"),
    path(
        "<slug:kommun>/medborgarloften/<int:pk>/uppfoljning/<int:year>.csv",
        views_public.FollowUpYearCsvView.as_view(),
        name="public-year-csv",
    ),
]
