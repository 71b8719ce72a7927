"""The IOM Missing Migrants Project (MMP) export, in every vintage seen.

One row is one incident in which migrants died or went missing during migration; persons are not
itemised, so a row becomes an incident of kind ``death_or_disappearance`` with counts (dead,
missing, survivors as rescued), causes of death, the migration route, the place with its
coordinates, and the sources. Five generations of the export are read: the 2014–2020 database dump
(``NULL`` for missing, ``1-Sep-20`` dates, doubly encoded text), the 2019 global export (``Web ID``,
``December 30, 2019``, ``"lat, lon"``), the 2022 workbook (``Incident Type``, ``POINT (lon lat)``,
comma-joined causes), the 2026 export (``Thu, 01/01/2026 - 12:00``, ``Country of Origin``) and
the portal names of the curated Europe file (``No. dead``, ``NA``, separate latitude and
longitude). Rows of type "Cumulative Incident" total several deaths over a period; they are
skipped and counted, not imported.

References are the MMP ``Incident ID`` (so the same incident keeps its record across vintages),
else ``MMP-WEB-<Web ID>``, else a hash of the row's content with its occurrence in the file, as for
CTDC. Where each column goes and what is dropped: docs/formats/mmp.md.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from waypoint.bulk import mapping
from waypoint.bulk.formats import Format, ReadContext
from waypoint.bulk.mapping import RecordBuilder, Rejected, SourceRecord, text_of
from waypoint.bulk.sources import Row, Table
from waypoint.cases.models import Incident, RouteLeg
from waypoint.cases.validation import IncidentDraft

#: Each of the format's fields under the names the vintages give it (normalised headers).
ALIASES: dict[str, tuple[str, ...]] = {
    "incident_id": ("incident_id",),
    "web_id": ("web_id",),
    "main_id": ("main_id",),
    "incident_type": ("incident_type",),
    "date": ("incident_date_clean", "incident_date", "website_date", "reported_date"),
    "date_precision": ("incident_date_precision",),
    "year": ("incident_year", "reported_year", "year"),
    "month": ("incident_month", "reported_month", "month"),
    "dead": ("number_dead", "number_of_dead", "no_dead"),
    "missing": ("minimum_estimated_number_of_missing", "number_missing", "no_missing"),
    "total": ("total_dead_and_missing", "total_number_of_dead_and_missing", "no_dead_missing"),
    "survivors": ("number_of_survivors", "no_survivors"),
    "cause": ("cause_of_death_category", "cause_of_death"),
    "route": ("migration_route", "route"),
    "country": ("country_of_incident",),
    "origin": ("country_of_origin",),
    "location": ("location_of_death", "location_description", "location_of_incident"),
    "source": ("information_source", "source"),
    "url": ("url", "link"),
    "article": ("article_title",),
    "quality": ("source_quality",),
    "coordinates": ("coordinates", "location_coordinates"),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "lon", "long"),
}
#: Read and not stored, with the reason (also in docs/formats/mmp.md).
DROPPED = {
    "region_of_incident": "MMP's own regional grouping; the country and coordinates place the incident",
    "region": "MMP's own regional grouping; the country and coordinates place the incident",
    "unsd_geographical_grouping": "derived from the place (UN M49 sub-region); statistics derive it from the country",
    "unsd_region": "derived from the place (UN M49 sub-region); statistics derive it from the country",
    "region_of_origin": "a region, not a country, often presumed; the data model has no field for it",
    "number_of_females": "the incident holds no counts by sex (persons are not itemised)",
    "number_of_males": "the incident holds no counts by sex (persons are not itemised)",
    "number_of_children": "the incident holds no counts of children (persons are not itemised)",
    "no_female": "the incident holds no counts by sex (persons are not itemised)",
    "no_male": "the incident holds no counts by sex (persons are not itemised)",
    "no_minors": "the incident holds no counts of children (persons are not itemised)",
    "cause_of_death_reported": "the cause as reported; the category is imported",
}
#: Restate other columns.
DERIVED = frozenset({"incident_date_raw", "source_dataset"})
KNOWN = frozenset(name for names in ALIASES.values() for name in names) | set(DROPPED) | DERIVED

#: Signals of the layout, any vintage; a file of another format has at most one or two.
SIGNALS = (
    ("minimum_estimated_number_of_missing", "no_missing", "number_missing"),
    ("number_dead", "number_of_dead", "no_dead"),
    ("number_of_survivors", "no_survivors"),
    ("cause_of_death", "cause_of_death_category"),
    ("source_quality",),
    ("location_of_death", "location_description"),
    ("unsd_geographical_grouping", "unsd_region"),
)
THRESHOLD = 0.5

#: Missing in MMP files: blank, ``NULL`` (database dump), ``NA`` (R). MMP writes countries as
#: names, so ``NA`` is never Namibia here.
MISSING = frozenset({"", "null", "na", "n/a", "nan", "none"})
NOT_A_COUNTRY = frozenset({"unknown", "mixed", "mixed_unknown", "unknown_mixed"})
COUNTRY_SYNONYMS = {
    "palestinian_territories": "PSE",
    "occupied_palestinian_territory": "PSE",
    "kosovo": "XKX",
}

ROUTE_SYNONYMS = {
    # Names of the same route across MMP vintages.
    "central_america_to_us": "us_mexico_border",
    "us_mexico_border_crossing": "us_mexico_border",
    "us_mexico_border": "us_mexico_border",
    "calais_to_united_kingdom": "english_channel",
    "english_channel_to_the_uk": "english_channel",
    "mainland_europe_to_the_uk": "english_channel",
    "horn_africa_to_yemen": "eastern_route_horn_of_africa",
    "horn_of_africa_to_yemen_crossing": "eastern_route_horn_of_africa",
    "eastern_route_to_from_ehoa": "eastern_route_horn_of_africa",
    "eastern_route": "eastern_route_horn_of_africa",
    "western_african": "western_african_atlantic",
    "western_africa_atlantic_route_to_the_canary_islands": "western_african_atlantic",
    "darien_gap": "darien",
    "turkey_europe_land_route": "turkiye_europe_land",
    "turkiye_europe_land_route": "turkiye_europe_land",
    "syria_to_turkey": "syria_to_turkiye",
    "iran_to_turkey": "iran_to_turkiye",
    "caribbean_to_us": "caribbean_to_us",
    "haiti_to_dominican_republic": "haiti_to_dominican_republic",
    "from_haiti_to_dajabon_dominican_republic": "haiti_to_dominican_republic",
    "venezuela_to_caribbean": "venezuela_to_caribbean",
    "venezuela_to_curacao": "venezuela_to_caribbean",
    "sea_crossings_to_mayotte": "comoros_to_mayotte",
    # Frontex names.
    "central_mediterranean_route": "central_mediterranean",
    "eastern_mediterranean_route": "eastern_mediterranean",
    "western_mediterranean_route": "western_mediterranean",
    "western_african_route": "western_african_atlantic",
    "western_balkan_route": "western_balkans",
    "western_balkan": "western_balkans",
    "eastern_borders_route": "eastern_land_borders",
    "black_sea_route": "black_sea",
    "circular_route_from_albania_to_greece": "circular_albania_greece",
}

#: The MMP categories of cause of death (2021 onwards). Some contain commas, so a cell of several
#: causes cannot be split on commas before these are taken out.
CAUSE_CATEGORIES = {
    "drowning": "drowning",
    "vehicle accident / death linked to hazardous transport": "vehicle_accident",
    "violence": "violence",
    "harsh environmental conditions / lack of adequate shelter, food, water": "harsh_conditions",
    "sickness / lack of access to adequate healthcare": "sickness_no_healthcare",
    "accidental death": "accidental",
    "mixed or unknown": "mixed_or_unknown",
}
#: The detailed causes of the older exports, by the words they use; the first rule that matches
#: decides, so the more specific rules come first.
CAUSE_RULES: tuple[tuple[str, str], ...] = (
    (r"^(mixed|unknown)$", "mixed_or_unknown"),
    (r"drown|drowinig", "drowning"),
    (r"non-vehicle", "accidental"),
    (r"landmine|lightning|rockslide|crocodile|hippo|envenomation|electrocut", "accidental"),
    (r"blunt force|head injury|suicide|hanging", "mixed_or_unknown"),
    (
        r"shot|stab|murder|^killed$|violen|abuse|rape|tortur|beaten|attacked|air strike|mortar|"
        r"artillery|gassed|weapon|poison",
        "violence",
    ),
    (
        r"vehicle|\btrain|truck|\bbus\b|\bcar\b|collision|stowaway|boat|crush|suffocat|asphyxia|"
        r"fuel burns",
        "vehicle_accident",
    ),
    (
        r"dehydrat|starvation|hyperthermia|hypothermia|exposure|harsh|exhaustion|thirst|"
        r"malnutrition|heat stroke",
        "harsh_conditions",
    ),
    (
        r"sickness|illness|cardiac|heart|pneumonia|infection|cancer|organ failure|hypoglyc|"
        r"seizure|post-partum|pulmonary|covid|respiratory|atherosclerosis|bleeding",
        "sickness_no_healthcare",
    ),
    (r"accident|fall|fell|fire|burn", "accidental"),
    (r"injur", "mixed_or_unknown"),
)

#: MMP source quality (1 single media source … 5 official sources or several humanitarian
#: actors) → (source reliability, information credibility, source type) in Waypoint's 4x4 terms.
SOURCE_QUALITY = {
    1: ("X", "4", "media"),  # a single media report: neither the source nor the story judged
    2: ("X", "2", "witness"),  # an eyewitness or survey, uncorroborated: known to the source
    3: ("C", "3", "media"),  # several media reports: fairly reliable, corroborated
    4: ("B", "2", "unknown"),  # an NGO, IGO or humanitarian actor with direct knowledge
    5: ("B", "1", "unknown"),  # official records (coroners, authorities) or several actors
}

#: A place of more characters than the model holds is shortened with an ellipsis.
PLACE_LENGTH = 200
#: Characters a UTF-8 text decoded as Windows-1252 or Latin-1 shows (``JuÃ¡rez``).
MOJIBAKE = re.compile("Ã.|Â.|â€")


def recognise(tables: list[Table]) -> float:
    return max((_score(table) for table in tables), default=0.0)


def _score(table: Table) -> float:
    hits = sum(any(name in table.headers for name in names) for names in SIGNALS)
    return hits / len(SIGNALS)


@dataclass
class _Tally:
    """What the reader counts across a file, for its notices."""

    cumulative: int = 0
    shortened: int = 0
    repaired: int = 0
    several_origins: int = 0


def read(tables: list[Table], context: ReadContext) -> Iterator[SourceRecord]:
    tally, seen = _Tally(), dict[str, int]()
    for table in tables:
        where = table.file + (f", sheet {table.sheet}" if table.sheet else "")
        if _score(table) < THRESHOLD:
            context.notice(
                _("%(where)s: not a Missing Migrants Project table; skipped.") % {"where": where}
            )
            continue
        context.report_extra_columns(table, KNOWN)
        _explain_unused(table, where, context)
        columns = _Columns(table)
        for row in table.rows:
            if "cumulative" in text_of(columns.value(row, "incident_type")).lower():
                tally.cumulative += 1
                continue
            yield _RowReader(table, columns, row, tally, columns.reference(row, seen)).record()
    _report(tally, context)


def _explain_unused(table: Table, where: str, context: ReadContext) -> None:
    for column, reason in DROPPED.items():
        if column in table.headers:
            context.notice(
                _("%(where)s: column %(column)s not imported: %(reason)s.")
                % {"where": where, "column": table.written(column), "reason": reason}
            )


def _report(tally: _Tally, context: ReadContext) -> None:
    if tally.cumulative:
        context.notice(
            ngettext(
                "%(count)s row of type “Cumulative Incident” skipped: it totals deaths over a "
                "period and is not an incident.",
                "%(count)s rows of type “Cumulative Incident” skipped: they total deaths over a "
                "period and are not incidents.",
                tally.cumulative,
            )
            % {"count": tally.cumulative}
        )
    if tally.shortened:
        context.notice(
            ngettext(
                "%(count)s location longer than %(limit)s characters was shortened.",
                "%(count)s locations longer than %(limit)s characters were shortened.",
                tally.shortened,
            )
            % {"count": tally.shortened, "limit": PLACE_LENGTH}
        )
    if tally.repaired:
        context.notice(
            ngettext(
                "%(count)s cell of doubly encoded text (such as “JuÃ¡rez”) was repaired.",
                "%(count)s cells of doubly encoded text (such as “JuÃ¡rez”) were repaired.",
                tally.repaired,
            )
            % {"count": tally.repaired}
        )
    if tally.several_origins:
        context.notice(
            ngettext(
                "%(count)s row names several countries of origin; a route starts in one "
                "country, so no route leg was recorded for it.",
                "%(count)s rows name several countries of origin; a route starts in one "
                "country, so no route leg was recorded for them.",
                tally.several_origins,
            )
            % {"count": tally.several_origins}
        )


class _Columns:
    """Which header of this table holds each field."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.names = {
            field: next((name for name in names if name in table.headers), None)
            for field, names in ALIASES.items()
        }

    def name(self, field: str) -> str | None:
        return self.names[field]

    def value(self, row: Row, field: str) -> Any:
        name = self.names[field]
        return None if name is None else row.get(name)

    def reference(self, row: Row, seen: dict[str, int]) -> str:
        incident_id = _present(self.value(row, "incident_id"))
        if incident_id:
            return _bounded(incident_id)
        web_id = _present(self.value(row, "web_id"))
        if web_id:
            return _bounded(f"MMP-WEB-{web_id}")
        parts = [
            f"{column}={_canonical(row.get(column))}"
            for column in sorted(self.table.headers)
            if column in KNOWN
        ]
        digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:12]
        seen[digest] = seen.get(digest, 0) + 1
        return f"MMP-{digest}-{seen[digest]}"


