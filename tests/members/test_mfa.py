from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from members.adapters import MFAAdapter
from members.models import User

pytestmark = pytest.mark.django_db

COORDINATOR_PAGES = ["home", "members:user_list", "usersessions_list", "account_change_password"]


@pytest.mark.parametrize("page", COORDINATOR_PAGES)
def test_a_coordinator_without_two_factor_reaches_only_the_set_up_page(
    client_for: Any, coordinator_without_mfa: User, page: str
) -> None:
    response = client_for(coordinator_without_mfa).get(reverse(page))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_an_administrator_without_two_factor_cannot_open_the_admin(client_for: Any) -> None:
    admin = User.objects.create_superuser(username="admin.new", password="x" * 12, email="")
    response = client_for(admin).get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_the_set_up_page_itself_opens(client_for: Any, coordinator_without_mfa: User) -> None:
    client = client_for(coordinator_without_mfa)
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    # allauth may first ask to confirm the password; either way the person stays on set-up.
    assert response.status_code == 200
    assert response.request["PATH_INFO"] in {
        reverse("mfa_activate_totp"),
        reverse("account_reauthenticate"),
    }


def test_a_coordinator_with_two_factor_gets_through(client_for: Any, coordinator: User) -> None:
    assert client_for(coordinator).get(reverse("members:user_list")).status_code == 200


def test_members_and_outreach_workers_are_not_forced(
    client_for: Any, member: User, outreach_worker: User
) -> None:
    assert client_for(member).get(reverse("home")).status_code == 200
    assert client_for(outreach_worker).get(reverse("home")).status_code == 200


def test_demo_mode_lets_coordinators_skip_set_up_and_says_so(
    settings: Any, client_for: Any, coordinator_without_mfa: User
) -> None:
    settings.DEMO_MODE = True
    response = client_for(coordinator_without_mfa).get(reverse("home"))
    assert response.status_code == 200
    assert "Demo: fictional data" in response.content.decode()


def test_totp_secrets_are_stored_encrypted(coordinator_without_mfa: User) -> None:
    secret = "JBSWY3DPEHPK3PXP"
    TOTP.activate(coordinator_without_mfa, secret)
    stored = Authenticator.objects.get(user=coordinator_without_mfa).data["secret"]
    assert secret not in stored
    assert MFAAdapter().decrypt(stored) == secret


def test_secrets_encrypted_under_an_older_key_still_open_after_rotation(settings: Any) -> None:
    from cryptography.fernet import Fernet

    old = Fernet.generate_key().decode()
    settings.MFA_ENCRYPTION_KEYS = [old]
    stored = MFAAdapter().encrypt("secret-value")
    settings.MFA_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old]
    assert MFAAdapter().decrypt(stored) == "secret-value"
