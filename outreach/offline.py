"""Records saved on a phone without a connection (issue: field work offline).

The phone seals each record before it is stored: a fresh AES-GCM key encrypts the record, and
the server's RSA-OAEP public key (SHA-256) wraps that key. Only the server, holding the private
half, can open it: a lost or seized phone holds nothing readable about the people met. This
module keeps the key pair and opens records; outreach.views.offline saves what they hold
through the same forms and services as the pages online."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

from outreach.models import OfflineKey

KEY_BITS = 3072
# What one record may weigh once sealed: a contact or a referral is far smaller.
MAX_SEALED_CHARS = 64_000
# The record's format: a phone holding records of an older format still sends them.
FORMATS = {1}
KINDS = ("contact", "referral")


class Unreadable(Exception):
    """A record that cannot be opened: sealed to a key this server does not hold, or damaged."""


@dataclass(frozen=True)
class Record:
    """A record as the phone saved it: what it is, and the form's answers as sent."""

    kind: str
    worker: int
    form_key: str
    answers: list[tuple[str, str]]


def current_key() -> OfflineKey:
    """The newest key pair, made on first use (two made at once are both kept and both work)."""
    key = OfflineKey.objects.order_by("-pk").first()
    if key is not None:
        return key
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    public = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return OfflineKey.objects.create(
        public_key=base64.b64encode(public).decode(), private_key=pem.decode()
    )


def _bytes(sealed: dict[str, Any], name: str) -> bytes:
    value = sealed.get(name)
    if not isinstance(value, str) or len(value) > MAX_SEALED_CHARS:
        raise Unreadable(name)
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise Unreadable(name) from exc


def _private_key(key_id: object, keys: dict[int, rsa.RSAPrivateKey]) -> rsa.RSAPrivateKey:
    """The private key `key_id`, read and parsed once per sending (`keys` holds those read)."""
    if not isinstance(key_id, int):
        raise Unreadable("key")
    if key_id not in keys:
        key = OfflineKey.objects.filter(pk=key_id).first()
        if key is None:
            raise Unreadable("key")
        private = serialization.load_pem_private_key(key.private_key.encode(), password=None)
        if not isinstance(private, rsa.RSAPrivateKey):
            raise Unreadable("key")
        keys[key_id] = private
    return keys[key_id]


def record_open(sealed: object, keys: dict[int, rsa.RSAPrivateKey]) -> Record:
    """The record inside a sealed envelope {key, wrapped, iv, data}; raises Unreadable. `keys`
    keeps the private keys already read, so that a sending of many records reads each once."""
    if not isinstance(sealed, dict):
        raise Unreadable("envelope")
    private = _private_key(sealed.get("key"), keys)
    oaep = padding.OAEP(
        mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None
    )
    try:
        aes_key = private.decrypt(_bytes(sealed, "wrapped"), oaep)
        plain = AESGCM(aes_key).decrypt(_bytes(sealed, "iv"), _bytes(sealed, "data"), None)
        content = json.loads(plain)
    except (ValueError, InvalidTag) as exc:
        raise Unreadable("data") from exc
    return _record(content)


def _record(content: object) -> Record:
    if not isinstance(content, dict) or content.get("v") not in FORMATS:
        raise Unreadable("format")
    kind, form_key, answers = content.get("kind"), content.get("form_key"), content.get("answers")
    worker = content.get("worker")
    if kind not in KINDS or not isinstance(form_key, str) or not isinstance(answers, list):
        raise Unreadable("format")
    if not isinstance(worker, int):
        raise Unreadable("format")
    pairs = [
        (pair[0], pair[1])
        for pair in answers
        if isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)
    ]
    if len(pairs) != len(answers):
        raise Unreadable("format")
    return Record(kind=str(kind), worker=worker, form_key=form_key, answers=pairs)


# What the phone keeps to work offline: the site's files, the two forms and the list of what
# waits. No page about a person is kept, except My week as last loaded (for 12 hours).
STATIC_KEPT = (
    "bootstrap/css/bootstrap.min.css",
    "css/app.css",
    "js/quick-exit.js",
    "js/error-summary.js",
    "js/stepper.js",
    "js/outbox-store.js",
    "js/offline.js",
    "favicon.svg",
    "icons/bell.svg",
)
PAGES_KEPT = ("outreach:offline_contact", "outreach:offline_referral", "outreach:outbox")
# My week is kept this long after it was loaded, then forgotten (it names people).
WEEK_KEPT_HOURS = 12
# Records older than this are pointed out: some browsers delete a site's storage after 7 days.
WARN_AFTER_DAYS = 3


@cache
def _version(marker: str) -> str:
    """Changes whenever a kept file or the service worker changes: a new service worker."""
    digest = hashlib.sha256(marker.encode())
    for path in (*STATIC_KEPT, "../templates/outreach/offline/sw.js"):
        found = finders.find(path) if not path.startswith("..") else None
        file = Path(found) if found else Path(settings.BASE_DIR) / path.removeprefix("../")
        digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def service_worker_context() -> dict[str, Any]:
    return {
        # While developing, files change under a running server: read them every time.
        "version": (_version.__wrapped__ if settings.DEBUG else _version)(settings.OFFLINE_VERSION),
        "static_kept": [static(path) for path in STATIC_KEPT],
        "pages_kept": [reverse(name) for name in PAGES_KEPT],
        "week": reverse("outreach:my_week"),
        "contact": reverse("outreach:contact_create"),
        # A referral's address names its person: /outreach/people/<id>/refer/.
        "referral": reverse("outreach:referral_create", args=[0]),
        "urls": {
            "key": reverse("outreach:offline_key"),
            "send": reverse("outreach:offline_send"),
            "open": reverse("outreach:offline_open"),
        },
        "week_kept_ms": WEEK_KEPT_HOURS * 3600 * 1000,
    }
