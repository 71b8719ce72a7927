"""Finding incidents: the list's filters, text search and exact search on identifiers.

Everything here narrows ``Incident.objects.visible_to(user)``, so that a filter, a count or a
search can never tell a user about a record they may not see. The filters the REST API also has
(year, kind, country, label, text) go through ``waypoint.api.filters`` so that the list and the
API answer the same question alike. Text search reads only text every viewer of the record may
see: the reference, national legal provisions, administrative area and, where the viewer sees it,
the place; never names, narratives or other protected fields.

Identifiers (names, document numbers, phones …) and selectors are searched by exact match through
their blind index (``waypoint.vault``), never by decrypting, and only in the records of the user's
own organisations: a partner must not learn from a search that a person is named in a record
whose identifiers they cannot see. Every identifier search is recorded in the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.db import transaction
from django.db.models import Q
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from waypoint.api import filters as api_filters
from waypoint.api.schemas.incidents import IncidentQuery
from waypoint.audit.log import record, sole_organisation
from waypoint.audit.models import Action
from waypoint.bulk.exporting import ExportFilters
from waypoint.cases.models import INCIDENT_PLACE_ANSWERS, Incident, IncidentQuerySet, Label
from waypoint.orgs.access import member_organisations
from waypoint.orgs.models import Organisation
from waypoint.reference import catalogue
from waypoint.vault.normalise import NORMALISERS
from waypoint.vault.sealing import BulkSealer
from waypoint.web.models import SavedFilter

#: Orders the list offers (the API's orderings); the first is the default.
SORTS = {
    "-date_start": _("Newest first"),
    "date_start": _("Oldest first"),
    "-created_at": _("Recently recorded"),
    "reference": _("Reference, A to Z"),
    "-reference": _("Reference, Z to A"),
}
DEFAULT_SORT = "-date_start"
#: The parameters of the list's address, in the order its query string writes them.
FILTER_NAMES = (
    "q",
    "year",
    "kind",
    "country",
    "route",
    "origin",
    "destination",
    "label",
    "owner",
    "sort",
)
#: The most incidents an identifier search lists (it is an exact match: usually a handful).
IDENTIFIER_RESULTS = 200
#: The most filters one user keeps.
MAX_SAVED_FILTERS = 50

# Short names of the labels for lists; TLP names are not translated.
LABEL_NAMES: dict[str, str] = {
    Label.RED.value: "TLP:RED",
    Label.AMBER_STRICT.value: "TLP:AMBER+STRICT",
    Label.AMBER.value: "TLP:AMBER",
    Label.GREEN.value: "TLP:GREEN",
}


# Choices ---------------------------------------------------------------------------------------


def term_choices(vocabulary: str) -> list[tuple[str, str]]:
    """The current terms of a vocabulary in the active language, in the vocabulary's order."""
    terms = catalogue.vocabulary_labels(vocabulary).values()
    return [(term.code, term.label()) for term in terms if not term.deprecated]


def country_choices(also: Iterable[str] = ()) -> list[tuple[str, str]]:
    """Countries by name in the active language, then the special answers given in ``also``."""
    countries = sorted(
        ((code, catalogue.country_label(code)) for code in catalogue.country_codes()),
        key=lambda choice: choice[1].casefold(),
    )
    return countries + [(code, catalogue.country_label(code)) for code in also]


def identifier_kind_choices() -> list[tuple[str, str]]:
    """The kinds of identifier and selector that have a blind index, by label."""
    labels = dict(term_choices("identifier_kind"))
    for code, label in term_choices("selector_kind"):
        labels.setdefault(code, label)
    return [(code, labels.get(code, code)) for code in NORMALISERS if code in labels]


# The list's filters ----------------------------------------------------------------------------


