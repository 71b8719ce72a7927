"""Demo data: generating and writing 100,000 synthetic incidents (with their persons, legs,
offenders and histories) into a fresh SQLite database, against ``bulk_create`` of 100,000 bare
incident rows with the same batch size into another fresh copy of the same database.

Each measurement runs in its own process on its own copy of one migrated database, so neither
sees the other's rows or the runner's test database. Run alone with
``.venv/bin/python bench/bench_demo.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SIZE = 100_000
SEED = 1
ROOT = Path(__file__).resolve().parent.parent


def run() -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="waypoint-bench-demo-") as scratch:
        template = Path(scratch) / "migrated.sqlite3"
        _child("migrate", template)
        demo = _child("demo", _copy(template, "demo"))
        baseline = _child("baseline", _copy(template, "baseline"))
    rows = demo["rows"]
    return {
        "incidents": SIZE,
        "seed": SEED,
        "demo_s": demo["seconds"],
        "baseline_bulk_create_s": baseline["seconds"],
        "ratio": round(demo["seconds"] / baseline["seconds"], 3),
        "rows": sum(rows.values()),
        "rows_per_s": round(sum(rows.values()) / demo["seconds"]),
        **{f"rows_{label.split('.')[-1].lower()}": count for label, count in rows.items()},
    }


def _copy(template: Path, name: str) -> Path:
    target = template.with_name(f"{name}.sqlite3")
    shutil.copyfile(template, target)
    return target


def _child(task: str, database: Path) -> dict[str, Any]:
    env = {
        **os.environ,
        "WAYPOINT_MODE": "test",
        "WAYPOINT_VAR_DIR": str(database.parent),
        "WAYPOINT_DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "waypoint.settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    done = subprocess.run(
        [sys.executable, __file__, "--child", task],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench_demo {task} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _migrate() -> dict[str, Any]:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return {}


def _demo() -> dict[str, Any]:
    """What ``waypoint demo --incidents SIZE`` does, without the table it prints."""
    from django.db import transaction
    from django.utils import timezone

    from waypoint.demo.generate import generate
    from waypoint.demo.write import ensure_world, write_incidents

    started = time.perf_counter()
    with transaction.atomic():
        world = ensure_world()
        records = generate(world, seed=SEED, count=SIZE, today=timezone.localdate())
        rows = write_incidents(records)
    return {"seconds": round(time.perf_counter() - started, 3), "rows": rows}


def _baseline() -> dict[str, Any]:
    """``bulk_create`` of bare incidents: the least a writer of SIZE incidents has to do."""
    import datetime
    from random import Random

    from django.db import transaction

    from waypoint.cases.models import Incident
    from waypoint.demo.draw import make_uuid
    from waypoint.demo.write import BATCH
    from waypoint.orgs.models import Organisation

    owner = Organisation.objects.create(
        code="BENCH", name="Benchmark", type="national_authority", country="ITA"
    )
    rng = Random(SEED)
    started = time.perf_counter()
    with transaction.atomic():
        incidents = [
            Incident(
                owner=owner,
                reference=f"BENCH-{number:06d}",
                public_id=make_uuid(rng),
                kinds=["smuggling_of_migrants"],
                date_start=datetime.date(2015, 1, 1) + datetime.timedelta(days=number % 3650),
                date_precision="day",
                country="ITA",
            )
            for number in range(SIZE)
        ]
        Incident.objects.bulk_create(incidents, batch_size=BATCH)
    return {"seconds": round(time.perf_counter() - started, 3)}


def _main_child(task: str) -> None:
    import django

    django.setup()
    tasks = {"migrate": _migrate, "demo": _demo, "baseline": _baseline}
    print(json.dumps(tasks[task]()))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        _main_child(sys.argv[2])
    else:
        print(json.dumps(run(), indent=2))
