"""Short single-use codes handed over on paper (invitations, feedback codes): how they are drawn,
read back, stored as keyed hashes, and how wrong guesses are slowed down."""

from __future__ import annotations

import re
import secrets
import time

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from members.crypto import keyed_hash

# No 0/O and no 1/I/L: a code read aloud or copied from paper cannot be mistaken.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
# Spaces and every kind of dash a phone keyboard may put in.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]")


def new_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def grouped(code: str) -> str:
    """ABCDEFGHJK -> ABCD-EFGH-JK, for reading."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise(code: str) -> str:
    return _SEPARATORS.sub("", code).upper()


def code_hash(code: str, *, purpose: str) -> str:
    # A key per purpose, derived from SECRET_KEY, so these hashes match no other hash the app
    # keeps. Rotating SECRET_KEY voids open codes, which last only days or weeks anyway.
    return keyed_hash(normalise(code), key=keyed_hash(purpose, key=settings.SECRET_KEY))


class WrongGuesses:
    """At most `allowed` wrong codes per client address in `window` seconds, counted in the
    database cache. The address is hashed: the cache table is no place to keep who visited."""

    def __init__(self, purpose: str, *, allowed: int, window: int) -> None:
        self.purpose, self.allowed, self.window = purpose, allowed, window

    def _key(self, request: HttpRequest) -> str:
        address = get_adapter(request).get_client_ip(request)
        return f"{self.purpose}:{code_hash(address, purpose=self.purpose)}"

    def _recent(self, request: HttpRequest) -> list[float]:
        since = time.time() - self.window
        return [at for at in cache.get(self._key(request), []) if at > since]

    def too_many(self, request: HttpRequest) -> bool:
        return len(self._recent(request)) >= self.allowed

    def count(self, request: HttpRequest) -> None:
        cache.set(self._key(request), [*self._recent(request), time.time()], self.window)
