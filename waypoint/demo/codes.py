"""Offence codes (ICCS 2015) and national legal provisions the demo data cites."""

from __future__ import annotations

from waypoint.demo.personas import SMUGGLING, TRAFFICKING

SMUGGLING_OF_MIGRANTS = "08051"
INTENTIONAL_HOMICIDE = "0101"

#: The ICCS category a form of violence is usually charged as.
BY_VIOLENCE_FORM = {
    "kidnapping": "020221",
    "extortion": "0205",
    "torture": "11011",
    "sexual_violence": "0301",
    "physical_assault": "020111",
    "threats": "020121",
    "robbery": "0401",
    "detention": "020222",
    "forced_labour": "02032",
}

#: Trafficking in persons, by the main form of exploitation.
BY_EXPLOITATION_FORM = {
    "sexual_exploitation": "02041",
    "forced_labour": "02042",
    "domestic_servitude": "02042",
    "forced_criminality": "02044",
    "forced_begging": "02044",
}
TRAFFICKING_IN_PERSONS = "0204"

#: National provisions, by country and incident family (well-known articles only).
PROVISIONS = {
    ("ITA", SMUGGLING): "Art. 12 D.Lgs. 286/1998",
    ("ITA", TRAFFICKING): "Art. 601 Codice penale",
    ("ESP", SMUGGLING): "Art. 318 bis Código Penal",
    ("ESP", TRAFFICKING): "Art. 177 bis Código Penal",
    ("DEU", SMUGGLING): "§ 96 AufenthG",
    ("DEU", TRAFFICKING): "§ 232 StGB",
    ("USA", SMUGGLING): "8 U.S.C. § 1324",
    ("USA", TRAFFICKING): "18 U.S.C. § 1589",
    ("GRC", TRAFFICKING): "Art. 323A Penal Code",
}


def for_violence(forms: list[str] | set[str]) -> list[str]:
    """ICCS codes for the forms of violence, in a stable order."""
    return [BY_VIOLENCE_FORM[form] for form in sorted(forms) if form in BY_VIOLENCE_FORM]