def _present(raw: Any) -> str:
    value = text_of(raw)
    return "" if value.lower() in MISSING else value


def _bounded(reference: str) -> str:
    """References hold 64 characters; a split incident lists several IDs in one cell."""
    if len(reference) <= 64:
        return reference
    digest = hashlib.sha256(reference.encode()).hexdigest()[:8]
    return f"{reference.split(',')[0][:50]}+{digest}"


def _canonical(raw: Any) -> str:
    value = _present(raw)
    if re.fullmatch(r"-?\d+(\.0+)?", value):
        return str(int(float(value)))
    return value


# Converters -----------------------------------------------------------------------------------


def count(raw: Any) -> int:
    number = mapping.integer(-10_000_000, 10_000_000)(raw)
    if number < 0:
        raise Rejected(
            _(
                "A negative count: the Missing Migrants Project writes one to correct the count of "
                "another record, which a single incident cannot hold."
            ),
            _("a whole number, 0 or more"),
            "out_of_range",
        )
    return number


def causes(raw: Any) -> list[str]:
    """MMP causes of death → ``death_cause`` codes: the categories of 2021 onwards, several
    joined by commas, and the detailed causes of older exports (``Presumed drowning``,
    ``Hyperthermia``, ``Shot or stabbed``, ``Unknown (skeletal remains)``)."""
    text = text_of(raw).lower().strip()
    found: list[str | None] = []
    for part in _cause_parts(text):
        found.append(CAUSE_CATEGORIES.get(part) or _detailed_cause(part))
    if None in found:
        # A medical examiner's description may hold commas of its own.
        whole = _detailed_cause(text)
        if whole is None:
            unknown = next(
                part for part, code in zip(_cause_parts(text), found, strict=True) if code is None
            )
            raise Rejected(
                _("“%(value)s” is not a cause of death this importer knows.") % {"value": unknown},
                "; ".join(label.capitalize() for label in CAUSE_CATEGORIES),
                "invalid_code",
            )
        found = [whole]
    return list(dict.fromkeys(code for code in found if code))


