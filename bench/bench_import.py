"""Bulk import: 100,000 rows of the native CSV layout through ``waypoint import`` (reading,
mapping, validating every incident, sealing, writing), against a baseline in the same run that
inserts the same rows with a plain ``executemany`` and no validation (``csv.reader`` → every
table the import writes: incidents, their status history, route legs and fingerprints, persons
and victimisations). Each measurement runs in its own process on its own copy of one
migrated SQLite database, and reports its peak memory (maximum resident set size) and its CPU
time beside the wall time (on a machine shared with other work, CPU time varies less).

A third run imports the same rows with the statistics summary's triggers removed beforehand,
to show what is left of their cost once the import has set them aside and marked its
organisation (``summary_triggers_ratio``).

A second pair runs the import on 1,000,000 rows when ``WAYPOINT_BENCH_MILLION=1`` (about ten
times as long), to check that memory stays bounded as the file grows.

Run alone with ``.venv/bin/python bench/bench_import.py``.
"""

from __future__ import annotations

import csv
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROWS = int(os.environ.get("WAYPOINT_BENCH_ROWS", "100000"))
MILLION = 1_000_000
SEED = 3
ROOT = Path(__file__).resolve().parent.parent
HEADER = [
    "reference",
    "label",
    "kinds",
    "date_start",
    "country",
    "place",
    "migrants_involved",
    "route",
    "person_ref",
    "person_role",
    "person_sex",
    "person_age",
    "person_citizenship",
    "victim_exploitation_forms",
]
CITIZENSHIPS = ["NGA", "ERI", "SYR", "AFG", "BGD", "PAK", "TUN", "EGY", "SDN", "GMB"]
ROUTES = ["LBY > ITA", "TUR > GRC", "MAR > ESP", "TUN > ITA", "DZA > ESP"]


def write_rows(path: Path, rows: int) -> None:
    """Two persons per incident: a smuggling incident with two migrants, or a trafficking case
    with two victims."""
    rng = random.Random(SEED)
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for number in range(rows // 2):
            trafficking = number % 3 == 0
            kind = "trafficking_in_persons" if trafficking else "smuggling_of_migrants"
            date = f"{2015 + number % 10}-{1 + number % 12:02d}-{1 + number % 28:02d}"
            route = "" if trafficking else rng.choice(ROUTES)
            for person in (1, 2):
                out.writerow(
                    [
                        f"BENCH-{number:07d}",
                        "amber",
                        kind,
                        date,
                        "ITA",
                        "Lampedusa" if not trafficking else "Roma",
                        "" if trafficking else "2",
                        route,
                        f"P{person}",
                        "victim" if trafficking else "smuggled_migrant",
                        rng.choice(["female", "male"]),
                        str(rng.randint(18, 60)),
                        rng.choice(CITIZENSHIPS),
                        "sexual_exploitation" if trafficking else "",
                    ]
                )


def run() -> dict[str, object]:
    results: dict[str, object] = {"rows": ROWS, "seed": SEED}
    with tempfile.TemporaryDirectory(prefix="waypoint-bench-import-") as scratch:
        folder = Path(scratch)
        template = folder / "migrated.sqlite3"
        _child("migrate", template, None)
        data = folder / "rows.csv"
        write_rows(data, ROWS)
        baseline = _child("baseline", _copy(template, "baseline"), data)
        imported = _child("import", _copy(template, "import"), data)
        # What the statistics summary's triggers cost the import: the same without them.
        untriggered = _child("import_untriggered", _copy(template, "untriggered"), data)
        results.update(
            baseline_executemany_s=baseline["seconds"],
            baseline_cpu_s=baseline["cpu_s"],
            baseline_peak_mb=baseline["peak_mb"],
            import_s=imported["seconds"],
            import_cpu_s=imported["cpu_s"],
            import_peak_mb=imported["peak_mb"],
            import_rows_per_s=round(ROWS / imported["seconds"]),
            ratio=round(imported["seconds"] / baseline["seconds"], 2),
            import_without_summary_triggers_s=untriggered["seconds"],
            summary_triggers_ratio=round(imported["seconds"] / untriggered["seconds"], 2),
            created=imported["created"],
            rejected=imported["rejected"],
        )
        if os.environ.get("WAYPOINT_BENCH_MILLION") == "1":
            big = folder / "million.csv"
            write_rows(big, MILLION)
            data.unlink()
            million = _child("import", _copy(template, "million"), big)
            results.update(
                million_rows=MILLION,
                million_import_s=million["seconds"],
                million_import_cpu_s=million["cpu_s"],
                million_peak_mb=million["peak_mb"],
                million_created=million["created"],
            )
    return results


def _copy(template: Path, name: str) -> Path:
    target = template.with_name(f"{name}.sqlite3")
    shutil.copyfile(template, target)
    return target


def _child(task: str, database: Path, data: Path | None) -> dict[str, Any]:
    env = {
        **os.environ,
        "WAYPOINT_MODE": "test",
        "WAYPOINT_VAR_DIR": str(database.parent),
        "WAYPOINT_DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "waypoint.settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    command = [sys.executable, __file__, "--child", task, str(data or "")]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"bench_import {task} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _peak_mb() -> float:
    # ru_maxrss is in kibibytes on Linux.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _migrate(data: str) -> dict[str, Any]:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return {}


def _owner() -> tuple[Any, Any]:
    from django.contrib.auth.models import User

    from waypoint.orgs.models import Membership, Organisation

    owner = Organisation.objects.create(
        code="BENCH", name="Benchmark", type="national_authority", country="ITA"
    )
    user = User.objects.create(username="bench")
    Membership.objects.create(user=user, organisation=owner, role="reporter")
    return owner, user


def _import(data: str) -> dict[str, Any]:
    from waypoint.bulk.engine import ImportOptions, run_import

    owner, user = _owner()
    started, cpu = time.perf_counter(), time.process_time()
    report = run_import(
        actor=user, organisation=owner, path=data, options=ImportOptions(format="waypoint")
    )
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 3),
        "cpu_s": round(time.process_time() - cpu, 3),
        "peak_mb": _peak_mb(),
        "created": report.created,
        "rejected": report.rejected,
    }


