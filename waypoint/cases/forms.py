"""Forms of the incident pages: revealing one protected value, and the blocks of the incident
entry form (the incident, each person, each route leg, each personal identifier, and sharing).

The entry blocks take their fields from the models, so that labels, help and the accepted codes
are the data model's own. They check only the shape of what is typed (a date, a number); the
rules of the data model are checked on the whole incident by ``waypoint.cases.validation`` and
shown next to the fields they concern (see ``waypoint.cases.entry``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django import forms
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from waypoint.cases.models import (
    Incident,
    Label,
    OffenderRecord,
    Person,
    PersonIdentifier,
    RouteLeg,
    Stage,
    Victimisation,
)
from waypoint.reference import catalogue
from waypoint.reference.fields import (
    CountryField,
    CountryListField,
    CurrencyField,
    IccsListField,
    TermField,
    TermListField,
)
from waypoint.reference.models import UNKNOWN, Currency, IccsCode
from waypoint.vault.fields import SealedTermField, SealedTextField


class RevealForm(forms.Form):
    target = forms.CharField(widget=forms.HiddenInput, max_length=80, required=False)
    field = forms.CharField(widget=forms.HiddenInput, max_length=80, required=False)
    justification = forms.CharField(
        label=_("Why do you need to see it?"),
        min_length=10,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the audit log with your name and the time."),
    )


# Pickers: codes typed or picked from a list the browser filters as one types.

COUNTRY_LIST = "country-options"
CURRENCY_LIST = "currency-options"
TRAILING_CODE = re.compile(r"\(([^()]+)\)\s*$")
#: A checkbox group with more options than this gets a filter box and scrolls.
LONG_LIST = 8


@dataclass
class Options:
    """The code lists the pickers offer, read once per page from the cached catalogue (two
    queries for currencies and ICCS codes, which the catalogue keeps without labels)."""

    countries: list[tuple[str, str]] = field(default_factory=list)
    currencies: list[tuple[str, str]] = field(default_factory=list)
    iccs: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def load(cls) -> Options:
        countries = sorted(
            ((code, catalogue.country_label(code)) for code in catalogue.country_codes()),
            key=lambda pair: pair[1].casefold(),
        )
        specials = [(code, str(label)) for code, label in catalogue.SPECIAL_COUNTRY_ANSWERS.items()]
        currencies = [
            (currency.code, currency.label())
            for currency in Currency.objects.filter(deprecated=False).order_by("code")
        ]
        iccs = [
            (code.code, f"{code.code} {code.label()}")
            for code in IccsCode.objects.filter(deprecated=False).order_by("code")
        ]
        return cls(countries=countries + specials, currencies=currencies, iccs=iccs)


class CodeInput(forms.TextInput):
    """A text input offering the codes of a ``<datalist>`` rendered once on the page."""

    def __init__(self, datalist: str) -> None:
        super().__init__(attrs={"list": datalist, "autocomplete": "off", "class": "code-input"})


class CodeField(forms.CharField):
    """One code, typed or picked as "Name (CODE)": accepts the code, the name or both.

    Anything else is passed on as typed, so that the data model's rule refuses it with its own
    message and the closest accepted codes ("ITL" is not a valid country; did you mean ITA?).
    An empty answer is the field's default (``unknown`` for most countries).
    """

    def __init__(self, *, options: list[tuple[str, str]], datalist: str, **kwargs: Any) -> None:
        self.labels = dict(options)
        self.codes = {code.casefold(): code for code in self.labels}
        self.codes.update({label.casefold(): code for code, label in options})
        super().__init__(widget=CodeInput(datalist), max_length=200, **kwargs)

    def to_python(self, value: Any) -> str:
        text = (super().to_python(value) or "").strip()
        if not text:
            return ""
        match = TRAILING_CODE.search(text)
        if match and match.group(1).strip().casefold() in self.codes:
            return self.codes[match.group(1).strip().casefold()]
        return self.codes.get(text.casefold(), text)

    def prepare_value(self, value: Any) -> Any:
        if value in (None, "", UNKNOWN):
            return ""
        code = self.codes.get(str(value).casefold())
        if code is None:
            return value
        return f"{self.labels[code]} ({code})"


class CodeListWidget(forms.Widget):
    """Several codes, one input each: the recorded ones and one empty input for another."""

    template_name = "cases/entry/code_list_widget.html"

    def __init__(self, datalist: str, label: str) -> None:
        super().__init__()
        self.datalist = datalist
        self.label = label
        self.prepare: Callable[[Any], str] = str

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        getter = getattr(data, "getlist", None)
        values = getter(name) if getter else data.get(name, [])
        return [value for value in values if value.strip()]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        values = [self.prepare(item) for item in (value or [])] + [""]
        base = context["widget"]["attrs"].get("id", name)
        context["widget"]["inputs"] = [
            {"id": base if index == 0 else f"{base}_{index}", "value": item, "number": index + 1}
            for index, item in enumerate(values)
        ]
        context["widget"]["datalist"] = self.datalist
        context["widget"]["label"] = self.label
        return context

    use_fieldset = True

    def id_for_label(self, id_: str) -> str:
        return id_


class CodeListField(forms.Field):
    def __init__(self, *, options: list[tuple[str, str]], datalist: str, **kwargs: Any) -> None:
        self.single = CodeField(options=options, datalist=datalist, required=False)
        label = str(kwargs.get("label", ""))
        widget = CodeListWidget(datalist, label)
        widget.prepare = self.single.prepare_value
        super().__init__(widget=widget, **kwargs)

    def to_python(self, value: Any) -> list[str]:
        codes = [self.single.to_python(item) for item in value or []]
        return [code for code in codes if code]

    def prepare_value(self, value: Any) -> Any:
        return value


def form_field(model_field: models.Field, options: Options) -> forms.Field:
    """The entry form's field for a model field: its label, help and accepted codes."""
    label = capfirst(str(model_field.verbose_name))
    common: dict[str, Any] = {"label": label, "required": False, "help_text": model_field.help_text}
    if isinstance(model_field, SealedTermField | TermField):
        blank = model_field.blank or isinstance(model_field, SealedTermField)
        choices = term_choices(model_field.vocabulary, blank=blank)
        return forms.ChoiceField(choices=choices, **common)
    if isinstance(model_field, TermListField):
        choices = term_choices(model_field.vocabulary, blank=False)
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if isinstance(model_field, IccsListField):
        return forms.MultipleChoiceField(
            choices=options.iccs, widget=forms.CheckboxSelectMultiple, **common
        )
    if isinstance(model_field, CountryListField):
        return CodeListField(options=options.countries, datalist=COUNTRY_LIST, **common)
    if isinstance(model_field, CountryField):
        return CodeField(options=options.countries, datalist=COUNTRY_LIST, **common)
    if isinstance(model_field, CurrencyField):
        return CodeField(options=options.currencies, datalist=CURRENCY_LIST, **common)
    if isinstance(model_field, SealedTextField | models.TextField):
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
    if isinstance(model_field, models.DateField):
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common
        )
    if isinstance(model_field, models.DecimalField):
        return forms.DecimalField(min_value=0, decimal_places=2, **common)
    if isinstance(model_field, models.FloatField):
        return forms.FloatField(widget=forms.NumberInput(attrs={"step": "any"}), **common)
    if isinstance(model_field, models.IntegerField):
        return forms.IntegerField(min_value=0, **common)
    if isinstance(model_field, models.BooleanField):
        return forms.BooleanField(**common)
    if model_field.choices:
        return forms.ChoiceField(choices=model_field.choices, **common)
    return forms.CharField(max_length=model_field.max_length, **common)


