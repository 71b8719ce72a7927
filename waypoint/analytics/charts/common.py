"""What every chart shares: reading a protected table, the look (palettes, fonts, sizes, reading
direction, number format) and the wording of suppressed and noisy values."""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, Protocol

import vl_convert
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from waypoint.analytics.table import TOTAL, CellStatus, Dimension, StatTable

# Okabe & Ito (2008), "Color Universal Design": eight colours told apart with every common
# colour-vision deficiency. Blue comes first because a single series is drawn in it; yellow
# comes late because it is faint on white.
OKABE_ITO = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#000000",
    "#F0E442",
)
# Sequential scheme for maps: viridis is perceptually even and readable in grey and by
# colour-blind readers; reversed so that more is darker.
SEQUENTIAL_SCHEME: Literal["viridis"] = "viridis"

TEXT_COLOUR = "#222222"
NOTE_COLOUR = "#444444"
ERROR_BAR_COLOUR = "#222222"
NO_DATA_COLOUR = "#e3e3e3"

# Suppressed marks are hatched: a pattern that ``render`` defines in every SVG it makes. The grey
# after the reference is the SVG fallback paint for anyone drawing the specification without it.
HATCH_ID = "waypoint-suppressed"
HATCH_FILL = f"url(#{HATCH_ID}) #cfcfcf"
SUPPRESSED_STROKE = "#6f6f6f"
SUPPRESSED_DASH = [4, 3]

PUBLISHED = "published"
SUPPRESSED = "suppressed"
NOISY = "noisy"
EMPTY = "empty"  # published, but the measure has no value (e.g. the median of no one)

# Fonts that vl-convert finds on a Debian host with fonts-noto-core and fonts-noto-cjk, then what
# a browser showing the SVG may have. vl-convert shapes a whole label in the first family it
# finds and falls back glyph by glyph without regard to weight, so the first family must cover
# the language: Noto Sans CJK for Chinese, DejaVu Sans for Arabic (Noto Sans Arabic has no Latin
# letters, digits or brackets, which Arabic labels mix in).
FONTS = {
    "zh": "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC, sans-serif",
    "ar": "DejaVu Sans, Noto Sans Arabic, Tahoma, sans-serif",
}
DEFAULT_FONT = "Noto Sans, DejaVu Sans, Arial, sans-serif"

# d3-format locales (as vl-convert names them) for each interface language. Arabic keeps Western
# digits, as United Nations documents in Arabic do.
NUMBER_LOCALES: dict[str, Literal["en-US", "fr-FR", "es-ES", "ru-RU", "zh-CN"]] = {
    "en": "en-US",
    "fr": "fr-FR",
    "es": "es-ES",
    "ru": "ru-RU",
    "zh": "zh-CN",
    "ar": "en-US",
}

MAX_SERIES = len(OKABE_ITO)

Spec = dict[str, Any]


class HasTable(Protocol):
    """What the disclosure gate hands out: a protected ``StatTable`` as ``table``."""

    @property
    def table(self) -> StatTable: ...


@dataclass(frozen=True)
class Look:
    """The language-dependent look of a chart."""

    language: str
    rtl: bool
    font: str
    number_locale: Mapping[str, Any]


def look(language: str | None = None, rtl: bool | None = None) -> Look:
    """Return the look for a language (the active one by default); right-to-left follows the
    language unless ``rtl`` says otherwise."""
    language = (language or translation.get_language() or "en").lower()
    base = language[:2]
    if rtl is None:
        rtl = translation.get_language_info(language)["bidi"] if _known(language) else False
    return Look(language, rtl, FONTS.get(base, DEFAULT_FONT), _number_locale(base))


def _known(language: str) -> bool:
    try:
        translation.get_language_info(language)
    except KeyError:
        return False
    return True


@cache
def _number_locale(base: str) -> dict[str, Any]:
    locale: dict[str, Any] = vl_convert.get_format_locale(NUMBER_LOCALES.get(base, "en-US"))
    return locale


def config(style: Look) -> Spec:
    """Return the Vega-Lite ``config`` every chart starts from: readable sizes, the language's
    font and number format, titles and legends on the reading side."""
    return {
        "font": style.font,
        "locale": {"number": dict(style.number_locale)},
        "background": "white",
        "padding": 12,
        "view": {"stroke": None},
        "title": {
            "fontSize": 16,
            "lineHeight": 20,
            "subtitleFontSize": 12,
            "subtitleLineHeight": 16,
            "subtitleColor": NOTE_COLOUR,
            "color": TEXT_COLOUR,
            "anchor": "end" if style.rtl else "start",
            "offset": 12,
        },
        "axis": {
            "labelFontSize": 12,
            "titleFontSize": 13,
            "labelColor": TEXT_COLOUR,
            "titleColor": TEXT_COLOUR,
            "labelLimit": 240,
            "titlePadding": 8,
        },
        "legend": {
            "labelFontSize": 12,
            "titleFontSize": 13,
            "labelColor": TEXT_COLOUR,
            "titleColor": TEXT_COLOUR,
            "labelLimit": 240,
            "orient": "left" if style.rtl else "right",
        },
        "text": {"fontSize": 11, "color": TEXT_COLOUR},
    }


def as_table(source: StatTable | HasTable) -> StatTable:
    """Accept a table as it leaves the disclosure gate, or the ``StatTable`` itself."""
    if isinstance(source, StatTable):
        return source
    table = getattr(source, "table", None)
    if isinstance(table, StatTable):
        return table
    raise TypeError(_("A chart needs a statistical table, not %(kind)s.") % {"kind": type(source)})