def _cause_parts(text: str) -> Iterator[str]:
    """The causes of a cell: a category (which may hold commas) or a detailed cause each."""
    while text:
        label = next(
            (
                label
                for label in CAUSE_CATEGORIES
                if text.startswith(label) and text[len(label) :][:1] in ("", ",")
            ),
            None,
        )
        if label:
            yield label
            text = text[len(label) :].lstrip(", ")
            continue
        part, text = _first_part(text)
        if part:
            yield part


def _first_part(text: str) -> tuple[str, str]:
    """The text up to the first comma outside parentheses, and the rest after it."""
    depth = 0
    for index, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth <= 0:
            return text[:index].strip(), text[index + 1 :].lstrip()
    return text.strip(), ""


def _detailed_cause(text: str) -> str | None:
    """The category of one detailed cause; "" for a placeholder that says nothing."""
    text = re.sub(r"^(presumed|pressumed|probable)\s+", "", text.strip())
    if text in ("undefined", "null"):
        return ""
    if text.startswith("unknown") and "(" in text:
        inside = text[text.index("(") + 1 :].rstrip(")")
        if "violence" in inside:
            return "violence"
        if inside.startswith("presumed"):
            return _detailed_cause(inside)
        return "mixed_or_unknown"
    for pattern, code in CAUSE_RULES:
        if re.search(pattern, text):
            return code
    return None