def opens(form: forms.Form, names: Iterable[str]) -> bool:
    """Whether a folded part of a block opens: when one of its fields has a problem or an
    answer other than the default."""
    for name in names:
        if name not in form.fields:
            continue
        field = form[name]
        if field.errors or field.value() not in (None, "", [], "unknown"):
            return True
    return False


def choices_of(field: forms.ChoiceField) -> list[Any]:
    """A choice field's choices as a list (the stubs allow a callable there too)."""
    return list(field.choices)  # type: ignore[arg-type]


def term_choices(vocabulary: str, blank: bool) -> list[tuple[str, str]]:
    terms = catalogue.vocabulary_labels(vocabulary).values()
    choices = [(term.code, term.label()) for term in terms if not term.deprecated]
    return [("", "—"), *choices] if blank else choices


class EntryBlock(forms.Form):
    """One block of the entry form, its fields taken from the models in ``FIELDS``."""

    #: (model, field names) in the order they are shown.
    FIELDS: tuple[tuple[type[models.Model], tuple[str, ...]], ...] = ()
    #: Fields a person must answer; marked as required.
    REQUIRED: frozenset[str] = frozenset()
    use_required_attribute = False

    def __init__(self, *args: Any, options: Options, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.sealed: dict[str, bool] = {}
        for model, names in self.FIELDS:
            for name in names:
                self.fields[name] = form_field(
                    cast(models.Field, model._meta.get_field(name)), options
                )
        for name in self.REQUIRED:
            self.fields[name].entry_required = True  # type: ignore[attr-defined]
        self._chosen_first()

    def _chosen_first(self) -> None:
        """In long lists of choices, which scroll, show the chosen ones first."""
        getlist = getattr(self.data, "getlist", None)
        if getlist is None:
            return
        for name, entry_field in self.fields.items():
            if not isinstance(entry_field, forms.MultipleChoiceField):
                continue
            choices = choices_of(entry_field)
            chosen = set(getlist(self.add_prefix(name)))
            if len(choices) > LONG_LIST and chosen:
                entry_field.choices = sorted(choices, key=lambda choice: choice[0] not in chosen)

    def bound(self, names: Iterable[str]) -> list[forms.BoundField]:
        return [self[name] for name in names if name in self.fields]

    def owner_only(self, name: str, recorded: bool) -> None:
        """Make a personal, restricted or firewalled field write-only: a recorded value stays
        withheld and is kept when the field is left empty."""
        self.sealed[name] = recorded
        if not recorded:
            return
        entry_field: Any = self.fields[name]
        entry_field.help_text = _(
            "A value is recorded and withheld. Leave this empty to keep it, or give a new value "
            "to replace it."
        )
        if isinstance(entry_field, forms.ChoiceField):
            choices = [choice for choice in choices_of(entry_field) if choice[0] != ""]
            entry_field.choices = [("", _("Keep the recorded value")), *choices]
        else:
            self.fields[f"clear_{name}"] = forms.BooleanField(
                label=_("Remove the recorded value"), required=False
            )


INCIDENT_SECTIONS = (
    (_("What happened"), ("reference", "kinds", "offence_codes", "national_provisions")),
    (_("When"), ("date_start", "date_end", "date_precision")),
    (
        _("Where"),
        (
            "country",
            "admin_area",
            "place",
            "latitude",
            "longitude",
            "coordinate_precision",
            "detection_context",
            "migration_route",
        ),
    ),
    (
        _("How many people"),
        ("migrants_involved", "dead", "missing", "injured", "rescued", "death_causes"),
    ),
    (_("Circumstances"), ("aggravating_circumstances", "bias_motivations")),
    (
        _("Account and sources"),
        (
            "narrative",
            "source_type",
            "source_reliability",
            "information_credibility",
            "verification_status",
            "sources",
        ),
    ),
)


class IncidentForm(EntryBlock):
    FIELDS = ((Incident, tuple(name for _, names in INCIDENT_SECTIONS for name in names)),)
    REQUIRED = frozenset({"reference", "kinds"})
    OWNER_ONLY = ("narrative", "sources")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["narrative"].help_text = _(
            "What happened, in your words. Personal: encrypted, kept within your organisation "
            "and withheld until someone reveals it on purpose."
        )
        self.fields["sources"].help_text = _(
            "Case files, informants, reports. Restricted: encrypted, kept within your "
            "organisation; revealing it asks for a reason that goes to the audit log."
        )

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(str(title), self.bound(names)) for title, names in INCIDENT_SECTIONS]


