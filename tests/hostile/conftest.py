import pytest
from django.db import transaction
from django.test import override_settings

from tests.conftest import Tenant
from tests.councils.test_permissions import populate_matrix_tenant


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The permission matrix's tenant (an object behind every URL), built once per module.

    It lives in a transaction that is rolled back when the module ends; each test runs in a savepoint of it
    (pytest-django's `db`), so no test sees another's writes. Building it for every test would cost more than
    the hostile input itself.
    """
    media = tmp_path_factory.mktemp("hostile-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)), transaction.atomic():
        tenant = populate_matrix_tenant(Tenant())
        yield tenant
        transaction.set_rollback(True)
