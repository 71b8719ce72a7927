"""Entering and editing an incident on the staff site, and the incident's history.

The entry form is one page in the order a reporting officer tells a case: the incident, its
persons, the route legs, the outcomes for each person, then who may see the record. Persons,
legs and personal identifiers are blocks added and removed with buttons that re-render the form
(htmx swaps it in place; without JavaScript the page reloads), so the form works either way.

The form is always bound to data: a new incident starts from the models' defaults, an edited one
from its stored values (owner-only values are never put in the page: they stay withheld and are
kept unless replaced). Saving builds an incident document (``waypoint.cases.documents``, as the
API does), reads it into a draft and validates it with the rules of the data model; each problem
is shown beside the field its path names, and in a summary at the top that links to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms.utils import ErrorDict
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from waypoint.cases import actions
from waypoint.cases.documents import draft_from_document
from waypoint.cases.forms import (
    COUNTRY_LIST,
    CURRENCY_LIST,
    LONG_LIST,
    OFFENDER_DETAILS,
    OFFENDER_OUTCOME,
    PERSON_BASICS,
    PERSON_MORE,
    VICTIM_OUTCOME,
    VICTIMISATION,
    VICTIMISATION_MORE,
    IdentifierForm,
    IncidentForm,
    LegForm,
    Options,
    PersonForm,
    SharingForm,
    opens,
)
from waypoint.cases.history import history
from waypoint.cases.models import (
    Incident,
    Label,
    LabelChangeStatus,
    OffenderRecord,
    Person,
    RouteLeg,
    Status,
    Victimisation,
)
from waypoint.cases.validation import (
    MIGRANT_ROLES,
    IncidentDraft,
    IncidentInvalid,
    Problem,
    validate,
)
from waypoint.lib.numbered import without_block
from waypoint.orgs.access import get_incident_for, is_owner_member, recording_organisations
from waypoint.orgs.models import Membership, Organisation, SharingAgreement
from waypoint.reference import catalogue
from waypoint.vault.sealing import Sealed

MAX_PERSONS = 200
MAX_LEGS = 50
MAX_IDENTIFIERS = 20
ACTION = re.compile(r"^(add|remove)-(person|leg|identifier)(?:-(\d+))?(?:-(\d+))?$")
INCIDENT_FIELDS = tuple(name for _, names in IncidentForm.FIELDS for name in names)
LEG_FIELDS = tuple(name for _, names in LegForm.FIELDS for name in names)
PERSON_FIELDS = PERSON_BASICS + PERSON_MORE
VICTIM_FIELDS = VICTIMISATION + VICTIM_OUTCOME
OFFENDER_FIELDS = OFFENDER_DETAILS + tuple(name for name in OFFENDER_OUTCOME if name != "stage_on")
SHARING_FIELDS = frozenset({"label", "publish_in_statistics", "coarsen_for_partners"})
#: Problems of an offender's stage history that concern the date, not the stage.
DATE_PROBLEMS = frozenset({"before_incident", "stage_out_of_order"})


@dataclass
class PersonBlock:
    number: int
    form: PersonForm
    identifiers: list[IdentifierForm]
    stored: Person | None

    @property
    def prefix(self) -> str:
        return f"person-{self.number}"

    def opens_more(self) -> bool:
        return opens(self.form, PERSON_MORE)

    def opens_victimisation(self) -> bool:
        return opens(self.form, VICTIMISATION_MORE)

    def opens_identifiers(self) -> bool:
        return bool(self.identifiers)

    def role_label(self) -> str:
        role = self.form.role()
        return catalogue.term_label("person_role", role) if role else ""

    def shows_victim(self) -> bool:
        return self.shows("victim")

    def shows_offender(self) -> bool:
        return self.shows("offender")

    def shows_nothing(self) -> bool:
        return not self.shows("victim") and not self.shows("offender")

    def shows(self, what: str) -> bool:
        """Whether the victim's or the offender's parts apply (both, until a role is chosen)."""
        role = self.form.role()
        if not role:
            return True
        return role in MIGRANT_ROLES if what == "victim" else role == "offender"


@dataclass
class SummaryItem:
    anchor: str
    label: str
    message: str


class IncidentEntry:
    """The entry form: every block bound to the same data, the rules' problems shown in place."""

    def __init__(
        self,
        data: QueryDict,
        *,
        user: Any,
        organisations: list[Organisation],
        incident: Incident | None = None,
    ) -> None:
        data = _completed(data)
        self.data, self.user, self.incident = data, user, incident
        self.organisations = organisations
        self.options = Options.load()
        self.stored = _stored_persons(incident)
        self.incident_form = IncidentForm(data, options=self.options)
        for name in IncidentForm.OWNER_ONLY:
            recorded = incident is not None and isinstance(getattr(incident, name), Sealed)
            self.incident_form.owner_only(name, recorded)
        self.persons = [self._person(n) for n in range(1, _count(data, "persons", MAX_PERSONS) + 1)]
        self.legs = [
            LegForm(data, prefix=f"leg-{n}", options=self.options)
            for n in range(1, _count(data, "legs", MAX_LEGS) + 1)
        ]
        self.sharing = self._sharing_form()
        self.route_errors: list[str] = []
        self.checked = False
        self.focus = ""

    def _person(self, number: int) -> PersonBlock:
        prefix = f"person-{number}"
        form = PersonForm(self.data, prefix=prefix, options=self.options)
        stored = self.stored.get(str(self.data.get(f"{prefix}-id", "")).lower())
        form.owner_only(
            "migration_status",
            stored is not None and isinstance(stored.migration_status, Sealed),
        )
        count = _count(self.data, f"{prefix}-identifiers", MAX_IDENTIFIERS)
        identifiers = [
            IdentifierForm(self.data, prefix=f"{prefix}-identifier-{n}", options=self.options)
            for n in range(1, count + 1)
        ]
        return PersonBlock(number, form, identifiers, stored)

    def _sharing_form(self) -> SharingForm:
        owners = [self.incident.owner] if self.incident else self.organisations
        active = _active_organisations()
        named: set[int] = set()
        if self.incident is not None:
            named = set(self.incident.shared_with.values_list("pk", flat=True))
        self.participants = len(active)
        self.named_partners = [org for org in active if org.pk in named]
        return SharingForm(
            self.data,
            prefix="sharing",
            organisations=owners,
            partners=[org for org in active if org not in owners and org.pk not in named],
            colleagues=_colleagues(owners, self.user),
        )

    # Checking

    def blocks(self) -> list[forms.Form]:
        found: list[forms.Form] = [self.incident_form]
        for person in self.persons:
            found += [person.form, *person.identifiers]
        return [*found, *self.legs, self.sharing]

    def check(self, *, status: str) -> IncidentDraft | None:
        """Read the form into a draft and show every problem: what cannot be read (a date, a
        number) and what the data model's rules refuse. Answer the draft when there is none."""
        self.checked = True
        for form in self.blocks():
            form.is_valid()
        try:
            draft = draft_from_document(self.document(status), existing=self.incident)
        except IncidentInvalid as invalid:
            self.show(invalid.problems)
            return None
        self._prepare(draft)
        self.show(validate(draft))
        return None if self.has_problems() else draft

    def _prepare(self, draft: IncidentDraft) -> None:
        """Give the draft what the action that writes it gives, so that the reference's
        uniqueness is checked as it will be."""
        new = draft.incident
        if self.incident is None:
            new.owner = self.sharing.organisation()
            return
        new.pk, new.public_id, new.owner = (
            self.incident.pk,
            self.incident.public_id,
            self.incident.owner,
        )
        new._state.adding, new._state.db = False, self.incident._state.db

    def has_problems(self) -> bool:
        return bool(self.route_errors) or any(form.errors for form in self.blocks())

    def show(self, problems: list[Problem]) -> None:
        for problem in problems:
            form, name = self._target(problem.path)
            if name == "stage" and problem.code in DATE_PROBLEMS:
                name = "stage_on"
            if form is None:
                self.route_errors.append(problem.message)
            elif name is not None and name in form.errors:
                continue  # what was typed could not be read; that message says enough
            else:
                form.add_error(name, problem.message)

    def _target(self, path: str) -> tuple[forms.Form | None, str | None]:
        """The block and field a problem's path names (``persons[2].victimisation.x``)."""
        parts = path.split(".")
        head = re.match(r"^(\w+)(?:\[(\d+)\])?$", parts[0])
        key, number = head.groups() if head else ("", None)
        rest = parts[1:]
        form: forms.Form | None = self.incident_form
        if key == "legs" and number is None:
            return None, None
        if key == "incident" and rest and rest[0] in SHARING_FIELDS:
            form = self.sharing
        elif key == "persons" and number and int(number) <= len(self.persons):
            form, rest = self._person_target(self.persons[int(number) - 1], rest)
        elif key == "legs" and number and int(number) <= len(self.legs):
            form = self.legs[int(number) - 1]
        elif key != "incident":
            rest = []
        name = rest[0] if rest else None
        if form is None or name is None or name not in form.fields:
            return form, None
        return form, name

    @staticmethod
    def _person_target(person: PersonBlock, rest: list[str]) -> tuple[forms.Form, list[str]]:
        if not rest:
            return person.form, []
        found = re.match(r"^identifiers\[(\d+)\]$", rest[0])
        if found and int(found.group(1)) <= len(person.identifiers):
            return person.identifiers[int(found.group(1)) - 1], rest[1:]
        if rest[0] in ("victimisation", "offender"):
            if len(rest) > 1 and rest[1].startswith("stages"):
                return person.form, ["stage"]
            return person.form, rest[1:]
        return person.form, rest

    def summary(self) -> list[SummaryItem]:
        """Every problem in page order, each linking to its field."""
        items = []
        for form in self.blocks():
            for name, errors in form.errors.items():
                if name == "__all__":
                    anchor, label = _block_anchor(form), _block_name(form)
                else:
                    field = form[name]
                    anchor = field.id_for_label or f"{field.auto_id}_0"
                    label = f"{_block_name(form)} › {field.label}".strip(" ›")
                items += [SummaryItem(anchor, label, str(error)) for error in errors]
        items += [SummaryItem("route-heading", _("Route"), error) for error in self.route_errors]
        return items

    def quiet(self) -> None:
        """Show the form as typed, without problems (after adding or removing a block)."""
        for form in self.blocks():
            form._errors = ErrorDict()  # type: ignore[attr-defined]

    # The document the form describes

    def document(self, status: str) -> dict[str, Any]:
        values = self.incident_form.cleaned_data
        document = {
            name: _value(values.get(name))
            for name in INCIDENT_FIELDS
            if name not in IncidentForm.OWNER_ONLY
        }
        for name in IncidentForm.OWNER_ONLY:
            _owner_only(document, name, self.incident_form)
        sharing = self.sharing.cleaned_data
        document["publish_in_statistics"] = bool(sharing.get("publish_in_statistics"))
        document["coarsen_for_partners"] = bool(sharing.get("coarsen_for_partners"))
        if self.incident is None:
            document["label"] = sharing.get("label") or Label.RED
            document["status"] = status
        document["persons"] = [self._person_document(person) for person in self.persons]
        document["legs"] = [
            {name: _value(leg.cleaned_data.get(name)) for name in LEG_FIELDS} for leg in self.legs
        ]
        return document

    def _person_document(self, person: PersonBlock) -> dict[str, Any]:
        values = person.form.cleaned_data
        document: dict[str, Any] = {}
        if person.stored is not None:
            document["id"] = str(person.stored.public_id)
        for name in PERSON_FIELDS:
            if name == "migration_status":
                _owner_only(document, name, person.form)
            else:
                document[name] = _value(values.get(name))
        document["identifiers"] = _identifiers(person)
        role = values.get("role") or ""
        victimisation = {name: _value(values.get(name)) for name in VICTIM_FIELDS}
        stored_victimisation = getattr(person.stored, "victimisation", None)
        document["victimisation"] = None
        if role in MIGRANT_ROLES and (stored_victimisation or _answered(victimisation)):
            document["victimisation"] = victimisation
        document["offender"] = None
        if role == "offender":
            offender = {name: _value(values.get(name)) for name in OFFENDER_FIELDS}
            offender["stage"] = values.get("stage") or "suspected"
            offender["stages"] = _stages(person, offender["stage"], values.get("stage_on"))
            document["offender"] = offender
        return document

    def organisation(self) -> Organisation:
        return self.incident.owner if self.incident else self.sharing.organisation()

    def set_focus(self, element_id: str) -> None:
        """Focus an element when the page loads (or htmx swaps the form in): a field by its id,
        otherwise a heading the template marks."""
        self.focus = element_id
        for form in self.blocks():
            for field in form:
                if field.auto_id == element_id:
                    field.field.widget.attrs["autofocus"] = True

    def label_options(self) -> list[dict[str, Any]]:
        """The sharing labels, narrowest first, each with who would see the record."""
        organisation = self.organisation()
        partners = _agreement_partners(organisation)
        names = {"organisation": organisation.name}
        agreements = (
            _("the partners of its standing sharing agreements: %(partners)s")
            % {"partners": ", ".join(org.name for org in partners)}
            if partners
            else _("no standing sharing agreement names further partners")
        )
        strict = (
            _(
                "Only you and the colleagues of %(organisation)s you name below. Other members "
                "of %(organisation)s do not see it."
            )
            if self.sharing.fields["named_users"].choices  # type: ignore[attr-defined]
            else _("Only you. Other members of %(organisation)s do not see it.")
        )
        explanations = {
            Label.AMBER_STRICT: strict % names,
            Label.RED: _("The members of %(organisation)s, and nobody else.") % names,
            Label.AMBER: _(
                "%(organisation)s, the partner organisations you name below, and %(agreements)s. "
                "Partners see it de-identified: without names, identifiers, contacts, narrative or "
                "migration status."
            )
            % {**names, "agreements": agreements},
            Label.GREEN: _(
                "Every organisation taking part in Waypoint (%(count)s), de-identified as for "
                "partners."
            )
            % {"count": self.participants},
        }
        chosen = self.sharing["label"].value()
        return [
            {
                "value": value,
                "label": label,
                "explanation": explanations[Label(value)],
                "checked": chosen == value,
            }
            for value, label in self.sharing.fields["label"].choices  # type: ignore[attr-defined]
        ]

    def context(self) -> dict[str, Any]:
        return {
            "entry": self,
            "summary": self.summary() if self.checked else [],
            "country_list": COUNTRY_LIST,
            "currency_list": CURRENCY_LIST,
            "long_list": LONG_LIST,
            "organisation": self.organisation(),
            "label_options": self.label_options(),
        }


