"""The explorer: any count or measure by any one to three breakdowns, with the filters of every
statistics request, and the list of incidents behind one of its cells.

A question names a **subject** (what is counted: incidents, victims, offenders or all persons
recorded) and up to three **breakdowns** from ``BREAKDOWNS``. Each breakdown reads one kind of
record (the incident, the person, what happened to a victim, an offender's criminal-justice
record), so it applies to the subjects that reach that record: victims by form of exploitation,
incidents by path, offenders by stage reached and citizenship. The table is computed like a
standard table (``cube.tabulate``: one GROUP BY over what the request's scope may count) and
passes the same disclosure gate.

Breakdowns read only fields of the classes "public" and "internal", which partners see on the
records shared with them: the list of incidents behind a published cell tells a user nothing the
records themselves would not.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waypoint.analytics.statistics import categories, common, footnotes, scope
from waypoint.analytics.statistics.cube import Axis, Counting, Measure, code_of, tabulate
from waypoint.analytics.statistics.definition import StandardTable, Text
from waypoint.analytics.statistics.dialect import Year
from waypoint.analytics.statistics.flows_by_path_year import path_code, path_note
from waypoint.analytics.statistics.offenders_by_stage_sex_citizenship_year import stages_reached
from waypoint.analytics.statistics.routes import legs_text, path_of
from waypoint.analytics.statistics.spec import SpecError, StatSpec
from waypoint.analytics.table import TOTAL, UNKNOWN, Key, StatTable
from waypoint.cases.models import Incident, Label, OffenderRecord, Person, Stage, Victimisation

#: The most breakdowns a question may ask for: a table people can still read.
MOST_BREAKDOWNS = 3


class Level(enum.StrEnum):
    """The record a breakdown reads."""

    INCIDENT = "incident"
    PERSON = "person"
    VICTIM = "victim"
    OFFENDER = "offender"


@dataclass(frozen=True)
class Subject:
    """What a question counts: one row per contributor, rooted on the incident (persons are
    read through the join, as in the standard tables), and the levels its breakdowns may read."""

    name: str
    label: Text
    unit: Text
    counted: Text
    levels: frozenset[Level]
    role: str | None = None
    #: Sums over the contributors besides their number (incidents only).
    measures: tuple[str, ...] = ()

    def rows(self, spec: StatSpec) -> QuerySet[Incident]:
        if Level.PERSON not in self.levels:
            return common.incidents_of_kind(spec)
        persons = scope.counted(spec)
        if self.role is None:
            return persons.filter(persons__isnull=False)
        return persons.filter(persons__role=self.role)


PERSON_LEVELS = frozenset({Level.INCIDENT, Level.PERSON})

SUBJECTS: dict[str, Subject] = {
    subject.name: subject
    for subject in (
        Subject(
            "incidents",
            gettext_lazy("incidents"),
            gettext_lazy("incidents"),
            gettext_lazy("Counts distinct incidents of every kind."),
            frozenset({Level.INCIDENT}),
            measures=("migrants", "dead", "missing", "injured", "rescued"),
        ),
        Subject(
            "victims",
            gettext_lazy("victims"),
            gettext_lazy("victims"),
            gettext_lazy(
                "Counts distinct victims: the persons recorded in the role “victim”, in incidents "
                "of every kind. The same person in two incidents is two records and is counted "
                "twice."
            ),
            PERSON_LEVELS | {Level.VICTIM},
            role="victim",
        ),
        Subject(
            "offenders",
            gettext_lazy("offenders and suspects"),
            gettext_lazy("offenders"),
            gettext_lazy(
                "Counts distinct offenders and suspects: the persons recorded in the role "
                "“offender”, in incidents of every kind. The same person in two incidents is two "
                "records and is counted twice."
            ),
            PERSON_LEVELS | {Level.OFFENDER},
            role="offender",
        ),
        Subject(
            "persons",
            gettext_lazy("persons in every role"),
            gettext_lazy("persons"),
            gettext_lazy(
                "Counts distinct persons recorded in incidents, in every role (victims, "
                "offenders, smuggled migrants, witnesses …). The same person in two incidents is "
                "two records and is counted twice."
            ),
            PERSON_LEVELS,
        ),
    )
}


class _Shared:
    """Expressions several breakdowns of one question read, built once so that the query
    computes them once (``cube.grouping_sql`` shares an expression between axes)."""

    @cached_property
    def legs(self) -> Any:
        return legs_text()


@dataclass(frozen=True)
class Breakdown:
    """A dimension the explorer offers: its name (the column of the downloads), its label, the
    record it reads, the fields it reads there (checked against their field classes) and how to
    build its axis for a request."""

    name: str
    label: Text
    level: Level
    reads: tuple[tuple[type, str], ...]
    axis: Callable[[StatSpec, _Shared], Axis]
    note: Callable[[], str] | None = None


def _plain(name: str, label: Text, path: str, rule: categories.CategoryRule, **kw: Any) -> Any:
    return lambda spec, shared: Axis(name, label, F(path), rule, **kw)


def _origin(text: str) -> tuple[str]:
    path = path_of(text)
    return (path[0] if path else UNKNOWN,)


def _destination(text: str) -> tuple[str]:
    path = path_of(text)
    return (path[-1] if path else UNKNOWN,)


def _transits(text: str) -> tuple[str, ...]:
    path = path_of(text)
    if len(path) < 2:
        return (UNKNOWN,)
    return path[1:-1] or (categories.DIRECT,)


def _legs_axis(name: str, label: Text, rule: categories.CategoryRule, expand: Any) -> Any:
    return lambda spec, shared: Axis(name, label, shared.legs, rule, expand=expand)


def _labels() -> categories.CategoryRule:
    return categories.fixed([(str(code), str(name)) for code, name in Label.choices], False)


#: The paths from an incident to its persons, their victimisations and offender records.
P, VICTIM, OFFENDER = common.PERSON, f"{common.PERSON}victimisation__", f"{common.PERSON}offender__"

BREAKDOWNS: dict[str, Breakdown] = {
    breakdown.name: breakdown
    for breakdown in (
        Breakdown(
            "year",
            gettext_lazy("year"),
            Level.INCIDENT,
            ((Incident, "date_start"),),
            lambda spec, shared: common.year_axis(spec, common.incident_year()),
            footnotes.by_incident_date,
        ),
        Breakdown(
            "country",
            gettext_lazy("country of the incident"),
            Level.INCIDENT,
            ((Incident, "country"),),
            _plain(
                "country", gettext_lazy("country of the incident"), "country", categories.countries
            ),
        ),
        Breakdown(
            "kind",
            gettext_lazy("kind of incident"),
            Level.INCIDENT,
            ((Incident, "kinds"),),
            _plain(
                "kind",
                gettext_lazy("kind of incident"),
                "kinds",
                categories.vocabulary("incident_kind"),
                listed=True,
            ),
            lambda: _("An incident of several kinds is counted under each; totals count it once."),
        ),
        Breakdown(
            "route",
            gettext_lazy("route"),
            Level.INCIDENT,
            ((Incident, "migration_route"),),
            lambda spec, shared: common.route_axis(),
            common.route_note,
        ),
        Breakdown(
            "path",
            gettext_lazy("path"),
            Level.INCIDENT,
            (),
            _legs_axis("path", gettext_lazy("path"), categories.paths, path_code),
            path_note,
        ),
        Breakdown(
            "origin",
            gettext_lazy("country of origin of the journey"),
            Level.INCIDENT,
            (),
            _legs_axis(
                "origin",
                gettext_lazy("country of origin of the journey"),
                categories.countries,
                _origin,
            ),
            path_note,
        ),
        Breakdown(
            "transit",
            gettext_lazy("transit country"),
            Level.INCIDENT,
            (),
            _legs_axis("transit", gettext_lazy("transit country"), categories.transits, _transits),
            lambda: _(
                "Transit country: each country between the origin and the destination of the "
                "path, “none (direct)” for a journey without one; an incident is counted under "
                "each of its transit countries, and once in the totals."
            ),
        ),
        Breakdown(
            "destination",
            gettext_lazy("country of destination of the journey"),
            Level.INCIDENT,
            (),
            _legs_axis(
                "destination",
                gettext_lazy("country of destination of the journey"),
                categories.countries,
                _destination,
            ),
            path_note,
        ),
        Breakdown(
            "label",
            gettext_lazy("sharing label"),
            Level.INCIDENT,
            ((Incident, "label"),),
            lambda spec, shared: Axis(
                "label", gettext_lazy("sharing label"), F("label"), _labels()
            ),
        ),
        Breakdown(
            "detection_context",
            gettext_lazy("context of detection"),
            Level.INCIDENT,
            ((Incident, "detection_context"),),
            _plain(
                "detection_context",
                gettext_lazy("context of detection"),
                "detection_context",
                categories.vocabulary("detection_context"),
            ),
        ),
        Breakdown(
            "bias_motivation",
            gettext_lazy("bias motivation"),
            Level.INCIDENT,
            ((Incident, "bias_motivations"),),
            _plain(
                "bias_motivation",
                gettext_lazy("bias motivation"),
                "bias_motivations",
                categories.vocabulary("bias_motivation"),
                listed=True,
            ),
        ),
        Breakdown(
            "death_cause",
            gettext_lazy("cause of death"),
            Level.INCIDENT,
            ((Incident, "death_causes"),),
            _plain(
                "death_cause",
                gettext_lazy("cause of death"),
                "death_causes",
                categories.vocabulary("death_cause"),
                listed=True,
            ),
        ),
        Breakdown(
            "role",
            gettext_lazy("role"),
            Level.PERSON,
            ((Person, "role"),),
            _plain("role", gettext_lazy("role"), f"{P}role", categories.vocabulary("person_role")),
        ),
        Breakdown(
            "sex",
            gettext_lazy("sex"),
            Level.PERSON,
            ((Person, "sex"),),
            lambda spec, shared: common.sex_axis(),
        ),
        Breakdown(
            "age_group",
            gettext_lazy("age group"),
            Level.PERSON,
            ((Person, "age_group"),),
            _plain(
                "age_group",
                gettext_lazy("age group"),
                f"{P}age_group",
                categories.vocabulary("age_group"),
            ),
        ),
        Breakdown(
            "citizenship",
            gettext_lazy("citizenship"),
            Level.PERSON,
            ((Person, "citizenship"), (Person, "other_citizenships")),
            lambda spec, shared: common.citizenship_axis(),
            lambda: _(
                "A person with several citizenships is counted under each of them; totals count "
                "them once."
            ),
        ),
        Breakdown(
            "exploitation",
            gettext_lazy("form of exploitation"),
            Level.VICTIM,
            ((Victimisation, "exploitation_forms"),),
            _plain(
                "exploitation",
                gettext_lazy("form of exploitation"),
                f"{VICTIM}exploitation_forms",
                categories.vocabulary("exploitation_form"),
                listed=True,
            ),
        ),
        Breakdown(
            "violence_form",
            gettext_lazy("form of violence"),
            Level.VICTIM,
            ((Victimisation, "violence_forms"),),
            _plain(
                "violence_form",
                gettext_lazy("form of violence"),
                f"{VICTIM}violence_forms",
                categories.vocabulary("violence_form"),
                listed=True,
            ),
        ),
        Breakdown(
            "country_of_exploitation",
            gettext_lazy("country of exploitation"),
            Level.VICTIM,
            ((Victimisation, "country_of_exploitation"),),
            _plain(
                "country_of_exploitation",
                gettext_lazy("country of exploitation"),
                f"{VICTIM}country_of_exploitation",
                categories.countries,
            ),
        ),
        Breakdown(
            "stage",
            gettext_lazy("stage reached"),
            Level.OFFENDER,
            ((OffenderRecord, "stage"),),
            _plain(
                "stage",
                gettext_lazy("stage reached"),
                f"{OFFENDER}stage",
                categories.fixed([(str(code), str(label)) for code, label in Stage.choices]),
                expand=stages_reached,
            ),
            lambda: _(
                "Stage: every stage the offender's record has reached, counting the stages it "
                "implies; the total counts each offender once."
            ),
        ),
        Breakdown(
            "network_role",
            gettext_lazy("role in the network"),
            Level.OFFENDER,
            ((OffenderRecord, "network_roles"),),
            _plain(
                "network_role",
                gettext_lazy("role in the network"),
                f"{OFFENDER}network_roles",
                categories.vocabulary("network_role"),
                listed=True,
            ),
        ),
    )
}

#: What the measures of the incidents subject sum, per incident.
MEASURES: dict[str, Callable[[], Any]] = {
    "migrants": common.migrants_smuggled,
    "dead": lambda: F("dead"),
    "missing": lambda: F("missing"),
    "injured": lambda: F("injured"),
    "rescued": lambda: F("rescued"),
}


@dataclass(frozen=True)
class Question:
    """What the explorer is asked: a subject and one to three breakdowns, in the order the
    table shows them (the last one across)."""

    subject: str
    breakdowns: tuple[str, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "breakdowns", tuple(dict.fromkeys(self.breakdowns)))
        subject = SUBJECTS.get(self.subject)
        if subject is None:
            raise SpecError(
                _("Unknown subject: %(subject)s; use %(accepted)s.")
                % {"subject": self.subject, "accepted": ", ".join(SUBJECTS)}
            )
        if not 1 <= len(self.breakdowns) <= MOST_BREAKDOWNS:
            raise SpecError(_("Ask for one to %(most)d breakdowns.") % {"most": MOST_BREAKDOWNS})
        for name in self.breakdowns:
            breakdown = BREAKDOWNS.get(name)
            if breakdown is None:
                raise SpecError(
                    _("Unknown breakdown: %(name)s; use %(accepted)s.")
                    % {"name": name, "accepted": ", ".join(BREAKDOWNS)}
                )
            if breakdown.level not in subject.levels:
                raise SpecError(
                    _("%(subject)s cannot be broken down by %(breakdown)s.")
                    % {"subject": str(subject.label).capitalize(), "breakdown": breakdown.label}
                )

    @property
    def table_id(self) -> str:
        """A name for the table (downloads are named after it): ``victims_by_sex_year``."""
        return f"{self.subject}_by_{'_'.join(self.breakdowns)}"

    def definition(self) -> StandardTable:
        """The question as a table definition, so that pages and writers treat it like one."""
        subject = SUBJECTS[self.subject]
        labels = [str(BREAKDOWNS[name].label) for name in self.breakdowns]
        title = _("%(subject)s by %(breakdowns)s") % {
            "subject": str(subject.label).capitalize(),
            "breakdowns": _(", ").join(labels),
        }
        measures = ("incidents", *subject.measures) if subject.measures else ("count",)
        return StandardTable(
            id=self.table_id,
            title=title,
            unit=subject.unit,
            dimensions=self.breakdowns,
            measures=measures,
            compute=lambda spec: explore(spec, self),
            description=subject.counted,
        )

    def counting(self, spec: StatSpec) -> Counting:
        subject = SUBJECTS[self.subject]
        shared = _Shared()
        axes = tuple(BREAKDOWNS[name].axis(spec, shared) for name in self.breakdowns)
        measures = tuple(Measure(name, MEASURES[name]()) for name in subject.measures)
        return Counting(
            rows=subject.rows(spec),
            axes=axes,
            measures=measures,
            count_as="incidents" if subject.measures else "count",
        )


def applicable(subject: str) -> list[Breakdown]:
    """The breakdowns a subject may be asked for, in the catalogue's order."""
    levels = SUBJECTS[subject].levels
    return [breakdown for breakdown in BREAKDOWNS.values() if breakdown.level in levels]


