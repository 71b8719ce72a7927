"""Differential privacy for public releases, and the privacy-budget ledger that pays for them.

A ``PrivateRelease`` asks to publish a table with ε from a dataset's budget. ``release_table``
records the spend (refusing an overspend) and adds discrete Laplace noise from OpenDP to every
count in one transaction; ``analytics.disclosure.protect`` is its only caller. The mechanism,
its sensitivity and its error bounds are explained in docs/statistics.md.

Only counts are released this way: a table whose measures are anything but ``count`` (a median
fee, a sum of deaths) is refused, and is published with small-cell suppression instead.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_UP, Decimal, InvalidOperation
from typing import Any

import opendp.prelude as dp
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from waypoint.analytics.models import EPSILON_PLACES, PrivacyBudget, PrivacySpend
from waypoint.analytics.table import TOTAL, Cell, CellStatus, Key, StatTable
from waypoint.audit import log as audit_log
from waypoint.audit.details import CODE
from waypoint.audit.models import Action

dp.enable_features("contrib")

COUNT = "count"
# Margins are half-widths of 95 % intervals: the error exceeds the margin with probability ≤ 5 %.
ALPHA = 0.05
MAX_DATASET = 100
_QUANTUM = Decimal(1).scaleb(-EPSILON_PLACES)


class PrivacyError(ValueError):
    """A differentially private release that cannot be made; the message says why."""


class BudgetExceeded(PrivacyError):
    """The dataset's privacy budget cannot pay for the release."""

    def __init__(self, dataset: str, remaining: Decimal, requested: Decimal) -> None:
        self.dataset, self.remaining, self.requested = dataset, remaining, requested
        super().__init__(
            _(
                "The privacy budget of dataset “%(dataset)s” has ε = %(remaining)s left; "
                "this release asks for ε = %(requested)s."
            )
            % {
                "dataset": dataset,
                "remaining": _plain(remaining),
                "requested": _plain(requested),
            }
        )


@dataclass(frozen=True)
class PrivateRelease:
    """A request to publish a table with differential privacy, paid with ``epsilon`` from the
    budget of ``dataset`` (a name chosen by the publisher, e.g. ``national-2025``)."""

    dataset: str
    epsilon: float
    description: str = ""

    def __post_init__(self) -> None:
        if not self.dataset.strip() or len(self.dataset) > MAX_DATASET:
            raise PrivacyError(
                _("A dataset is named by 1 to %(max)d characters.") % {"max": MAX_DATASET}
            )
        if not (math.isfinite(self.epsilon) and self.epsilon >= float(_QUANTUM)):
            raise PrivacyError(
                _("ε must be a number of at least %(min)s.") % {"min": _plain(_QUANTUM)}
            )

    @property
    def cost(self) -> Decimal:
        """The ε recorded in the ledger: ``epsilon`` rounded up to the ledger's precision."""
        return as_epsilon(self.epsilon)


@dataclass(frozen=True)
class NoisyRelease:
    cells: dict[Key, Cell]
    footnote: str
    spend: PrivacySpend


def release_table(table: StatTable, release: PrivateRelease, *, actor: Any) -> NoisyRelease:
    """Spend ``release.epsilon`` from the dataset's budget and return noisy copies of the cells,
    in one transaction: no spend without a release, no release without a spend."""
    check_releasable(table)
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("A differentially private release needs a signed-in user."))
    if not may_release(actor):
        # Each release spends a budget shared by everyone who publishes from the dataset.
        raise PermissionDenied(_("Only analysts may publish statistics with differential privacy."))
    with transaction.atomic():
        spend = spend_budget(
            dataset=release.dataset,
            epsilon=release.cost,
            table_id=table.table_id,
            actor=actor,
            description=release.description,
        )
        cells = add_noise(table, release.epsilon)
    return NoisyRelease(cells, _footnote(table, release, cells), spend)


def may_release(actor: Any) -> bool:
    """Analysts of an active organisation (and platform administrators) spend privacy budgets."""
    from waypoint.orgs.models import Membership, Role

    return (
        bool(actor.is_superuser)
        or Membership.objects.filter(
            user=actor, role=Role.ANALYST, organisation__is_active=True
        ).exists()
    )


def check_releasable(table: StatTable) -> None:
    """Refuse a table whose measures are not counts: their sensitivity is unbounded (one
    contributor can move a sum or a median arbitrarily far) and no noise would hide them."""
    others = [measure for measure in table.measures if measure != COUNT]
    if others:
        raise PrivacyError(
            _(
                "Table %(table)s has measures (%(measures)s) that cannot be released with "
                "differential privacy, which covers counts only; publish it with small-cell "
                "suppression instead."
            )
            % {"table": table.table_id, "measures": ", ".join(others)}
        )


# --- The mechanism -------------------------------------------------------------------------------


