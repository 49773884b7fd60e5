from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import two_factor
from accounts.demo import demo_authenticator_ensure
from councils import demo
from councils.models import Council, Membership, Municipality, Organisation, PortalRole


class Command(BaseCommand):
    help = "Create the demo municipalities, councils, members and one login per role (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo writes demo accounts with a known password; it refuses to run with DEBUG off. "
                "Use --force if this really is a demo or test installation."
            )
        with transaction.atomic():
            created = self.seed()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new objects)."))

    def seed(self) -> int:
        created = 0
        municipalities = {}
        for data in demo.MUNICIPALITIES:
            fields = {k: v for k, v in data.items() if k != "slug"}
            municipality, new = Municipality.objects.get_or_create(slug=data["slug"], defaults=fields)
            municipalities[data["slug"]] = municipality
            created += new

        organisations = {}
        for slug, rows in demo.ORGANISATIONS.items():
            for name, kind in rows:
                organisation, new = Organisation.objects.get_or_create(
                    municipality=municipalities[slug], name=name, defaults={"kind": kind}
                )
                organisations[name] = organisation
                created += new

        for data in demo.COUNCILS:
            council, new = Council.objects.get_or_create(
                name=data["name"],
                defaults={
                    "kind": data["kind"],
                    "purpose": data["purpose"],
                    "meeting_frequency": data["meeting_frequency"],
                },
            )
            created += new
            if new:
                council.municipalities.set([municipalities[s] for s in data["municipalities"]])
            seats = {}
            for name, role, title, organisation, publish, alternate_for in data["seats"]:
                seat, new = Membership.objects.get_or_create(
                    council=council,
                    name=name,
                    role=role,
                    defaults={
                        "title": title,
                        "organisation": organisations[organisation],
                        "publish_name": publish,
                        "until_successor": True,
                        "alternate_for": seats.get(alternate_for),
                    },
                )
                seats[name] = seat
                created += new

        created += self.seed_logins(municipalities)

        from pledges.demo import seed_pledges

        coordinator = get_user_model().objects.get(email="samordnare@vaggeryd.example")
        created += seed_pledges(municipalities=municipalities, by=coordinator)

        from situation.demo import seed_incidents

        created += seed_incidents(municipalities=municipalities, by=coordinator)

        from actionplans.demo import seed_plans
        from situation.demo import seed_pictures

        pictures = seed_pictures(municipalities=municipalities, by=coordinator)
        created += seed_plans(municipalities=municipalities, pictures=pictures)
        created += demo.seed_meetings(municipalities=municipalities)
        return created

    def seed_logins(self, municipalities) -> int:
        User = get_user_model()
        password_hash = None
        created = 0
        for slug, municipality in municipalities.items():
            for word, role in demo.ROLE_LOGINS.items():
                email = f"{word}@{slug}.example"
                user = User.objects.filter(email=email).first()
                if user is None:
                    # One hash for all demo logins: hashing is deliberately slow.
                    password_hash = password_hash or make_password(settings.DEMO_PASSWORD)
                    user = User.objects.create(
                        email=email, full_name=f"{demo.ROLE_LOGIN_NAMES[word]} {municipality.name}"
                    )
                    user.password = password_hash
                    user.save(update_fields=["password"])
                    created += 1
                _, new = PortalRole.objects.get_or_create(user=user, municipality=municipality, defaults={"role": role})
                created += new
                if settings.DEBUG and role in two_factor.REQUIRED_ROLES:
                    created += demo_authenticator_ensure(user)
        return created
