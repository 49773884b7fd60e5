from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Portal core")

    def ready(self):
        from celery.signals import worker_ready

        worker_ready.connect(_queue_first_heartbeat, weak=False, dispatch_uid="core-first-heartbeat")


def _queue_first_heartbeat(sender=None, **kwargs):
    """A fresh worker says so through the queue at once, instead of waiting for beat's first tick."""
    from core.tasks import heartbeat_task

    heartbeat_task.delay()
