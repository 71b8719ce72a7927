"""An HTCDS 2.0 Excel template filled with synthetic trafficking cases, for tests and demos.

    .venv/bin/python -m waypoint.bulk.tests.htcds_sample OUT.xlsx [--template PATH] [--validated]
        [--rows 50] [--seed 7]

``fill`` copies IOM's official template (read from ../shared/data/htcds, never copied into the
repository) and writes the cases into its case sheet the way a caseworker would: under the labels
of the template's second row, values as its picklists word them, several values in one cell
separated by ``;``, dates as date cells. The plain template (the default) leaves typing free, so
scam-compound cases say ``Forced criminality``; with ``--validated`` the template with picklists is
filled, one value per cell from its lists (those cases then say ``Other``). openpyxl keeps the
sheets, headers and styles of the template but drops Excel's extended data validation (the
drop-down lists).

``replica`` writes a workbook with the official template's layout (hidden row of field names with
its typo and its unnamed column, row of labels, numbered rows) for tests that run without the
shared data. Nothing here needs Django.
"""

from __future__ import annotations

import argparse
import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "htcds"
PLAIN = SHARED / "HTCDS Excel Spreadsheet v2.0.xlsx"
VALIDATED = SHARED / "HTCDS Excel Spreadsheet single select with validation v2.0.xlsx"
#: Ages are counted at this date, so that a seed always gives the same file.
TODAY = datetime.date(2024, 6, 30)

#: The official template's columns B … AM: (field name in row 1, label in row 2). The names of
#: the mailing-address columns and their labels are in different orders in the template, and the
#: outgoing-referral reason has no name: the replica keeps both quirks.
TEMPLATE_COLUMNS = (
    ("cas_CaseOwner", "Case Owner"),
    ("prs_Salutation", "Salutation"),
    ("prs_FirstName", "First Name"),
    ("prs_SecondName", "Second Name"),
    ("con_Consent", "Consent"),
    ("prs_Birthdate", "Birthdate"),
    ("prs_Gender", "Gender"),
    ("prs_Citizenship", "Citizenship"),
    ("prs_Title", "Title"),
    ("prs_Email", "Email"),
    ("prs_HomePhone", "Home Phone"),
    ("prs_MobilePhone", "Mobile Phone"),
    ("prs_MailingCity", "Mailing Street"),
    ("prs_MailingCountry", "Mailing City"),
    ("prs_MailingState", "Mailing State/Province"),
    ("prs_MailingStreet", "Mailing Zip/Postal Code"),
    ("prs_MailingPostalCode", "Mailing Country"),
    ("vic_TraffickingStatus", "Trafficking Status"),
    ("vic_TraffickinStatusDecisionMakingOrg", "Trafficking Status Decision Making Organization"),
    ("vic_MethodOfRecruitment", "Method of Recruitment"),
    ("vic_LocationOfRecruitment", "Location of Recruitment"),
    ("vic_MethodsOfControl", "Methods of Control"),
    ("vic_TypeOfExploitation", "Type of Exploitation"),
    ("vic_ForcedLabourIndustry", "Forced Labour Industry"),
    ("vic_TypeOfSexExploitation", "Type of Sex Exploitation"),
    ("vic_LocationOfExploitation", "Location of Exploitation"),
    ("cas_Status", "Status"),
    ("cas_ReferringOrganisation", "Referring Organisation"),
    ("cas_IncomingReferralDate", "Incoming Referral Date"),
    ("cas_ReferringPrimaryCaseWorker", "Referring Primary Case Worker"),
    ("cas_ReasonForIncomingReferral", "Reason for Incoming Referral"),
    ("cas_IncomingReferralDetails", "Incoming Referral Details"),
    ("cas_ReferredOrganisation", "Referred Organisation"),
    ("cas_ReferredPrimaryCaseWorker", "Referred Primary Case Worker"),
    (None, "Reason for Outgoing Referral"),
    ("cas_OutgoingReferralDate", "Outgoing Referral Date"),
    ("cas_OutgoingReferralDetails", "Outgoing Referral Details"),
    ("cas_ReasonForCaseClosure", "Reason for Case Closure"),
)
TEMPLATE_ROWS = 1000


