"""Model fields whose values are reference codes.

Codes are stored as plain strings (``"female"``, ``"ITA"``, ``"0204"``) so that rows read well in
exports and statistics group by them without joins; validation checks them against the reference
tables and names the closest accepted codes when a value is rejected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from waypoint.reference import catalogue
from waypoint.reference.models import MISSING_ANSWERS


def _rejection(value: object, what: str, accepted: frozenset[str] | set[str]) -> ValidationError:
    suggestions = catalogue.closest(str(value), accepted)
    if suggestions:
        return ValidationError(
            _("“%(value)s” is not a valid %(what)s; did you mean %(suggestions)s?"),
            code="invalid_code",
            params={"value": value, "what": what, "suggestions": ", ".join(suggestions)},
        )
    return ValidationError(
        _("“%(value)s” is not a valid %(what)s."),
        code="invalid_code",
        params={"value": value, "what": what},
    )


class TermField(models.CharField):
    """One code of a controlled vocabulary."""

    def __init__(self, *args: Any, vocabulary: str, **kwargs: Any) -> None:
        self.vocabulary = vocabulary
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["vocabulary"] = self.vocabulary
        return name, path, args, kwargs

    def validate(self, value: Any, model_instance: Any) -> None:
        super().validate(value, model_instance)
        if value in self.empty_values:
            return
        accepted = catalogue.vocabulary_codes(self.vocabulary)
        if value not in accepted:
            raise _rejection(value, str(self.verbose_name), accepted)

    def formfield(self, **kwargs: Any) -> forms.Field | None:
        return forms.ChoiceField(
            label=self.verbose_name,
            required=not self.blank,
            choices=_term_choices(self.vocabulary, blank=self.blank),
            help_text=self.help_text,
        )


class TermListField(models.JSONField):
    """Several codes of a controlled vocabulary, stored as a JSON list without duplicates."""

    def __init__(self, *args: Any, vocabulary: str, **kwargs: Any) -> None:
        self.vocabulary = vocabulary
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["vocabulary"] = self.vocabulary
        return name, path, args, kwargs

    def validate(self, value: Any, model_instance: Any) -> None:
        super().validate(value, model_instance)
        _validate_code_list(
            value, str(self.verbose_name), catalogue.vocabulary_codes(self.vocabulary)
        )

    def formfield(self, **kwargs: Any) -> forms.Field | None:
        return forms.MultipleChoiceField(
            label=self.verbose_name,
            required=not self.blank,
            choices=_term_choices(self.vocabulary, blank=False),
            help_text=self.help_text,
        )


class CountryField(models.CharField):
    """An ISO 3166-1 alpha-3 code, or one of the further answers the field allows.

    ``also`` lists the non-country answers: by default the missing answers (``unknown``,
    ``not_stated``, ``not_applicable``); a citizenship field adds ``stateless``.
    """

    def __init__(self, *args: Any, also: Iterable[str] = MISSING_ANSWERS, **kwargs: Any) -> None:
        self.also = tuple(also)
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.also != MISSING_ANSWERS:
            kwargs["also"] = self.also
        return name, path, args, kwargs

    def accepted(self) -> frozenset[str]:
        return catalogue.country_codes() | frozenset(self.also)

    def validate(self, value: Any, model_instance: Any) -> None:
        super().validate(value, model_instance)
        if value in self.empty_values:
            return
        if value not in self.accepted():
            raise _rejection(value, str(self.verbose_name), self.accepted())


class CountryListField(models.JSONField):
    """Several ISO 3166-1 alpha-3 codes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def validate(self, value: Any, model_instance: Any) -> None:
        super().validate(value, model_instance)
        _validate_code_list(value, str(self.verbose_name), catalogue.country_codes())


class IccsListField(models.JSONField):
    """Several ICCS 2015 codes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def validate(self, value: Any, model_instance: Any) -> None:
        super().validate(value, model_instance)
        _validate_code_list(value, str(self.verbose_name), catalogue.iccs_codes())


class CurrencyField(models.CharField):
    """An ISO 4217 currency code."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 3)
        super().__init__(*args, **kwargs)

    def validate(self, value: Any, model_instance: Any) -> None:
        super().validate(value, model_instance)
        if value in self.empty_values:
            return
        if value not in catalogue.currency_codes():
            raise _rejection(value, str(self.verbose_name), catalogue.currency_codes())


def _validate_code_list(value: Any, what: str, accepted: frozenset[str]) -> None:
    if value in (None, ""):
        return
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(
            _("%(what)s must be a list of codes."), code="invalid_list", params={"what": what}
        )
    if len(set(value)) != len(value):
        raise ValidationError(
            _("%(what)s lists a code twice."), code="duplicate_code", params={"what": what}
        )
    for item in value:
        if item not in accepted:
            raise _rejection(item, what, accepted)
    missing = [item for item in value if item in MISSING_ANSWERS]
    if missing and len(value) > 1:
        raise ValidationError(
            _("%(what)s cannot combine “%(missing)s” with other answers."),
            code="missing_with_answers",
            params={"what": what, "missing": missing[0]},
        )


def _term_choices(vocabulary: str, blank: bool) -> Callable[[], list[tuple[str, str]]]:
    def choices() -> list[tuple[str, str]]:
        terms = catalogue.vocabulary_labels(vocabulary).values()
        options = [(t.code, t.label()) for t in terms if not t.deprecated]
        return [("", "—"), *options] if blank else options

    return choices