#: Converters are made once: the mapping layer remembers conversions by converter and value.
_ROUTE = mapping.term("migration_route", ROUTE_SYNONYMS)
_DATE_PRECISION = mapping.term("date_precision")
_TEXT = mapping.text(10_000)
_YEAR = mapping.integer(1900, 2100)


def route(raw: Any) -> str:
    try:
        return _ROUTE(raw)
    except Rejected as rejection:
        parts = [part for part in text_of(raw).split(",") if part.strip()]
        if len(parts) > 1 and all(_is_route(part) for part in parts):
            raise Rejected(
                _("Several routes in one cell; an incident is on one route."),
                _("one route name, such as Central Mediterranean"),
                "several_values",
            ) from None
        raise rejection


def _is_route(text: str) -> bool:
    try:
        _ROUTE(text)
    except Rejected:
        return False
    return True


def country(raw: Any) -> str:
    """A country name as MMP writes it; notes after the name (``Libya - presumed departure …``,
    ``Morocco (en route to Ceuta)``) are dropped."""
    name = re.split(r"\s+-\s+|\s*\(", text_of(raw))[0]
    key = mapping.key_of(name)
    if key in NOT_A_COUNTRY:
        return "unknown"
    return COUNTRY_SYNONYMS.get(key) or mapping.country(name)


