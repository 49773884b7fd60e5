import shutil
import tempfile

import pytest
from django.conf import settings
from django.test import Client

from tests.accounts_security.support import verifying_force_login, verifying_login
from tests.factories import (
    CouncilFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PortalRoleFactory,
    UserFactory,
)

ROLES = ["anonymous", "reporter", "member", "police", "coordinator", "other_coordinator", "superuser"]


def pytest_configure(config):
    # Password hashing is deliberately slow; tests do not test its strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Export archives of tests that start an export go to a throwaway folder, never to the project's var/exports.
    exports = settings.PRIVATE_EXPORT_ROOT = tempfile.mkdtemp(prefix="bra-exports-")
    config.add_cleanup(lambda: shutil.rmtree(exports, ignore_errors=True))


class Tenant:
    """A municipality with a council, an organisation and one user per portal role, plus a neighbour."""

    def __init__(self):
        self.municipality = MunicipalityFactory(name="Testköping", slug="testkoping", kommunkod="9901")
        self.council = CouncilFactory(name="Testköpings brottsförebyggande råd", municipalities=[self.municipality])
        self.organisation = OrganisationFactory(municipality=self.municipality, name="Testköpings kommun")
        self.users = {"anonymous": None}
        for role in ("reporter", "member", "police", "coordinator"):
            self.users[role] = PortalRoleFactory(municipality=self.municipality, role=role).user
        self.other_municipality = MunicipalityFactory(name="Grannby", slug="grannby", kommunkod="9902")
        self.other_council = CouncilFactory(name="Grannby trygghetsråd", municipalities=[self.other_municipality])
        self.users["other_coordinator"] = PortalRoleFactory(
            municipality=self.other_municipality, role="coordinator"
        ).user
        self.users["superuser"] = UserFactory(is_superuser=True, is_staff=True)

    @property
    def coordinator(self):
        return self.users["coordinator"]


@pytest.fixture(autouse=True)
def _signed_in_clients_have_given_the_second_factor(request, monkeypatch):
    """Sessions made by `Client.force_login`/`login` count as two-factor verified (with a confirmed
    authenticator created for the user), so that tests of other pages need not enter a code. Tests marked
    `real_two_factor` get Django's own methods and go through the code step themselves."""
    if request.node.get_closest_marker("real_two_factor"):
        return
    monkeypatch.setattr(Client, "force_login", verifying_force_login(Client.force_login))
    monkeypatch.setattr(Client, "login", verifying_login(Client.login))


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (public pages, PDF queue markers, rate limits)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def tenant(db):
    return Tenant()


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker in a thread of the test process, consuming the throwaway Redis broker.

    Needs a transactional database so that the worker thread sees committed rows. Tasks that earlier tests queued
    without a worker are purged first: their rows are gone, and this test should see only its own work.
    """
    from celery.contrib.testing.worker import start_worker

    from bra_portal.celery import app

    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker
