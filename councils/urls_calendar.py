"""Calendar feeds, the user's reminder settings, the delivery log and residents' subscriptions.

Included inside the `councils` namespace before the catch-all public municipality page.
"""

from django.urls import path

from councils import calendar_views, delivery_views, subscription_views

STAFF = "hantera/<slug:kommun>"
PUBLIC = "<slug:kommun>/prenumerera"

urlpatterns = [
    # Private calendar feeds: the token is the credential.
    path("kalender/<slug:token>.ics", calendar_views.calendar_feed, name="calendar-feed"),
    # The signed-in user's reminder settings and their own feed.
    path("konto/paminnelser/", calendar_views.ReminderSettingsView.as_view(), name="reminder-settings"),
    path(
        "konto/paminnelser/kalender/ny/",
        calendar_views.MyCalendarFeedRenewView.as_view(),
        name="calendar-feed-renew",
    ),
    path(
        "konto/paminnelser/kalender/stang-av/",
        calendar_views.MyCalendarFeedRevokeView.as_view(),
        name="calendar-feed-revoke",
    ),
    # A council's feed, managed by the coordinator on the council's page.
    path(
        f"{STAFF}/rad/<int:council_pk>/kalender/ny/",
        calendar_views.CouncilFeedRenewView.as_view(),
        name="council-feed-renew",
    ),
    path(
        f"{STAFF}/rad/<int:council_pk>/kalender/stang-av/",
        calendar_views.CouncilFeedRevokeView.as_view(),
        name="council-feed-revoke",
    ),
    # What the reminder engine sent for the municipality, and what failed.
    path(f"{STAFF}/utskick/", delivery_views.DeliveryLogView.as_view(), name="delivery-log"),
    path(f"{STAFF}/utskick/<int:pk>/forsok-igen/", delivery_views.DeliveryRetryView.as_view(), name="delivery-retry"),
    # Residents' e-mail subscriptions.
    path(f"{PUBLIC}/", subscription_views.SubscribeView.as_view(), name="subscribe"),
    path(f"{PUBLIC}/skickat/", subscription_views.SubscribeSentView.as_view(), name="subscribe-sent"),
    path(
        f"{PUBLIC}/bekrafta/<slug:token>/",
        subscription_views.SubscriptionConfirmView.as_view(),
        name="subscribe-confirm",
    ),
    path(f"{PUBLIC}/avsluta/<slug:token>/", subscription_views.UnsubscribeView.as_view(), name="unsubscribe"),
]
