"""The one way in to organisation-owned data: who may see and record what.

Every read of case data goes through ``visible_incidents`` (exposed as
``Incident.objects.visible_to(user)``) or a ``get_<thing>_for`` helper; a record the user may not
see answers exactly like a record that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from waypoint.orgs.models import Membership, Organisation, Role, SharingAgreement

if TYPE_CHECKING:
    from waypoint.cases.models import Incident, IncidentQuerySet
    from waypoint.returns.models import Return

RECORDING_ROLES = frozenset({Role.REPORTER, Role.ORG_ADMIN})


class AccessDenied(Exception):
    """The actor may not perform this action for this organisation."""


def member_organisations(user: Any) -> list[Organisation]:
    """The active organisations the user belongs to."""
    if not _is_active_user(user):
        return []
    return list(Organisation.objects.active().filter(pk__in=_member_organisation_ids(user)))


def _is_active_user(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _member_organisation_ids(user: Any) -> QuerySet[Membership, Any]:
    """A subquery of the ids of the user's active organisations: evaluated inside each query,
    so a revoked membership or a disabled organisation takes effect at once."""
    return Membership.objects.filter(user_id=user.pk, organisation__is_active=True).values(
        "organisation_id"
    )


def roles_in(user: Any, organisation: Organisation) -> set[str]:
    if not _is_active_user(user):
        return set()
    return set(
        Membership.objects.filter(user=user, organisation=organisation).values_list(
            "role", flat=True
        )
    )


def visibility_condition(user: Any, *, snapshot: bool = False) -> Q | None:
    """The rows of ``Incident`` a user may see, or None for none at all.

    - TLP:RED — members of the owner organisation;
    - TLP:AMBER+STRICT — the users of the owner organisation named on the record;
    - TLP:AMBER — the owner, the partners named on the record and the partners of the owner's
      standing sharing agreements that are not revoked;
    - TLP:GREEN — members of every participating organisation.

    A platform administrator without a membership reads no case content; an inactive
    organisation's records are seen by nobody. Exists() subqueries keep one row per incident.
    """
    from waypoint.cases.models import Incident, Label

    if not _is_active_user(user):
        return None
    if snapshot:
        return _snapshot_condition(user)
    organisations = _member_organisation_ids(user)
    named = Exists(
        Incident.named_users.through.objects.filter(incident_id=OuterRef("pk"), user_id=user.pk)
    )
    named_partner = Exists(
        Incident.shared_with.through.objects.filter(
            incident_id=OuterRef("pk"), organisation_id__in=organisations
        )
    )
    agreement = Exists(
        SharingAgreement.objects.active().filter(
            owner_id=OuterRef("owner_id"), partner_id__in=organisations
        )
    )
    own = Q(owner_id__in=organisations) & (~Q(label=Label.AMBER_STRICT) | named)
    partner = Q(label=Label.AMBER) & (named_partner | agreement)
    everyone = Q(label=Label.GREEN) & Exists(organisations)
    return cast(Q, Q(owner__is_active=True) & (own | partner | everyone))


def _snapshot_condition(user: Any) -> Q:
    """``visibility_condition`` with the user's organisations, the owners that share with them
    and the active organisations looked up first and written into the condition as lists.

    The same rule, fixed at the moment it is built: for a query run at once, such as a table of
    statistics, where the database then estimates the rows each condition keeps from the
    values themselves and plans joins and groupings accordingly."""
    parts = visible_parts(user)
    return cast(Q, parts.whole | parts.one_by_one)


@dataclass(frozen=True)
class VisibleParts:
    """The incidents a user may see, in two parts that never overlap.

    ``whole`` is a condition on the owner and the label alone: the classes of records (one
    organisation's records of one label) the user sees every record of. ``one_by_one`` is the
    rest: records of other classes the user sees because the record itself names the user or
    one of the user's organisations. Figures counted per class ahead of time
    (``analytics.statistics.summary``) serve the first part; the second is always counted from
    the records."""

    whole: Q
    one_by_one: Q
    #: The ids of the records seen one by one, as querysets of ``incident_id`` whose union is
    #: ``one_by_one``: each read from the records' list of named users or partners.
    one_by_one_ids: tuple[QuerySet[Any, Any], ...] = ()


def visible_parts(user: Any) -> VisibleParts:
    """``visibility_condition(user)`` as ``VisibleParts``, for a query run at once (see
    ``_snapshot_condition``); the user must be active."""
    from waypoint.cases.models import Incident, Label

    # One query: each active organisation, whether the user belongs to it, and whether it
    # shares its TLP:AMBER records with one of the user's organisations by a standing agreement.
    member = Membership.objects.filter(user_id=user.pk, organisation_id=OuterRef("pk"))
    shares = SharingAgreement.objects.active().filter(
        owner_id=OuterRef("pk"), partner_id__in=_member_organisation_ids(user)
    )
    rows = list(Organisation.objects.active().values_list("pk", Exists(member), Exists(shares)))
    active = [pk for pk, _member, _shares in rows]
    organisations = [pk for pk, is_member, _shares in rows if is_member]
    sharing = [pk for pk, is_member, is_sharing in rows if is_sharing and not is_member]
    # TLP:RED, TLP:AMBER and TLP:GREEN records of the user's organisations, TLP:AMBER records
    # of the organisations sharing with them, and TLP:GREEN records of everyone.
    whole = Q(owner_id__in=organisations) & ~Q(label=Label.AMBER_STRICT)
    whole |= Q(label=Label.AMBER, owner_id__in=sharing)
    if organisations:
        whole |= Q(label=Label.GREEN)
    # TLP:AMBER+STRICT records of the user's organisations that name the user, and TLP:AMBER
    # records of other organisations that name one of the user's organisations as a partner.
    # Each read from the names, the records named joined to them.
    named = Incident.named_users.through.objects.filter(
        user_id=user.pk,
        incident__owner_id__in=organisations,
        incident__label=Label.AMBER_STRICT,
    )
    named_partner = Incident.shared_with.through.objects.filter(
        organisation_id__in=organisations, incident__label=Label.AMBER
    ).exclude(incident__owner_id__in=[*organisations, *sharing])
    ids = tuple(
        names.filter(incident__owner_id__in=active).values("incident_id")
        for names in (named, named_partner)
    )
    one_by_one = Q(pk__in=ids[0]) | Q(pk__in=ids[1])
    return VisibleParts(
        whole=Q(owner_id__in=active) & whole, one_by_one=one_by_one, one_by_one_ids=ids
    )


def published_parts() -> VisibleParts:
    """What public statistics count, as ``VisibleParts``: every record whose owner agreed to its
    use in published statistics, of an active organisation; nothing record by record."""
    active = list(Organisation.objects.active().values_list("pk", flat=True))
    return VisibleParts(
        whole=Q(publish_in_statistics=True, owner_id__in=active), one_by_one=Q(pk__in=[])
    )


def is_owner_member(user: Any, incident: Incident) -> bool:
    """Whether the user sees the incident as its owner (all fields) rather than as a partner."""
    return (
        _is_active_user(user)
        and _member_organisation_ids(user).filter(organisation_id=incident.owner_id).exists()
    )


def visible_incidents(
    queryset: IncidentQuerySet, user: Any, *, snapshot: bool = False
) -> IncidentQuerySet:
    condition = visibility_condition(user, snapshot=snapshot)
    if condition is None:
        return queryset.none()
    return queryset.filter(condition)


def get_incident_for(user: Any, public_id: Any) -> Incident:
    from waypoint.cases.models import Incident

    try:
        return Incident.objects.visible_to(user).get(public_id=public_id)
    except (Incident.DoesNotExist, ValueError, TypeError):
        raise Http404("No incident matches the given query.") from None


def recording_organisations(user: Any) -> list[Organisation]:
    """The active organisations the user may record incidents for."""
    return [org for org in member_organisations(user) if roles_in(user, org) & RECORDING_ROLES]


def require_recorder(user: Any, organisation: Organisation) -> None:
    if not roles_in(user, organisation) & RECORDING_ROLES or not organisation.is_active:
        raise AccessDenied(f"{user} may not record incidents for {organisation.code}")


# Aggregate returns ---------------------------------------------------------------------------


def visible_returns(user: Any) -> QuerySet[Return]:
    """The returns a user may read: every version of their own organisations' returns, and the
    submitted returns of the other members of a reporting community they belong to, for the
    periods their own organisation opened by submitting (reciprocity).

    Submitting a return for a questionnaire and period opens that period of that questionnaire,
    and the community's ``window`` periods after it: an organisation that submitted for 2023
    sees its partners' 2024 returns under a window of 1, but nothing of 2024 under a window of 0
    until it submits for 2024.
    """
    from waypoint.returns.models import ReportingCommunity, Return
    from waypoint.returns.periods import Period

    if not _is_active_user(user):
        return Return.objects.none()
    own = set(_member_organisation_ids(user).values_list("organisation_id", flat=True))
    condition = Q(organisation_id__in=own)
    communities = ReportingCommunity.objects.filter(members__in=own).distinct()
    for community in communities.prefetch_related("members"):
        members = {org.pk for org in community.members.all() if org.is_active}
        submitted = Return.objects.submitted().filter(organisation_id__in=own & members)
        opened: dict[int, set[str]] = {}
        for questionnaire, period in submitted.values_list("questionnaire_id", "period"):
            later = Period.parse(period)
            for _step in range(community.window + 1):
                opened.setdefault(questionnaire, set()).add(str(later))
                later = later.following()
        for questionnaire, periods in opened.items():
            condition |= Q(
                organisation_id__in=members - own,
                questionnaire_id=questionnaire,
                period__in=sorted(periods),
                status="submitted",
            )
    return Return.objects.filter(condition, organisation__is_active=True)


def partners_submitted(user: Any, questionnaire: Any) -> dict[str, int]:
    """For each period of ``questionnaire``, how many partners of the user's reporting
    communities have submitted (and had approved) a return: counts only, never who or what.

    A partner is another active member of a reporting community one of the user's organisations
    belongs to; organisations outside those communities are never counted, and drafts and
    returns awaiting approval never count. Submitting for one of these periods opens the
    partners' returns for it (``visible_returns``).
    """
    from waypoint.returns.models import Return, Status

    if not _is_active_user(user):
        return {}
    own = _member_organisation_ids(user)
    partners = (
        Organisation.objects.active()
        .filter(reporting_communities__members__in=own)
        .exclude(pk__in=own)
        .values("pk")
    )
    counts = (
        Return.objects.filter(
            questionnaire=questionnaire, status=Status.SUBMITTED, organisation_id__in=partners
        )
        .values("period")
        .annotate(partners=Count("organisation_id", distinct=True))
        .order_by()
    )
    return {row["period"]: row["partners"] for row in counts}
