"""Sessions follow what a person may do: a removed or changed portal role, or a removed superuser status,
ends every session of that person, so that nobody keeps rights in an open browser that they no longer have.
Signals rather than calls in the views, because roles change in the staff pages, the Django admin and services.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, pre_save
from django.dispatch import receiver

from accounts.middleware import session_start
from accounts.services import user_end_sessions


@receiver(user_logged_in)
def start_session_clock(sender, request, user, **kwargs):
    session_start(request.session)


@receiver(pre_save, sender="councils.PortalRole")
def end_sessions_when_role_changes(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    before = sender.objects.filter(pk=instance.pk).values_list("role", flat=True).first()
    if before is not None and before != instance.role:
        user_end_sessions(user_id=instance.user_id)


@receiver(post_delete, sender="councils.PortalRole")
def end_sessions_when_role_is_removed(sender, instance, **kwargs):
    user_end_sessions(user_id=instance.user_id)


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def end_sessions_when_superuser_status_is_removed(sender, instance, raw=False, update_fields=None, **kwargs):
    """The epoch is raised in the database and on the instance being saved, which writes it back unchanged."""
    if raw or instance.pk is None or instance.is_superuser:
        return
    if update_fields is not None and "is_superuser" not in update_fields:
        return
    if sender.objects.filter(pk=instance.pk, is_superuser=True).exists():
        user_end_sessions(user_id=instance.pk)
        instance.session_epoch += 1
