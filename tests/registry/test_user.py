"""Staff log in with their email, whatever its case."""
import pytest
from django.db import IntegrityError, transaction

from registry.models import User

pytestmark = pytest.mark.django_db


def test_email_is_the_login_and_is_case_insensitive(password_works):
    User.objects.create_user(email="Editor@MOFA.example", password="a-long-test-password")
    assert password_works("editor@mofa.example", "a-long-test-password")
    assert password_works("EDITOR@mofa.EXAMPLE", "a-long-test-password")
    assert not password_works("editor@mofa.example", "wrong-password-here")


def test_two_accounts_cannot_share_an_email_in_any_case():
    User.objects.create_user(email="a@gco.example", password="a-long-test-password")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="A@GCO.example")