_FIRST_FIELD = {"person": "role", "leg": "from_country", "identifier": "kind"}


def rearranged(data: QueryDict, action: str) -> tuple[QueryDict, str] | None:
    """The data with a person, a leg or an identifier added or removed as ``action`` asks
    (``add-person``, ``remove-leg-2``, ``add-identifier-1``, ``remove-identifier-1-2``), and the
    id of the element to focus next; None when ``action`` asks for none of these."""
    match = ACTION.match(action)
    if match is None:
        return None
    verb, what, first, second = match.groups()
    if what == "identifier":
        person = _number(first, _count(data, "persons", MAX_PERSONS))
        if person is None:
            return None
        kind, count_key, limit = (
            f"person-{person}-identifier",
            f"person-{person}-identifiers",
            MAX_IDENTIFIERS,
        )
        index = _number(second, limit)
    else:
        kind, count_key = what, f"{what}s"
        limit = MAX_PERSONS if what == "person" else MAX_LEGS
        index = _number(first, limit)
    count = _count(data, count_key, limit)
    changed = data.copy()
    if verb == "add":
        if count >= limit:
            return changed, ""
        block = _new_block(kind, count + 1, data)
        for key in block:
            changed.setlist(key, block.getlist(key))
        changed[count_key] = str(count + 1)
        return changed, f"id_{kind}-{count + 1}-{_FIRST_FIELD[what]}"
    if index is None or index > count:
        return changed, ""
    changed = without_block(data, f"{kind}-", index, count, count_key)
    focus = {"person": "persons-heading", "leg": "route-heading"}.get(
        what, f"person-{first}-heading"
    )
    return changed, focus


