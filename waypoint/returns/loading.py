"""Load the indicators and questionnaires of ``returns/data/`` (a data migration's RunPython).

An upsert keyed on the codes: indicators in the file are created or updated, and indicators an
administrator added stay as they are; none is ever deleted (returns keep pointing at them). Names and definitions are kept per language; the files give the
English, translations come from the columns ``name_<language>`` and ``definition_<language>``
when present.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
LANGUAGES = ("fr", "es", "ar", "ru", "zh-hans")


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def _texts(row: dict[str, str], column: str) -> dict[str, str]:
    texts = {"en": row[column]}
    for language in LANGUAGES:
        if row.get(f"{column}_{language}"):
            texts[language] = row[f"{column}_{language}"]
    return texts


def load(apps: Any, schema_editor: Any) -> None:
    Indicator = apps.get_model("returns", "Indicator")
    Questionnaire = apps.get_model("returns", "Questionnaire")
    Item = apps.get_model("returns", "QuestionnaireItem")
    shipped = _rows("indicators.csv")
    for row in shipped:
        Indicator.objects.update_or_create(
            code=row["code"],
            defaults={
                "names": _texts(row, "name"),
                "definitions": _texts(row, "definition"),
                "unit": row["unit"],
                "period_kind": row["period_kind"],
                "breakdowns": row["breakdowns"].split(),
                "source": row["source"],
                "derivation": row["derivation"],
                "deprecated": False,
            },
        )
    indicators = {i.code: i for i in Indicator.objects.all()}
    for row in _rows("questionnaires.csv"):
        questionnaire, _created = Questionnaire.objects.get_or_create(
            code=row["questionnaire"], defaults={"period_kind": row["period_kind"]}
        )
        if row["name"]:
            questionnaire.names = _texts(row, "name")
            questionnaire.period_kind = row["period_kind"]
            questionnaire.save()
        Item.objects.update_or_create(
            questionnaire=questionnaire,
            indicator=indicators[row["indicator"]],
            defaults={"position": int(row["position"]), "number": row["number"]},
        )