def replica(path: Path, sheet: str = "Sheet1") -> Path:
    """A workbook laid out as the official template, with no cases in it."""
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    for column, (name, label) in enumerate(TEMPLATE_COLUMNS, start=2):
        worksheet.cell(1, column, name)
        worksheet.cell(2, column, label)
    worksheet.row_dimensions[1].hidden = True
    for number in range(1, TEMPLATE_ROWS + 1):
        worksheet.cell(number + 2, 1, number)
    workbook.save(path)
    return path


# Cases ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """A pattern of cases: who, recruited where and how, exploited where and how."""

    weight: int
    #: Citizenship → (given names, family names).
    people: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]
    female_share: float
    ages: tuple[int, int]
    recruited: dict[str, tuple[str, ...]]
    recruitment: tuple[str, ...]
    exploited: tuple[str, ...]
    control: tuple[str, ...]
    exploitation: tuple[str, ...]
    industry: tuple[str, ...] = ()
    sex_types: tuple[str, ...] = ()
    #: (trafficking status, decision-making organisation) to choose from.
    statuses: tuple[tuple[str, str], ...] = (("Actual victim of trafficking", "Police"),)


ACTUAL, POSSIBLE, NOT_A_VICTIM = (
    "Actual victim of trafficking",
    "Possible victim of trafficking",
    "Not a victim of trafficking",
)
SCENARIOS = (
    # Nigerian women and girls recruited through acquaintances, exploited in Italy.
    Scenario(
        weight=12,
        people={
            "Nigeria": (
                ("Blessing", "Joy", "Precious", "Favour", "Esther", "Osas", "Glory"),
                ("Osagie", "Igbinedion", "Omoregie", "Okafor", "Eze", "Idahosa"),
            )
        },
        female_share=1.0,
        ages=(17, 32),
        recruited={"Nigeria": ("Benin City, Nigeria", "Lagos, Nigeria", "Edo, Nigeria")},
        recruitment=("Through friends or social events", "Through family or family events"),
        exploited=("Castel Volturno, Caserta, Italy", "Turin, Italy", "Palermo, Italy"),
        control=(
            "Debt bondage",
            "Psychological abuse",
            "Withholds documents",
            "Threatens children/family",
            "Physical threats",
        ),
        exploitation=("Sexual exploitation",),
        sex_types=("Prostitution",),
        statuses=(
            (ACTUAL, "Police"),
            (ACTUAL, "Court or prosecution"),
            (POSSIBLE, "NGO"),
        ),
    ),
    # Punjabi farm workers in the Agro Pontino and Moroccan women in the Huelva harvest.
    Scenario(
        weight=9,
        people={
            "India": (
                ("Gurpreet", "Harjit", "Balwinder", "Sukhwinder", "Jaswant"),
                ("Singh", "Kaur", "Gill", "Sandhu"),
            ),
            "Morocco": (("Fatima", "Khadija", "Naima", "Saida"), ("El Amrani", "Benali", "Ziani")),
        },
        female_share=0.4,
        ages=(22, 50),
        recruited={
            "India": ("Jalandhar, India", "Amritsar, India"),
            "Morocco": ("Kenitra, Morocco",),
        },
        recruitment=("At a place of business", "Through friends or social events"),
        exploited=("Latina, Italy", "Sabaudia, Latina, Italy", "Huelva, Spain"),
        control=(
            "Takes earnings",
            "Excessive working hours",
            "Debt bondage",
            "Withholds documents",
            "Withholds necessities",
        ),
        exploitation=("Forced labour",),
        industry=("Agriculture, forestry and fishing",),
        statuses=(
            (ACTUAL, "Non-police governmental organization"),
            (ACTUAL, "Police"),
            (POSSIBLE, "NGO"),
        ),
    ),
    # Men from Nepal and Bangladesh on building sites in the Gulf and Malaysia.
    Scenario(
        weight=6,
        people={
            "Nepal": (("Ram", "Bishnu", "Suman", "Dil"), ("Tamang", "Gurung", "Shrestha", "Rai")),
            "Bangladesh": (("Rahim", "Karim", "Jahid", "Sohel"), ("Hossain", "Rahman", "Islam")),
        },
        female_share=0.0,
        ages=(20, 45),
        recruited={
            "Nepal": ("Kathmandu, Nepal",),
            "Bangladesh": ("Dhaka, Bangladesh", "Sylhet, Bangladesh"),
        },
        recruitment=("At a place of business", "Through a newspaper advert"),
        exploited=("Doha, Qatar", "Kuala Lumpur, Malaysia", "Riyadh, Saudi Arabia"),
        control=("Debt bondage", "Withholds documents", "Takes earnings", "False promises"),
        exploitation=("Forced labour",),
        industry=("Construction",),
        statuses=((POSSIBLE, "NGO"), (ACTUAL, "Non-police governmental organization")),
    ),
    # Women in domestic work in Lebanon and Kuwait.
    Scenario(
        weight=8,
        people={
            "Philippines": (
                ("Maria", "Analyn", "Rosalie", "Jocelyn"),
                ("Santos", "Reyes", "Dela Cruz", "Bautista"),
            ),
            "Ethiopia": (
                ("Meseret", "Tigist", "Hiwot", "Almaz"),
                ("Bekele", "Tesfaye", "Alemu", "Girma"),
            ),
        },
        female_share=1.0,
        ages=(19, 40),
        recruited={"Philippines": ("Manila, Philippines",), "Ethiopia": ("Addis Ababa, Ethiopia",)},
        recruitment=("At a place of business", "Through family or family events"),
        exploited=("Beirut, Lebanon", "Kuwait City, Kuwait"),
        control=(
            "Withholds documents",
            "Excessive working hours",
            "Takes earnings",
            "Psychological abuse",
            "Physical abuse",
        ),
        exploitation=("Servitude",),
        industry=(
            "Activities of households as employers; undifferentiated goods- and services- producing activities of households for own use",
        ),
        statuses=((POSSIBLE, "NGO"), (ACTUAL, "NGO"), (NOT_A_VICTIM, "")),
    ),
    # Young people lured by online job offers into scam compounds on the Thai-Myanmar border
    # and in Cambodia, made to defraud strangers online.
    Scenario(
        weight=10,
        people={
            "Kenya": (
                ("Brian", "Faith", "Kevin", "Mercy"),
                ("Otieno", "Wanjiku", "Mwangi", "Kamau"),
            ),
            "Indonesia": (("Agus", "Dewi", "Budi", "Rizky"), ("Santoso", "Wijaya", "Saputra")),
            "Viet Nam": (("Minh", "Tuan", "Lan", "Hoa"), ("Nguyen", "Tran", "Le", "Pham")),
            "Sri Lanka": (("Nuwan", "Kasun", "Dilani"), ("Perera", "Fernando", "Silva")),
        },
        female_share=0.3,
        ages=(19, 35),
        recruited={
            "Kenya": ("Nairobi, Kenya",),
            "Indonesia": ("Jakarta, Indonesia", "Medan, Indonesia"),
            "Viet Nam": ("Ho Chi Minh City, Viet Nam",),
            "Sri Lanka": ("Colombo, Sri Lanka",),
        },
        recruitment=("Through an online advertisement", "Through online social networks"),
        exploited=("Myawaddy, Myanmar", "Sihanoukville, Cambodia"),
        control=(
            "False promises",
            "Withholds documents",
            "Physical abuse",
            "Debt bondage",
            "Excessive working hours",
        ),
        exploitation=("Forced criminality",),
        statuses=((ACTUAL, "Police"), (POSSIBLE, "NGO"), (POSSIBLE, "Other")),
    ),
    # Men from Myanmar and Cambodia held on fishing boats out of Thai ports.
    Scenario(
        weight=3,
        people={
            "Myanmar": (("Aung", "Kyaw", "Min", "Htet"), ("Zaw Win", "Naing", "Soe", "Oo")),
            "Cambodia": (("Sokha", "Dara", "Vannak"), ("Chan", "Sok", "Heng")),
        },
        female_share=0.0,
        ages=(18, 40),
        recruited={"Myanmar": ("Mae Sot, Thailand",), "Cambodia": ("Poipet, Cambodia",)},
        recruitment=("Through friends or social events",),
        exploited=("Samut Sakhon, Thailand", "Songkhla, Thailand"),
        control=(
            "Physical abuse",
            "Withholds documents",
            "Excessive working hours",
            "Debt bondage",
        ),
        exploitation=("Forced labour",),
        industry=("Fishing and aquaculture",),
        statuses=((ACTUAL, "Non-police governmental organization"),),
    ),
)
CLOSURES = (
    "Returned home with reintegration support.",
    "Residence permit granted; support plan completed.",
    "Lost contact after the second follow-up.",
)
REFERRERS = (
    "Anti-trafficking police unit",
    "Labour inspectorate",
    "Hotline",
    "Partner shelter",
)


