"""Two-factor sign-in: a TOTP authenticator app (django-otp) with one-time backup codes.

Who must use it, the device being set up, checking a code, and the backup codes. Views, the middleware and the
demo command call these; they hold the rules.
"""

import time
from base64 import b32encode

import segno
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp import verify_token
from django_otp.oath import hotp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from councils.models import PortalRole

# Coordinators and police liaisons read police-internal and council-internal data (GDPR article 10).
REQUIRED_ROLES = (PortalRole.Role.COORDINATOR, PortalRole.Role.POLICE)
AUTHENTICATOR_NAME = "Autentiseringsapp"
BACKUP_NAME = "Reservkoder"
BACKUP_CODE_COUNT = 10


def is_required(user) -> bool:
    """True for superusers and for anyone who is coordinator or police liaison in any municipality."""
    return user.is_superuser or PortalRole.objects.filter(user=user, role__in=REQUIRED_ROLES).exists()


def authenticator(user) -> TOTPDevice | None:
    """The user's confirmed authenticator app, or None while two-factor sign-in is off for them."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_authenticator(user) -> TOTPDevice:
    """The authenticator being set up; kept until confirmed, so that reloading the page shows the same QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG QR code in a data: URI (an <img> the Content-Security-Policy allows)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for apps that are set up by typing instead of scanning."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))


def current_code(device: TOTPDevice) -> str:
    """The code the authenticator app shows now (for the demo command and tests that sign in through the form).

    A code is accepted once; if the current one was already used, the next time step's code (which the device
    also accepts) is given.
    """
    now = (int(time.time()) - device.t0) // device.step + device.drift
    token = hotp(device.bin_key, max(now, device.last_t + 1), digits=device.digits)
    return f"{token:0{device.digits}d}"


def normalise_code(code: str) -> str:
    """Codes are accepted with spaces and in either case, as people copy them from paper or an app."""
    return "".join(code.split()).lower()


def device_for_code(user, code: str):
    """The device a code belongs to: digits come from the app, letters and digits are a backup code."""
    model = TOTPDevice if code.isdigit() else StaticDevice
    return model.objects.filter(user=user, confirmed=True).first()


def check_code(device, code: str) -> None:
    """Verify `code` on `device`, or raise a ValidationError that says what is wrong.

    A wrong code makes the device wait before the next try (1, 2, 4, 8 … seconds), so codes cannot be guessed.
    """
    allowed, details = device.verify_is_allowed()
    if not allowed:
        until = timezone.localtime((details or {}).get("locked_until") or timezone.now())
        raise ValidationError(
            _("Too many wrong codes in a row. Wait until %(time)s and try again."),
            code="throttled",
            params={"time": until.strftime("%H:%M:%S")},
        )
    if verify_token(device.user, device.persistent_id, code) is None:
        raise ValidationError(
            _(
                "The code is not right. Enter the six digits the app shows now (check that the clock of your "
                "phone is right), or one of your backup codes."
            ),
            code="wrong_code",
        )


@transaction.atomic
def authenticator_confirm(*, device: TOTPDevice) -> list[str]:
    """Turn two-factor sign-in on with a device whose code was just checked; returns fresh backup codes."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return backup_codes_renew(user=device.user)


@transaction.atomic
def backup_codes_renew(*, user) -> list[str]:
    """Replace the user's backup codes with new ones; each works once. Returns them to be shown once."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=BACKUP_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def two_factor_disable(*, user) -> None:
    """Remove the authenticator and the backup codes: sign-in asks for the password only again."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
