"""The text of API tokens: ``wpt_<prefix>_<secret>``.

The prefix (8 lower-case letters and digits) finds the token's row and names it on the account
page; the secret is 256 random bits in URL-safe base64. Only the SHA-256 digest of the secret is
stored, and a presented secret is compared with it in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string
from dataclasses import dataclass

SCHEME = "wpt"
PREFIX_ALPHABET = string.ascii_lowercase + string.digits
PREFIX_LENGTH = 8
SECRET_BYTES = 32
SHAPE = re.compile(r"^wpt_([a-z0-9]{8})_([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class Credential:
    prefix: str
    secret: str

    @property
    def text(self) -> str:
        return f"{SCHEME}_{self.prefix}_{self.secret}"

    @property
    def digest(self) -> str:
        return digest(self.secret)


def new_credential() -> Credential:
    prefix = "".join(secrets.choice(PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
    return Credential(prefix, secrets.token_urlsafe(SECRET_BYTES))


def parse(text: str) -> Credential | None:
    """The prefix and secret of a presented token, or None when it does not have the shape."""
    match = SHAPE.match(text.strip())
    return Credential(match[1], match[2]) if match else None


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def matches(secret: str, stored_digest: str) -> bool:
    return hmac.compare_digest(digest(secret), stored_digest)
