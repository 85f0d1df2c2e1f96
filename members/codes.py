"""Short single-use codes handed over on paper (invitations, password reset codes, feedback
codes): how they are drawn, read back, stored as keyed hashes, issued and taken, and how the
public pages where they are typed are rate limited.

Those pages are limited by allauth's limiter, like the login, with the rates in one place
(`ACCOUNT_RATE_LIMITS` in config/settings.py): every form sent from one address, and wrong codes.
The code is checked before anything else on the page, so someone without a valid code learns
nothing else (which usernames exist, say)."""

from __future__ import annotations

import ipaddress
import re
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from allauth.account.adapter import get_adapter
from allauth.core import ratelimit
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from members.crypto import keyed_hash

if TYPE_CHECKING:
    from members.models import HandedCode, User

    Code = TypeVar("Code", bound=HandedCode)

# No 0/O and no 1/I/L: a code read aloud or copied from paper cannot be mistaken.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
# Spaces and every kind of dash a phone keyboard may put in.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]")

# The allauth rate-limit actions of the invitation and password reset pages (shared: switching
# from one page to the other gains nothing).
TRIES = "handed_code"
WRONG = "handed_code_failed"


def new_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def grouped(code: str) -> str:
    """ABCDEFGHJK -> ABCD-EFGH-JK, for reading."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise(code: str) -> str:
    return _SEPARATORS.sub("", code).upper()


def is_well_formed(code: str, length: int) -> bool:
    """Whether a normalised code could be one of ours: checked before any look-up."""
    return len(code) == length and not set(code) - set(ALPHABET)


def code_hash(code: str, *, purpose: str) -> str:
    # A key per purpose, derived from SECRET_KEY, so these hashes match no other hash the app
    # keeps. Rotating SECRET_KEY voids open codes, which last only days or weeks anyway.
    return keyed_hash(normalise(code), key=keyed_hash(purpose, key=settings.SECRET_KEY))


# --- Issuing and taking codes (inside the caller's transaction) --------------------------------


def issue(
    model: type[Code],
    *,
    purpose: str,
    length: int,
    lifetime: timedelta,
    created_by: User,
    **holder: Any,
) -> tuple[Code, str]:
    """A new code for `holder` (the person or login it is for), returned once, grouped for
    reading; only its keyed hash is stored. The holder's older unused codes stop working. The
    caller locks the holder's row first, so two codes made at once leave one usable."""
    now = timezone.now()
    model._default_manager.filter(**holder, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    while True:
        code = new_code(length)
        hashed = code_hash(code, purpose=purpose)
        if not model._default_manager.filter(code_hash=hashed).exists():
            break
    row = model._default_manager.create(
        **holder, code_hash=hashed, created_by=created_by, created_at=now, expires_at=now + lifetime
    )
    return row, grouped(code)


def take(model: type[Code], code: str, *, purpose: str, related: str) -> Code | None:
    """The usable code row for `code`, locked with its `related` holder until the transaction
    ends (the same code sent twice is used once), or None whatever the reason."""
    row = (
        model._default_manager.select_for_update()
        .select_related(related)
        .filter(code_hash=code_hash(code, purpose=purpose))
        .first()
    )
    if row is None or not row.is_usable(timezone.now()):
        return None
    return row


# --- Rate limits of the pages where codes are typed ------------------------------------------


def address_key(request: HttpRequest, *, action: str) -> str:
    """Who is counted: the client's address (an IPv6 address by its /64, which one phone can
    hop within), as a keyed hash: the cache table is no place to keep who visited. allauth's
    own per-"ip" rates would store the address as it is."""
    address = get_adapter(request).get_client_ip(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        pass
    else:
        if ip.version == 6:
            address = str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return code_hash(address, purpose=f"ratelimit.{action}")


class WrongGuesses:
    """Wrong codes from one address, counted by allauth's limiter under `action`; its rates,
    per "key", are in ACCOUNT_RATE_LIMITS."""

    def __init__(self, action: str) -> None:
        self.action = action

    def too_many(self, request: HttpRequest) -> bool:
        key = address_key(request, action=self.action)
        return not ratelimit.consume(request, action=self.action, key=key, dry_run=True)

    def count(self, request: HttpRequest) -> None:
        ratelimit.consume(request, action=self.action, key=address_key(request, action=self.action))


WRONG_CODES = WrongGuesses(WRONG)


def may_try(request: HttpRequest) -> bool:
    """Counts one form sent to an invitation or reset page; False when this address has sent
    too many forms or too many wrong codes lately (the page then answers 429)."""
    if WRONG_CODES.too_many(request):
        return False
    return ratelimit.consume(request, action=TRIES, key=address_key(request, action=TRIES))
