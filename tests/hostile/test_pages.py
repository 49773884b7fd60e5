"""Every page of the permission matrix, as a role that may open it, with hostile query strings; every form on
it with hostile submissions. None may answer 500, write the input back as markup that runs, or lose what the
user typed when it shows the form again."""

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import WorkerHeartbeat
from tests.councils.test_permissions import MATRIX
from tests.hostile.driver import (
    assert_sound,
    drive_form,
    drive_query_strings,
    page_cases,
    postable_forms,
    signed_in,
)
from tests.hostile.test_uploads import UPLOADS

CASES = page_cases()


@pytest.mark.parametrize(("name", "role"), CASES, ids=[name for name, _role in CASES])
def test_page_withstands_hostile_input(world, db, name, role):
    # The module's tenant outlives the heartbeat's freshness; /healthz would rightly answer 503 without this.
    WorkerHeartbeat.objects.update(seen_at=timezone.now())
    make_kwargs, _outcomes = MATRIX[name]
    path = reverse(name, kwargs=make_kwargs(world))
    client = signed_in(world, role)
    response = client.get(path)
    assert response.status_code == 200, f"{path} as {role}: {response.status_code}"
    page = assert_sound(response, f"GET {path}")
    filters = page is not None and any(form.method == "get" for form in page.forms)
    drive_query_strings(client, path, page, examples=3 if filters else 1)
    for form in postable_forms(page) if page else []:
        if any(field.kind == "file" for field in form.fields.values()):
            assert name in UPLOADS, f"{path} takes a file: add it to UPLOADS in test_uploads.py"
        drive_form(client, form, f"POST {form.action} as {role} (a form on {path})")
