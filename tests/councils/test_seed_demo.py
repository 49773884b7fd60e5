import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from councils.models import Council, Membership, Municipality, PortalRole

pytestmark = pytest.mark.django_db

SEED_SLUGS = {"vaggeryd", "vara", "hjo", "hagfors", "sunne", "torsby", "munkfors"}


def _counts():
    return {
        model.__name__: (model.objects.count(), model.history.count())
        for model in (Municipality, Council, Membership, PortalRole)
    }


def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not Municipality.objects.exists()


def test_seed_demo_is_idempotent_and_creates_the_seed_municipalities(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first, "running seed_demo twice must change nothing"
    assert set(Municipality.objects.values_list("slug", flat=True)) == SEED_SLUGS
    assert Municipality.objects.get(slug="vaggeryd").kommunkod == "0665"


def test_seed_demo_shares_one_council_among_the_sutohamu_municipalities(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    shared = Council.objects.get(kind="regional")
    assert set(shared.municipalities.values_list("slug", flat=True)) == {"hagfors", "sunne", "torsby", "munkfors"}
    vaggeryd = Council.objects.get(municipalities__slug="vaggeryd", kind="bra")
    roles = set(vaggeryd.memberships.values_list("role", flat=True))
    assert {"chair", "convener", "police", "field_assistant", "social_services", "school"} <= roles


def test_seed_demo_has_one_login_per_role_per_municipality(settings):
    settings.DEBUG = True
    settings.DEMO_PASSWORD = "ett-demo-losenord"
    call_command("seed_demo")
    for slug in SEED_SLUGS:
        for word, role in {
            "samordnare": "coordinator",
            "polis": "police",
            "ledamot": "member",
            "rapportor": "reporter",
        }.items():
            user = authenticate(
                RequestFactory().post("/konto/logga-in/"),
                username=f"{word}@{slug}.example",
                password="ett-demo-losenord",
            )
            assert user is not None, f"{word}@{slug}.example cannot sign in"
            assert PortalRole.objects.get(user=user).municipality.slug == slug
            assert PortalRole.objects.get(user=user).role == role