class IncidentFilterForm(forms.Form):
    """The list's filters, read from the query string; every field is optional."""

    q = forms.CharField(
        label=_("Search text"),
        required=False,
        max_length=200,
        help_text=_(
            "Finds references, legal provisions, administrative areas and places. "
            "Names and narratives are never searched."
        ),
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1000, max_value=9999)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    route = forms.ChoiceField(label=_("Migration route"), required=False)
    origin = forms.ChoiceField(label=_("A leg departs from"), required=False)
    destination = forms.ChoiceField(label=_("A leg arrives in"), required=False)
    label = forms.ChoiceField(label=_("Sharing label"), required=False)
    owner = forms.ChoiceField(label=_("Owner organisation"), required=False)
    sort = forms.ChoiceField(label=_("Order"), required=False)

    def __init__(self, data: Any = None, *, owners: Iterable[Organisation] = ()) -> None:
        super().__init__(data)
        any_ = pgettext_lazy("filter", "Any")
        countries = country_choices()
        self._choose("kind", [("", any_), *term_choices("incident_kind")])
        self._choose("country", [("", any_), *country_choices(INCIDENT_PLACE_ANSWERS[::-1])])
        self._choose("route", [("", any_), *term_choices("migration_route")])
        self._choose("origin", [("", any_), *countries])
        self._choose("destination", [("", any_), *countries])
        self._choose("label", [("", any_), *LABEL_NAMES.items()])
        self._choose("owner", [("", any_), *((org.code, org.code) for org in owners)])
        self._choose("sort", list(SORTS.items()))

    def _choose(self, name: str, choices: list[tuple[str, Any]]) -> None:
        self.fields[name].choices = choices  # type: ignore[attr-defined]

    def controls(self) -> list[dict[str, Any]]:
        """The select fields as the template draws them, each with its options as HTML: joining
        them here is many times faster than a template loop over hundreds of countries."""
        cleaned = getattr(self, "cleaned_data", {})
        return [
            {
                "name": name,
                "label": self.fields[name].label,
                "options": options_html(
                    self.fields[name].choices,  # type: ignore[attr-defined]
                    cleaned.get(name) or "",
                ),
                "errors": self.errors.get(name, []) if self.is_bound else [],
            }
            for name in FILTER_NAMES
            if isinstance(self.fields[name], forms.ChoiceField)
        ]


def options_html(choices: Iterable[tuple[str, Any]], selected: str) -> str:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, SELECTED if value == selected else "", text) for value, text in choices),
    )


SELECTED = mark_safe(" selected")  # a constant


@dataclass(frozen=True)
class ListFilters:
    """The filters of one list request; empty values do not filter."""

    q: str = ""
    year: int | None = None
    kind: str = ""
    country: str = ""
    route: str = ""
    origin: str = ""
    destination: str = ""
    label: str = ""
    owner: str = ""
    sort: str = DEFAULT_SORT

    @classmethod
    def from_form(cls, form: IncidentFilterForm) -> ListFilters:
        """The valid filters of a bound form; a value that is not valid is left out (the form
        says why)."""
        form.is_valid()
        given = {
            name: value
            for name, value in form.cleaned_data.items()
            if name in FILTER_NAMES and value not in (None, "")
        }
        if isinstance(given.get("q"), str):
            given["q"] = given["q"].strip()
        return cls(**given)

    def apply(self, incidents: IncidentQuerySet, user: Any) -> IncidentQuerySet:
        """``incidents`` (already narrowed to what ``user`` may see) narrowed by the filters."""
        query = IncidentQuery.model_validate(
            {
                "year": self.year,
                "kind": self.kind or None,
                "country": self.country or None,
                "label": self.label or None,
                "q": self.q or None,
            }
        )
        visible = incidents
        incidents = api_filters.filtered(incidents, query, user)
        if self.route:
            incidents = incidents.filter(migration_route=self.route)
        if self.origin:
            incidents = with_leg(incidents, visible, Q(legs__from_country=self.origin))
        if self.destination:
            incidents = with_leg(incidents, visible, Q(legs__to_country=self.destination))
        if self.owner:
            incidents = incidents.filter(owner__code=self.owner)
        return incidents

    def ordered(self, incidents: IncidentQuerySet) -> IncidentQuerySet:
        return api_filters.ordered(incidents, self.sort)

    def values(self) -> dict[str, str]:
        """The filters in use, as query-string values, in ``FILTER_NAMES`` order."""
        return {
            name: str(getattr(self, name))
            for name in FILTER_NAMES
            if getattr(self, name) not in (None, "")
            and (name, getattr(self, name)) != ("sort", DEFAULT_SORT)
        }

    def query_string(self) -> str:
        return urlencode(self.values())

    @property
    def narrowing(self) -> int:
        """How many filters other than the search text narrow the list."""
        return sum(1 for name in self.values() if name not in ("q", "sort"))

    @property
    def active(self) -> bool:
        """Whether anything narrows the list (an order alone does not)."""
        return any(name != "sort" for name in self.values())

    def export_filters(self, user: Any) -> ListExportFilters:
        return ListExportFilters(
            year=self.year,
            kind=self.kind,
            country=self.country,
            label=self.label,
            owner=self.owner,
            q=self.q,
            route=self.route,
            origin=self.origin,
            destination=self.destination,
            viewer=user,
        )


def with_leg(incidents: IncidentQuerySet, visible: IncidentQuerySet, leg: Q) -> IncidentQuerySet:
    """``incidents`` with a route leg matching ``leg``, each once: through a subquery of the
    ``visible`` incidents rather than DISTINCT, which would fight with the ordering (as the API
    does). The subquery starts from the visible incidents, not from ``incidents``, so that the
    other filters are not evaluated again inside it."""
    return incidents.filter(pk__in=visible.filter(leg).values("pk"))


