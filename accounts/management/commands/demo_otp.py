from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts import two_factor


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo login (only with DEBUG on)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The login, e.g. samordnare@vaggeryd.example.")

    def handle(self, *args, email, **options):
        if not settings.DEBUG:
            raise CommandError("demo_otp prints sign-in codes; it refuses to run with DEBUG off.")
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"There is no account {email}.")
        device = two_factor.authenticator(user)
        if device is None:
            raise CommandError(f"{email} has no authenticator app (two-factor sign-in is off for it).")
        self.stdout.write(two_factor.current_code(device))
