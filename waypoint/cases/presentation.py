"""What a user is shown of an incident: the one place where field classes decide.

Pages, exports and API answers build on ``incident_view``. The owner organisation sees every
field, with the owner-only classes (personal, restricted, firewalled) withheld until a user
reveals them on purpose (``revealed``). Partners get the de-identified view: owner-only fields
never leave, and when the owner asks, dates are coarsened to the month and places to the
administrative area. Owner-only values are sealed at rest (``waypoint.vault``): a row read from the
database holds them as opaque ``Sealed`` values, which ``display`` never shows.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from waypoint.cases.models import Incident, Person, RouteLeg
from waypoint.lib.fieldclasses import OWNER_ONLY, FieldClass
from waypoint.orgs.access import is_owner_member, member_organisations
from waypoint.reference import catalogue
from waypoint.reference.fields import (
    CountryField,
    CountryListField,
    IccsListField,
    TermField,
    TermListField,
)
from waypoint.vault import reveal
from waypoint.vault.fields import SealedTermField
from waypoint.vault.sealing import Sealed

#: Fields never shown as such: keys and links to the parent row.
TECHNICAL = frozenset({"id", "public_id", "incident", "person", "offender"})
#: Place fields a partner does not see when the owner coarsens places.
PRECISE_PLACES = frozenset(
    {"place", "latitude", "longitude", "from_place", "to_place", "border_crossing_point"}
)


@dataclass(frozen=True)
class FieldView:
    name: str
    label: str
    value: str
    field_class: FieldClass
    #: Withheld from this viewer: an owner may reveal it; a partner never sees it.
    withheld: bool = False
    #: What to ask for when revealing it (see ``waypoint.cases.revealing.locate``).
    target: str = ""


@dataclass(frozen=True)
class Protected:
    """A protected row an owner may reveal: an identifier or a selector, by kind."""

    kind: str
    target: str


@dataclass
class PersonView:
    public_id: str
    role: str
    fields: list[FieldView]
    victimisation: list[FieldView] = field(default_factory=list)
    offender: list[FieldView] = field(default_factory=list)
    identifiers_withheld: int = 0
    identifiers: list[Protected] = field(default_factory=list)


@dataclass
class IncidentView:
    incident: Incident
    as_owner: bool
    coarsened: bool
    fields: list[FieldView]
    persons: list[PersonView]
    legs: list[list[FieldView]]
    selectors_withheld: int
    selectors: list[Protected] = field(default_factory=list)

    @property
    def deidentified(self) -> bool:
        return not self.as_owner


def incident_view(user: Any, incident: Incident) -> IncidentView:
    """The incident as ``user`` may see it; the caller has already checked it is visible."""
    as_owner = is_owner_member(user, incident)
    coarsen = not as_owner and incident.coarsen_for_partners
    persons = list(
        incident.persons.select_related("victimisation", "offender").prefetch_related("identifiers")
    )
    return IncidentView(
        incident=incident,
        as_owner=as_owner,
        coarsened=coarsen,
        fields=fields_of(incident, as_owner, coarsen, target="incident"),
        persons=[_person_view(person, as_owner, coarsen) for person in persons],
        legs=[fields_of(leg, as_owner, coarsen) for leg in incident.legs.all()],
        selectors_withheld=incident.selectors.count() if as_owner else 0,
        selectors=[
            Protected(catalogue.term_label("selector_kind", s.kind), f"selector:{s.public_id}")
            for s in incident.selectors.all()
        ]
        if as_owner
        else [],
    )


def _person_view(person: Person, as_owner: bool, coarsen: bool) -> PersonView:
    view = PersonView(
        public_id=str(person.public_id),
        role=catalogue.term_label("person_role", person.role),
        fields=fields_of(
            person, as_owner, coarsen, skip={"role"}, target=f"person:{person.public_id}"
        ),
        identifiers_withheld=len(person.identifiers.all()) if as_owner else 0,
        identifiers=[
            Protected(catalogue.term_label("identifier_kind", i.kind), f"identifier:{i.public_id}")
            for i in person.identifiers.all()
        ]
        if as_owner
        else [],
    )
    victimisation = getattr(person, "victimisation", None)
    if victimisation is not None:
        view.victimisation = fields_of(victimisation, as_owner, coarsen)
    offender = getattr(person, "offender", None)
    if offender is not None:
        view.offender = fields_of(offender, as_owner, coarsen)
    return view


def fields_of(
    instance: models.Model,
    as_owner: bool,
    coarsen: bool,
    skip: Iterable[str] = (),
    target: str = "",
) -> list[FieldView]:
    """The displayable fields of one row, in model order, as this viewer may see them."""
    classes: dict[str, FieldClass] = type(instance).field_classes  # type: ignore[attr-defined]
    views = []
    for model_field in instance._meta.concrete_fields:
        name = model_field.name
        if name in TECHNICAL or name in skip or isinstance(model_field, models.ForeignKey):
            continue
        field_class = classes.get(name, classes.get("*", FieldClass.PERSONAL))
        owner_only = field_class in OWNER_ONLY
        if owner_only and not as_owner:
            continue  # the de-identified view: not even the field's presence is shown
        if coarsen and name in PRECISE_PLACES:
            continue
        value = "" if owner_only else display(model_field, getattr(instance, name), coarsen)
        views.append(
            FieldView(
                name=name,
                label=str(model_field.verbose_name),
                value=value,
                field_class=field_class,
                withheld=owner_only,
                target=target if owner_only else "",
            )
        )
    return views


def display(model_field: models.Field, value: Any, coarsen: bool = False) -> str:
    """A value as a reader sees it: labels for codes, month only for coarsened dates."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, Sealed):
        return _("withheld")  # sealed: shown only through ``revealed``
    if isinstance(model_field, TermField | SealedTermField):
        return catalogue.term_label(model_field.vocabulary, value)
    if isinstance(model_field, TermListField):
        return ", ".join(catalogue.term_label(model_field.vocabulary, code) for code in value)
    if isinstance(model_field, CountryField):
        return catalogue.country_label(value)
    if isinstance(model_field, CountryListField):
        return ", ".join(catalogue.country_label(code) for code in value)
    if isinstance(model_field, IccsListField):
        return ", ".join(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "YEAR_MONTH_FORMAT" if coarsen else "DATE_FORMAT")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


