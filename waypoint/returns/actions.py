"""What people do with returns: draft one, fill in its figures, submit it, approve it (a second
member of the organisation) or send it back, and revise a submitted one as a new version.

Every step checks the actor's roles through ``orgs.access``, runs in one transaction and is
recorded in the audit log. A submitted version is never changed again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waypoint.audit.log import record
from waypoint.audit.models import Action
from waypoint.orgs.access import AccessDenied, require_recorder
from waypoint.orgs.models import Organisation
from waypoint.returns import validation
from waypoint.returns.models import Indicator, Questionnaire, Return, ReturnValue, Status
from waypoint.returns.periods import Period
from waypoint.returns.validation import Figure, Finding


class ReturnRefused(Exception):
    """The step cannot be taken; ``findings`` say why when the figures are at fault."""

    def __init__(self, message: str, findings: Iterable[Finding] = ()) -> None:
        super().__init__(message)
        self.findings = list(findings)


@dataclass(frozen=True)
class Entry:
    """A figure as a form, a file or the API gives it."""

    indicator: str
    categories: dict[str, str]
    value: Decimal | None
    censored_below: int | None = None
    derivation: str = ""
    note: str = ""


def start(
    *,
    actor: Any,
    organisation: Organisation,
    questionnaire: Questionnaire,
    period: str,
    origin: str = "",
) -> Return:
    """A new draft, version 1, of the organisation's return for ``period``."""
    require_recorder(actor, organisation)
    period = str(Period.parse(period))
    with transaction.atomic():
        existing = Return.objects.select_for_update().filter(
            organisation=organisation, questionnaire=questionnaire, period=period
        )
        if existing.exists():
            raise ReturnRefused(
                _(
                    "%(organisation)s already has a return for %(period)s: open it, or revise "
                    "the submitted one."
                )
                % {"organisation": organisation.code, "period": period}
            )
        ret = Return.objects.create(
            organisation=organisation,
            questionnaire=questionnaire,
            period=period,
            origin=origin,
            created_by=actor,
        )
        record(actor=actor, action=Action.CREATE, organisation=organisation, target=ret)
    return ret


def set_figures(*, actor: Any, ret: Return, entries: Iterable[Entry]) -> list[Finding]:
    """Replace the draft's figures with ``entries``; answer what the checks find (nothing is
    refused here: a draft may be incomplete)."""
    require_recorder(actor, ret.organisation)
    entries = list(entries)
    indicators = {
        i.code: i for i in Indicator.objects.filter(code__in={e.indicator for e in entries})
    }
    unknown = sorted({e.indicator for e in entries} - set(indicators))
    if unknown:
        raise ReturnRefused(_("Unknown indicators: %(codes)s.") % {"codes": ", ".join(unknown)})
    negative = [
        Finding(e.indicator, ReturnValue.key_of(e.categories), message, "negative")
        for e in entries
        if e.value is not None and e.value < 0
        for message in [_("A figure cannot be negative: %(value)s.") % {"value": e.value}]
    ]
    if negative:
        raise ReturnRefused(_("Figures cannot be negative."), negative)
    with transaction.atomic():
        ret = _locked(ret)
        if not ret.editable:
            raise ReturnRefused(_("Only a draft can be changed; revise a submitted return."))
        ret.values.all().delete()
        values = [
            ReturnValue(
                of_return=ret,
                indicator=indicators[e.indicator],
                categories=dict(e.categories),
                key=ReturnValue.key_of(e.categories),
                value=e.value,
                censored_below=e.censored_below,
                derivation=e.derivation,
                note=e.note,
            )
            for e in entries
        ]
        keys = [(v.indicator.code, v.key) for v in values]
        if len(keys) != len(set(keys)):
            raise ReturnRefused(_("The same figure is given twice."))
        ReturnValue.objects.bulk_create(values)
        record(
            actor=actor,
            action=Action.UPDATE,
            organisation=ret.organisation,
            target=ret,
            details={"count": len(values)},
        )
    return findings(ret)