def _import_untriggered(data: str) -> dict[str, Any]:
    from django.db import connection

    from waypoint.analytics import summary_triggers

    summary_triggers.remove(connection)
    return _import(data)


def _baseline(data: str) -> dict[str, Any]:
    """The rows the import writes, inserted with ``executemany`` and nothing else: per incident
    its row, its first status-history row, its route leg and its import fingerprint; per person
    their row and, for a victim, the victimisation row. No mapping, no validation, no sealing:
    each cell goes to its column as the file has it. Nor the statistics summary's triggers,
    which the import sets aside too."""
    import datetime
    import uuid

    from django.db import connection, transaction

    from waypoint.analytics import summary_triggers

    summary_triggers.remove(connection)

    from waypoint.bulk.models import ImportedRecord
    from waypoint.cases.models import (
        Incident,
        IncidentStatusChange,
        Person,
        RouteLeg,
        Victimisation,
    )

    owner, user = _owner()
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None).isoformat(" ")
    started, cpu = time.perf_counter(), time.process_time()
    inserts = {
        "incident": _Insert(
            Incident,
            "id public_id owner_id reference label kinds date_start country place "
            "migrants_involved status created_by_id created_at updated_at",
        ),
        "history": _Insert(IncidentStatusChange, "id public_id incident_id to_status actor_id at"),
        "person": _Insert(Person, "id public_id incident_id role sex age citizenship"),
        "victim": _Insert(Victimisation, "id person_id exploitation_forms"),
        "leg": _Insert(RouteLeg, "id incident_id sequence from_country to_country"),
        "fingerprint": _Insert(ImportedRecord, "incident_id fingerprint"),
    }
    incident_id = person_id = leg_id = 0
    last = None
    with transaction.atomic(), connection.cursor() as cursor, open(data, newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for row in reader:
            if row[0] != last:
                last = row[0]
                incident_id += 1
                inserts["incident"].add(
                    incident_id, uuid.uuid4().hex, owner.pk, row[0], row[1], f'["{row[2]}"]',
                    row[3], row[4], row[5], row[6] or None, "submitted", user.pk, now, now,
                )  # fmt: skip
                inserts["history"].add(
                    incident_id, uuid.uuid4().hex, incident_id, "submitted", user.pk, now
                )
                inserts["fingerprint"].add(incident_id, row[0])
                if row[7]:
                    origin, destination = row[7].split(" > ")
                    leg_id += 1
                    inserts["leg"].add(leg_id, incident_id, 1, origin, destination)
            person_id += 1
            inserts["person"].add(
                person_id, uuid.uuid4().hex, incident_id, row[9], row[10], row[11], row[12]
            )
            if row[13]:
                inserts["victim"].add(person_id, person_id, f'["{row[13]}"]')
            if len(inserts["person"].rows) >= 2000:
                _flush(cursor, inserts)
        _flush(cursor, inserts)
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 3),
        "cpu_s": round(time.process_time() - cpu, 3),
        "peak_mb": _peak_mb(),
    }


class _Insert:
    """A plain INSERT of the given columns, every other column taking its default as a constant
    written into the statement once."""

    def __init__(self, model: Any, given: str) -> None:
        from django.db import connection

        from waypoint.cases.writing import _default

        names = given.split()
        fields = {field.attname: field for field in model._meta.concrete_fields}
        rest = [attname for attname in fields if attname not in names]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(fields[attname].column) for attname in [*names, *rest])
        marks = ", ".join(["%s"] * len(names))
        defaults = ", ".join(_literal(_default(fields[attname])) for attname in rest)
        self.sql = (
            f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "
            f"VALUES ({marks}{', ' if rest else ''}{defaults})"
        )
        self.rows: list[tuple[Any, ...]] = []

    def add(self, *values: Any) -> None:
        self.rows.append(values)


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _flush(cursor: Any, inserts: dict[str, _Insert]) -> None:
    for insert in inserts.values():
        if insert.rows:
            cursor.executemany(insert.sql, insert.rows)
            insert.rows = []


def _main_child(task: str, data: str) -> None:
    import django

    django.setup()
    tasks = {
        "migrate": _migrate,
        "import": _import,
        "import_untriggered": _import_untriggered,
        "baseline": _baseline,
    }
    print(json.dumps(tasks[task](data)))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        _main_child(sys.argv[2], sys.argv[3])
    else:
        print(json.dumps(run(), indent=2))