def _count(data: QueryDict, key: str, limit: int) -> int:
    try:
        return max(0, min(int(data.get(key, 0)), limit))
    except (TypeError, ValueError):
        return 0


def _number(text: str | None, limit: int) -> int | None:
    if text is None:
        return None
    number = int(text)
    return number if 1 <= number <= limit else None


def _value(value: Any) -> Any:
    """A cleaned form value as a document gives it: nothing typed is no value (the default)."""
    return None if value == "" else value


def _answered(values: dict[str, Any]) -> bool:
    return any(value not in (None, "", [], "unknown") for value in values.values())


def _owner_only(document: dict[str, Any], name: str, form: forms.Form) -> None:
    """Keep a recorded owner-only value unless a new one is given or it is to be removed."""
    value = form.cleaned_data.get(name) or ""
    recorded = form.sealed.get(name, False)  # type: ignore[attr-defined]
    keep = recorded and not form.cleaned_data.get(f"clear_{name}")
    if value:
        document[name] = value
    elif not keep and name != "migration_status":
        document[name] = ""


def _identifiers(person: PersonBlock) -> list[dict[str, Any]]:
    stored = {str(i.public_id) for i in person.stored.identifiers.all()} if person.stored else set()
    found = []
    for form in person.identifiers:
        values = form.cleaned_data
        public_id = str(values.get("id") or "")
        if public_id in stored:
            if not values.get("remove"):
                found.append({"id": public_id})
        elif values.get("value"):
            found.append({"kind": values.get("kind") or "", "value": values["value"]})
    return found