PERSON_BASICS = ("role", "sex", "age", "age_group", "citizenship", "other_citizenships")
PERSON_MORE = (
    "country_of_birth",
    "country_of_residence",
    "accompaniment",
    "travel_group",
    "migration_status",
)
VICTIMISATION_MAIN = ("violence_forms", "exploitation_forms")
VICTIMISATION_MORE = (
    "sexual_exploitation_types",
    "labour_sectors",
    "means_of_control",
    "perpetrator_relation",
    "country_of_exploitation",
)
VICTIMISATION = VICTIMISATION_MAIN + VICTIMISATION_MORE
VICTIM_OUTCOME = (
    "assistance",
    "trafficking_identification",
    "identified_by",
    "identified_on",
    "repatriated_from",
    "repatriated_to",
    "repatriated_on",
)
OFFENDER_DETAILS = ("network_roles",)
OFFENDER_OUTCOME = (
    "stage",
    "stage_on",
    "charges",
    "charge_provisions",
    "sentence_type",
    "sentence_months",
    "fine_amount",
    "currency",
    "assets_frozen",
    "assets_seized",
    "assets_confiscated",
)


class PersonForm(EntryBlock):
    FIELDS = (
        (Person, PERSON_BASICS + PERSON_MORE),
        (Victimisation, VICTIMISATION + VICTIM_OUTCOME),
        (OffenderRecord, OFFENDER_DETAILS + tuple(n for n in OFFENDER_OUTCOME if n != "stage_on")),
    )
    REQUIRED = frozenset({"role"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["id"] = forms.UUIDField(required=False, widget=forms.HiddenInput)
        cast(forms.ChoiceField, self.fields["role"]).choices = term_choices("person_role", True)
        cast(forms.ChoiceField, self.fields["stage"]).choices = Stage.choices
        self.fields["stage_on"] = forms.DateField(
            label=_("Date the stage was reached"),
            required=False,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        )
        self.fields["role"].widget.attrs["data-role"] = "person"
        order = ["id", *PERSON_BASICS, *PERSON_MORE, *VICTIMISATION, *VICTIM_OUTCOME]
        order += [*OFFENDER_DETAILS, *OFFENDER_OUTCOME]
        self.order_fields(order)

    def basics(self) -> list[forms.BoundField]:
        return self.bound(PERSON_BASICS)

    def more(self) -> list[forms.BoundField]:
        return self.bound((*PERSON_MORE, "clear_migration_status"))

    def victimisation(self) -> list[forms.BoundField]:
        return self.bound(VICTIMISATION_MAIN)

    def victimisation_more(self) -> list[forms.BoundField]:
        return self.bound(VICTIMISATION_MORE)

    def victim_outcome(self) -> list[forms.BoundField]:
        return self.bound(VICTIM_OUTCOME)

    def offender_details(self) -> list[forms.BoundField]:
        return self.bound(OFFENDER_DETAILS)

    def offender_outcome(self) -> list[forms.BoundField]:
        return self.bound(OFFENDER_OUTCOME)

    def role(self) -> str:
        value = self["role"].value()
        return value if isinstance(value, str) else ""


LEG_PLACES = ("from_country", "from_place", "from_role", "to_country", "to_place", "to_role")
LEG_TRAVEL = ("mode", "departed_on", "arrived_on")
LEG_MORE = ("conveyance", "border_crossing_point", "methods")
LEG_FEE = ("fee_amount", "fee_currency", "payment_method", "fee_basis")


class LegForm(EntryBlock):
    FIELDS = ((RouteLeg, LEG_PLACES + LEG_TRAVEL + LEG_MORE + LEG_FEE),)

    def opens_more(self) -> bool:
        return opens(self, LEG_MORE)

    def places(self) -> list[forms.BoundField]:
        return self.bound(LEG_PLACES)

    def travel(self) -> list[forms.BoundField]:
        return self.bound(LEG_TRAVEL)

    def travel_more(self) -> list[forms.BoundField]:
        return self.bound(LEG_MORE)

    def fee(self) -> list[forms.BoundField]:
        return self.bound(LEG_FEE)


class IdentifierForm(EntryBlock):
    """A personal identifier: a new one (kind and value), or a recorded one, withheld, that may
    be removed."""

    FIELDS = ((PersonIdentifier, ("kind",)),)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["id"] = forms.UUIDField(required=False, widget=forms.HiddenInput)
        cast(forms.ChoiceField, self.fields["kind"]).choices = term_choices("identifier_kind", True)
        self.fields["value"] = forms.CharField(
            label=pgettext_lazy("personal identifier", "Value"), required=False, max_length=500
        )
        self.fields["remove"] = forms.BooleanField(
            label=pgettext_lazy("personal identifier", "Remove"), required=False
        )

    def kind_label(self) -> str:
        kind = self["kind"].value()
        return catalogue.term_label("identifier_kind", kind) if kind else ""


class SharingForm(forms.Form):
    """Who may see the record: the label, chosen on purpose, with the partners and named users
    it needs; and whether it may be counted in published statistics."""

    use_required_attribute = False

    def __init__(
        self,
        *args: Any,
        organisations: list[Any],
        partners: list[Any],
        colleagues: list[tuple[Any, set[int]]],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.organisations = {str(org.pk): org for org in organisations}
        self.partner_orgs = {str(org.pk): org for org in partners}
        self.colleagues = {str(user.pk): (user, orgs) for user, orgs in colleagues}
        if len(organisations) > 1:
            self.fields["organisation"] = forms.ChoiceField(
                label=_("Recorded for"),
                choices=[(str(org.pk), str(org)) for org in organisations],
            )
        self.fields["label"] = forms.ChoiceField(
            label=_("Who may see this record"),
            choices=[(label.value, label.label) for label in LABEL_ORDER],
            widget=forms.RadioSelect,
            error_messages={"required": _("Choose who may see this record.")},
        )
        self.fields["partners"] = forms.MultipleChoiceField(
            label=_("Partner organisations named on the record"),
            required=False,
            choices=[(key, str(org)) for key, org in self.partner_orgs.items()],
            widget=forms.CheckboxSelectMultiple,
            help_text=_("Only under TLP:AMBER."),
        )
        self.fields["named_users"] = forms.MultipleChoiceField(
            label=_("Colleagues named on the record"),
            required=False,
            choices=[(key, _user_name(user)) for key, (user, _o) in self.colleagues.items()],
            widget=forms.CheckboxSelectMultiple,
            help_text=_("Only under TLP:AMBER+STRICT. You are always named."),
        )
        self.fields["publish_in_statistics"] = forms.BooleanField(
            label=_("May be counted in published statistics"),
            required=False,
            help_text=_(
                "Published statistics are counts that have passed disclosure control (small "
                "counts are hidden); they never contain the record, a person or a place name."
            ),
        )
        self.fields["coarsen_for_partners"] = forms.BooleanField(
            label=_("Coarsen date and place for partners"),
            required=False,
            help_text=Incident._meta.get_field("coarsen_for_partners").help_text,
        )

    def organisation(self) -> Any:
        if "organisation" not in self.fields:
            return next(iter(self.organisations.values()))
        chosen = self.cleaned_data.get("organisation") if hasattr(self, "cleaned_data") else None
        chosen = chosen or self["organisation"].value()
        return self.organisations.get(str(chosen), next(iter(self.organisations.values())))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        organisation = self.organisation()
        outsiders = [
            key
            for key in cleaned.get("named_users", [])
            if organisation.pk not in self.colleagues[key][1]
        ]
        if outsiders:
            self.add_error(
                "named_users",
                _("Only users of %(organisation)s can be named.")
                % {"organisation": organisation.code},
            )
        return cleaned

    def chosen_partners(self) -> list[Any]:
        return [self.partner_orgs[key] for key in self.cleaned_data.get("partners", [])]

    def chosen_users(self) -> list[Any]:
        return [self.colleagues[key][0] for key in self.cleaned_data.get("named_users", [])]


#: From the narrowest to the widest.
LABEL_ORDER = (Label.AMBER_STRICT, Label.RED, Label.AMBER, Label.GREEN)


def _user_name(user: Any) -> str:
    full = user.get_full_name()
    return f"{full} ({user.get_username()})" if full else user.get_username()
