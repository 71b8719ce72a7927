"""Incidents and what is recorded under them: persons, victimisation, offenders and their
criminal-justice outcomes, route legs and selectors.

Every row here belongs to the incident's owner organisation. Coded values are reference codes
(see ``waypoint.reference.fields``); ``unknown``, ``not_stated`` and ``not_applicable`` are
distinct answers. Rules about one row live in ``clean()``; rules across rows (legs contiguous,
counts against itemised persons, a person's role against what is recorded about them) live in
``waypoint.cases.validation``.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waypoint.lib import ages
from waypoint.lib.fieldclasses import (
    FIREWALLED,
    INTERNAL,
    PERSONAL,
    PUBLIC,
    RESTRICTED,
    FieldClass,
)
from waypoint.lib.workflow import Workflow
from waypoint.orgs.models import Organisation
from waypoint.reference.fields import (
    CountryField,
    CountryListField,
    CurrencyField,
    IccsListField,
    TermField,
    TermListField,
)
from waypoint.reference.models import MISSING_ANSWERS, UNKNOWN
from waypoint.vault.fields import BlindIndexField, SealedTermField, SealedTextField

CITIZENSHIP_ANSWERS = (*MISSING_ANSWERS, "stateless")
INCIDENT_PLACE_ANSWERS = (*MISSING_ANSWERS, "international_waters")


class Label(models.TextChoices):
    """Traffic Light Protocol 2.0 sharing labels, from the narrowest to the widest."""

    RED = "red", _("TLP:RED — owner organisation only")
    AMBER_STRICT = "amber_strict", _("TLP:AMBER+STRICT — named users of the owner organisation")
    AMBER = "amber", _("TLP:AMBER — owner and named partner organisations")
    GREEN = "green", _("TLP:GREEN — all participating organisations")


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    VALIDATED = "validated", _("validated")
    CLOSED = "closed", _("closed")
    WITHDRAWN = "withdrawn", _("withdrawn")


INCIDENT_WORKFLOW = Workflow.of(
    {
        Status.DRAFT: [Status.SUBMITTED, Status.WITHDRAWN],
        Status.SUBMITTED: [Status.VALIDATED, Status.DRAFT, Status.WITHDRAWN],
        Status.VALIDATED: [Status.CLOSED, Status.DRAFT],
        Status.CLOSED: [Status.VALIDATED],
        Status.WITHDRAWN: [Status.DRAFT],
    },
    initial=[Status.DRAFT, Status.SUBMITTED],
)


class Stage(models.TextChoices):
    """Criminal-justice stage an offender has reached."""

    SUSPECTED = "suspected", _("suspected")
    ARRESTED = "arrested", _("arrested")
    PROSECUTED = "prosecuted", _("prosecuted")
    CONVICTED = "convicted", _("convicted")
    ACQUITTED = "acquitted", _("acquitted")
    DISCONTINUED = "discontinued", _("proceedings discontinued")


STAGE_WORKFLOW = Workflow.of(
    {
        Stage.SUSPECTED: [Stage.ARRESTED, Stage.PROSECUTED, Stage.DISCONTINUED],
        Stage.ARRESTED: [Stage.PROSECUTED, Stage.DISCONTINUED],
        Stage.PROSECUTED: [Stage.CONVICTED, Stage.ACQUITTED, Stage.DISCONTINUED],
        # Appeals can reverse a verdict; a discontinued case can be reopened.
        Stage.CONVICTED: [Stage.ACQUITTED],
        Stage.ACQUITTED: [Stage.CONVICTED],
        Stage.DISCONTINUED: [Stage.SUSPECTED, Stage.PROSECUTED],
    },
    # Records entered after the fact may start at any stage reached.
    initial=[Stage.SUSPECTED, Stage.ARRESTED, Stage.PROSECUTED, Stage.CONVICTED, Stage.ACQUITTED],
)


def not_in_future(value: datetime.date) -> None:
    if value > timezone.localdate():
        raise ValidationError(
            _("%(date)s is in the future; give a date up to today."),
            code="future_date",
            params={"date": value.isoformat()},
        )


def non_negative_money() -> list[MinValueValidator]:
    return [MinValueValidator(0)]


COUNT_LABELS = {
    "dead": _("dead"),
    "missing": _("missing"),
    "injured": _("injured"),
    "rescued": _("rescued or intercepted"),
}


def of_kind(kind: str, prefix: str = "") -> models.Q:
    """The incidents (reached through ``prefix``) recorded with ``kind`` among their kinds.

    PostgreSQL answers JSON containment from what it knows of the column, and plans the rest of
    the query with a true estimate. SQLite has no containment: a kind code is never a substring
    of another kind code, so matching the quoted code in the JSON text is exact there.
    """
    if connection.vendor == "postgresql":
        return models.Q(**{f"{prefix}kinds__contains": [kind]})
    return models.Q(**{f"{prefix}kinds__icontains": f'"{kind}"'})


class IncidentQuerySet(models.QuerySet["Incident"]):
    def visible_to(self, user: Any, *, snapshot: bool = False) -> IncidentQuerySet:
        """The incidents ``user`` may see (``orgs.access.visible_incidents``); with
        ``snapshot``, the rule as it stands now, for a query run at once."""
        from waypoint.orgs.access import visible_incidents

        return visible_incidents(self, user, snapshot=snapshot)

    def owned_by(self, organisation: Organisation) -> IncidentQuerySet:
        return self.filter(owner=organisation)

    def of_kind(self, kind: str) -> IncidentQuerySet:
        return self.filter(of_kind(kind))

    def occurred_in(self, year: int) -> IncidentQuerySet:
        return self.filter(date_start__year=year)


class Incident(models.Model):
    """One reported event or case, owned by the organisation that recorded it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        Organisation, models.PROTECT, related_name="incidents", verbose_name=_("owner")
    )
    reference = models.CharField(
        _("reference"), max_length=64, help_text=_("The owner's own reference; unique for it.")
    )
    label = models.CharField(
        _("sharing label"), max_length=12, choices=Label.choices, default=Label.RED
    )
    publish_in_statistics = models.BooleanField(
        _("may be counted in published statistics"), default=False
    )
    shared_with = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="incidents_shared_with",
        verbose_name=_("partner organisations named on the record"),
        help_text=_("Under TLP:AMBER, besides the partners of standing sharing agreements."),
    )
    named_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("named users"),
        help_text=_("Under TLP:AMBER+STRICT, the users of the owner organisation who may see it."),
    )
    coarsen_for_partners = models.BooleanField(
        _("coarsen date and place for partners"),
        default=False,
        help_text=_(
            "Partners see the month instead of the day and the administrative area "
            "instead of the place and coordinates."
        ),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )

    kinds = TermListField(_("kinds"), vocabulary="incident_kind", blank=False)
    offence_codes = IccsListField(_("offences (ICCS)"))
    national_provisions = models.TextField(_("national legal provisions"), blank=True)

    date_start = models.DateField(
        _("date (or start of period)"), null=True, blank=True, validators=[not_in_future]
    )
    date_end = models.DateField(
        _("end of period"), null=True, blank=True, validators=[not_in_future]
    )
    date_precision = TermField(_("date precision"), vocabulary="date_precision", default=UNKNOWN)

    country = CountryField(
        _("country"),
        also=INCIDENT_PLACE_ANSWERS,
        default=UNKNOWN,
        help_text=_(
            "Where it happened; “international_waters” for events at sea outside any State's waters."
        ),
    )
    admin_area = models.CharField(_("administrative area"), max_length=200, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    coordinate_precision = TermField(
        _("coordinate precision"), vocabulary="coordinate_precision", default=UNKNOWN
    )
    detection_context = TermField(
        _("detection context"), vocabulary="detection_context", default=UNKNOWN
    )
    migration_route = TermField(
        _("migration route"),
        vocabulary="migration_route",
        blank=True,
        help_text=_("The named route the migrants were on, such as the Central Mediterranean."),
    )

    # Counts for when persons are not itemised; None means the count is unknown.
    migrants_involved = models.PositiveIntegerField(_("migrants involved"), null=True, blank=True)
    dead = models.PositiveIntegerField(_("dead"), null=True, blank=True)
    missing = models.PositiveIntegerField(_("missing"), null=True, blank=True)
    injured = models.PositiveIntegerField(_("injured"), null=True, blank=True)
    rescued = models.PositiveIntegerField(_("rescued or intercepted"), null=True, blank=True)
    death_causes = TermListField(_("causes of death"), vocabulary="death_cause")

    aggravating_circumstances = TermListField(
        _("aggravating circumstances"), vocabulary="aggravating_circumstance"
    )
    bias_motivations = TermListField(_("bias motivations"), vocabulary="bias_motivation")
    narrative = SealedTextField(_("narrative"), blank=True)

    source_type = TermField(_("source"), vocabulary="source_type", default=UNKNOWN)
    source_reliability = TermField(
        _("source reliability"), vocabulary="source_reliability", blank=True
    )
    information_credibility = TermField(
        _("information credibility"), vocabulary="information_credibility", blank=True
    )
    verification_status = TermField(
        _("verification"), vocabulary="verification_status", default="reported"
    )
    sources = SealedTextField(_("source references"), blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = IncidentQuerySet.as_manager()

    #: The organisation whose key seals the owner-only fields (see waypoint.vault).
    sealing_organisation_path: ClassVar[str] = "owner"

    field_classes: ClassVar[dict[str, FieldClass]] = {
        "id": INTERNAL,
        "public_id": INTERNAL,
        "owner": PUBLIC,
        "reference": INTERNAL,
        "label": INTERNAL,
        "publish_in_statistics": INTERNAL,
        "shared_with": INTERNAL,
        "named_users": INTERNAL,
        "coarsen_for_partners": INTERNAL,
        "status": INTERNAL,
        "kinds": PUBLIC,
        "offence_codes": PUBLIC,
        "national_provisions": INTERNAL,
        "date_start": INTERNAL,
        "date_end": INTERNAL,
        "date_precision": INTERNAL,
        "country": PUBLIC,
        "admin_area": INTERNAL,
        "place": INTERNAL,
        "latitude": INTERNAL,
        "longitude": INTERNAL,
        "coordinate_precision": INTERNAL,
        "detection_context": PUBLIC,
        "migration_route": PUBLIC,
        "migrants_involved": PUBLIC,
        "dead": PUBLIC,
        "missing": PUBLIC,
        "injured": PUBLIC,
        "rescued": PUBLIC,
        "death_causes": PUBLIC,
        "aggravating_circumstances": PUBLIC,
        "bias_motivations": PUBLIC,
        "narrative": PERSONAL,
        "source_type": INTERNAL,
        "source_reliability": INTERNAL,
        "information_credibility": INTERNAL,
        "verification_status": INTERNAL,
        "sources": RESTRICTED,
        "created_by": INTERNAL,
        "created_at": INTERNAL,
        "updated_at": INTERNAL,
    }

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "reference"], name="incident_unique_reference"
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "date_start"]),
            models.Index(fields=["date_start"]),
        ]
        verbose_name = _("incident")

    def __str__(self) -> str:
        return f"{self.owner.code}/{self.reference}"

    def sealing_organisation_id(self) -> int:
        return self.owner_id

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        self._clean_dates(errors)
        self._clean_counts(errors)
        self._clean_place(errors)
        if self.source_reliability == "" and self.information_credibility:
            errors.setdefault("source_reliability", []).append(
                ValidationError(
                    _("Give the source reliability together with the information credibility."),
                    code="evaluation_incomplete",
                )
            )
        if errors:
            raise ValidationError(errors)

    def _clean_dates(self, errors: dict[str, list[ValidationError]]) -> None:
        if self.date_start is None:
            if self.date_end is not None:
                errors.setdefault("date_start", []).append(
                    ValidationError(
                        _("A period needs its start date."), code="period_without_start"
                    )
                )
            elif self.date_precision != UNKNOWN:
                errors.setdefault("date_start", []).append(
                    ValidationError(
                        _("Give the date, or set the precision to “unknown”."), code="date_missing"
                    )
                )
            return
        if self.date_precision == UNKNOWN:
            errors.setdefault("date_precision", []).append(
                ValidationError(
                    _("Say whether the date is exact to the day, the month or the year."),
                    code="precision_missing",
                )
            )
        if self.date_end is not None and self.date_end < self.date_start:
            errors.setdefault("date_end", []).append(
                ValidationError(
                    _("The period ends (%(end)s) before it starts (%(start)s)."),
                    code="period_reversed",
                    params={"end": self.date_end.isoformat(), "start": self.date_start.isoformat()},
                )
            )

    def _clean_counts(self, errors: dict[str, list[ValidationError]]) -> None:
        if self.death_causes and not self.dead and not self.missing:
            errors.setdefault("death_causes", []).append(
                ValidationError(
                    _("Causes of death are recorded only when someone died or went missing."),
                    code="cause_without_death",
                )
            )
        involved = self.migrants_involved
        if involved is None:
            return
        for name in ("dead", "missing", "injured", "rescued"):
            value = getattr(self, name)
            if value is not None and value > involved:
                errors.setdefault(name, []).append(
                    ValidationError(
                        _(
                            "%(field)s (%(value)s) cannot exceed the migrants involved (%(involved)s)."
                        ),
                        code="count_exceeds_involved",
                        params={
                            "field": str(COUNT_LABELS[name]).capitalize(),
                            "value": value,
                            "involved": involved,
                        },
                    )
                )
        dead_or_missing = (self.dead or 0) + (self.missing or 0)
        if dead_or_missing > involved and "dead" not in errors and "missing" not in errors:
            errors.setdefault("missing", []).append(
                ValidationError(
                    _(
                        "Dead and missing together (%(total)s) cannot exceed the migrants involved "
                        "(%(involved)s)."
                    ),
                    code="casualties_exceed_involved",
                    params={"total": dead_or_missing, "involved": involved},
                )
            )

    def _clean_place(self, errors: dict[str, list[ValidationError]]) -> None:
        if (self.latitude is None) != (self.longitude is None):
            errors.setdefault("latitude", []).append(
                ValidationError(
                    _("Give both latitude and longitude, or neither."),
                    code="coordinates_incomplete",
                )
            )
        if self.latitude is not None and self.coordinate_precision == UNKNOWN:
            errors.setdefault("coordinate_precision", []).append(
                ValidationError(
                    _("Say how precise the coordinates are."), code="coordinate_precision_missing"
                )
            )

    @property
    def year(self) -> int | None:
        return self.date_start.year if self.date_start else None