def add_noise(table: StatTable, epsilon: float) -> dict[Key, Cell]:
    """Return noisy copies of the cells, ε-differentially private with respect to adding or
    removing one contributor.

    In an additive table only the inner counts get noise (L1 sensitivity ``contributions``) and
    every total is the sum of the noisy inner counts it covers. Otherwise a total is not such a
    sum, so every cell of the cube gets noise, calibrated to the most cells one contributor can
    count in (``cube_sensitivity``). Negative noisy counts become 0; both steps are
    post-processing and cost no budget.
    """
    check_releasable(table)
    if table.additive:
        return _noisy_inner_cells(table, epsilon)
    return _noisy_every_cell(table, epsilon)


def _noisy_inner_cells(table: StatTable, epsilon: float) -> dict[Key, Cell]:
    inner = sorted(key for key in table.cells if TOTAL not in key)
    mechanism, scale = laplace_mechanism(table.contributions, epsilon)
    noisy = mechanism([table.cells[key].count for key in inner])
    counts = {key: max(0, value) for key, value in zip(inner, noisy, strict=True)}
    sizes = [len(dimension.categories) for dimension in table.dimensions]
    for key, value in list(counts.items()):
        for total in _totals_over(key):
            counts[total] = counts.get(total, 0) + value
    margins: dict[int, int] = {}
    cells = {}
    for key in table.cells:
        covered = math.prod(size for size, part in zip(sizes, key, strict=True) if part == TOTAL)
        if covered not in margins:
            margins[covered] = sum_margin(scale, covered)
        cells[key] = _noisy(table, key, counts.get(key, 0), margins[covered])
    return cells


def _noisy_every_cell(table: StatTable, epsilon: float) -> dict[Key, Cell]:
    keys = sorted(table.cells)
    sensitivity = cube_sensitivity(table.contributions, len(table.dimensions))
    mechanism, scale = laplace_mechanism(sensitivity, epsilon)
    noisy = mechanism([table.cells[key].count for key in keys])
    margin = cell_margin(scale)
    return {
        key: _noisy(table, key, max(0, value), margin)
        for key, value in zip(keys, noisy, strict=True)
    }


def _totals_over(key: Key) -> list[Key]:
    """The margins an inner cell counts in: its key with any non-empty set of parts replaced
    by TOTAL."""
    return [
        tuple(TOTAL if masked else part for masked, part in zip(mask, key, strict=True))
        for mask in itertools.product((False, True), repeat=len(key))
        if any(mask)
    ]


def _noisy(table: StatTable, key: Key, count: int, margin: int) -> Cell:
    values: dict[str, float | None] = {measure: count for measure in table.measures}
    return Cell(key, count, values, CellStatus.NOISY, float(margin))


def laplace_mechanism(
    sensitivity: int, epsilon: float
) -> tuple[Callable[[Sequence[int]], list[int]], float]:
    """Return OpenDP's discrete Laplace mechanism on a vector of counts whose L1 distance between
    neighbouring datasets is at most ``sensitivity``, with the smallest scale whose privacy loss
    OpenDP certifies to be at most ``epsilon``, and that scale."""
    space = dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int)
    scale = sensitivity / epsilon
    measurement = dp.m.make_laplace(*space, scale=scale)
    # sensitivity / epsilon can round to a scale a hair too small; OpenDP's own accounting
    # (map) decides, and the scale grows by one float step until it agrees.
    while measurement.map(sensitivity) > epsilon:
        scale = math.nextafter(scale, math.inf)
        measurement = dp.m.make_laplace(*space, scale=scale)
    return measurement, scale


def cube_sensitivity(contributions: int, dimensions: int) -> int:
    """Return the most cells of the full marginal cube one contributor can count in, when they
    count in at most ``contributions`` inner cells: with k_i categories along dimension i (the
    product of the k_i at most ``contributions``) they count in the product of (k_i + 1) cells."""
    return max(
        math.prod(k + 1 for k in ks)
        for ks in itertools.product(range(1, contributions + 1), repeat=dimensions)
        if math.prod(ks) <= contributions
    )


# --- Error bounds --------------------------------------------------------------------------------


def cell_margin(scale: float) -> int:
    """Return the half-width of the 95 % interval of one discrete Laplace noise (OpenDP's
    accuracy, floored, which keeps its coverage). Clamping at zero only moves a count towards
    its true value, so the margin holds for clamped counts too."""
    return math.floor(dp.discrete_laplacian_scale_to_accuracy(scale, ALPHA))


def sum_margin(scale: float, terms: int) -> int:
    """Return m such that a total of ``terms`` clamped noisy counts is within ±m of its true
    value with probability at least 95 %.

    With X_i the noises, clamping makes each error max(X_i, -true_i), between X_i and max(X_i, 0);
    so the total's error lies between ΣX_i and Σmax(X_i, 0), and P(|error| > m) is at most
    P(ΣX_i < -m) + P(Σmax(X_i, 0) > m). Both tails are bounded with Chernoff's inequality from
    the moment generating functions, which makes m an upper bound, data-independent.
    """
    if terms <= 1:
        return cell_margin(scale)
    decay = math.exp(-1 / scale)

    def noise(t: float) -> float:
        return (
            2 * math.log1p(-decay)
            - math.log1p(-decay * math.exp(t))
            - math.log1p(-decay * math.exp(-t))
        )

    def positive_part(t: float) -> float:
        grow = decay * math.exp(t)
        return math.log(1 + (1 - decay) * grow / (1 - grow)) - math.log1p(decay)

    def excess(m: int) -> float:
        limit = 1 / scale
        return _chernoff(noise, terms, m + 1, limit) + _chernoff(positive_part, terms, m + 1, limit)

    return _smallest(lambda m: excess(m) <= ALPHA)


