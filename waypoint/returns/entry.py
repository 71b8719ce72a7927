"""The figures form of a draft return.

For each indicator of the questionnaire the form has its total and one row per figure that
breaks it down: each row names its categories (a breakdown and a category code, one pair per
breakdown, so that a row may cross sex by age group) and gives a value or a "fewer than" bound.
Rows and pairs are added and removed with buttons that re-render the form with what was typed
(htmx swaps it in place; without JavaScript the page reloads). The form checks only what it must
to read a figure (a number, a category for each breakdown chosen, each figure once); the rules of
returns are checked by ``validation.check`` once the draft is saved, and their findings are shown
beside the figures they concern.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waypoint.lib.numbered import without_block
from waypoint.reference.models import UNKNOWN
from waypoint.returns.actions import Entry
from waypoint.returns.breakdowns import BREAKDOWNS, COUNTRY_ANSWERS
from waypoint.returns.forms import Form
from waypoint.returns.models import Indicator, ReturnValue
from waypoint.returns.presentation import (
    COUNTRY_DIMENSIONS,
    category_label,
    dimension_label,
    ordered_categories,
    part_key,
    part_title,
    row_order,
)
from waypoint.returns.validation import Finding, Severity

#: Bounds on what one post may hold (Django refuses more than DATA_UPLOAD_MAX_NUMBER_FIELDS).
MAX_ROWS = 1000
MAX_NOTE = 2000
MAX_CODE = 60
TRAILING_CODE = re.compile(r"\(([^()]+)\)\s*$")
ACTION = re.compile(
    r"^(?P<verb>add-row|remove-row|add-pair|remove-pair):(?P<code>[-\w]+)"
    r"(?::(?P<row>\d+))?(?::(?P<pair>\d+))?$"
)


def datalist_id(dimension: str) -> str:
    return "codes-countries" if dimension in COUNTRY_DIMENSIONS else f"codes-{dimension}"


class DimensionSelect(forms.Select):
    """A breakdown to choose; each option names the list of codes its categories take, so that
    the page's script offers the right codes once a breakdown is chosen."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        if option["value"]:
            option["attrs"]["data-list"] = datalist_id(str(option["value"]))
        return option


