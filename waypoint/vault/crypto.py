"""Authenticated encryption of field values, wrapping of data keys and keyed blind indexes.

Free of Django so that it can be read, tested and reviewed on its own.

- A **master key** (32 bytes, from the environment) wraps every other key; it is never stored in
  the database.
- A **data key** per organisation and version seals that organisation's values with AES-256-GCM.
  A sealed value is the text token ``wp1.<key version>.<base64url(nonce | ciphertext | tag)>``;
  the version tells key rotation which key sealed it.
- The **associated data** of a value names its table, column and row, so a token copied to another
  row or column fails to open.
- Plaintext is padded to a multiple of ``PAD_BYTES`` before sealing, so that the length of a
  token does not tell short codes apart (a migration status of 7 letters from one of 13).
- A **blind index** is an HMAC-SHA256 of a normalised value under the platform's index key: equal
  values give equal indexes, which allows exact-match search without decrypting.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
PAD_BYTES = 32
FORMAT = "wp1"
TOKEN_PREFIX = f"{FORMAT}."
INDEX_KEY_AAD = b"waypoint-index-key"


class CryptoError(Exception):
    """A key or a sealed value cannot be used; the message says which and why."""


class KeyFormatError(CryptoError):
    """A key given as text is not base64 of 32 bytes."""


class OpenFailed(CryptoError):
    """A token does not open: wrong key, wrong row or column, or altered."""


class MalformedToken(CryptoError):
    """A value is not a token of this format."""


@dataclass(frozen=True, slots=True)
class DataKey:
    """One version of an organisation's data key, ready to seal and open."""

    version: int
    cipher: AESGCM
    #: How the tokens it seals begin: ``wp1.<version>.``
    prefix: str


def generate_key() -> bytes:
    return os.urandom(KEY_BYTES)


def key_to_text(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


def key_from_text(text: str, name: str = "the key") -> bytes:
    """Decode a key written as base64 (standard or URL-safe alphabet) of 32 bytes."""
    cleaned = text.strip().replace("-", "+").replace("_", "/")
    cleaned += "=" * (-len(cleaned) % 4)
    try:
        key = base64.b64decode(cleaned, validate=True)
    except (binascii.Error, ValueError):
        raise KeyFormatError(f"{name} is not base64 text") from None
    if len(key) != KEY_BYTES:
        raise KeyFormatError(f"{name} decodes to {len(key)} bytes; it must be {KEY_BYTES}")
    return key


def data_key_aad(organisation: str, version: int) -> bytes:
    """Associated data of a wrapped data key: the organisation's public id and the version."""
    return f"waypoint-data-key|{organisation}|{version}".encode()


def field_aad(table: str, column: str, row: str) -> bytes:
    """Associated data of a sealed value: where it belongs."""
    return f"{table}|{column}|{row}".encode()


def wrap_key(master: bytes, key: bytes, aad: bytes) -> str:
    """Encrypt a key under the master key; answer base64 text of nonce, ciphertext and tag."""
    nonce = os.urandom(NONCE_BYTES)
    return key_to_text(nonce + AESGCM(master).encrypt(nonce, key, aad))


def unwrap_key(master: bytes, wrapped: str, aad: bytes) -> bytes:
    try:
        raw = base64.b64decode(wrapped, validate=True)
        key = AESGCM(master).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad)
    except (InvalidTag, binascii.Error, ValueError):
        raise OpenFailed("the wrapped key does not open with this master key") from None
    if len(key) != KEY_BYTES:
        raise OpenFailed("the wrapped key is not a key")
    return key


def data_key(version: int, key: bytes) -> DataKey:
    return DataKey(version, AESGCM(key), f"{TOKEN_PREFIX}{version}.")


def seal(key: DataKey, plaintext: str, aad: bytes) -> str:
    """Encrypt ``plaintext`` for the place ``aad`` names; answer a token."""
    data = plaintext.encode("utf-8")
    padded = data + b"\x80" + bytes(-(len(data) + 1) % PAD_BYTES)
    nonce = os.urandom(NONCE_BYTES)
    sealed = nonce + key.cipher.encrypt(nonce, padded, aad)
    return key.prefix + base64.urlsafe_b64encode(sealed).rstrip(b"=").decode("ascii")


def open_token(key: DataKey, token: str, aad: bytes) -> str:
    """Decrypt a token sealed by ``key`` for the place ``aad`` names."""
    if token_version(token) != key.version:
        raise OpenFailed(f"the value was sealed with key version {token_version(token)}")
    body = token[len(key.prefix) :]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        padded = key.cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad)
    except (InvalidTag, binascii.Error, ValueError):
        raise OpenFailed(
            "it was sealed for another row or column, with another key, or it has been altered"
        ) from None
    unpadded = padded.rstrip(b"\x00")
    if not unpadded.endswith(b"\x80"):
        raise OpenFailed("the value's padding is damaged")
    return unpadded[:-1].decode("utf-8")


def token_version(token: str) -> int:
    """The key version a token was sealed with."""
    head, _, rest = token.partition(".")
    version, dot, body = rest.partition(".")
    if head != FORMAT or not dot or not body or not version.isdigit():
        raise MalformedToken(f"not a sealed value of format {FORMAT}")
    return int(version)


def is_token(value: str) -> bool:
    try:
        token_version(value)
    except MalformedToken:
        return False
    return True


def blind_index(index_key: bytes, domain: str, normalised: str) -> str:
    """A keyed hash of a normalised value within its domain (a kind such as ``phone``)."""
    message = f"{domain}\x1f{normalised}".encode()
    return hmac.digest(index_key, message, "sha256").hex()