def _stages(person: PersonBlock, stage: str, stage_on: Any) -> list[dict[str, Any]]:
    """The offender's stage history: the recorded steps, with the chosen stage as the last one
    (a new step when it differs from the recorded stage)."""
    offender = getattr(person.stored, "offender", None)
    steps = list(offender.stage_history.all()) if offender is not None else []
    kept = [
        {"id": str(step.public_id), "stage": step.to_stage, "effective_on": step.effective_on}
        for step in steps
    ]
    if kept and kept[-1]["stage"] == stage:
        kept[-1]["effective_on"] = stage_on
        return kept
    return [*kept, {"stage": stage, "effective_on": stage_on}]


def _stored_persons(incident: Incident | None) -> dict[str, Person]:
    if incident is None:
        return {}
    persons = incident.persons.select_related("victimisation", "offender").prefetch_related(
        "identifiers", "offender__stage_history"
    )
    return {str(person.public_id): person for person in persons}


def _active_organisations() -> list[Organisation]:
    return list(Organisation.objects.active().order_by("name"))


def _colleagues(owners: list[Organisation], user: Any) -> list[tuple[Any, set[int]]]:
    """The users of the owner organisations (but the user), each with their organisations."""
    found: dict[int, tuple[Any, set[int]]] = {}
    memberships = Membership.objects.filter(organisation__in=owners, user__is_active=True)
    for membership in (
        memberships.exclude(user=user).select_related("user").order_by("user__username")
    ):
        found.setdefault(membership.user_id, (membership.user, set()))[1].add(
            membership.organisation_id
        )
    return list(found.values())