def _chernoff(log_mgf: Callable[[float], float], terms: int, level: int, limit: float) -> float:
    """Bound P(S ≥ level) for a sum S of ``terms`` independent copies of a variable with log
    moment generating function ``log_mgf`` (finite on (0, limit)): min over t of
    exp(terms · log_mgf(t) - t · level), found by golden-section search (the exponent is convex)."""

    def exponent(t: float) -> float:
        return terms * log_mgf(t) - t * level

    low, high = 0.0, limit * (1 - 1e-9)
    ratio = (math.sqrt(5) - 1) / 2
    for _step in range(200):
        left, right = high - ratio * (high - low), low + ratio * (high - low)
        if exponent(left) < exponent(right):
            high = right
        else:
            low = left
    return min(1.0, math.exp(exponent((low + high) / 2)))


def _smallest(holds: Callable[[int], bool]) -> int:
    """Return the smallest m ≥ 0 for which a monotone condition holds."""
    high = 1
    while not holds(high):
        high *= 2
    low = 0
    while low < high:
        middle = (low + high) // 2
        if holds(middle):
            high = middle
        else:
            low = middle + 1
    return low


def _footnote(table: StatTable, release: PrivateRelease, cells: dict[Key, Cell]) -> str:
    inner = [cell.margin for key, cell in cells.items() if TOTAL not in key]
    values = {
        "epsilon": f"{release.epsilon:g}",
        "dataset": release.dataset,
        "margin": int(max((m for m in inner if m is not None), default=0)),
    }
    if table.additive:
        return (
            _(
                "Figures are differentially private (ε = %(epsilon)s, dataset “%(dataset)s”): each "
                "count carries random noise and is within ±%(margin)d of the true figure with 95 %% "
                "confidence. Negative results are shown as 0; totals are sums of the noisy counts, "
                "each with its own margin."
            )
            % values
        )
    return (
        _(
            "Figures are differentially private (ε = %(epsilon)s, dataset “%(dataset)s”): each "
            "count, totals included, carries its own random noise and is within ±%(margin)d of the "
            "true figure with 95 %% confidence. Negative results are shown as 0."
        )
        % values
    )


# --- The ledger ----------------------------------------------------------------------------------


def as_epsilon(value: float | Decimal) -> Decimal:
    """Return ε as the ledger keeps it: rounded up, never down, to its precision."""
    try:
        return Decimal(str(value)).quantize(_QUANTUM, rounding=ROUND_UP)
    except InvalidOperation:
        raise PrivacyError(_("ε must be a number.")) from None


def total_budget(dataset: str) -> Decimal:
    """Return the total ε of a dataset: its own row's, or the WAYPOINT_DP_BUDGET default."""
    own = PrivacyBudget.objects.filter(dataset=dataset).values_list("epsilon", flat=True).first()
    return own if own is not None else as_epsilon(settings.WAYPOINT_DP_BUDGET)


def spent_budget(dataset: str) -> Decimal:
    total = PrivacySpend.objects.of_dataset(dataset).aggregate(total=Sum("epsilon"))["total"]
    return Decimal(total or 0)


def remaining_budget(dataset: str) -> float:
    """Return the ε a dataset may still spend (0 when a lowered budget is already overspent)."""
    return float(_remaining(dataset))


def _remaining(dataset: str) -> Decimal:
    return max(Decimal(0), total_budget(dataset) - spent_budget(dataset))


def spend_budget(
    *,
    dataset: str,
    epsilon: float | Decimal,
    table_id: str,
    actor: Any,
    description: str = "",
) -> PrivacySpend:
    """Record a spend of ``epsilon`` from ``dataset``'s budget, or raise ``BudgetExceeded``.

    The dataset's budget row is locked for the transaction (SELECT … FOR UPDATE on PostgreSQL;
    SQLite serialises writers, every transaction beginning IMMEDIATE), so concurrent releases
    are checked one after the other against what is left. The audit log records the release.
    """
    requested = as_epsilon(epsilon)
    with transaction.atomic():
        PrivacyBudget.objects.get_or_create(dataset=dataset)
        PrivacyBudget.objects.select_for_update().get(dataset=dataset)
        remaining = _remaining(dataset)
        if requested > remaining:
            raise BudgetExceeded(dataset, remaining, requested)
        spend = PrivacySpend.objects.create(
            dataset=dataset,
            table_id=table_id,
            epsilon=requested,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            actor_username=actor.get_username() if actor is not None else "",
            description=description[:300],
        )
        audit_log.record(
            actor=actor,
            action=Action.STATISTICS_RELEASE,
            organisation=audit_log.sole_organisation(actor) if actor is not None else None,
            target=audit_log.Target("privacy_spend", str(spend.public_id)),
            details={"public": True, **({"table": table_id} if CODE.match(table_id) else {})},
        )
    return spend


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}"