class IncidentStatusChange(models.Model):
    """One step of an incident's status history."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    incident = models.ForeignKey(Incident, models.CASCADE, related_name="status_history")
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    reason = SealedTextField(blank=True)

    sealing_organisation_path: ClassVar[str] = "incident__owner"

    field_classes: ClassVar[dict[str, FieldClass]] = {
        "id": INTERNAL,
        "public_id": INTERNAL,
        "incident": INTERNAL,
        "from_status": INTERNAL,
        "to_status": INTERNAL,
        "actor": INTERNAL,
        "at": INTERNAL,
        "reason": RESTRICTED,
    }

    class Meta:
        ordering = ["incident", "at", "id"]

    def sealing_organisation_id(self) -> int:
        return self.incident.owner_id


class PersonQuerySet(models.QuerySet["Person"]):
    def visible_to(self, user: Any) -> PersonQuerySet:
        return self.filter(incident__in=Incident.objects.visible_to(user))

    def in_role(self, *roles: str) -> PersonQuerySet:
        return self.filter(role__in=roles)


class Person(models.Model):
    """A person in an incident, in one role: smuggled migrant, victim, offender, witness or
    reporter. The same human in two incidents is two rows; linkage finds them."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    incident = models.ForeignKey(Incident, models.CASCADE, related_name="persons")
    role = TermField(_("role"), vocabulary="person_role")
    sex = TermField(_("sex"), vocabulary="sex", default=UNKNOWN)
    age = models.PositiveSmallIntegerField(
        _("age at the incident"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(ages.MAX_AGE)],
    )
    age_group = TermField(_("age group"), vocabulary="age_group", default=UNKNOWN)
    citizenship = CountryField(_("citizenship"), also=CITIZENSHIP_ANSWERS, default=UNKNOWN)
    other_citizenships = CountryListField(_("other citizenships"))
    country_of_birth = CountryField(_("country of birth"), default=UNKNOWN)
    country_of_residence = CountryField(_("country of residence"), default=UNKNOWN)
    migration_status = SealedTermField(
        _("migration status"), vocabulary="migration_status", default=UNKNOWN
    )
    accompaniment = TermField(
        _("travelling with a parent or carer"),
        vocabulary="accompaniment",
        default=UNKNOWN,
        help_text=_("For children: accompanied, unaccompanied or separated."),
    )
    travel_group = models.PositiveSmallIntegerField(
        _("travel group"),
        null=True,
        blank=True,
        help_text=_(
            "Persons of the incident with the same number travelled together, e.g. a family."
        ),
    )

    objects = PersonQuerySet.as_manager()

    sealing_organisation_path: ClassVar[str] = "incident__owner"

    field_classes: ClassVar[dict[str, FieldClass]] = {
        "id": INTERNAL,
        "public_id": INTERNAL,
        "incident": INTERNAL,
        "role": PUBLIC,
        "sex": PUBLIC,
        "age": INTERNAL,
        "age_group": PUBLIC,
        "citizenship": PUBLIC,
        "other_citizenships": INTERNAL,
        "country_of_birth": INTERNAL,
        "country_of_residence": INTERNAL,
        "migration_status": FIREWALLED,
        "accompaniment": PUBLIC,
        "travel_group": INTERNAL,
    }

    class Meta:
        ordering = ["incident", "id"]
        indexes = [
            # Statistics count persons in one role (victims, offenders) among visible incidents.
            models.Index(fields=["role", "incident"], name="person_role"),
        ]
        verbose_name = _("person in incident")
        verbose_name_plural = _("persons in incidents")

    def __str__(self) -> str:
        return f"{self.role} in {self.incident_id}"

    def sealing_organisation_id(self) -> int:
        return self.incident.owner_id

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        if self.age is not None and self.age <= ages.MAX_AGE:
            if self.age_group == UNKNOWN:
                self.age_group = ages.age_group_for(self.age)
            elif not ages.group_contains(self.age_group, self.age):
                errors["age_group"] = [
                    ValidationError(
                        _(
                            "Age %(age)s does not fall in the age group “%(group)s”; the group for it "
                            "is “%(expected)s”."
                        ),
                        code="age_group_mismatch",
                        params={
                            "age": self.age,
                            "group": self.age_group,
                            "expected": ages.age_group_for(self.age),
                        },
                    )
                ]
        if self.citizenship and self.citizenship in self.other_citizenships:
            errors["other_citizenships"] = [
                ValidationError(
                    _("%(code)s is already the main citizenship."),
                    code="duplicate_citizenship",
                    params={"code": self.citizenship},
                )
            ]
        if self.accompaniment in ("accompanied", "unaccompanied", "separated") and (
            self.is_minor is False
        ):
            errors["accompaniment"] = [
                ValidationError(
                    _(
                        "Only a child can be accompanied, unaccompanied or separated; this person is an adult."
                    ),
                    code="accompaniment_for_adult",
                )
            ]
        if self.other_citizenships and self.citizenship in CITIZENSHIP_ANSWERS:
            errors["citizenship"] = [
                ValidationError(
                    _("Give the main citizenship before other citizenships."),
                    code="other_without_main",
                )
            ]
        if errors:
            raise ValidationError(errors)

    @property
    def is_minor(self) -> bool | None:
        return ages.is_minor(self.age, self.age_group)