def cases(count: int, seed: int, validated: bool = False) -> list[dict[str, Any]]:
    """``count`` synthetic cases, keyed by HTCDS field name, the same for the same seed."""
    rng = random.Random(seed)
    plan = [scenario for scenario in SCENARIOS for _ in range(scenario.weight)]
    rng.shuffle(plan)
    rows = [_case(rng, plan[index % len(plan)], index, validated) for index in range(count)]
    # A few cases with little known: the person would not say, or the record is incomplete.
    for row in rows[7::16]:
        row.update(
            prs_Gender="Not Specified/Unknown",
            prs_Citizenship=None,
            prs_Birthdate=None,
            vic_LocationOfRecruitment=None,
            vic_MethodOfRecruitment=None,
            vic_TraffickingStatus=POSSIBLE,
            vic_TraffickingStatusDecisionMakingOrg="NGO",
        )
    return rows


def _case(rng: random.Random, scenario: Scenario, index: int, validated: bool) -> dict[str, Any]:
    citizenship = rng.choice(sorted(scenario.people))
    given, family = scenario.people[citizenship]
    female = rng.random() < scenario.female_share
    status, decided_by = rng.choice(scenario.statuses)
    closed = rng.random() < 0.3
    referred = rng.random() < 0.5
    row: dict[str, Any] = {
        "cas_CaseOwner": f"caseworker{1 + index % 4}",
        "prs_Salutation": ("Ms" if female else "Mr") if rng.random() < 0.4 else None,
        "prs_FirstName": rng.choice(given),
        "prs_SecondName": rng.choice(family),
        "con_Consent": index % 23 != 5,
        "prs_Birthdate": _birthdate(rng, scenario.ages),
        "prs_Gender": "Feminine" if female else "Masculine",
        "prs_Citizenship": citizenship,
        "prs_MobilePhone": f"+44 7700 900{index:03d}" if rng.random() < 0.3 else None,
        "prs_Email": f"client{index:03d}@example.org" if rng.random() < 0.15 else None,
        "vic_TraffickingStatus": status,
        "vic_TraffickingStatusDecisionMakingOrg": decided_by or None,
        "vic_MethodOfRecruitment": rng.choice(scenario.recruitment),
        "vic_LocationOfRecruitment": rng.choice(scenario.recruited[citizenship]),
        "vic_MethodsOfControl": _some(rng, scenario.control, 1 if validated else 3),
        "vic_TypeOfExploitation": list(scenario.exploitation),
        "vic_ForcedLabourIndustry": list(scenario.industry),
        "vic_TypeOfSexExploitation": list(scenario.sex_types),
        "vic_LocationOfExploitation": rng.choice(scenario.exploited),
        "cas_Status": "Closed" if closed else rng.choice(("Active", "Follow up")),
        "cas_ReasonForCaseClosure": rng.choice(CLOSURES) if closed else None,
    }
    if rng.random() < 0.15:
        row |= _shelter_address(rng, row["vic_LocationOfExploitation"])
    if referred:
        row |= {
            "cas_ReferringOrganisation": rng.choice(REFERRERS),
            "cas_IncomingReferralDate": TODAY - datetime.timedelta(days=rng.randint(20, 700)),
            "cas_ReasonForIncomingReferral": "Additional Services Required",
        }
    return row