def _agreement_partners(organisation: Organisation) -> list[Organisation]:
    agreements = SharingAgreement.objects.active().filter(
        owner=organisation, partner__is_active=True
    )
    return [agreement.partner for agreement in agreements.select_related("partner")]


def _block_name(form: forms.Form) -> str:
    prefix = form.prefix or ""
    parts = re.findall(r"(person|leg|identifier)-(\d+)", prefix)
    words = {
        "person": _("Person %(number)s"),
        "leg": _("Leg %(number)s"),
        "identifier": _("identifier %(number)s"),
    }
    if isinstance(form, SharingForm):
        return _("Sharing")
    if not parts:
        return _("Incident")
    return " › ".join(words[kind] % {"number": number} for kind, number in parts)


def _block_anchor(form: forms.Form) -> str:
    prefix = form.prefix or ""
    if isinstance(form, SharingForm):
        return "sharing-heading"
    if not prefix:
        return "incident-heading"
    return f"{prefix}-heading"


# The data a new or stored incident starts from


def blank_data() -> QueryDict:
    data = QueryDict(mutable=True)
    _put(data, "", Incident(), INCIDENT_FIELDS)
    data["persons"], data["legs"] = "0", "0"
    return data


def stored_data(incident: Incident, persons: dict[str, Person], user: Any) -> QueryDict:
    """The form's data for a stored incident; owner-only values are left out (withheld)."""
    data = QueryDict(mutable=True)
    _put(data, "", incident, INCIDENT_FIELDS)
    data["sharing-label"] = incident.label
    for key, name in (
        ("publish_in_statistics", "publish_in_statistics"),
        ("coarsen_for_partners", "coarsen_for_partners"),
    ):
        if getattr(incident, name):
            data[f"sharing-{key}"] = "on"
    data.setlist(
        "sharing-named_users",
        [str(u.pk) for u in incident.named_users.all() if u.pk != user.pk],
    )
    data["persons"] = str(len(persons))
    for number, person in enumerate(persons.values(), start=1):
        _put_person(data, f"person-{number}", person)
    legs = list(incident.legs.all())
    data["legs"] = str(len(legs))
    for number, leg in enumerate(legs, start=1):
        _put(data, f"leg-{number}", leg, LEG_FIELDS)
    return data