#: Identifier kinds that are contacts or addresses: firewalled, never only personal.
CONTACT_KINDS = frozenset({"phone", "email", "address"})


class PersonIdentifier(models.Model):
    """A name, date of birth, document number or contact of a person."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, models.CASCADE, related_name="identifiers")
    kind = TermField(_("kind"), vocabulary="identifier_kind")
    value = SealedTextField(_("value"), max_length=500)
    #: Exact-match search: ``filter(value_index=vault.blind_index_for(kind, text))``.
    value_index = BlindIndexField(source="value", kind_field="kind")

    sealing_organisation_path: ClassVar[str] = "person__incident__owner"

    #: Names, dates of birth and document numbers are personal; contacts and addresses
    #: (``CONTACT_KINDS``) are firewalled. Both stay with the owner, encrypted. The blind index
    #: is a keyed hash, not the value, but equal indexes link records: it stays with the owner.
    field_classes: ClassVar[dict[str, FieldClass]] = {
        "id": INTERNAL,
        "public_id": INTERNAL,
        "person": INTERNAL,
        "kind": INTERNAL,
        "value": PERSONAL,
        "value_index": PERSONAL,
    }

    class Meta:
        # Documents and exports list a person's identifiers in the order they were recorded.
        ordering = ["id"]
        verbose_name = _("personal identifier")

    def sealing_organisation_id(self) -> int:
        return self.person.incident.owner_id

    def clean(self) -> None:
        # A value read from the database is sealed; it was checked when it was written.
        if self.kind == "date_of_birth" and isinstance(self.value, str):
            try:
                born = datetime.date.fromisoformat(self.value)
            except ValueError:
                raise ValidationError(
                    {
                        "value": ValidationError(
                            _("“%(value)s” is not a date; write it as YYYY-MM-DD."),
                            code="invalid_date",
                            params={"value": self.value},
                        )
                    }
                ) from None
            not_in_future(born)


class Victimisation(models.Model):
    """What happened to a victim or smuggled migrant, and the help they received."""

    person = models.OneToOneField(Person, models.CASCADE, related_name="victimisation")
    violence_forms = TermListField(_("forms of violence"), vocabulary="violence_form")
    exploitation_forms = TermListField(_("forms of exploitation"), vocabulary="exploitation_form")
    sexual_exploitation_types = TermListField(
        _("types of sexual exploitation"), vocabulary="sexual_exploitation_type"
    )
    labour_sectors = TermListField(_("sectors of forced labour (ISIC)"), vocabulary="labour_sector")
    means_of_control = TermListField(_("means of control"), vocabulary="means_of_control")
    perpetrator_relation = TermField(
        _("relation to the perpetrator"), vocabulary="perpetrator_relation", default=UNKNOWN
    )
    country_of_exploitation = CountryField(_("country of exploitation"), default=UNKNOWN)
    assistance = TermListField(_("assistance received"), vocabulary="assistance")
    trafficking_identification = TermField(
        _("identified as a victim of trafficking"),
        vocabulary="trafficking_identification",
        default=UNKNOWN,
    )
    identified_by = TermField(_("identified by"), vocabulary="identifying_authority", blank=True)
    identified_on = models.DateField(
        _("identified on"), null=True, blank=True, validators=[not_in_future]
    )
    repatriated_from = CountryField(_("returned from"), blank=True)
    repatriated_to = CountryField(_("returned to"), blank=True)
    repatriated_on = models.DateField(
        _("returned on"), null=True, blank=True, validators=[not_in_future]
    )

    field_classes: ClassVar[dict[str, FieldClass]] = {
        "id": INTERNAL,
        "person": INTERNAL,
        "violence_forms": PUBLIC,
        "exploitation_forms": PUBLIC,
        "sexual_exploitation_types": PUBLIC,
        "labour_sectors": PUBLIC,
        "means_of_control": PUBLIC,
        "perpetrator_relation": PUBLIC,
        "country_of_exploitation": PUBLIC,
        "assistance": PUBLIC,
        "trafficking_identification": PUBLIC,
        "identified_by": PUBLIC,
        "identified_on": INTERNAL,
        "repatriated_from": PUBLIC,
        "repatriated_to": PUBLIC,
        "repatriated_on": INTERNAL,
    }

    class Meta:
        verbose_name = _("victimisation")

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        sexual = "sexual_exploitation" in self.exploitation_forms
        if self.sexual_exploitation_types and not sexual:
            errors["sexual_exploitation_types"] = [
                ValidationError(
                    _("Types of sexual exploitation need “sexual exploitation” among the forms."),
                    code="sexual_type_without_form",
                )
            ]
        if self.labour_sectors and not (
            {"forced_labour", "domestic_servitude"} & set(self.exploitation_forms)
        ):
            errors["labour_sectors"] = [
                ValidationError(
                    _(
                        "Sectors of forced labour need “forced labour” or “domestic servitude” among "
                        "the forms of exploitation."
                    ),
                    code="sector_without_labour",
                )
            ]
        if (self.identified_by or self.identified_on) and self.trafficking_identification not in (
            "identified",
            "presumed",
        ):
            errors["identified_by"] = [
                ValidationError(
                    _(
                        "Who identified the victim, and when, is recorded only for an identified or "
                        "presumed victim of trafficking."
                    ),
                    code="identified_by_without_identification",
                )
            ]
        if any((self.repatriated_to, self.repatriated_on)) and not self.repatriated_from:
            errors["repatriated_from"] = [
                ValidationError(
                    _("Give the country the person was returned from."), code="return_incomplete"
                )
            ]
        if self.repatriated_from and not self.repatriated_to:
            errors["repatriated_to"] = [
                ValidationError(
                    _("Give the country the person was returned to."), code="return_incomplete"
                )
            ]
        elif (
            self.repatriated_from
            and self.repatriated_from == self.repatriated_to
            and self.repatriated_from not in MISSING_ANSWERS
        ):
            errors["repatriated_to"] = [
                ValidationError(
                    _("A return goes to another country than the one it leaves."),
                    code="return_same_country",
                )
            ]
        if errors:
            raise ValidationError(errors)


class OffenderRecord(models.Model):
    """An offender or suspect's part in the network and the criminal-justice outcome."""

    person = models.OneToOneField(Person, models.CASCADE, related_name="offender")
    network_roles = TermListField(_("roles in the network"), vocabulary="network_role")
    stage = models.CharField(
        _("stage reached"), max_length=12, choices=Stage.choices, default=Stage.SUSPECTED
    )
    charges = IccsListField(_("charges (ICCS)"))
    charge_provisions = models.TextField(_("charges under national law"), blank=True)
    sentence_type = TermField(_("sentence"), vocabulary="sentence_type", blank=True)
    sentence_months = models.PositiveIntegerField(
        _("custodial sentence (months)"), null=True, blank=True
    )
    fine_amount = models.DecimalField(
        _("fine"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=non_negative_money(),
    )
    assets_frozen = models.DecimalField(
        _("assets frozen"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=non_negative_money(),
    )
    assets_seized = models.DecimalField(
        _("assets seized"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=non_negative_money(),
    )
    assets_confiscated = models.DecimalField(
        _("assets confiscated"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=non_negative_money(),
    )
    currency = CurrencyField(_("currency of fine and assets"), blank=True)

    field_classes: ClassVar[dict[str, FieldClass]] = {
        "id": INTERNAL,
        "person": INTERNAL,
        "network_roles": PUBLIC,
        "stage": PUBLIC,
        "charges": PUBLIC,
        "charge_provisions": INTERNAL,
        "sentence_type": PUBLIC,
        "sentence_months": PUBLIC,
        "fine_amount": INTERNAL,
        "assets_frozen": INTERNAL,
        "assets_seized": INTERNAL,
        "assets_confiscated": INTERNAL,
        "currency": INTERNAL,
    }

    class Meta:
        verbose_name = _("offender record")

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        sentenced = self.sentence_type or self.sentence_months is not None
        if sentenced and self.stage != Stage.CONVICTED:
            errors["sentence_type"] = [
                ValidationError(
                    _(
                        "A sentence is recorded only for a convicted offender (stage is “%(stage)s”)."
                    ),
                    code="sentence_without_conviction",
                    params={"stage": self.stage},
                )
            ]
        if self.sentence_months is not None and self.sentence_type not in (
            "imprisonment",
            "suspended_imprisonment",
        ):
            errors["sentence_months"] = [
                ValidationError(
                    _("Months are given for imprisonment or suspended imprisonment only."),
                    code="months_without_imprisonment",
                )
            ]
        amounts = (
            self.fine_amount,
            self.assets_frozen,
            self.assets_seized,
            self.assets_confiscated,
        )
        if any(amount is not None for amount in amounts) and not self.currency:
            errors["currency"] = [
                ValidationError(_("Give the currency of the amounts."), code="currency_missing")
            ]
        if errors:
            raise ValidationError(errors)


class StageChange(models.Model):
    """One step of an offender's criminal-justice history, with the date it took effect."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    offender = models.ForeignKey(OffenderRecord, models.CASCADE, related_name="stage_history")
    from_stage = models.CharField(max_length=12, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=12, choices=Stage.choices)
    effective_on = models.DateField(
        _("took effect on"), null=True, blank=True, validators=[not_in_future]
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    note = SealedTextField(blank=True)

    sealing_organisation_path: ClassVar[str] = "offender__person__incident__owner"

    field_classes: ClassVar[dict[str, FieldClass]] = {
        "id": INTERNAL,
        "public_id": INTERNAL,
        "offender": INTERNAL,
        "from_stage": INTERNAL,
        "to_stage": PUBLIC,
        "effective_on": INTERNAL,
        "actor": INTERNAL,
        "recorded_at": INTERNAL,
        "note": RESTRICTED,
    }

    class Meta:
        ordering = ["offender", "recorded_at", "id"]

    def sealing_organisation_id(self) -> int:
        return self.offender.person.incident.owner_id


class RouteLeg(models.Model):
    """One leg of the route the migrants travelled, in order."""

    incident = models.ForeignKey(Incident, models.CASCADE, related_name="legs")
    sequence = models.PositiveSmallIntegerField(_("leg"), validators=[MinValueValidator(1)])
    from_country = CountryField(_("from country"), default=UNKNOWN)
    from_place = models.CharField(_("from place"), max_length=200, blank=True)
    from_role = TermField(
        _("role of the departure place"), vocabulary="place_role", default=UNKNOWN
    )
    to_country = CountryField(_("to country"), default=UNKNOWN)
    to_place = models.CharField(_("to place"), max_length=200, blank=True)
    to_role = TermField(_("role of the arrival place"), vocabulary="place_role", default=UNKNOWN)
    mode = TermField(_("mode"), vocabulary="transport_mode", default=UNKNOWN)
    conveyance = TermField(_("conveyance"), vocabulary="conveyance", default=UNKNOWN)
    border_crossing_point = models.CharField(_("border crossing point"), max_length=200, blank=True)
    methods = TermListField(_("methods"), vocabulary="smuggling_method")
    departed_on = models.DateField(
        _("departed on"), null=True, blank=True, validators=[not_in_future]
    )
    arrived_on = models.DateField(
        _("arrived on"), null=True, blank=True, validators=[not_in_future]
    )
    fee_amount = models.DecimalField(
        _("fee paid"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=non_negative_money(),
    )
    fee_currency = CurrencyField(_("currency"), blank=True)
    payment_method = TermField(_("payment method"), vocabulary="payment_method", blank=True)
    fee_basis = TermField(_("fee paid for"), vocabulary="fee_basis", blank=True)

    field_classes: ClassVar[dict[str, FieldClass]] = {
        "id": INTERNAL,
        "incident": INTERNAL,
        "sequence": PUBLIC,
        "from_country": PUBLIC,
        "from_place": INTERNAL,
        "from_role": PUBLIC,
        "to_country": PUBLIC,
        "to_place": INTERNAL,
        "to_role": PUBLIC,
        "mode": PUBLIC,
        "conveyance": PUBLIC,
        "border_crossing_point": INTERNAL,
        "methods": PUBLIC,
        "departed_on": INTERNAL,
        "arrived_on": INTERNAL,
        "fee_amount": PUBLIC,
        "fee_currency": PUBLIC,
        "payment_method": PUBLIC,
        "fee_basis": PUBLIC,
    }

    class Meta:
        ordering = ["incident", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "sequence"], name="leg_unique_sequence"),
        ]
        verbose_name = _("route leg")

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        if self.departed_on and self.arrived_on and self.arrived_on < self.departed_on:
            errors["arrived_on"] = [
                ValidationError(
                    _("Arrival (%(arrived)s) is before departure (%(departed)s)."),
                    code="arrival_before_departure",
                    params={
                        "arrived": self.arrived_on.isoformat(),
                        "departed": self.departed_on.isoformat(),
                    },
                )
            ]
        if self.fee_amount is not None and not self.fee_currency:
            errors["fee_currency"] = [
                ValidationError(_("Give the currency of the fee."), code="currency_missing")
            ]
        if self.fee_basis and self.fee_amount is None:
            errors["fee_basis"] = [
                ValidationError(
                    _("Say whom a fee was paid for only together with the fee."),
                    code="basis_without_fee",
                )
            ]
        if self.payment_method and self.fee_amount is None and self.payment_method != UNKNOWN:
            errors["payment_method"] = [
                ValidationError(
                    _("A payment method is recorded with the fee it paid."),
                    code="payment_without_fee",
                )
            ]
        if self.from_role == "destination":
            errors["from_role"] = [
                ValidationError(
                    _("A leg cannot depart from the destination."), code="departs_from_destination"
                )
            ]
        if self.to_role == "origin":
            errors["to_role"] = [
                ValidationError(_("A leg cannot arrive at the origin."), code="arrives_at_origin")
            ]
        if errors:
            raise ValidationError(errors)


class Selector(models.Model):
    """A phone number, account, plate or other identifier seen in an incident, used to link
    incidents without revealing it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    incident = models.ForeignKey(Incident, models.CASCADE, related_name="selectors")
    person = models.ForeignKey(
        Person, models.CASCADE, null=True, blank=True, related_name="selectors"
    )
    kind = TermField(_("kind"), vocabulary="selector_kind")
    value = SealedTextField(_("value"), max_length=300)
    #: Links incidents by the same selector without revealing it.
    value_index = BlindIndexField(source="value", kind_field="kind")

    sealing_organisation_path: ClassVar[str] = "incident__owner"

    field_classes: ClassVar[dict[str, FieldClass]] = {
        "id": INTERNAL,
        "public_id": INTERNAL,
        "incident": INTERNAL,
        "person": INTERNAL,
        "kind": INTERNAL,
        "value": RESTRICTED,
        "value_index": RESTRICTED,
    }

    class Meta:
        # Documents and exports list an incident's selectors in the order they were recorded.
        ordering = ["id"]
        verbose_name = _("selector")

    def sealing_organisation_id(self) -> int:
        return self.incident.owner_id

    def clean(self) -> None:
        if self.person_id and self.person and self.person.incident_id != self.incident_id:
            raise ValidationError(
                {
                    "person": ValidationError(
                        _("The person belongs to another incident."), code="person_elsewhere"
                    )
                }
            )


class LabelChangeStatus(models.TextChoices):
    PENDING = "pending", _("awaiting approval")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")


class LabelChange(models.Model):
    """A request to widen who may see an incident, decided by a second person of the owner.

    Narrowing takes effect at once and is recorded here as approved by its requester.
    """

    incident = models.ForeignKey(Incident, models.CASCADE, related_name="label_changes")
    from_label = models.CharField(_("from"), max_length=12, choices=Label.choices)
    to_label = models.CharField(_("to"), max_length=12, choices=Label.choices)
    partners_added = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("partners added")
    )
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=LabelChangeStatus.choices,
        default=LabelChangeStatus.PENDING,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    field_classes: ClassVar[dict[str, FieldClass]] = {
        "id": INTERNAL,
        "incident": INTERNAL,
        "from_label": INTERNAL,
        "to_label": INTERNAL,
        "partners_added": INTERNAL,
        "reason": INTERNAL,
        "status": INTERNAL,
        "requested_by": INTERNAL,
        "requested_at": INTERNAL,
        "decided_by": INTERNAL,
        "decided_at": INTERNAL,
        "decision_note": INTERNAL,
    }

    class Meta:
        ordering = ["incident", "requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident"],
                condition=models.Q(status="pending"),
                name="label_change_one_pending",
            ),
        ]
        verbose_name = _("label change")


class Revision(models.TextChoices):
    CREATED = "created", _("recorded")
    UPDATED = "updated", _("changed")


class IncidentRevision(models.Model):
    """One save of an incident by a user: recorded, or changed with the values it changed
    (``FieldChange``)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    incident = models.ForeignKey(Incident, models.CASCADE, related_name="revisions")
    kind = models.CharField(_("what happened"), max_length=10, choices=Revision.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("when"), default=timezone.now)

    field_classes: ClassVar[dict[str, FieldClass]] = {
        "id": INTERNAL,
        "public_id": INTERNAL,
        "incident": INTERNAL,
        "kind": INTERNAL,
        "actor": INTERNAL,
        "at": INTERNAL,
    }

    class Meta:
        ordering = ["incident", "at", "id"]
        verbose_name = _("incident revision")


class FieldChange(models.Model):
    """One value a revision changed, added or removed, by its path in the incident
    (``incident.country``, ``persons[2].sex``, ``legs[3]``).

    Values are kept as JSON for public and internal fields only; for owner-only fields
    (personal, restricted, firewalled) the change is recorded without its values (``withheld``).
    """

    class Kind(models.TextChoices):
        CHANGED = "changed", _("changed")
        ADDED = "added", _("added")
        REMOVED = "removed", _("removed")

    revision = models.ForeignKey(IncidentRevision, models.CASCADE, related_name="changes")
    path = models.CharField(_("value"), max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CHANGED)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    withheld = models.BooleanField(default=False)

    field_classes: ClassVar[dict[str, FieldClass]] = {
        "id": INTERNAL,
        "revision": INTERNAL,
        "path": INTERNAL,
        "kind": INTERNAL,
        "before": INTERNAL,
        "after": INTERNAL,
        "withheld": INTERNAL,
    }

    class Meta:
        ordering = ["revision", "id"]
        verbose_name = _("field change")