def _birthdate(rng: random.Random, ages: tuple[int, int]) -> datetime.date:
    return TODAY - datetime.timedelta(days=rng.randint(ages[0] * 365 + 30, ages[1] * 365 + 300))


def _some(rng: random.Random, values: Sequence[str], most: int) -> list[str]:
    return sorted(rng.sample(list(values), rng.randint(1, min(most, len(values)))))


def _shelter_address(rng: random.Random, exploited: str) -> dict[str, Any]:
    """A mailing address as a caseworker types it: under the labels the template shows."""
    city, *_, country = (part.strip() for part in exploited.split(","))
    return {
        "Mailing Street": f"c/o Shelter {rng.randint(1, 9)}, {rng.randint(1, 120)} Station Road",
        "Mailing City": city,
        "Mailing Zip/Postal Code": f"{rng.randint(10000, 99999)}",
        "Mailing Country": country,
    }


# Filling the template ------------------------------------------------------------------------


def fill(
    out: Path,
    template: Path = PLAIN,
    count: int = 50,
    seed: int = 7,
    validated: bool | None = None,
) -> int:
    """Write ``count`` cases into a copy of ``template``; answers the number of rows written."""
    validated = template == VALIDATED if validated is None else validated
    workbook = openpyxl.load_workbook(template)
    sheet = workbook.worksheets[0]
    columns = _columns(sheet)
    for offset, case in enumerate(cases(count, seed, validated)):
        for name, value in case.items():
            if value in (None, [], ""):
                continue
            cell = sheet.cell(3 + offset, columns[name])
            cell.value = _cell(value, validated)
            if isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
    workbook.save(out)
    return count


