"""Reporting periods: a year (``2024``), a quarter (``2024-Q2``) or a month (``2024-03``).

A period is written the same way everywhere (forms, files, the API, the database), so that it
sorts and compares as text within one kind, and ``Period.parse`` is the one place that reads it.
"""

from __future__ import annotations

import datetime
import enum
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: The years a period may fall in.
EARLIEST_YEAR, LATEST_YEAR = 1990, 2100

_PATTERN = re.compile(r"^(\d{4})(?:-Q([1-4])|-(0[1-9]|1[0-2]))?$")


class PeriodKind(enum.StrEnum):
    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])


KIND_LABELS = {
    PeriodKind.YEAR: gettext_lazy("year"),
    PeriodKind.QUARTER: gettext_lazy("quarter"),
    PeriodKind.MONTH: gettext_lazy("month"),
}


class PeriodError(ValueError):
    """The text is not a period; the message says what would be accepted."""


@dataclass(frozen=True, order=True)
class Period:
    year: int
    #: 1–4 for a quarter, else 0.
    quarter: int = 0
    #: 1–12 for a month, else 0.
    month: int = 0

    @classmethod
    def parse(cls, text: str) -> Period:
        found = _PATTERN.match(text.strip())
        if not found:
            raise PeriodError(
                _(
                    "“%(text)s” is not a period; write a year (2024), a quarter (2024-Q2) or a "
                    "month (2024-03)."
                )
                % {"text": text}
            )
        year = int(found.group(1))
        if not EARLIEST_YEAR <= year <= LATEST_YEAR:
            raise PeriodError(
                _("%(year)d is outside the years returns cover (%(first)d to %(last)d).")
                % {"year": year, "first": EARLIEST_YEAR, "last": LATEST_YEAR}
            )
        return cls(year, int(found.group(2) or 0), int(found.group(3) or 0))

    @property
    def kind(self) -> PeriodKind:
        if self.quarter:
            return PeriodKind.QUARTER
        if self.month:
            return PeriodKind.MONTH
        return PeriodKind.YEAR

    def __str__(self) -> str:
        if self.quarter:
            return f"{self.year}-Q{self.quarter}"
        if self.month:
            return f"{self.year}-{self.month:02d}"
        return str(self.year)

    @property
    def start(self) -> datetime.date:
        month = self.month or (3 * self.quarter - 2 if self.quarter else 1)
        return datetime.date(self.year, month, 1)

    @property
    def end(self) -> datetime.date:
        """The last day of the period."""
        return self.following().start - datetime.timedelta(days=1)

    def following(self) -> Period:
        if self.quarter:
            return Period(self.year + self.quarter // 4, self.quarter % 4 + 1)
        if self.month:
            return Period(self.year + self.month // 12, month=self.month % 12 + 1)
        return Period(self.year + 1)

    def previous(self) -> Period:
        if self.quarter:
            return Period(self.year - (self.quarter == 1), quarter=(self.quarter - 2) % 4 + 1)
        if self.month:
            return Period(self.year - (self.month == 1), month=(self.month - 2) % 12 + 1)
        return Period(self.year - 1)

    def back(self, steps: int) -> list[Period]:
        """This period and the ``steps`` before it, latest first."""
        periods = [self]
        for _step in range(steps):
            periods.append(periods[-1].previous())
        return periods
