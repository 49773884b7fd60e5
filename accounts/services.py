"""Writes to accounts that other apps' events call for."""

from django.contrib.auth import get_user_model
from django.db.models import F


def user_end_sessions(*, user_id: int) -> None:
    """End every session of the user: at their next request each session's hash no longer matches.

    Raises the user's session epoch, which User.get_session_auth_hash includes.
    """
    get_user_model().objects.filter(pk=user_id).update(session_epoch=F("session_epoch") + 1)