def source_quality(raw: Any) -> int:
    """MMP source quality 1–5; a curated file joins several (``45``): the best one counts."""
    digits = re.sub(r"[\s,;/]", "", text_of(raw))
    if re.fullmatch(r"\d+(\.0+)?", digits) and "." in digits:
        digits = digits.split(".")[0]
    if not re.fullmatch(r"[1-5]+", digits):
        raise Rejected(_("Not an MMP source quality."), _("a level from 1 to 5"))
    return max(int(digit) for digit in digits)


def coordinate_precision(*written: str) -> str:
    """How precise coordinates are, from the decimals written: MMP places most incidents by
    estimate, so at best ``approximate``; whole or one-decimal degrees are an area."""
    decimals = min(len(text.partition(".")[2]) for text in written)
    return "approximate" if decimals >= 2 else "admin_area"


# One row --------------------------------------------------------------------------------------


class _RowReader:
    """Turns one row into a draft incident, noting where every value came from."""

    def __init__(
        self, table: Table, columns: _Columns, row: Row, tally: _Tally, reference: str
    ) -> None:
        self.table, self.columns, self.row, self.tally = table, columns, row, tally
        self.builder = RecordBuilder(reference)
        self.builder.add_row(row)

    def record(self) -> SourceRecord:
        incident = Incident(reference=self.builder.reference, kinds=["death_or_disappearance"])
        self._date(incident)
        self._place(incident)
        self._counts(incident)
        self._sources(incident)
        route_code = self.take("route", route, "incident.migration_route")
        incident.migration_route = route_code or ""
        legs = self._origin(incident)
        return self.builder.finish(IncidentDraft(incident=incident, legs=legs))

    def take(self, field: str, convert: Callable[[Any], Any], path: str) -> Any:
        name = self.columns.name(field)
        if name is None or text_of(self.row.get(name)).lower() in MISSING:
            return None
        self._repair(name)
        return self.builder.take(self.row, name, convert, path=path, columns=self.table.headers)

    def _repair(self, name: str) -> None:
        """Repair doubly encoded UTF-8 in a cell (``JuÃ¡rez`` → ``Juárez``)."""
        raw = self.row.values.get(name)
        if not isinstance(raw, str) or not MOJIBAKE.search(raw):
            return
        for encoding in ("cp1252", "latin-1"):
            try:
                repaired = raw.encode(encoding).decode("utf-8")
            except UnicodeError:
                continue
            self.row.values[name] = repaired
            self.tally.repaired += 1
            return

    def _date(self, incident: Incident) -> None:
        found = self.take("date", mapping.date, "incident.date_start")
        if found is None:
            found = self._year_and_month()
        if found is None:
            return
        incident.date_start, incident.date_precision = found.value, found.precision
        precision = self.take("date_precision", _DATE_PRECISION, "incident.date_precision")
        if precision in ("day", "month", "year"):
            incident.date_precision = precision
        self.builder.provenance.setdefault(
            "incident.date_precision", self.builder.provenance["incident.date_start"]
        )

    def _year_and_month(self) -> mapping.PartialDate | None:
        year = self.take("year", _YEAR, "incident.date_start")
        if year is None:
            return None
        month = self.take("month", _month, "incident.date_start")
        if month is None:
            return mapping.PartialDate(datetime.date(year, 1, 1), "year")
        return mapping.PartialDate(datetime.date(year, month, 1), "month")

    def _place(self, incident: Incident) -> None:
        place = self.take("location", _TEXT, "incident.place")
        if place and len(place) > PLACE_LENGTH:
            place = place[: PLACE_LENGTH - 1].rstrip() + "…"
            self.tally.shortened += 1
        incident.place = place or ""
        incident.country = self.take("country", country, "incident.country") or "unknown"
        self._coordinates(incident)

    def _coordinates(self, incident: Incident) -> None:
        pair = self.take("coordinates", mapping.coordinates, "incident.latitude")
        written: tuple[str, ...] = ()
        if pair is not None:
            written = tuple(
                re.findall(r"-?\d+(?:\.\d+)?", text_of(self.columns.value(self.row, "coordinates")))
            )
        else:
            latitude = self.take("latitude", _LATITUDE, "incident.latitude")
            longitude = self.take("longitude", _LONGITUDE, "incident.longitude")
            if latitude is None or longitude is None:
                return
            pair = (latitude, longitude)
            written = (
                text_of(self.columns.value(self.row, "latitude")),
                text_of(self.columns.value(self.row, "longitude")),
            )
        incident.latitude, incident.longitude = pair
        incident.coordinate_precision = coordinate_precision(*written)
        cell = self.builder.provenance["incident.latitude"]
        for path in ("incident.longitude", "incident.coordinate_precision"):
            self.builder.provenance.setdefault(path, cell)

    def _counts(self, incident: Incident) -> None:
        incident.dead = self.take("dead", count, "incident.dead")
        incident.missing = self.take("missing", count, "incident.missing")
        incident.rescued = self.take("survivors", count, "incident.rescued")
        if not self.builder.issues:
            self._check_total(incident.dead, incident.missing)
        incident.death_causes = self.take("cause", causes, "incident.death_causes") or []

    def _check_total(self, dead: int | None, missing: int | None) -> None:
        """The export's total of dead and missing must be their sum, when either is given."""
        total = self.take("total", count, "incident.total")
        self.builder.provenance.pop("incident.total", None)
        if total is None or (dead is None and missing is None):
            return
        if total != (dead or 0) + (missing or 0):
            name = self.columns.name("total") or ""
            self.builder.reject(
                self.row,
                self.table.written(name),
                self.row.get(name),
                _(
                    "The total (%(total)s) is not the dead (%(dead)s) plus the missing (%(missing)s)."
                )
                % {"total": total, "dead": dead or 0, "missing": missing or 0},
                _("the dead plus the missing"),
                "total_mismatch",
            )

    def _sources(self, incident: Incident) -> None:
        lines = [_("IOM Missing Migrants Project")]
        for field, label in (
            ("main_id", _("Main ID")),
            ("source", _("Information source")),
            ("article", _("Article title")),
            ("url", _("URL")),
        ):
            value = self.take(field, _TEXT, f"incident.sources#{field}")
            if value:
                lines.append(f"{label}: {value}")
        quality = self.take("quality", source_quality, "incident.source_reliability")
        if quality is not None:
            written = text_of(self.columns.value(self.row, "quality"))
            lines.append(_("Source quality (1–5): %(level)s") % {"level": written})
            reliability, credibility, source_type = SOURCE_QUALITY[quality]
            incident.source_reliability, incident.information_credibility = reliability, credibility
            incident.source_type = source_type
            cell = self.builder.provenance["incident.source_reliability"]
            for path in ("incident.information_credibility", "incident.source_type"):
                self.builder.provenance[path] = cell
        for field in ("main_id", "source", "article", "url"):
            self.builder.provenance.pop(f"incident.sources#{field}", None)
        incident.sources = "\n".join(lines)

    def _origin(self, incident: Incident) -> list[RouteLeg]:
        """One leg from the country of origin to the country of the incident, when the row
        names one country of origin."""
        found = self.take("origin", _origins, "legs[1].from_country")
        if not found:
            return []
        if len(found) > 1:
            self.tally.several_origins += 1
            return []
        cell = self.builder.provenance["legs[1].from_country"]
        self.builder.provenance["legs[1]"] = cell
        # The leg ends in the country of the incident: a problem there is that column's.
        if "incident.country" in self.builder.provenance:
            self.builder.provenance["legs[1].to_country"] = self.builder.provenance[
                "incident.country"
            ]
        return [
            RouteLeg(
                sequence=1,
                from_country=found[0],
                from_role="origin",
                to_country=incident.country,
            )
        ]


