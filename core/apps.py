from pathlib import Path

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Portal core")

    def ready(self):
        from celery.signals import worker_ready
        from django.conf import settings

        # kombu's filesystem transport (the embedded default) needs its folders to exist.
        for folder in getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}).values():
            if isinstance(folder, str):
                Path(folder).mkdir(parents=True, exist_ok=True)

        worker_ready.connect(_queue_first_heartbeat, weak=False, dispatch_uid="core-first-heartbeat")

        from core.public_cache import connect_signals

        connect_signals()

        from core import logging as portal_logging

        portal_logging.install()


def _queue_first_heartbeat(sender=None, **kwargs):
    """A fresh worker says so through the queue at once, instead of waiting for beat's first tick."""
    from core.tasks import heartbeat_task

    heartbeat_task.delay()
