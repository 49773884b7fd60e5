"""Writes to councils, members and portal roles. Views and commands call these; they hold the rules."""

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from councils.models import Municipality, PortalRole


def invitation_url(*, user, base_url: str) -> str:
    path = reverse(
        "accounts:invitation_accept",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return base_url.rstrip("/") + path


@transaction.atomic
def user_invite(*, municipality: Municipality, email: str, full_name: str, role: str, by, base_url: str):
    """Create an account without a password, give it `role` in `municipality`, and mail a one-time link.

    The link lets the invitee choose a password; it stops working once a password is set.
    """
    User = get_user_model()
    user = User(email=email.lower(), full_name=full_name)
    user.set_unusable_password()
    user.full_clean()
    user.save()
    portal_role = PortalRole(user=user, municipality=municipality, role=role)
    portal_role._history_user = by
    portal_role.full_clean()
    portal_role.save()

    context = {
        "user": user,
        "municipality": municipality,
        "role": portal_role.get_role_display(),
        "invited_by": by,
        "url": invitation_url(user=user, base_url=base_url),
    }
    subject = render_to_string("councils/email/invitation_subject.txt", context).strip()
    body = render_to_string("councils/email/invitation.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email]))
    return portal_role
