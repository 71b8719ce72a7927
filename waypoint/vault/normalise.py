"""Normal forms of identifiers for blind indexes: two spellings of one identifier give one index.

Each kind of identifier or selector (the codes of the ``identifier_kind`` and ``selector_kind``
vocabularies) has a normaliser. A kind is its own index domain, so a name never matches a
document number, while a phone number recorded about a person matches the same number recorded as
a selector. Dates of birth and addresses get no index: they are not searched for exactly, and an
index of a date of birth would only group people born on the same day.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

SPACES = re.compile(r"\s+")


def phone(value: str) -> str:
    """Digits only, with a leading ``+`` for an international number (``00`` counts as ``+``)."""
    text = unicodedata.normalize("NFKC", value).strip()
    digits = "".join(char for char in text if char.isdigit())
    if text.startswith("+"):
        return "+" + digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    return digits


def email(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip().casefold()


def name(value: str) -> str:
    """Case, accents and spacing do not matter: ``José  MARÍA`` is ``jose maria``."""
    if value.isascii():  # most names, and much faster
        return SPACES.sub(" ", value.lower()).strip()
    decomposed = unicodedata.normalize("NFKD", value)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return SPACES.sub(" ", unicodedata.normalize("NFKC", bare).casefold()).strip()


def document(value: str) -> str:
    """Letters and digits only, in capitals: ``ab 123-456`` is ``AB123456``."""
    text = unicodedata.normalize("NFKC", value)
    return "".join(char for char in text if char.isalnum()).upper()


def handle(value: str) -> str:
    """An account name: without spaces or a leading ``@``, case ignored."""
    return SPACES.sub("", name(value)).lstrip("@")


def exact(value: str) -> str:
    """Values whose case matters (wallet addresses): only spacing is normalised."""
    return SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


NORMALISERS: dict[str, Callable[[str], str]] = {
    # identifier_kind
    "given_name": name,
    "family_name": name,
    "full_name": name,
    "alias": name,
    "passport_number": document,
    "national_id_number": document,
    "other_document_number": document,
    "phone": phone,
    "email": email,
    # selector_kind (phone and email as above)
    "social_media_handle": handle,
    "vehicle_plate": document,
    "vessel": name,
    "bank_account": document,
    "crypto_wallet": exact,
    "other": name,
}


def normalise(kind: str, value: str) -> str | None:
    """The normal form of ``value`` as a ``kind``, or None when that kind is not indexed."""
    normaliser = NORMALISERS.get(kind)
    return None if normaliser is None else normaliser(value)