@dataclass(frozen=True)
class Datum:
    """One value to draw: its categories along the chosen dimensions (codes and labels), the
    value (None unless published or noisy), its status and its 95 % error interval."""

    codes: tuple[str, ...]
    labels: tuple[str, ...]
    value: float | None
    status: str
    lower: float | None = None
    upper: float | None = None


def select(
    table: StatTable,
    measure: str,
    along: Sequence[str],
    where: Mapping[str, str] | None = None,
    totals: Collection[str] = (),
) -> list[Datum]:
    """Return the cells that vary along the named dimensions, in display order (with the total
    after the categories of those named in ``totals``), every other dimension at the category
    ``where`` names or, by default, at its total."""
    if measure not in table.measures:
        raise ValueError(_("The table has no measure %(measure)s.") % {"measure": measure})
    names = [dimension.name for dimension in table.dimensions]
    for name in (*along, *(where or {})):
        if name not in names:
            raise ValueError(_("The table has no dimension %(name)s.") % {"name": name})
    for name, category in (where or {}).items():
        if category not in (*table.dimensions[names.index(name)].categories, TOTAL):
            raise ValueError(
                _("Dimension %(name)s has no category %(category)s.")
                % {"name": name, "category": category}
            )
    axes = [
        _axis(dimension.name, dimension.categories, along, where, dimension.name in totals)
        for dimension in table.dimensions
    ]
    data = []
    for key in itertools.product(*axes):
        cell = table.cells[key]
        picked = [(table.dimensions[names.index(name)], key[names.index(name)]) for name in along]
        codes = tuple(category for _dimension, category in picked)
        labels = tuple(_label(dimension, category) for dimension, category in picked)
        data.append(_datum(codes, labels, cell.values.get(measure), cell.status, cell.margin))
    return data


def _axis(
    name: str,
    categories: Sequence[str],
    along: Sequence[str],
    where: Mapping[str, str] | None,
    with_total: bool,
) -> Sequence[str]:
    if name in along:
        return (*categories, TOTAL) if with_total else tuple(categories)
    return ((where or {}).get(name, TOTAL),)


def _label(dimension: Dimension, category: str) -> str:
    return _("Total") if category == TOTAL else str(dimension.label_of(category))


def _datum(
    codes: tuple[str, ...],
    labels: tuple[str, ...],
    value: float | None,
    status: CellStatus,
    margin: float | None,
) -> Datum:
    if status in (CellStatus.PRIMARY, CellStatus.SECONDARY):
        return Datum(codes, labels, None, SUPPRESSED)
    if value is None:
        return Datum(codes, labels, None, EMPTY)
    if status is CellStatus.NOISY and margin is not None:
        return Datum(codes, labels, value, NOISY, value - margin, value + margin)
    return Datum(codes, labels, value, PUBLISHED)


def measure_of(table: StatTable, measure: str | None) -> str:
    return measure or table.measures[0]


def value_title(table: StatTable, measure: str) -> str:
    """Name the value axis after what was counted, and the measure when the table has several."""
    unit = str(table.unit) or _("contributors")
    if measure == table.measures[0]:
        return str(capfirst(unit))
    return f"{capfirst(measure.replace('_', ' '))} ({unit})"


def format_number(value: float, style: Look) -> str:
    """Format a value as the chart's axes do: grouped thousands, a decimal only when needed."""
    decimals = 0 if float(value).is_integer() or abs(value) >= 100 else 1
    text = f"{abs(value):,.{decimals}f}"
    locale = style.number_locale
    text = (
        text.replace(",", "\0").replace(".", locale["decimal"]).replace("\0", locale["thousands"])
    )
    return f"−{text}" if value < 0 else text


def value_text(datum: Datum, style: Look) -> str:
    """Return the label written beside a mark: the value, "value ± margin" when noisy, or
    the word for a suppressed or empty cell."""
    if datum.status == SUPPRESSED:
        return _("suppressed")
    if datum.status == EMPTY or datum.value is None:
        return "–"
    if datum.status == NOISY and datum.upper is not None:
        margin = datum.upper - datum.value
        return f"{format_number(datum.value, style)} ± {format_number(margin, style)}"
    return format_number(datum.value, style)


def notes(data: Sequence[Datum]) -> list[str]:
    """Return the lines under a chart's title that explain how withheld and noisy values are
    drawn, for the statuses present."""
    statuses = {datum.status for datum in data}
    lines = []
    if SUPPRESSED in statuses:
        lines.append(
            _(
                "Hatched: value withheld to protect the people counted (too few to publish); not zero."
            )
        )
    if NOISY in statuses:
        lines.append(_("Values carry random noise for privacy; error bars show the 95 % margin."))
    return lines


def title(text: str, subtitle: Sequence[str]) -> Spec:
    spec: Spec = {"text": text}
    if subtitle:
        spec["subtitle"] = list(subtitle)
    return spec


def series_colours(count: int) -> list[str]:
    """Return one Okabe–Ito colour per series; more series than colours would reuse a colour
    for two meanings, so they are refused."""
    if count > MAX_SERIES:
        raise ValueError(
            _("A chart shows at most %(max)d series; this one would have %(count)d.")
            % {"max": MAX_SERIES, "count": count}
        )
    return list(OKABE_ITO[:count])


def finish(spec: Spec, style: Look, heading: Spec) -> Spec:
    """Add the shared config, the title and a description (the SVG's accessible name), and drop
    the ``$schema`` address: a chart refers to nothing outside itself."""
    spec.pop("$schema", None)
    spec["title"] = heading
    spec["description"] = ". ".join([heading["text"], *heading.get("subtitle", [])])
    spec["config"] = config(style)
    return spec