def _origins(raw: Any) -> list[str]:
    found = []
    for part in text_of(raw).split(","):
        code = country(part) if part.strip() else "unknown"
        if code != "unknown" and code not in found:
            found.append(code)
    return found


def _degrees(low: float, high: float) -> Callable[[Any], float]:
    def convert(raw: Any) -> float:
        try:
            value = float(text_of(raw).replace(",", "."))
        except ValueError:
            raise Rejected(
                _("Not a number of degrees."), _("decimal degrees, such as 35.57")
            ) from None
        if not low <= value <= high:
            raise Rejected(
                _("%(value)s is outside the globe.") % {"value": value},
                _("from %(low)s to %(high)s") % {"low": low, "high": high},
                "invalid_coordinates",
            )
        return value

    return convert


def _month(raw: Any) -> int:
    if isinstance(raw, int | float) or text_of(raw).isdigit():
        number = int(float(text_of(raw)))
        if 1 <= number <= 12:
            return number
    month = mapping.MONTHS.get(mapping.key_of(raw))
    if month is None:
        raise Rejected(_("Not a month."), _("a month name such as January or Jan, or 1 to 12"))
    return month


_LATITUDE = _degrees(-90, 90)
_LONGITUDE = _degrees(-180, 180)


FORMAT = Format(
    name="mmp",
    title="IOM Missing Migrants Project",
    recognise=recognise,
    read=read,
    description=(
        "IOM Missing Migrants Project exports, 2014 onwards (every vintage): one incident of "
        "death or disappearance per row; cumulative rows are skipped"
    ),
)