def _put_person(data: QueryDict, prefix: str, person: Person) -> None:
    data[f"{prefix}-id"] = str(person.public_id)
    _put(data, prefix, person, PERSON_FIELDS)
    _put(data, prefix, getattr(person, "victimisation", None) or Victimisation(), VICTIM_FIELDS)
    offender = getattr(person, "offender", None) or OffenderRecord()
    _put(data, prefix, offender, OFFENDER_FIELDS)
    steps = list(offender.stage_history.all()) if offender.pk else []
    if steps and steps[-1].effective_on:
        data[f"{prefix}-stage_on"] = steps[-1].effective_on.isoformat()
    identifiers = list(person.identifiers.all())
    data[f"{prefix}-identifiers"] = str(len(identifiers))
    for number, identifier in enumerate(identifiers, start=1):
        data[f"{prefix}-identifier-{number}-id"] = str(identifier.public_id)
        data[f"{prefix}-identifier-{number}-kind"] = identifier.kind


def _put(data: QueryDict, prefix: str, row: Any, names: tuple[str, ...]) -> None:
    for name in names:
        value = getattr(row, name, None)
        key = f"{prefix}-{name}" if prefix else name
        if isinstance(value, Sealed) or value is None or value is False:
            continue
        if isinstance(value, list):
            data.setlist(key, [str(item) for item in value])
        elif value is True:
            data[key] = "on"
        elif hasattr(value, "isoformat"):
            data[key] = value.isoformat()
        else:
            data[key] = str(value)


def _new_block(kind: str, number: int, data: QueryDict) -> QueryDict:
    """The data of a new block, with the models' defaults; a new leg starts where the previous
    one arrived."""
    block = QueryDict(mutable=True)
    prefix = f"{kind}-{number}"
    if kind == "person":
        _put(block, prefix, Person(), PERSON_FIELDS)
        _put(block, prefix, Victimisation(), VICTIM_FIELDS)
        _put(block, prefix, OffenderRecord(), OFFENDER_FIELDS)
        block[f"{prefix}-identifiers"] = "0"
    elif kind == "leg":
        _put(block, prefix, RouteLeg(), LEG_FIELDS)
        previous = f"leg-{number - 1}"
        for source, target in (
            ("to_country", "from_country"),
            ("to_place", "from_place"),
            ("to_role", "from_role"),
        ):
            value = str(data.get(f"{previous}-{source}") or "")
            if value and value != "destination":
                block[f"{prefix}-{target}"] = value
    return block


def _completed(data: QueryDict) -> QueryDict:
    """The data with the defaults of every value a person's block did not send: the parts of a
    block that do not apply to the person's role are disabled in the browser, and come back
    empty; a choice left without its value would show the first option when the part is shown
    again."""
    completed = data.copy()
    for number in range(1, _count(data, "persons", MAX_PERSONS) + 1):
        prefix = f"person-{number}"
        defaults = QueryDict(mutable=True)
        _put(defaults, prefix, Victimisation(), VICTIM_FIELDS)
        _put(defaults, prefix, OffenderRecord(), OFFENDER_FIELDS)
        for key in defaults:
            if key not in completed:
                completed.setlist(key, defaults.getlist(key))
    return completed


# Views


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, f"cases/entry/{template}", context)


@require_http_methods(["GET", "POST"])
@login_required
def incident_new(request: HttpRequest) -> HttpResponse:
    organisations = recording_organisations(request.user)
    if not organisations:
        raise PermissionDenied(_("You do not record incidents for an organisation."))
    action = request.POST.get("action", "")
    moved = rearranged(request.POST, action) if request.method == "POST" else (blank_data(), "")
    data = moved[0] if moved else request.POST
    entry = IncidentEntry(data, user=request.user, organisations=organisations)
    if moved is not None:
        entry.quiet()
        entry.set_focus(moved[1])
        return _render(request, "form.html", {**entry.context(), "title": _("New incident")})
    status = Status.SUBMITTED if action == "submit" else Status.DRAFT
    draft = entry.check(status=status)
    if draft is not None and action in ("draft", "submit"):
        try:
            incident = actions.record_incident(
                actor=request.user,
                organisation=entry.organisation(),
                draft=draft,
                partners=entry.sharing.chosen_partners(),
                named_users=entry.sharing.chosen_users(),
            )
        except IncidentInvalid as invalid:
            entry.show(invalid.problems)
        else:
            messages.success(request, _saved_message(incident))
            return redirect("incident_detail", public_id=incident.public_id)
    return _render(request, "form.html", {**entry.context(), "title": _("New incident")})