#: The columns a line of the list shows (``presentation.incident_rows``): reading only these keeps
#: the rows that the database sorts narrow.
LIST_COLUMNS = (
    "public_id",
    "reference",
    "label",
    "coarsen_for_partners",
    "date_start",
    "country",
    "kinds",
    "owner__code",
)


def incident_list(user: Any, filters: ListFilters) -> IncidentQuerySet:
    """The incidents ``user`` may see, filtered and ordered as asked, with their owners."""
    visible = Incident.objects.visible_to(user)
    incidents = filters.ordered(filters.apply(visible, user))
    return incidents.select_related("owner").only(*LIST_COLUMNS)


@dataclass(frozen=True)
class ListExportFilters(ExportFilters):
    """The list's filters as ``export_incidents`` takes them, so that "export this list" writes
    exactly the incidents the list shows (in the form the user may see them)."""

    q: str = ""
    route: str = ""
    origin: str = ""
    destination: str = ""
    #: Whose list it is: text search reads places only where this user sees them.
    viewer: Any = field(default=None, compare=False, repr=False)

    def apply(self, incidents: IncidentQuerySet) -> IncidentQuerySet:
        values = {f.name: getattr(self, f.name) for f in fields(ListFilters) if f.name != "sort"}
        return ListFilters(**values).apply(incidents, self.viewer)

    def names(self) -> list[str]:
        return [name for name in super().names() if name != "viewer"]


# Exact search on identifiers -------------------------------------------------------------------


class IdentifierSearchForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of identifier"), required=False)
    value = forms.CharField(
        label=_("Identifier"),
        max_length=300,
        help_text=_(
            "A name, document number, phone number, e-mail address, plate, account or other "
            "identifier, exactly as recorded (case, spaces and punctuation do not matter)."
        ),
    )

    def __init__(self, data: Any = None) -> None:
        super().__init__(data)
        any_kind = pgettext_lazy("identifier", "Any kind")
        self.fields["kind"].choices = [("", any_kind), *identifier_kind_choices()]  # type: ignore[attr-defined]


def identifier_indexes(value: str, kind: str = "") -> list[str]:
    """The blind indexes ``value`` would have as an identifier of ``kind`` (of every indexed kind
    when none is given): an exact match on any of them is a match."""
    sealer = BulkSealer()
    kinds = [kind] if kind else list(NORMALISERS)
    return sorted({index for k in kinds if (index := sealer.index(k, value))})


def identifier_matches(user: Any, value: str, kind: str = "") -> IncidentQuerySet:
    """The incidents of the user's own organisations, among those they may see, that record the
    identifier or selector ``value``; newest first."""
    indexes = identifier_indexes(value, kind)
    own = [organisation.pk for organisation in member_organisations(user)]
    visible = Incident.objects.visible_to(user)
    if not indexes or not own:
        return visible.none()
    mine = visible.filter(owner_id__in=own)
    named = mine.filter(persons__identifiers__value_index__in=indexes).values("pk")
    seen = mine.filter(selectors__value_index__in=indexes).values("pk")
    found = mine.filter(Q(pk__in=named) | Q(pk__in=seen))
    return api_filters.ordered(found, DEFAULT_SORT).select_related("owner").only(*LIST_COLUMNS)


def search_identifier(
    *, actor: Any, value: str, kind: str = "", request: Any = None
) -> list[Incident]:
    """Find the incidents that record an identifier, and record the search in the audit log
    (the kind searched and the number found, never the value)."""
    with transaction.atomic():
        found = list(identifier_matches(actor, value, kind)[:IDENTIFIER_RESULTS])
        record(
            actor=actor,
            action=Action.IDENTIFIER_SEARCH,
            organisation=sole_organisation(actor),
            details={"count": len(found), **({"field": kind} if kind else {})},
            request=request,
        )
    return found


# Saved filters ---------------------------------------------------------------------------------


class SavedFilterForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)


class SavedFilterRefused(Exception):
    """The filter was not saved; the message says why, for the user."""


def save_filter(*, actor: Any, name: str, filters: ListFilters) -> SavedFilter:
    """Keep the list's filters under ``name`` for ``actor`` (replacing a filter of that name)."""
    name = name.strip()
    with transaction.atomic():
        mine = SavedFilter.objects.of(actor)
        existing = mine.filter(name=name).first()
        if existing is None and mine.count() >= MAX_SAVED_FILTERS:
            raise SavedFilterRefused(
                _("You have %(count)d saved filters already; delete one first.")
                % {"count": MAX_SAVED_FILTERS}
            )
        saved = existing or SavedFilter(user=actor, name=name)
        saved.query = filters.query_string()
        saved.save()
    return saved


def delete_filter(*, actor: Any, saved: SavedFilter) -> None:
    if saved.user_id != actor.pk:
        raise SavedFilterRefused(_("This filter is not yours."))
    saved.delete()


def saved_filters(user: Any) -> list[SavedFilter]:
    return list(SavedFilter.objects.of(user))