def revealed(instance: models.Model, name: str) -> str:
    """An owner-only value of ``instance`` as a reader sees it, decrypted.

    The caller has checked that the user belongs to the owner organisation and may reveal it,
    and records the audit event (with the user's justification for restricted fields).
    """
    return display(instance._meta.get_field(name), reveal(instance, name))  # type: ignore[arg-type]


def leg_summary(leg: RouteLeg) -> str:
    return f"{leg.from_country} → {leg.to_country}"


@dataclass(frozen=True)
class IncidentRow:
    public_id: str
    reference: str
    date: str
    country: str
    kinds: str
    owner: str
    label: str
    as_owner: bool


def incident_rows(user: Any, incidents: Iterable[Incident]) -> list[IncidentRow]:
    """One line per incident for lists, coarsened for partners where the owner asked."""
    own = {organisation.pk for organisation in member_organisations(user)}
    rows = []
    for incident in incidents:
        as_owner = incident.owner_id in own
        coarsen = not as_owner and incident.coarsen_for_partners
        rows.append(
            IncidentRow(
                public_id=str(incident.public_id),
                reference=incident.reference,
                date=display(Incident._meta.get_field("date_start"), incident.date_start, coarsen),
                country=catalogue.country_label(incident.country),
                kinds=display(Incident._meta.get_field("kinds"), incident.kinds),
                owner=incident.owner.code,
                label=incident.get_label_display(),
                as_owner=as_owner,
            )
        )
    return rows