def _columns(sheet: Any) -> dict[str, int]:
    """Field name or label → column: a caseworker types under the label the template shows."""
    columns: dict[str, int] = {}
    for cell in sheet[1]:
        if cell.value:
            columns[str(cell.value).replace("TraffickinStatus", "TraffickingStatus")] = cell.column
    for cell in sheet[2]:
        if cell.value:
            columns.setdefault(str(cell.value).strip(), cell.column)
    return columns


#: Values the picklists of the validated template lack, and what a caseworker picks instead.
PICKED_INSTEAD = {
    "Forced criminality": "Other",
    "Fishing and aquaculture": "Agriculture, forestry and fishing",
}


def _cell(value: Any, validated: bool) -> Any:
    if not validated:
        return "; ".join(value) if isinstance(value, list) else value
    value = value[0] if isinstance(value, list) else value
    return PICKED_INSTEAD.get(value, value) if isinstance(value, str) else value


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--template", type=Path, help=f"default: {PLAIN}")
    parser.add_argument("--validated", action="store_true", help=f"fill {VALIDATED.name}")
    parser.add_argument("--rows", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args(argv)
    template = options.template or (VALIDATED if options.validated else PLAIN)
    rows = fill(options.out, template, options.rows, options.seed, options.validated or None)
    print(f"{options.out}: {rows} cases written into a copy of {template.name}")


if __name__ == "__main__":
    main()
