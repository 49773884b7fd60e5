import pytest

from tests.factories import TEST_PASSWORD

LOGIN_URL = "/konto/logga-in/"


@pytest.fixture
def english(client):
    """UI text in English (the source strings), for assertions on messages whose Swedish is the lead's."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def sign_in(client, email, password=TEST_PASSWORD, **extra):
    """Post the login form as a person would; `extra` may set REMOTE_ADDR and other request headers."""
    return client.post(LOGIN_URL, {"username": email, "password": password}, **extra)
