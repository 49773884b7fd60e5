"""Two-factor sign-in for the demo logins: one fixed, documented authenticator secret (README, "Demo logins")."""

from base64 import b32decode

from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.two_factor import AUTHENTICATOR_NAME

# Type this into an authenticator app, or let `manage.py demo_otp <e-mail>` print the current code.
DEMO_TOTP_SECRET = "BRAPORTALENDEMOSECRETFORTESTING2"


def demo_authenticator_ensure(user) -> bool:
    """Give a demo login a confirmed authenticator with the demo secret; True if one was created."""
    _, created = TOTPDevice.objects.get_or_create(
        user=user,
        confirmed=True,
        defaults={"name": AUTHENTICATOR_NAME, "key": b32decode(DEMO_TOTP_SECRET).hex()},
    )
    return created
