"""Markup typed into any form is stored as text and shown as text: after every form of the portal has accepted
a script, every page (staff and public) still escapes it."""

from django.urls import reverse

from tests.councils.test_permissions import MATRIX
from tests.hostile.driver import assert_sound, page_cases, plain_submission, postable_forms, signed_in

PAYLOAD = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _store_everywhere(world, clients) -> tuple[list[str], list[str]]:
    """Submits every form that has text fields once, with the payload in them; (forms that stored it, the pages
    they led to)."""
    stored, led_to = [], []
    for name, role in page_cases():
        client = clients[role]
        path = reverse(name, kwargs=MATRIX[name][0](world))
        page = assert_sound(client.get(path), f"GET {path}")
        for form in postable_forms(page) if page else []:
            if not any(field.is_text for field in form.fields.values()):
                continue
            response = client.post(form.action, plain_submission(form, PAYLOAD))
            assert_sound(response, f"POST {form.action}")
            if response.status_code == 302:
                stored.append(form.action)
                led_to.append((role, response["Location"]))
    return stored, led_to


def test_stored_markup_is_shown_as_text_everywhere(world, db):
    clients = {role: signed_in(world, role) for role in {role for _name, role in page_cases()}}
    stored, led_to = _store_everywhere(world, clients)
    assert stored, "no form accepted the payload, so nothing was checked"
    pages = [(role, reverse(name, kwargs=MATRIX[name][0](world))) for name, role in page_cases()]
    showing = []
    for role, path in pages + led_to:
        page = assert_sound(clients[role].get(path), f"GET {path} as {role}")
        if page is not None and ESCAPED in page.html:
            showing.append(path)
    assert showing, f"{len(stored)} forms stored the payload, yet no page shows it (escaped)"
    print(f"{len(stored)} forms stored markup; {len(set(showing))} pages show it, escaped")