def _saved_message(incident: Incident) -> str:
    if incident.status == Status.SUBMITTED:
        return _("Incident %(reference)s was recorded and submitted.") % {
            "reference": incident.reference
        }
    return _("Incident %(reference)s was saved as a draft.") % {"reference": incident.reference}


def _editable(user: Any, public_id: Any) -> Incident:
    """The incident, for a recorder of its owner; to anyone else who may see it, the page does
    not exist (as the reveal page); to members of the owner without a recording role, it is
    forbidden."""
    incident = get_incident_for(user, public_id)
    if not is_owner_member(user, incident):
        raise Http404("No incident matches the given query.")
    if incident.owner not in recording_organisations(user):
        raise PermissionDenied(_("Only reporting officers of the owner organisation edit it."))
    return incident


@require_http_methods(["GET", "POST"])
@login_required
def incident_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    incident = _editable(request.user, public_id)
    organisations = [incident.owner]
    action = request.POST.get("action", "")
    if request.method == "GET":
        moved: tuple[QueryDict, str] | None = (
            stored_data(incident, _stored_persons(incident), request.user),
            "",
        )
    else:
        moved = rearranged(request.POST, action)
    data = moved[0] if moved else request.POST
    entry = IncidentEntry(data, user=request.user, organisations=organisations, incident=incident)
    pending = incident.label_changes.filter(status=LabelChangeStatus.PENDING).first()
    context: dict[str, Any] = {
        "title": _("Edit incident %(reference)s") % {"reference": incident.reference}
    }
    context.update(incident=incident, pending=pending)
    if moved is not None:
        entry.quiet()
        entry.set_focus(moved[1])
        return _render(request, "form.html", {**entry.context(), **context})
    draft = entry.check(status=incident.status)
    if draft is not None and action in ("save", "save-submit"):
        try:
            actions.update_incident(actor=request.user, incident=incident, draft=draft)
        except IncidentInvalid as invalid:
            entry.show(invalid.problems)
        else:
            _change_sharing(request, incident, entry.sharing, pending is not None)
            if action == "save-submit" and incident.status == Status.DRAFT:
                actions.change_status(
                    actor=request.user, incident=incident, status=Status.SUBMITTED
                )
            messages.success(
                request, _("Incident %(reference)s was saved.") % {"reference": incident.reference}
            )
            return redirect("incident_detail", public_id=incident.public_id)
    return _render(request, "form.html", {**entry.context(), **context})


def _change_sharing(
    request: HttpRequest, incident: Incident, sharing: SharingForm, pending: bool
) -> None:
    """Narrow at once, or ask to widen (a second person approves), and name users."""
    label = sharing.cleaned_data["label"]
    partners = sharing.chosen_partners() if label == Label.AMBER else []
    if not pending and (label != incident.label or partners):
        change = actions.request_label_change(
            actor=request.user, incident=incident, label=label, partners=partners
        )
        if change.status == LabelChangeStatus.PENDING:
            messages.info(
                request,
                _(
                    "Sharing the record more widely waits for the approval of a second person "
                    "of %(organisation)s; until then it stays as it was."
                )
                % {"organisation": incident.owner.name},
            )
    if incident.label == Label.AMBER_STRICT:
        chosen = {user.pk: user for user in sharing.chosen_users()}
        chosen[request.user.pk] = request.user
        if set(chosen) != set(incident.named_users.values_list("pk", flat=True)):
            actions.set_named_users(actor=request.user, incident=incident, users=chosen.values())


@require_GET
@login_required
def incident_history(request: HttpRequest, public_id: str) -> HttpResponse:
    incident = get_incident_for(request.user, public_id)
    if not is_owner_member(request.user, incident):
        raise Http404("No incident matches the given query.")
    return _render(request, "history.html", {"incident": incident, "entries": history(incident)})