def explore(spec: StatSpec, question: Question) -> StatTable:
    """The unprotected table that answers ``question`` over what ``spec`` counts."""
    subject = SUBJECTS[question.subject]
    notes = [BREAKDOWNS[name].note for name in question.breakdowns]
    dated = footnotes.by_incident_date()
    also = [note() for note in dict.fromkeys(notes) if note is not None and note() != dated]
    if subject.measures:
        also.append(
            _(
                "Migrants: the number of migrants involved each incident records, or where it "
                "gives none the smuggled migrants it itemises; the dead, missing, injured and "
                "rescued as each incident records them. Figures an incident leaves empty add "
                "nothing, so these are minimums."
            )
        )
    notes_text = footnotes.standard(spec, counted=str(subject.counted), dated=dated, also=also)
    return tabulate(question.definition(), question.counting(spec), notes_text)


def incidents_behind(spec: StatSpec, question: Question, key: Key) -> list[int]:
    """The primary keys of the incidents counted in the cell ``key`` of the question's table,
    latest first: the incidents the request's scope may count whose contributors fall in every
    category of the key (``TOTAL`` takes any)."""
    counting = question.counting(spec)
    if len(key) != len(counting.axes):
        raise SpecError(_("A cell names one category per breakdown."))
    wanted = [
        (index, axis, code)
        for index, (axis, code) in enumerate(zip(counting.axes, key, strict=True))
        if code != TOTAL
    ]
    values = {f"a{index}": axis.value for index, axis, _code in wanted}
    rows = counting.rows.order_by().annotate(**values)
    for index, axis, code in wanted:
        if not axis.several:  # narrowed in the database; every row is still checked below
            rows = rows.filter(_matching(f"a{index}", axis, code))
    rows = rows.values_list("pk", "date_start", *values)
    found: dict[int, Any] = {}
    for pk, date, *codes in rows.iterator(chunk_size=5000):
        if pk in found:
            continue
        if all(
            code in _options(axis, value)
            for (_i, axis, code), value in zip(wanted, codes, strict=True)
        ):
            found[pk] = date
    # Latest first, undated last, then by key: the order of the incident list.
    return sorted(found, key=lambda pk: (found[pk] is None, _negated(found[pk]), -pk))


def _matching(alias: str, axis: Axis, code: str) -> Q:
    """The rows whose single value on ``axis`` reads as ``code`` (``code_of``): ``unknown`` is
    also a NULL or blank value, and the years are numbers."""
    numeric = isinstance(axis.value, Year)
    if code != UNKNOWN:
        if numeric and not code.isdigit():
            return Q(pk__in=[])
        return Q(**{alias: int(code) if numeric else code})
    if numeric:
        return Q(**{f"{alias}__isnull": True})
    return Q(**{f"{alias}__isnull": True}) | Q(**{alias: ""}) | Q(**{alias: UNKNOWN})


def _options(axis: Axis, value: Any) -> Sequence[str]:
    return [code_of(option) for option in axis.options(value)]


def _negated(date: Any) -> int:
    return -date.toordinal() if date is not None else 0