class FigureForm(Form):
    """One figure of an indicator: its categories (none for the total), its value or the bound
    below which it lies (censored), a note; for a prefilled figure, how it was derived."""

    value = forms.DecimalField(
        label=gettext_lazy("Value"),
        required=False,
        min_value=0,
        max_digits=18,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 8}),
    )
    below = forms.IntegerField(
        label=gettext_lazy("or fewer than"),
        required=False,
        min_value=1,
        max_value=2_147_483_647,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 4}),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    #: Kept while the value stays the one derived (``derived``).
    derivation = forms.CharField(required=False, widget=forms.HiddenInput)
    derived = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data: QueryDict, *, indicator: Indicator, prefix: str, pairs: int) -> None:
        super().__init__(data, prefix=prefix)
        self.indicator = indicator
        self.pairs = pairs
        self.findings: list[Finding] = []
        self.categories: dict[str, str] = {}
        choices = [(name, dimension_label(name)) for name in indicator.breakdowns]
        for number in range(1, pairs + 1):
            chosen = str(data.get(self.add_prefix(f"dimension_{number}")) or "")
            extra = (
                [(chosen, dimension_label(chosen))]
                if chosen and chosen not in dict(choices)
                else []
            )
            self.fields[f"dimension_{number}"] = forms.ChoiceField(
                label=_("Breakdown"),
                required=False,
                choices=[("", _("Choose…")), *choices, *extra],
                widget=DimensionSelect,
            )
            self.fields[f"category_{number}"] = forms.CharField(
                label=_("Category"),
                required=False,
                max_length=MAX_CODE,
                widget=forms.TextInput(
                    attrs={
                        "list": datalist_id(chosen or (choices[0][0] if choices else "")),
                        "autocomplete": "off",
                        "spellcheck": "false",
                        "size": 12,
                        "class": "code-input",
                    }
                ),
            )

    @property
    def is_total(self) -> bool:
        return self.prefix is not None and self.prefix.endswith(".total")

    @property
    def anchor(self) -> str:
        return f"figure-{self.prefix}"

    @property
    def row_number(self) -> str:
        return (self.prefix or "").rsplit(".", 1)[-1]

    def focus(self, element_id: str) -> None:
        """Give the field with this id the focus when the page shows."""
        for name in self.fields:
            if self[name].id_for_label == element_id:
                self.fields[name].widget.attrs["autofocus"] = True

    def pair_fields(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [
            (number, self[f"dimension_{number}"], self[f"category_{number}"])
            for number in range(1, self.pairs + 1)
        ]

    def raw_key(self) -> str:
        """The figure's key as typed, without reading the form (to place findings)."""
        pairs = {}
        for number in range(1, self.pairs + 1):
            name = str(self.data.get(self.add_prefix(f"dimension_{number}")) or "")
            code = str(self.data.get(self.add_prefix(f"category_{number}")) or "").strip()
            if name and code:
                pairs[name] = code
        return ReturnValue.key_of(pairs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen: dict[str, str] = {}
        open_pairs = []
        for number in range(1, self.pairs + 1):
            name = cleaned.get(f"dimension_{number}") or ""
            code = (cleaned.get(f"category_{number}") or "").strip()
            if not code:
                open_pairs.append(number)  # a breakdown chosen, its category not (yet) given
            elif not name:
                self.add_error(f"dimension_{number}", _("Choose what this category breaks down."))
            elif name in chosen:
                self.add_error(f"dimension_{number}", _("Each breakdown comes once in a row."))
            else:
                chosen[name] = normalised(name, code)
        self.categories = chosen
        if self.given():
            for number in open_pairs:
                if cleaned.get(f"dimension_{number}"):
                    message = _("Give the category, or remove this breakdown.")
                    self.add_error(f"category_{number}", message)
        if not self.is_total and not chosen and self.given() and not self.errors:
            target = "dimension_1" if self.pairs else None
            self.add_error(target, _("Choose a breakdown and its category, or remove the row."))
        return cleaned

    def given(self) -> bool:
        """Whether anything is given for the figure (a blank row is left out)."""
        values = self.cleaned_data
        return bool(
            self.categories
            or values.get("value") is not None
            or values.get("below") is not None
            or (values.get("note") or "").strip()
        )

    def entry(self) -> Entry:
        values = self.cleaned_data
        value = values.get("value")
        derivation = values.get("derivation") or ""
        if derivation and not _same(value, values.get("derived") or ""):
            derivation = ""  # the figure was changed: it is no longer the derived one
        return Entry(
            indicator=self.indicator.code,
            categories=dict(self.categories),
            value=value,
            censored_below=values.get("below"),
            derivation=derivation,
            note=(values.get("note") or "").strip(),
        )

    def error_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    def warning_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is not Severity.ERROR]

    def mark(self, findings: Iterable[Finding]) -> None:
        """Show the checks' findings beside the figure: the value refers to them."""
        self.findings += list(findings)
        if not self.findings:
            return
        widget = self.fields["value"].widget
        widget.attrs["aria-describedby"] = f"{self.anchor}-findings"
        if self.error_findings():
            widget.attrs["aria-invalid"] = "true"


def normalised(dimension: str, text: str) -> str:
    """The code meant by ``text``: the code itself in any case, a name, or "Name (CODE)";
    anything else as typed, so that the checks name the closest codes."""
    breakdown = BREAKDOWNS.get(dimension)
    if breakdown is None or breakdown.accepts(text):
        return text
    match = TRAILING_CODE.search(text)
    candidates = [text, match.group(1).strip()] if match else [text]
    codes = {code.casefold(): code for code in (*breakdown.codes(), UNKNOWN)}
    for candidate in candidates:
        if candidate.casefold() in codes:
            return codes[candidate.casefold()]
    labels = {category_label(dimension, code).casefold(): code for code in codes.values()}
    return labels.get(text.casefold(), text)


def _same(value: Decimal | None, derived: str) -> bool:
    try:
        return value is not None and Decimal(derived) == value
    except ArithmeticError:
        return False


@dataclass
class IndicatorEntry:
    """An indicator's total and its breakdown rows."""

    number: str
    indicator: Indicator
    total: FigureForm
    rows: list[FigureForm]
    #: Findings about figures the form does not give (a total its breakdowns miss).
    findings: list[Finding] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def anchor(self) -> str:
        return f"indicator-{self.indicator.code}"

    @property
    def new_row_name(self) -> str:
        return f"{self.code}.new"

    def forms(self) -> list[FigureForm]:
        return [self.total, *self.rows]

    def breakdown_choices(self) -> list[tuple[str, str]]:
        return [(name, dimension_label(name)) for name in self.indicator.breakdowns]

    def place(self, findings: Iterable[Finding]) -> None:
        by_key: dict[str, list[Finding]] = {}
        for finding in findings:
            by_key.setdefault(finding.key, []).append(finding)
        for form in self.forms():
            form.mark(by_key.pop(form.raw_key(), []) if form.is_total or form.raw_key() else [])
        self.findings += [finding for found in by_key.values() for finding in found]


@dataclass
class EntryPart:
    key: str
    title: str
    indicators: list[IndicatorEntry]


@dataclass
class SummaryItem:
    anchor: str
    label: str
    message: str


class FiguresEntry:
    """The figures form of a draft: every indicator bound to the same data."""

    def __init__(self, data: QueryDict, *, items: Sequence[tuple[str, Indicator]]) -> None:
        self.data = data
        self.indicators = [self._indicator(number, indicator) for number, indicator in items]
        self.general: list[Finding] = []
        self.focus = ""
        self.checked = False

    def _indicator(self, number: str, indicator: Indicator) -> IndicatorEntry:
        code = indicator.code
        total = FigureForm(self.data, indicator=indicator, prefix=f"{code}.total", pairs=0)
        rows = [
            FigureForm(
                self.data,
                indicator=indicator,
                prefix=f"{code}.{row}",
                pairs=max(1, count(self.data, f"{code}.{row}.pairs", len(BREAKDOWNS))),
            )
            for row in range(1, count(self.data, f"{code}.rows", MAX_ROWS) + 1)
        ]
        return IndicatorEntry(number, indicator, total, rows)

    def set_focus(self, element_id: str) -> None:
        self.focus = element_id
        for block in self.indicators:
            for form in block.forms():
                form.focus(element_id)

    def parts(self) -> list[EntryPart]:
        parts: list[EntryPart] = []
        for block in self.indicators:
            key = part_key(block.number) if block.number else "other"
            if not parts or parts[-1].key != key:
                title = (
                    part_title(key)
                    if key != "other"
                    else _("Figures the questionnaire does not ask for")
                )
                parts.append(EntryPart(key, title, []))
            parts[-1].indicators.append(block)
        return parts

    def place(self, findings: Iterable[Finding]) -> None:
        """Put each finding beside the figure it is about."""
        by_indicator: dict[str, list[Finding]] = {}
        for finding in findings:
            by_indicator.setdefault(finding.indicator, []).append(finding)
        for block in self.indicators:
            block.place(by_indicator.pop(block.code, []))
        self.general = [finding for found in by_indicator.values() for finding in found]

    def entries(self) -> list[Entry] | None:
        """Every figure the form gives, or None when one cannot be read (the form then shows
        why beside it)."""
        self.checked = True
        found: list[Entry] = []
        for block in self.indicators:
            rows: dict[str, int] = {}
            for number, form in enumerate(block.forms()):
                if not form.is_valid() or not form.given():
                    continue
                key = ReturnValue.key_of(form.categories)
                if key in rows:
                    form.add_error(
                        "category_1" if form.pairs else None,
                        _("This figure is given already, in row %(row)s.") % {"row": rows[key]}
                        if rows[key]
                        else _("This figure is the total."),
                    )
                    continue
                rows[key] = number
                found.append(form.entry())
        return None if self.has_problems() else found

    def has_problems(self) -> bool:
        return any(form.errors for block in self.indicators for form in block.forms())

    def summary(self) -> list[SummaryItem]:
        """What cannot be read, in page order, each linking to its field."""
        items = []
        for block in self.indicators:
            for form in block.forms():
                for name, errors in form.errors.items():
                    anchor = form[name].id_for_label if name != "__all__" else form.anchor
                    label = _row_label(block, form)
                    items += [SummaryItem(anchor, label, str(error)) for error in errors]
        return items

    def findings_summary(self) -> list[SummaryItem]:
        """What the checks found, in page order, each linking to its figure."""
        items = [SummaryItem("figures-heading", _("The return"), f.message) for f in self.general]
        for block in self.indicators:
            label = f"{block.number} {block.indicator.name}".strip()
            items += [SummaryItem(block.anchor, label, f.message) for f in block.findings]
            for form in block.forms():
                items += [
                    SummaryItem(form.anchor, _row_label(block, form), f.message)
                    for f in form.findings
                ]
        return items

    def counts(self) -> tuple[int, int]:
        """How many errors and warnings the checks found."""
        every = list(self.general)
        for block in self.indicators:
            every += block.findings + [f for form in block.forms() for f in form.findings]
        errors = sum(1 for f in every if f.severity is Severity.ERROR)
        return errors, len(every) - errors

    def datalists(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The lists of codes the category inputs offer, one per kind of breakdown."""
        names = {name for block in self.indicators for name in block.indicator.breakdowns}
        lists: dict[str, list[tuple[str, str]]] = {}
        for name in sorted(names):
            breakdown = BREAKDOWNS.get(name)
            if breakdown is None or datalist_id(name) in lists:
                continue
            codes = set(breakdown.codes()) | {UNKNOWN}
            options = sorted(
                ((code, category_label(name, code)) for code in codes),
                key=lambda pair: (pair[0] in COUNTRY_ANSWERS, pair[1].casefold()),
            )
            lists[datalist_id(name)] = options
        return sorted(lists.items())


def _row_label(block: IndicatorEntry, form: FigureForm) -> str:
    name = f"{block.number} {block.indicator.name}".strip()
    if form.is_total:
        return _("%(indicator)s, total") % {"indicator": name}
    return _("%(indicator)s, row %(row)s") % {"indicator": name, "row": form.row_number}


def count(data: QueryDict, key: str, limit: int) -> int:
    try:
        return max(0, min(int(data.get(key, 0)), limit))
    except (TypeError, ValueError):
        return 0


# The data of stored figures, and rearranging rows -------------------------------------------------


def input_number(value: Decimal | int | None) -> str:
    """A number as a form field takes it back in the reader's locale (no grouping)."""
    if value is None:
        return ""
    if Decimal(value) == Decimal(value).to_integral_value():
        return str(int(value))
    return number_format(value, decimal_pos=2)


def stored_data(indicators: Iterable[Indicator], values: Iterable[ReturnValue]) -> QueryDict:
    """The form's data for the stored figures: each indicator's total and its rows in order."""
    data = QueryDict(mutable=True)
    by_indicator: dict[int, list[ReturnValue]] = {}
    for value in values:
        by_indicator.setdefault(value.indicator_id, []).append(value)
    for indicator in indicators:
        stored = sorted(
            by_indicator.get(indicator.pk, []), key=lambda v: row_order(indicator, v.categories)
        )
        rows = [value for value in stored if value.categories]
        total = next((value for value in stored if not value.categories), None)
        if total is not None:
            _put_figure(data, f"{indicator.code}.total", total)
        data[f"{indicator.code}.rows"] = str(len(rows))
        for row, value in enumerate(rows, start=1):
            prefix = f"{indicator.code}.{row}"
            pairs = ordered_categories(indicator, value.categories)
            data[f"{prefix}.pairs"] = str(len(pairs))
            for number, (name, code) in enumerate(pairs, start=1):
                data[f"{prefix}-dimension_{number}"] = name
                data[f"{prefix}-category_{number}"] = code
            _put_figure(data, prefix, value)
    return data


def _put_figure(data: QueryDict, prefix: str, value: ReturnValue) -> None:
    data[f"{prefix}-value"] = input_number(value.value)
    data[f"{prefix}-below"] = input_number(value.censored_below)
    data[f"{prefix}-note"] = value.note
    if value.derivation:
        data[f"{prefix}-derivation"] = value.derivation
        data[f"{prefix}-derived"] = "" if value.value is None else str(value.value)


def rearranged(
    data: QueryDict, action: str, indicators: dict[str, Indicator]
) -> tuple[QueryDict, str] | None:
    """The data with a row or a breakdown pair added or removed as ``action`` asks
    (``add-row:<indicator>``, ``remove-row:<indicator>:<row>``, ``add-pair:<indicator>:<row>``,
    ``remove-pair:<indicator>:<row>:<pair>``), and the id of the element to focus next; None when
    ``action`` asks for none of these."""
    match = ACTION.match(action)
    if match is None or match["code"] not in indicators:
        return None
    indicator, verb = indicators[match["code"]], match["verb"]
    code = indicator.code
    rows = count(data, f"{code}.rows", MAX_ROWS)
    row = int(match["row"]) if match["row"] else 0
    changed = data.copy()
    if verb == "add-row":
        return _add_row(changed, indicator, rows), f"id_{code}.{rows + 1}-category_1"
    if not 1 <= row <= rows:
        return changed, ""
    prefix = f"{code}.{row}"
    pairs = max(1, count(data, f"{prefix}.pairs", len(BREAKDOWNS)))
    if verb == "remove-row":
        return without_block(changed, f"{code}.", row, rows, f"{code}.rows"), f"indicator-{code}"
    if verb == "add-pair":
        if pairs >= len(BREAKDOWNS):
            return changed, ""
        used = {str(data.get(f"{prefix}-dimension_{n}") or "") for n in range(1, pairs + 1)}
        free = [name for name in indicator.breakdowns if name not in used]
        changed[f"{prefix}.pairs"] = str(pairs + 1)
        changed[f"{prefix}-dimension_{pairs + 1}"] = free[0] if free else ""
        changed[f"{prefix}-category_{pairs + 1}"] = ""
        return changed, f"id_{prefix}-category_{pairs + 1}"
    pair = int(match["pair"] or 0)
    if not 1 <= pair <= pairs or pairs == 1:
        return changed, ""
    for number in range(pair, pairs):
        for name in ("dimension", "category"):
            changed[f"{prefix}-{name}_{number}"] = str(
                data.get(f"{prefix}-{name}_{number + 1}") or ""
            )
    for name in ("dimension", "category"):
        changed.pop(f"{prefix}-{name}_{pairs}", None)
    changed[f"{prefix}.pairs"] = str(pairs - 1)
    return changed, f"id_{prefix}-category_1"


def _add_row(data: QueryDict, indicator: Indicator, rows: int) -> QueryDict:
    if rows >= MAX_ROWS:
        return data
    code, row = indicator.code, rows + 1
    chosen = str(data.get(f"{code}.new") or "")
    if chosen not in indicator.breakdowns:
        chosen = indicator.breakdowns[0] if indicator.breakdowns else ""
    data[f"{code}.rows"] = str(row)
    data[f"{code}.{row}.pairs"] = "1"
    data[f"{code}.{row}-dimension_1"] = chosen
    for name in ("category_1", "value", "below", "note"):
        data[f"{code}.{row}-{name}"] = ""
    return data
