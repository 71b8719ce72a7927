"""The IOM Counter Trafficking Data Collaborative (CTDC) global victim dataset.

One row of the dataset is one identified or reported victim of trafficking. Each row becomes an
incident of kind ``trafficking_in_persons`` with one person in the role ``victim`` and what
happened to them (forms of exploitation, means of control, relation to the recruiter, country of
exploitation). The layout is read in all its public vintages: the 62/63-column Global Dataset
(codebook of November 2017 and the April 2020 release, which adds ``isSlaveryAndPractices``), the
27-column Global Synthetic Dataset (codebook v2024) and reduced extracts of either, such as the
7-column geocoded subset of the April 2020 release. Where each column goes, and what is dropped and
why: docs/formats/ctdc.md.

Rows carry no identifier, and the k-anonymised releases hold many identical rows, so the reference
of a record is derived from its content: ``CTDC-<hash of the row's CTDC values>-<occurrence of that
content in the file>``. Re-importing the same file gives the same references (nothing changes); a
corrected row has new content and so becomes a new record.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from django.utils.translation import gettext as _

from waypoint.bulk import mapping
from waypoint.bulk.formats import Format, ReadContext
from waypoint.bulk.mapping import RecordBuilder, Rejected, SourceRecord, text_of
from waypoint.bulk.sources import Row, Table
from waypoint.cases.models import Incident, Person, Victimisation
from waypoint.cases.validation import IncidentDraft, PersonDraft
from waypoint.lib import ages

#: Headers only CTDC files have (normalised: ``yearOfRegistration`` → ``yearofregistration``).
DISTINCTIVE = (
    "yearofregistration",
    "agebroad",
    "countryofexploitation",
    "isforcedlabour",
    "issexualexploit",
)
THRESHOLD = 0.6

#: Cells that mean "missing data" in the codebooks: ``-99`` (2017, 2020), ``NULL`` (2024), and
#: what spreadsheet tools write for an empty number.
MISSING = frozenset({"-99", "-99.0", "null", "nan", "none", "n/a"})
#: Country codes meaning an unknown country: ``00`` ("Unknown Country", data dictionary), ``0``
#: (the same code after a spreadsheet read it as a number) and ``ZZ`` (codebook 2020).
UNKNOWN_COUNTRIES = frozenset({"0", "00", "zz"})

MEANS_OF_CONTROL = {
    "meansofcontroldebtbondage": "debt_bondage",
    "meansofcontroltakesearnings": "takes_earnings",
    "meansofcontrolrestrictsfinancialaccess": "restricts_financial_access",
    "meansofcontrolthreats": "threats",
    "meansofcontrolpsychologicalabuse": "psychological_abuse",
    "meansofcontrolphysicalabuse": "physical_abuse",
    "meansofcontrolsexualabuse": "sexual_abuse",
    "meansofcontrolfalsepromises": "false_promises",
    "meansofcontrolpsychoactivesubstances": "psychoactive_substances",
    "meansofcontrolrestrictsmovement": "restricts_movement",
    "meansofcontrolrestrictsmedicalcare": "restricts_medical_care",
    "meansofcontrolexcessiveworkinghours": "excessive_working_hours",
    "meansofcontroluseschildren": "uses_children",
    "meansofcontrolthreatoflawenforcement": "threat_of_law_enforcement",
    "meansofcontrolwithholdsnecessities": "withholds_necessities",
    "meansofcontrolwithholdsdocuments": "withholds_documents",
    "meansofcontrolother": "other",
    # Global Synthetic Dataset v2024: the columns that kept one means each.
    "meansfalsepromises": "false_promises",
    "meansdrugsalcohol": "psychoactive_substances",
    "meansexcessiveworkhours": "excessive_working_hours",
    "meanswithholddocs": "withholds_documents",
    "meanswithholddocuments": "withholds_documents",
}
MEANS_NOT_SPECIFIED = "meansofcontrolnotspecified"
#: Synthetic v2024 columns that merge several means ("debt bondage and/or takes earnings"): they
#: cannot be split back, and recording every merged means would claim more than the data says.
MERGED_MEANS = (
    "meansdebtbondageearnings",
    "meansthreats",
    "meansabusepsyphysex",
    "meansdenybasicneeds",
)

EXPLOITATION = {
    "isforcedlabour": ("forced_labour",),
    "issexualexploit": ("sexual_exploitation",),
    "isotherexploit": ("other",),
    "issexandlabour": ("sexual_exploitation", "forced_labour"),
    "isforcedmarriage": ("forced_marriage",),
    "isforcedmilitary": ("forced_military",),
    "isorganremoval": ("organ_removal",),
    "isslaveryandpractices": ("slavery_and_practices",),
    # Two labour types are forms of exploitation of their own in the data model.
    "typeoflabourbegging": ("forced_begging",),
    "typeoflabourillicitactivities": ("forced_criminality",),
}
#: CTDC labour types → ISIC Rev.4 sections (the codebook defines most of them by ISIC section).
LABOUR_SECTORS = {
    "typeoflabouragriculture": "A",
    "typeoflabouraquafarming": "A",
    "typeoflabourminingordrilling": "B",
    "typeoflabourmanufacturing": "C",
    "typeoflabourconstruction": "F",
    "typeoflabourpeddling": "G",
    "typeoflabourtransportation": "H",
    "typeoflabourhospitality": "I",
    "typeoflabourdomesticwork": "T",
}
LABOUR_NOT_SPECIFIED = "typeoflabournotspecified"
LABOUR_OTHER = "typeoflabourother"
SEXUAL_EXPLOITATION_TYPES = {
    "typeofsexprostitution": "prostitution",
    "typeofsexpornography": "pornography",
    "typeofsexremoteinteractiveservices": "remote_interactive_services",
    "typeofsexprivatesexualservices": "private_sexual_services",
}
#: Recruiter relations, closest first: the data model keeps one relation per victim.
RECRUITER_RELATIONS = (
    ("recruiterrelationintimatepartner", "intimate_partner"),
    ("recruiterrelationfamily", "family"),
    ("recruiterrelationfriend", "friend"),
    ("recruiterrelationother", "other"),
)
RECRUITER_UNKNOWN = "recruiterrelationunknown"
#: ``RecruiterRelationship`` (Polaris): the relations as words, several joined by ``;``.
RELATIONSHIP_WORDS = {
    "intimate_partner": "intimate_partner",
    "friend_acquaintance": "friend",
    "friend": "friend",
    "family_relative": "family",
    "family": "family",
    "other": "other",
    "not_specified": "not_stated",
    "unknown": "not_stated",
}
#: The ICCS code of trafficking for each purpose; ``0204`` when the purpose is not known.
ICCS_BY_FORM = {
    "sexual_exploitation": "02041",
    "forced_labour": "02042",
    "forced_begging": "02042",
    "domestic_servitude": "02042",
    "organ_removal": "02043",
    "forced_marriage": "02044",
    "forced_military": "02044",
    "forced_criminality": "02044",
    "slavery_and_practices": "02044",
    "other": "02044",
}

SEX_WORDS = {
    "man": "male",
    "woman": "female",
    "transgender_nonconforming": "other",
    "trans_transgender_nonconforming": "other",
    "transgender": "other",
    "nonconforming": "other",
}
DATASOURCES = {"case_management": "case_management", "hotline": "hotline"}
MAJORITY = {"minor": "child", "adult": "adult", "unknown": "unknown"}

#: Read and not stored, with the reason (also in docs/formats/ctdc.md).
DROPPED = {
    "majoritystatusatexploit": "age at the start of exploitation: the data model keeps the age at "
    "the incident (the registration) only",
    "majorityentry": "age on entering the trafficking process: no field",
    "traffickmonths": "duration of trafficking: no field",
    LABOUR_OTHER: "an unnamed sector has no ISIC section",
    **{
        column: "merges several means of control that cannot be told apart"
        for column in MERGED_MEANS
    },
}
#: Restate other columns: the concatenated lists of the flags, and the geocoding a third party
#: added to the 7-column extract (country centroids and Portuguese names of the two countries).
DERIVED = frozenset(
    {
        "meansofcontrolconcatenated",
        "typeofexploitconcatenated",
        "typeoflabourconcatenated",
        "typeofsexconcatenated",
        "nacionalidade_lat",
        "nacionalidade_long",
        "nacionalidade",
        "nacionalidade_alpha3",
        "pais_exploracao_lat",
        "pais_exploracao_long",
        "pais_exploracao",
        "pais_exploracao_alpha3",
    }
)
#: Every column of the codebooks, normalised; the reference hashes these (not derived ones).
CODEBOOK = frozenset(
    {
        "yearofregistration",
        "datasource",
        "gender",
        "agebroad",
        "majoritystatus",
        "citizenship",
        "countryofexploitation",
        "isabduction",
        "recruiterrelationship",
        RECRUITER_UNKNOWN,
        MEANS_NOT_SPECIFIED,
        LABOUR_NOT_SPECIFIED,
        *MEANS_OF_CONTROL,
        *EXPLOITATION,
        *LABOUR_SECTORS,
        *SEXUAL_EXPLOITATION_TYPES,
        *(column for column, _code in RECRUITER_RELATIONS),
        *(column for column in DROPPED),
    }
)
KNOWN = CODEBOOK | DERIVED


def recognise(tables: list[Table]) -> float:
    return max((_score(table) for table in tables), default=0.0)


def _score(table: Table) -> float:
    return sum(column in table.headers for column in DISTINCTIVE) / len(DISTINCTIVE)


def read(tables: list[Table], context: ReadContext) -> Iterator[SourceRecord]:
    seen: dict[str, int] = {}
    for table in tables:
        where = table.file + (f", sheet {table.sheet}" if table.sheet else "")
        if _score(table) < THRESHOLD:
            context.notice(_("%(where)s: not a CTDC table; skipped.") % {"where": where})
            continue
        context.report_extra_columns(table, KNOWN)
        _explain_unused(table, where, context)
        for row in table.rows:
            yield _TableRow(table, row, _reference(table, row, seen)).record()


def _explain_unused(table: Table, where: str, context: ReadContext) -> None:
    for column, reason in DROPPED.items():
        if column in table.headers:
            context.notice(
                _("%(where)s: column %(column)s not imported: %(reason)s.")
                % {"where": where, "column": table.written(column), "reason": reason}
            )
    derived = [table.written(column) for column in table.headers if column in DERIVED]
    if derived:
        context.notice(
            _("%(where)s: derived columns not imported (they restate other columns): %(columns)s.")
            % {"where": where, "columns": ", ".join(derived)}
        )


# References -----------------------------------------------------------------------------------


def _reference(table: Table, row: Row, seen: dict[str, int]) -> str:
    """``CTDC-<12 hex digits>-<n>``: the n-th row of the file with this content.

    Only the codebook columns count, each value canonical (``1.0`` is ``1``, ``-99``, ``NULL`` and
    blank are the same missing value), so a re-export that adds derived columns or writes flags
    as floats keeps the references. ``seen`` holds one entry per distinct content, not per row.
    """
    parts = [
        f"{column}={_canonical(row.get(column))}"
        for column in sorted(table.headers)
        if column in CODEBOOK
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:12]
    seen[digest] = seen.get(digest, 0) + 1
    return f"CTDC-{digest}-{seen[digest]}"


def _canonical(raw: Any) -> str:
    value = text_of(raw)
    if _is_missing(value):
        return ""
    if re.fullmatch(r"-?\d+(\.0+)?", value):
        return str(int(float(value)))
    return value.upper() if len(value) <= 3 else value


def _is_missing(raw: Any) -> bool:
    return mapping.is_blank(raw) or text_of(raw).lower() in MISSING


# Converters -----------------------------------------------------------------------------------


def flag(raw: Any) -> bool | None:
    """A CTDC 0/1 flag: ``1``, ``1.0``, ``0``, ``0.0``; ``-99`` and ``NULL`` are missing (None)."""
    if _is_missing(raw):
        return None
    if isinstance(raw, bool):
        return raw
    value = text_of(raw).lower()
    if re.fullmatch(r"1(\.0+)?|true|yes", value):
        return True
    if re.fullmatch(r"0(\.0+)?|false|no", value):
        return False
    raise Rejected(_("Not a CTDC flag."), _("1, 0, or -99 or blank for missing data"))


def missing_or(convert: Callable[[Any], str], missing: str = "unknown") -> Callable[[Any], str]:
    def wrapped(raw: Any) -> str:
        return missing if _is_missing(raw) else convert(raw)

    return wrapped


def country(raw: Any) -> str:
    if _is_missing(raw) or text_of(raw).lower() in UNKNOWN_COUNTRIES:
        return "unknown"
    return mapping.country(raw)


def registration_year(raw: Any) -> mapping.PartialDate:
    year = mapping.integer(1900, datetime.date.today().year)(raw)
    return mapping.PartialDate(datetime.date(year, 1, 1), "year")


_BAND = re.compile(r"^(\d{1,3})\s*(?:[-–—]+\s*(\d{1,3})|\+)$")


def age_band(raw: Any) -> str:
    """A CTDC age band (``18--20``, ``0—8``, ``48+``) as the narrowest age group containing it.

    Bands that straddle two groups (``24--26`` spans 18-24 and 25-34) become ``adult`` or
    ``child``; the band itself is not kept.
    """
    if _is_missing(raw) or text_of(raw).lower() == "unknown":
        return "unknown"
    if isinstance(raw, datetime.date):
        raise Rejected(
            _("A spreadsheet turned the age band into a date."),
            _("an age band written as text, such as 18--20 or 48+"),
        )
    match = _BAND.match(text_of(raw))
    if match is None:
        raise Rejected(
            _("Not a CTDC age band."),
            "0--8, 9--17, 18--20, 21--23, 24--26, 27--29, 30--38, 39--47, 48+",
        )
    low = int(match[1])
    high = int(match[2]) if match[2] else None
    if high is not None and high < low:
        raise Rejected(_("The age band ends before it starts."), _("an age band such as 18--20"))
    return _narrowest_group(low, high)


def _narrowest_group(low: int, high: int | None) -> str:
    for code in ages.DETAILED_GROUPS:
        group_low, group_high = ages.AGE_GROUP_BOUNDS[code]
        if low >= group_low and (group_high is None or (high is not None and high <= group_high)):
            return code
    if high is not None and high < ages.AGE_OF_MAJORITY:
        return "child"
    if low >= ages.AGE_OF_MAJORITY:
        return "adult"
    return "unknown"


# One row --------------------------------------------------------------------------------------


class _TableRow:
    """Turns one row into a draft incident, noting where every value came from."""

    def __init__(self, table: Table, row: Row, reference: str) -> None:
        self.table, self.row = table, row
        self.builder = RecordBuilder(reference)
        self.builder.add_row(row)

    def record(self) -> SourceRecord:
        reference = self.builder.reference
        person = Person(role="victim")
        victimisation = Victimisation()
        incident = Incident(reference=reference, kinds=["trafficking_in_persons"])
        self._incident(incident)
        self._person(person)
        self._victimisation(victimisation, incident)
        self._datasource(incident, victimisation)
        incident.country = victimisation.country_of_exploitation
        incident.offence_codes = _offence_codes(victimisation.exploitation_forms)
        draft = IncidentDraft(
            incident=incident, persons=[PersonDraft(person, victimisation=victimisation)]
        )
        return self.builder.finish(draft)

    def take(self, column: str, convert: Callable[[Any], Any], path: str) -> Any:
        return self.builder.take(self.row, column, convert, path=path, columns=self.table.headers)

    def _incident(self, incident: Incident) -> None:
        year = self.take("yearofregistration", registration_year, "incident.date_start")
        if year is not None:
            incident.date_start, incident.date_precision = year.value, year.precision
            self.builder.provenance["incident.date_precision"] = self.builder.provenance[
                "incident.date_start"
            ]

    def _person(self, person: Person) -> None:
        sex = self.take("gender", _GENDER, "persons[1].sex")
        person.sex = sex or "unknown"
        group = self.take("agebroad", age_band, "persons[1].age_group")
        if group in (None, "unknown"):
            majority = self.take("majoritystatus", _MAJORITY, "persons[1].age_group")
            group = majority or group
        person.age_group = group or "unknown"
        citizenship = self.take("citizenship", country, "persons[1].citizenship")
        person.citizenship = citizenship or "unknown"

    def _victimisation(self, victimisation: Victimisation, incident: Incident) -> None:
        path = "persons[1].victimisation"
        where = self.take("countryofexploitation", country, f"{path}.country_of_exploitation")
        victimisation.country_of_exploitation = where or "unknown"
        if where:
            self.builder.provenance["incident.country"] = self.builder.provenance[
                f"{path}.country_of_exploitation"
            ]
        forms = self._flags(EXPLOITATION, f"{path}.exploitation_forms")
        victimisation.exploitation_forms = _answers(forms, self._asked(EXPLOITATION))
        victimisation.means_of_control = self._means(f"{path}.means_of_control")
        victimisation.labour_sectors = self._sectors(
            victimisation.exploitation_forms, f"{path}.labour_sectors"
        )
        sexual = self._flags(SEXUAL_EXPLOITATION_TYPES, f"{path}.sexual_exploitation_types")
        asked = "sexual_exploitation" in victimisation.exploitation_forms and self._asked(
            SEXUAL_EXPLOITATION_TYPES
        )
        victimisation.sexual_exploitation_types = _answers(sexual, asked)
        victimisation.perpetrator_relation = self._relation(f"{path}.perpetrator_relation")
        if self._flag("isabduction", f"{path}.violence_forms"):
            victimisation.violence_forms = ["kidnapping"]

    def _datasource(self, incident: Incident, victimisation: Victimisation) -> None:
        sources = _("Counter-Trafficking Data Collaborative (CTDC), global victim dataset")
        source = self.take("datasource", _DATASOURCE, "incident.source_type")
        if source == "hotline":
            incident.source_type = incident.detection_context = "hotline"
            incident.verification_status = "unverified"
            victimisation.trafficking_identification = "presumed"
        elif source == "case_management":
            incident.source_type = "victim"
            victimisation.trafficking_identification = "identified"
        if source:
            written = text_of(self.row.get("datasource"))
            sources += "; " + _("data source: %(source)s") % {"source": written}
        incident.sources = sources

    def _flag(self, column: str, path: str) -> bool | None:
        """A flag of the row; the first flag set is where ``path``'s value came from."""
        if column not in self.table.headers:
            return None
        scratch = f"{path}#{column}"
        value = self.take(column, flag, scratch)
        cell = self.builder.provenance.pop(scratch, None)
        if value and cell and path not in self.builder.provenance:
            self.builder.provenance[path] = cell
        return value

    def _flags(self, columns: Mapping[str, Any], path: str) -> list[str]:
        codes: list[str] = []
        for column, meaning in columns.items():
            if self._flag(column, path):
                for code in (meaning,) if isinstance(meaning, str) else meaning:
                    if code not in codes:
                        codes.append(code)
        return codes

    def _asked(self, columns: Iterable[str]) -> bool:
        return any(column in self.table.headers for column in columns)

    def _means(self, path: str) -> list[str]:
        means = self._flags(MEANS_OF_CONTROL, path)
        asked = self._asked([*MEANS_OF_CONTROL, MEANS_NOT_SPECIFIED, *MERGED_MEANS])
        if not means and self._flag(MEANS_NOT_SPECIFIED, path):
            return ["not_stated"]
        return _answers(means, asked)

    def _sectors(self, forms: list[str], path: str) -> list[str]:
        sectors = self._flags(LABOUR_SECTORS, path)
        if sectors:
            return sectors  # without a labour form, validation names the cell
        if not {"forced_labour", "domestic_servitude"} & set(forms):
            return []
        if self._flag(LABOUR_NOT_SPECIFIED, path):
            return ["not_stated"]
        if self._flag(LABOUR_OTHER, path) or not self._asked(
            [*LABOUR_SECTORS, LABOUR_NOT_SPECIFIED]
        ):
            return []
        return ["unknown"]

    def _relation(self, path: str) -> str:
        for column, code in RECRUITER_RELATIONS:
            if self._flag(column, path):
                return code
        if self._flag(RECRUITER_UNKNOWN, path):
            return "not_stated"
        words = self.take("recruiterrelationship", _RELATIONSHIP, path)
        return words or "unknown"


