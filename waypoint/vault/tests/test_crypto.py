"""The cryptographic core on its own: sealing, key wrapping, blind indexes and normal forms."""

from __future__ import annotations

import base64
import unittest

from waypoint.vault import crypto, normalise

AAD = crypto.field_aad("cases_personidentifier", "value", "7d9c0b7e-0f55-4a7e-9d0c-2c1f3a7d2b11")
OTHER_ROW = crypto.field_aad(
    "cases_personidentifier", "value", "0b8f8f7e-5a43-4f3b-a2a4-5d6c2a1b9e00"
)


def key(version: int = 1) -> crypto.DataKey:
    return crypto.data_key(version, crypto.generate_key())


class SealTests(unittest.TestCase):
    def test_it_opens_what_it_sealed(self) -> None:
        data_key = key()
        for text in ("Ada Obi", "", "ن" * 300, "line\nbreak\x00 and NUL"):
            self.assertEqual(
                crypto.open_token(data_key, crypto.seal(data_key, text, AAD), AAD), text
            )

    def test_it_writes_the_key_version_into_the_token(self) -> None:
        token = crypto.seal(key(12), "Ada", AAD)
        self.assertTrue(token.startswith("wp1.12."))
        self.assertEqual(crypto.token_version(token), 12)

    def test_it_seals_the_same_value_differently_every_time(self) -> None:
        data_key = key()
        self.assertNotEqual(crypto.seal(data_key, "Ada", AAD), crypto.seal(data_key, "Ada", AAD))

    def test_it_refuses_a_token_bound_to_another_row(self) -> None:
        data_key = key()
        token = crypto.seal(data_key, "Ada", AAD)
        with self.assertRaisesRegex(crypto.OpenFailed, "sealed for another row or column"):
            crypto.open_token(data_key, token, OTHER_ROW)

    def test_it_refuses_another_key(self) -> None:
        token = crypto.seal(key(), "Ada", AAD)
        with self.assertRaises(crypto.OpenFailed):
            crypto.open_token(key(), token, AAD)

    def test_it_refuses_a_tampered_token(self) -> None:
        data_key = key()
        token = crypto.seal(data_key, "Ada Obi", AAD)
        for position in (len(data_key.prefix), len(token) // 2, len(token) - 1):
            flipped = "A" if token[position] != "A" else "B"
            tampered = token[:position] + flipped + token[position + 1 :]
            with self.assertRaises(crypto.OpenFailed):
                crypto.open_token(data_key, tampered, AAD)

    def test_it_refuses_a_token_of_another_version_than_the_key(self) -> None:
        token = crypto.seal(key(1), "Ada", AAD)
        with self.assertRaisesRegex(crypto.OpenFailed, "key version 1"):
            crypto.open_token(key(2), token, AAD)

    def test_it_hides_the_length_of_short_values(self) -> None:
        data_key = key()
        codes = ("regular", "irregular", "asylum_seeker", "complementary_protection")
        lengths = {len(crypto.seal(data_key, code, AAD)) for code in codes}
        self.assertEqual(len(lengths), 1)

    def test_it_tells_tokens_from_other_text(self) -> None:
        self.assertTrue(crypto.is_token(crypto.seal(key(), "x", AAD)))
        for text in ("irregular", "wp1.", "wp1.x.abc", "wp2.1.abc", "wp1.1."):
            self.assertFalse(crypto.is_token(text), text)


class KeyTests(unittest.TestCase):
    def test_it_unwraps_a_wrapped_key_with_the_same_master_key_and_place(self) -> None:
        master, data = crypto.generate_key(), crypto.generate_key()
        wrapped = crypto.wrap_key(master, data, crypto.data_key_aad("org", 1))
        self.assertEqual(crypto.unwrap_key(master, wrapped, crypto.data_key_aad("org", 1)), data)

    def test_it_refuses_a_wrong_master_key(self) -> None:
        wrapped = crypto.wrap_key(crypto.generate_key(), crypto.generate_key(), b"place")
        with self.assertRaisesRegex(crypto.OpenFailed, "master key"):
            crypto.unwrap_key(crypto.generate_key(), wrapped, b"place")

    def test_it_refuses_a_wrapped_key_moved_to_another_organisation_or_version(self) -> None:
        master = crypto.generate_key()
        wrapped = crypto.wrap_key(master, crypto.generate_key(), crypto.data_key_aad("org", 1))
        for place in (crypto.data_key_aad("other", 1), crypto.data_key_aad("org", 2)):
            with self.assertRaises(crypto.OpenFailed):
                crypto.unwrap_key(master, wrapped, place)

    def test_it_reads_keys_in_either_base64_alphabet_with_or_without_padding(self) -> None:
        raw = bytes(range(250, 256)) + bytes(26)
        for text in (
            base64.b64encode(raw).decode(),
            base64.urlsafe_b64encode(raw).decode().rstrip("="),
        ):
            self.assertEqual(crypto.key_from_text(f" {text}\n"), raw)

    def test_it_names_what_is_wrong_with_a_malformed_key(self) -> None:
        with self.assertRaisesRegex(crypto.KeyFormatError, "decodes to 16 bytes; it must be 32"):
            crypto.key_from_text(base64.b64encode(bytes(16)).decode())
        with self.assertRaisesRegex(crypto.KeyFormatError, "not base64"):
            crypto.key_from_text("not a key!")


class BlindIndexTests(unittest.TestCase):
    index_key = crypto.generate_key()

    def index(self, kind: str, value: str) -> str:
        normalised = normalise.normalise(kind, value)
        assert normalised is not None
        return crypto.blind_index(self.index_key, kind, normalised)

    def test_it_gives_equal_indexes_for_spellings_of_one_identifier(self) -> None:
        same = [
            ("phone", "+234 803 000 0000", "+2348030000000"),
            ("phone", "00234-803-000-0000", "+2348030000000"),
            ("email", " Ada.Obi@Example.ORG", "ada.obi@example.org"),
            ("full_name", "José  MARÍA  Obi", "jose maria obi"),
            ("family_name", "ОБИ", "оби"),
            ("passport_number", "a 0123-456", "A0123456"),
            ("vehicle_plate", "ab 123 cd", "AB123CD"),
            ("social_media_handle", "@Ada_Obi ", "ada_obi"),
        ]
        for kind, one, other in same:
            self.assertEqual(self.index(kind, one), self.index(kind, other), (kind, one))

    def test_it_gives_different_indexes_across_kinds_and_values(self) -> None:
        self.assertNotEqual(self.index("phone", "+2348030000000"), self.index("phone", "+234803"))
        self.assertNotEqual(
            self.index("passport_number", "A0123456"), self.index("national_id_number", "A0123456")
        )
        self.assertNotEqual(self.index("given_name", "Ada"), self.index("family_name", "Ada"))

    def test_it_keeps_the_case_of_wallet_addresses(self) -> None:
        self.assertNotEqual(
            self.index("crypto_wallet", "1AbC"), self.index("crypto_wallet", "1abc")
        )

    def test_it_depends_on_the_key(self) -> None:
        other = crypto.blind_index(crypto.generate_key(), "phone", "+2348030000000")
        self.assertNotEqual(self.index("phone", "+2348030000000"), other)
        self.assertRegex(other, r"^[0-9a-f]{64}$")

    def test_it_indexes_neither_dates_of_birth_nor_addresses(self) -> None:
        self.assertIsNone(normalise.normalise("date_of_birth", "1990-01-01"))
        self.assertIsNone(normalise.normalise("address", "1 Via Roma"))
