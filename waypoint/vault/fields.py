"""Model fields whose values are sealed at rest, and blind indexes of them.

A ``SealedTextField`` holds plaintext (``str``) when code assigns it and a ``Sealed`` value when
the row comes from the database. ``save()`` and ``bulk_create()`` seal plaintext with the owner
organisation's active key; the attribute keeps what the code assigned. Any other way of writing
(``QuerySet.update()``, ``bulk_update()``, fixtures) must bring ``Sealed`` values: plaintext is
refused there, so nothing can reach the column unsealed. An empty value stays empty.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from waypoint.reference import catalogue
from waypoint.vault.sealing import Sealed, blind_index_for, seal_for


class PlaintextRefused(ValueError):
    """Plaintext was about to be written to a sealed column without being sealed."""


class RevealFirst:
    """Form fields of sealed values: a form editing a saved row must be given the revealed value
    as ``initial``; shown as it is, "[sealed]" would be saved back over the value."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Sealed):
            raise TypeError(
                "a sealed value cannot be edited as it is: reveal it and give it to the form as "
                "initial data"
            )
        return super().prepare_value(value)  # type: ignore[misc]


class SealedCharFormField(RevealFirst, forms.CharField):
    pass


class SealedChoiceFormField(RevealFirst, forms.ChoiceField):
    pass


class SealedTextField(models.TextField):
    """Text sealed with the owner organisation's key, bound to its table, column and row.

    ``max_length`` limits the plaintext; the column is text.
    """

    # For mypy (django-stubs): the attribute is plaintext or a Sealed value, never just a str.
    _pyi_private_set_type: str | Sealed  # type: ignore[assignment]
    _pyi_private_get_type: str | Sealed  # type: ignore[assignment]

    def get_internal_type(self) -> str:
        return "TextField"

    @cached_property
    def validators(self) -> list[Any]:
        found = list(super().validators)
        if self.max_length is not None:
            found.append(validators.MaxLengthValidator(self.max_length))
        return found

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        # A default is plaintext: Python applies it to a new row and save() seals it. Kept out of
        # migrations so that the schema editor never writes it to the column as a default.
        kwargs.pop("default", None)
        return name, path, args, kwargs

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return Sealed(value)

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, Sealed | str):
            return value
        return str(value)

    def get_prep_value(self, value: Any) -> Any:
        # Lookups; writes go through get_db_prep_save.
        if isinstance(value, Sealed):
            return value.token
        return super().get_prep_value(value)

    def get_db_prep_save(self, value: Any, connection: Any) -> Any:
        if isinstance(value, Sealed):
            return value.token
        if value is None or value == "":
            return value
        raise PlaintextRefused(
            f"{self.model._meta.label}.{self.name} is sealed: write it with save() or "
            "bulk_create(), which seal it, or give a Sealed value"
        )

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if isinstance(value, str) and value:
            return seal_for(model_instance, str(self.column), value)
        return value

    def value_to_string(self, obj: models.Model) -> str:
        value = self.value_from_object(obj)
        return value.token if isinstance(value, Sealed) else str(value or "")

    def validate(self, value: Any, model_instance: Any) -> None:
        if isinstance(value, Sealed):
            return  # checked as plaintext before it was sealed
        super().validate(value, model_instance)

    def run_validators(self, value: Any) -> None:
        if isinstance(value, Sealed):
            return
        super().run_validators(value)

    def formfield(self, **kwargs: Any) -> Any:
        kwargs.setdefault("form_class", SealedCharFormField)
        if self.max_length is not None and self.max_length <= 500:
            kwargs.setdefault("widget", forms.TextInput)
        return super().formfield(**kwargs)


class SealedTermField(SealedTextField):
    """A code of a controlled vocabulary, sealed: validated as plaintext, stored sealed."""

    def __init__(self, *args: Any, vocabulary: str, **kwargs: Any) -> None:
        self.vocabulary = vocabulary
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["vocabulary"] = self.vocabulary
        if kwargs.get("max_length") == 40:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def validate(self, value: Any, model_instance: Any) -> None:
        super().validate(value, model_instance)
        if isinstance(value, Sealed) or value in self.empty_values:
            return
        accepted = catalogue.vocabulary_codes(self.vocabulary)
        if value not in accepted:
            suggestions = catalogue.closest(str(value), accepted)
            raise ValidationError(
                _("“%(value)s” is not a valid %(what)s; did you mean %(suggestions)s?")
                if suggestions
                else _("“%(value)s” is not a valid %(what)s."),
                code="invalid_code",
                params={
                    "value": value,
                    "what": str(self.verbose_name),
                    "suggestions": ", ".join(suggestions),
                },
            )

    def formfield(self, **kwargs: Any) -> Any:
        terms = catalogue.vocabulary_labels(self.vocabulary).values()
        choices = [(term.code, term.label()) for term in terms if not term.deprecated]
        return SealedChoiceFormField(
            label=self.verbose_name,
            required=not self.blank,
            choices=[("", "—"), *choices] if self.blank else choices,
            help_text=self.help_text,
        )


class BlindIndexField(models.CharField):
    """The blind index of a sealed identifier (``source``), normalised by its ``kind_field``.

    Computed when the row is saved with plaintext in ``source``; kept as it is when ``source``
    holds the ``Sealed`` value read from the database. Empty for kinds that are not indexed.
    """

    def __init__(self, *args: Any, source: str, kind_field: str, **kwargs: Any) -> None:
        self.source = source
        self.kind_field = kind_field
        kwargs.update(max_length=64, blank=True, default="", editable=False, db_index=True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        for fixed in ("max_length", "blank", "default", "editable", "db_index"):
            kwargs.pop(fixed, None)
        kwargs.update(source=self.source, kind_field=self.kind_field)
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.source)
        if isinstance(value, Sealed):
            return getattr(model_instance, self.attname)
        kind = getattr(model_instance, self.kind_field)
        index = blind_index_for(kind, value) if value else ""
        setattr(model_instance, self.attname, index)
        return index