def _answers(codes: list[str], asked: bool) -> list[str]:
    """The codes flagged; ``unknown`` when the file asks and nothing is flagged; else nothing."""
    if codes:
        return codes
    return ["unknown"] if asked else []


def _datasource_of(raw: Any) -> str:
    code = DATASOURCES.get(mapping.key_of(raw))
    if code is None:
        raise Rejected(_("Not a CTDC data source."), "Case management, Hotline")
    return code


def _majority(raw: Any) -> str:
    code = MAJORITY.get(mapping.key_of(raw))
    if code is None:
        raise Rejected(_("Not a CTDC majority status."), "Minor, Adult, Unknown, -99")
    return code


def _relationship(raw: Any) -> str:
    found = []
    for word in re.split(r"[;,]", text_of(raw)):
        key = mapping.key_of(word)
        if not key:
            continue
        if key not in RELATIONSHIP_WORDS:
            raise Rejected(
                _("Not a CTDC recruiter relationship."),
                "Intimate Partner, Friend/Acquaintance, Family/Relative, Other, Not Specified",
            )
        found.append(RELATIONSHIP_WORDS[key])
    for _column, code in RECRUITER_RELATIONS:
        if code in found:
            return code
    return "not_stated" if found else ""


#: Converters are made once: the mapping layer remembers conversions by converter and value.
_GENDER = missing_or(mapping.term("sex", SEX_WORDS))
_MAJORITY = missing_or(_majority)
_DATASOURCE = missing_or(_datasource_of, "")
_RELATIONSHIP = missing_or(_relationship, "")


def _offence_codes(forms: list[str]) -> list[str]:
    codes = []
    for form in forms:
        code = ICCS_BY_FORM.get(form)
        if code and code not in codes:
            codes.append(code)
    return sorted(codes) or ["0204"]


FORMAT = Format(
    name="ctdc",
    title="CTDC global victim dataset",
    recognise=recognise,
    read=read,
    description=(
        "IOM Counter Trafficking Data Collaborative global dataset (62/63-column release, "
        "synthetic v2024 and extracts): one victim per row"
    ),
)
