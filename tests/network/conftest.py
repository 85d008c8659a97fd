import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Django's real hasher costs a third of a second per password; these tests test rules, not hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