def import_figures(
    *, actor: Any, ret: Return, entries: Iterable[Entry], origin: str = ""
) -> list[Finding]:
    """``set_figures`` for a file's worth of figures (an import: tens of thousands).

    The same refusals and the same audit event; the figures are written by one INSERT statement
    per batch rather than one model instance each, and checked as given rather than read back.
    ``origin`` (``imported:<file>``), when given, says where the draft's figures now come from.
    """
    require_recorder(actor, ret.organisation)
    entries = list(entries)
    codes = {e.indicator for e in entries}
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    unknown = sorted(codes - set(indicators))
    if unknown:
        raise ReturnRefused(_("Unknown indicators: %(codes)s.") % {"codes": ", ".join(unknown)})
    keys = [ReturnValue.key_of(e.categories) for e in entries]
    negative = [
        Finding(e.indicator, key, message, "negative")
        for e, key in zip(entries, keys, strict=True)
        if e.value is not None and e.value < 0
        for message in [_("A figure cannot be negative: %(value)s.") % {"value": e.value}]
    ]
    if negative:
        raise ReturnRefused(_("Figures cannot be negative."), negative)
    if len({(e.indicator, key) for e, key in zip(entries, keys, strict=True)}) != len(keys):
        raise ReturnRefused(_("The same figure is given twice."))
    with transaction.atomic():
        ret = _locked(ret)
        if not ret.editable:
            raise ReturnRefused(_("Only a draft can be changed; revise a submitted return."))
        ret.values.all().delete()
        _insert_values(ret, entries, keys, indicators)
        if origin and ret.origin != origin:
            ret.origin = origin
            ret.save(update_fields=["origin"])
        record(
            actor=actor,
            action=Action.UPDATE,
            organisation=ret.organisation,
            target=ret,
            details={"count": len(entries)},
        )
    return findings_for(ret, entries, indicators)


def findings_for(
    ret: Return, entries: Iterable[Entry], indicators: dict[str, Indicator] | None = None
) -> list[Finding]:
    """What the checks find in ``entries`` as the return's figures: ``findings`` without reading
    back figures the caller holds (``indicators`` by code, when the caller has them)."""
    entries = list(entries)
    if indicators is None:
        codes = {e.indicator for e in entries}
        indicators = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    figures = [
        Figure(indicators[e.indicator], dict(e.categories), e.value, e.censored_below)
        for e in entries
    ]
    return validation.check(ret.questionnaire, ret.period, figures, _previous_figures(ret))


def findings(ret: Return) -> list[Finding]:
    """What the checks find in the return's figures as they stand."""
    return validation.check(
        ret.questionnaire, ret.period, validation.figures_of(ret), _previous_figures(ret)
    )


def submit(*, actor: Any, ret: Return) -> list[Finding]:
    """Send the draft for approval by a second member; refused with the errors if the checks
    find any. Answers the warnings."""
    require_recorder(actor, ret.organisation)
    with transaction.atomic():
        ret = _locked(ret)
        if ret.status != Status.DRAFT:
            raise ReturnRefused(_("Only a draft can be submitted."))
        found = findings(ret)
        if validation.errors(found):
            raise ReturnRefused(_("The return has errors; correct them and submit again."), found)
        _move(ret, actor, Status.AWAITING_APPROVAL, submitted_by=actor, submitted_at=timezone.now())
    return found


def approve(*, actor: Any, ret: Return) -> None:
    """The second pair of eyes: another member of the organisation confirms the submission."""
    require_recorder(actor, ret.organisation)
    with transaction.atomic():
        ret = _locked(ret)
        if ret.status != Status.AWAITING_APPROVAL:
            raise ReturnRefused(_("Only a return awaiting approval can be approved."))
        if ret.submitted_by_id == actor.pk:
            raise AccessDenied(
                _("Another member of the organisation must approve what you submitted.")
            )
        _move(ret, actor, Status.SUBMITTED, approved_by=actor, approved_at=timezone.now())


