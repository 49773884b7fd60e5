"""Whole-page cache of the public pages for anonymous visitors.

Residents read far more than councils write, and a public page only changes when something is written. So the
cache key carries a version that every write to the portal's own data bumps (one signal handler, below):
a cached page can never outlive the data it shows. Signed-in users, requests carrying a session or messages,
and anything but a 200 GET are never cached.
"""

import hashlib

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

VERSION_KEY = "public-pages:version"
TIMEOUT = 60 * 60
APPS = {"councils", "pledges", "situation", "actionplans"}
# Written often, and never shown on a public page except through frozen figures.
NOT_PUBLIC = {"Incident", "PoliceEvent", "FeedState", "MeasureUpdate"}


def _version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, None)
        version = cache.get(VERSION_KEY, 1)
    return version


def bump_public_version(sender=None, **kwargs):
    if sender is not None and (sender._meta.app_label not in APPS or sender.__name__ in NOT_PUBLIC):
        return
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


def connect_signals():
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(bump_public_version, dispatch_uid=f"public-cache-{signal}")


def _cacheable(request) -> bool:
    return (
        request.method == "GET"
        and "sessionid" not in request.COOKIES
        and "messages" not in request.COOKIES
        and not request.user.is_authenticated
    )


class PublicPageCacheMixin:
    """For the public views: serve a cached copy to anonymous visitors while nothing has been written since."""

    def dispatch(self, request, *args, **kwargs):
        if not _cacheable(request):
            return super().dispatch(request, *args, **kwargs)
        # The date is in the key because the statutory clock's states change at midnight. The address is hashed:
        # a visitor chooses its query string, and a key must stay short and printable for any cache backend.
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"public-page:{_version()}:{timezone.localdate()}:{get_language()}:{path}"
        cached = cache.get(key)
        if cached is not None:
            content, content_type = cached
            return HttpResponse(content, content_type=content_type)
        response = super().dispatch(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            if hasattr(response, "render") and callable(response.render):
                response.render()
            cache.set(key, (response.content, response["Content-Type"]), TIMEOUT)
        return response
