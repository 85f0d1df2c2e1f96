"""The cryptography of a secret ballot, as pure functions (no database): a round's key pair, the
private key split among tellers, ballots encrypted at cast, the tracker a voter keeps, and the
decryption that needs enough tellers. Kept libraries only: PyNaCl's sealed boxes (X25519 and
XSalsa20-Poly1305) for the ballots, pycryptodome's Shamir sharing for the shares.

- `round_key_make(k, n)` makes a key pair and returns the public key and n shares; the private
  key is not returned and exists nowhere afterwards. Any k shares rebuild it; fewer reveal
  nothing (Shamir sharing is information-theoretically hiding). The 32-byte private key is
  shared as two 16-byte halves (the size pycryptodome shares), each with its own polynomial.
- A share travels as words a teller can write down: Crockford base32 in groups of four
  characters, with a check group that catches a mistyped or swapped character and a share
  from another round.
- `ballot_seal(public_key, choices)` encrypts the choices padded to a fixed length, so every
  ciphertext of a round has the same size whatever was chosen; sealing twice gives two
  unrelated ciphertexts. `tracker(ciphertext)` is the short code the voter keeps: it names the
  ciphertext, and without the key says nothing about the choices.
- `ballots_open(shares, ciphertexts)` rebuilds the key in memory from k shares and returns the
  choices of each ballot; a wrong or too small set of shares raises `SharesRefused`.
- Until a teller sees their share, it waits sealed to a key made from their password
  (`teller_public_key`, `share_box_seal`, `share_box_open`)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# pycryptodome (maintained), which shares the `Crypto` name with the abandoned PyCrypto.
from Crypto.Protocol.SecretSharing import Shamir  # nosec B413
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.pwhash import argon2id

# Every ballot's plain text is padded to this many bytes before encryption (choices are a few
# option ids; 256 bytes hold more than any round allows).
PLAINTEXT_BYTES = 256
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_HALF = 16


class SharesRefused(Exception):
    """The shares given do not rebuild this round's key: too few, mistyped, or from elsewhere."""


@dataclass(frozen=True)
class Share:
    """One teller's part of a round's private key: its index (1..n) and the two half-shares."""

    index: int
    first: bytes
    second: bytes


def round_key_make(k: int, n: int) -> tuple[bytes, list[Share]]:
    """A fresh key pair for a round: (public key, n shares of which any k rebuild the private
    key). 2 <= k <= n <= 255."""
    if not 2 <= k <= n <= 255:
        raise ValueError("Tellers: at least 2 needed, at most 255, and no more than named.")
    private = PrivateKey.generate()
    secret = bytes(private)
    firsts = Shamir.split(k, n, secret[:_HALF])
    seconds = Shamir.split(k, n, secret[_HALF:])
    shares = [
        Share(index, first, second)
        for (index, first), (_same, second) in zip(firsts, seconds, strict=True)
    ]
    return bytes(private.public_key), shares


def _private_key(shares: Sequence[Share], public_key: bytes) -> PrivateKey:
    if len({share.index for share in shares}) != len(shares):
        raise SharesRefused("The same teller's share was given twice.")
    first = Shamir.combine([(s.index, s.first) for s in shares])
    second = Shamir.combine([(s.index, s.second) for s in shares])
    private = PrivateKey(first + second)
    # Too few or wrong shares still combine, into another key: check it against the round's.
    if bytes(private.public_key) != public_key:
        raise SharesRefused("These shares do not open this round.")
    return private


def ballot_seal(public_key: bytes, choices: Iterable[int]) -> bytes:
    """The choices (option ids) encrypted to the round's public key, padded to a fixed size."""
    plain = json.dumps(sorted(choices), separators=(",", ":")).encode()
    if len(plain) >= PLAINTEXT_BYTES:
        raise ValueError("Too many choices for one ballot.")
    padded = plain + b" " * (PLAINTEXT_BYTES - len(plain))
    return bytes(SealedBox(PublicKey(public_key)).encrypt(padded))