def send_back(*, actor: Any, ret: Return) -> None:
    """Return a submission awaiting approval to its drafters."""
    require_recorder(actor, ret.organisation)
    with transaction.atomic():
        ret = _locked(ret)
        if ret.status != Status.AWAITING_APPROVAL:
            raise ReturnRefused(_("Only a return awaiting approval can be sent back."))
        _move(ret, actor, Status.DRAFT, submitted_by=None, submitted_at=None)


def revise(*, actor: Any, ret: Return, reason: str) -> Return:
    """A new draft version of a submitted return, with its figures, for correction; the
    submitted version stays as it was."""
    require_recorder(actor, ret.organisation)
    reason = reason.strip()
    if not reason:
        raise ReturnRefused(_("Say why the return is revised."))
    with transaction.atomic():
        ret = _locked(ret)
        versions = Return.objects.filter(
            organisation=ret.organisation, questionnaire=ret.questionnaire, period=ret.period
        )
        if ret.status != Status.SUBMITTED or versions.filter(version__gt=ret.version).exists():
            raise ReturnRefused(_("Only the latest submitted version can be revised."))
        revision = Return.objects.create(
            organisation=ret.organisation,
            questionnaire=ret.questionnaire,
            period=ret.period,
            version=ret.version + 1,
            reason=reason,
            origin=ret.origin,
            created_by=actor,
        )
        ReturnValue.objects.bulk_create(
            ReturnValue(
                of_return=revision,
                indicator_id=v.indicator_id,
                categories=v.categories,
                key=v.key,
                value=v.value,
                censored_below=v.censored_below,
                derivation=v.derivation,
                note=v.note,
            )
            for v in ret.values.all()
        )
        record(
            actor=actor,
            action=Action.CREATE,
            organisation=ret.organisation,
            target=revision,
            details={"change": "revision", "count": revision.version},
        )
    return revision


def _locked(ret: Return) -> Return:
    return (
        Return.objects.select_for_update()
        .select_related("organisation", "questionnaire")
        .get(pk=ret.pk)
    )


def _move(ret: Return, actor: Any, status: str, **fields: Any) -> None:
    before = ret.status
    for name, value in fields.items():
        setattr(ret, name, value)
    ret.status = status
    ret.save(update_fields=["status", *fields])
    record(
        actor=actor,
        action=Action.STATUS_CHANGE,
        organisation=ret.organisation,
        target=ret,
        details={"from_status": before, "to_status": status},
    )


def _previous_figures(ret: Return) -> list[Figure]:
    """The figures of the organisation's current submitted return for the period before."""
    before = str(Period.parse(ret.period).previous())
    previous = (
        Return.objects.current()
        .filter(organisation=ret.organisation, questionnaire=ret.questionnaire, period=before)
        .first()
    )
    return validation.figures_of(previous) if previous else []


#: Rows written by one INSERT statement of ``import_figures``.
INSERT_BATCH = 2000
_INSERTED = (
    "of_return_id",
    "indicator_id",
    "categories",
    "key",
    "value",
    "censored_below",
    "derivation",
    "note",
)


def _insert_values(
    ret: Return, entries: list[Entry], keys: list[str], indicators: dict[str, Indicator]
) -> None:
    """Write the figures as ``ReturnValue`` rows, each value adapted by its model field."""
    fields = {field.attname: field for field in ReturnValue._meta.concrete_fields}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(fields[name].column)) for name in _INSERTED)
    marks = ", ".join(["%s"] * len(_INSERTED))
    sql = f"INSERT INTO {quote(ReturnValue._meta.db_table)} ({columns}) VALUES ({marks})"
    categories, value = fields["categories"], fields["value"]
    rows = [
        (
            ret.pk,
            indicators[e.indicator].pk,
            categories.get_db_prep_save(dict(e.categories), connection),
            key,
            value.get_db_prep_save(e.value, connection),
            e.censored_below,
            e.derivation,
            e.note,
        )
        for e, key in zip(entries, keys, strict=True)
    ]
    with connection.cursor() as cursor:
        for first in range(0, len(rows), INSERT_BATCH):
            cursor.executemany(sql, rows[first : first + INSERT_BATCH])