def ballots_open(
    shares: Sequence[Share], public_key: bytes, ciphertexts: Iterable[bytes]
) -> list[list[int]]:
    """Each ballot's choices, in the order given; the key lives only inside this call."""
    box = SealedBox(_private_key(shares, public_key))
    opened = []
    for ciphertext in ciphertexts:
        try:
            plain = box.decrypt(ciphertext)
        except CryptoError as error:
            raise SharesRefused("A ballot does not open with this round's key.") from error
        opened.append([int(choice) for choice in json.loads(plain.rstrip(b" "))])
    return opened


def tracker(ciphertext: bytes) -> str:
    """The voter's code for their encrypted ballot: 50 bits of its hash, as ten characters."""
    digest = int.from_bytes(hashlib.blake2b(ciphertext, digest_size=8).digest(), "big") >> 14
    code = "".join(CROCKFORD[(digest >> shift) & 31] for shift in range(45, -1, -5))
    return f"{code[:5]}-{code[5:]}"


# --- Shares as words ---------------------------------------------------------------------------


def _check(round_label: str, raw: bytes) -> bytes:
    key = round_label.encode()[:64]
    return hashlib.blake2b(raw, digest_size=3, person=b"teller-share", key=key).digest()


def _encode(raw: bytes) -> str:
    number, bits = int.from_bytes(raw, "big"), len(raw) * 8
    chars = -(-bits // 5)
    number <<= chars * 5 - bits
    text = "".join(CROCKFORD[(number >> (5 * i)) & 31] for i in reversed(range(chars)))
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _decode(text: str, size: int) -> bytes:
    cleaned = text.upper().replace("O", "0").replace("I", "1").replace("L", "1")
    cleaned = "".join(ch for ch in cleaned if not ch.isspace() and ch != "-")
    if any(ch not in CROCKFORD for ch in cleaned) or len(cleaned) != -(-size * 8 // 5):
        raise SharesRefused("This share is not complete: check every group.")
    number = 0
    for ch in cleaned:
        number = number * 32 + CROCKFORD.index(ch)
    spare = len(cleaned) * 5 - size * 8  # the last character's unused bits are always zero
    if number & ((1 << spare) - 1):
        raise SharesRefused("This share has a mistake, or belongs to another round.")
    return (number >> spare).to_bytes(size, "big")


def share_words(share: Share, round_label: str) -> str:
    """The share as groups of four characters to write down; `round_label` (the round's id)
    goes into the check, so a share from another round is refused."""
    raw = bytes([share.index]) + share.first + share.second
    return _encode(raw + _check(round_label, raw))


def share_from_words(text: str, round_label: str) -> Share:
    raw = _decode(text, 1 + 2 * _HALF + 3)
    body, check = raw[:-3], raw[-3:]
    if _check(round_label, body) != check or body[0] == 0:
        raise SharesRefused("This share has a mistake, or belongs to another round.")
    return Share(body[0], body[1 : 1 + _HALF], body[1 + _HALF :])


# --- Tellers' keys -------------------------------------------------------------------------------
# A teller's share waits, between the round's opening and the moment they see it, sealed to a
# key made from their password (Argon2id, PyNaCl). Whoever holds the database holds only the
# sealed share, and must guess the password to open it.

KEY_COST = {
    "interactive": (argon2id.OPSLIMIT_INTERACTIVE, argon2id.MEMLIMIT_INTERACTIVE),
    "min": (argon2id.OPSLIMIT_MIN, argon2id.MEMLIMIT_MIN),  # tests only
}
SALT_BYTES = argon2id.SALTBYTES


def _teller_private_key(password: str, salt: bytes, cost: str) -> PrivateKey:
    opslimit, memlimit = KEY_COST[cost]
    seed = argon2id.kdf(32, password.encode(), salt, opslimit=opslimit, memlimit=memlimit)
    return PrivateKey(seed)


def teller_public_key(password: str, salt: bytes, cost: str = "interactive") -> bytes:
    return bytes(_teller_private_key(password, salt, cost).public_key)


def share_box_seal(teller_public_key: bytes, words: str) -> bytes:
    return bytes(SealedBox(PublicKey(teller_public_key)).encrypt(words.encode()))


def share_box_open(password: str, salt: bytes, box: bytes, cost: str = "interactive") -> str:
    try:
        return SealedBox(_teller_private_key(password, salt, cost)).decrypt(box).decode()
    except CryptoError as error:
        raise SharesRefused("This password does not open the share.") from error
