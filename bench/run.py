"""Run Waypoint's benchmarks: the ``run()`` of every ``bench/bench_*.py`` module.

    .venv/bin/python bench/run.py [NAME ...] [--output PATH] [--list]

NAME picks modules (``bench_search`` or just ``search``); without names every module runs, in name
order. Each ``run()`` returns a JSON-serialisable dict of measurements (bench/README.md says what
goes in it). The runner prints them, writes them together with the machine's details to
``bench/results/latest.json`` (or PATH) plus a timestamped copy, and exits non-zero when a benchmark
raised. Having no benchmark is not an error.

Django is set up before the modules are imported (``WAYPOINT_MODE=test`` unless the environment says
otherwise). A module that sets ``NEEDS_DATABASE = True`` runs against an empty, migrated test
database, created once for all such modules and destroyed at the end: SQLite in memory, or a
``test_…`` database next to the one ``WAYPOINT_DATABASE_URL`` names (for PostgreSQL run
``scripts/with-postgres .venv/bin/python bench/run.py``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import platform
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent


def discover() -> list[str]:
    return sorted(path.stem for path in BENCH_DIR.glob("bench_*.py"))


def select(available: list[str], names: list[str]) -> list[str]:
    if not names:
        return available
    chosen = []
    for name in names:
        module = name if name.startswith("bench_") else f"bench_{name}"
        module = module.removesuffix(".py")
        if module not in available:
            raise SystemExit(f"bench: no module {module}.py in {BENCH_DIR}")
        chosen.append(module)
    return chosen


def machine() -> dict[str, Any]:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = None
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "commit": commit,
    }


def setup_django() -> None:
    os.environ.setdefault("WAYPOINT_MODE", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waypoint.settings")
    import django

    django.setup()


def run_one(name: str) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        module = importlib.import_module(name)
        results = module.run()
        if not isinstance(results, dict):
            raise TypeError(f"{name}.run() returned {type(results).__name__}, not a dict")
        json.dumps(results)  # fail here, with the module named, rather than when writing
        return {"seconds": round(time.perf_counter() - started, 3), "results": results}
    except Exception:
        traceback.print_exc()
        return {"seconds": round(time.perf_counter() - started, 3), "error": traceback.format_exc()}


def needs_database(name: str) -> bool:
    try:
        module = importlib.import_module(name)
    except Exception:
        return False  # run_one reports the error
    return bool(getattr(module, "NEEDS_DATABASE", False))


def show(name: str, outcome: dict[str, Any]) -> None:
    if "error" in outcome:
        print(f"{name}: FAILED after {outcome['seconds']} s")
        return
    print(f"{name}: {outcome['seconds']} s")
    for key, value in outcome["results"].items():
        print(f"    {key}: {value}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="modules to run (default: all)")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "results" / "latest.json")
    parser.add_argument("--list", action="store_true", help="list the modules and stop")
    args = parser.parse_args(argv)

    available = discover()
    if args.list:
        print("\n".join(available) or "no benchmarks (bench/bench_*.py)")
        return 0
    names = select(available, args.names)

    report: dict[str, Any] = {
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "benchmarks": {},
    }
    if not names:
        print("bench: no benchmarks (bench/bench_*.py)")
    else:
        sys.path.insert(0, str(BENCH_DIR))
        sys.path.insert(0, str(ROOT))
        setup_django()
        from django.db import connection
        from django.test.utils import setup_databases, teardown_databases

        report["machine"]["database"] = connection.vendor
        old_config = None
        try:
            if any(needs_database(name) for name in names):
                old_config = setup_databases(verbosity=0, interactive=False)
            for name in names:
                print(f"bench: {name}", flush=True)
                outcome = run_one(name)
                report["benchmarks"][name] = outcome
                show(name, outcome)
        finally:
            if old_config is not None:
                teardown_databases(old_config, verbosity=0)

    args.output.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    args.output.write_text(text, encoding="utf-8")
    stamp = report["started"].replace(":", "").replace("-", "").replace("+0000", "Z")
    (args.output.parent / f"{stamp}.json").write_text(text, encoding="utf-8")
    shown = args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output
    print(f"bench: results in {shown}")
    failed = [name for name, outcome in report["benchmarks"].items() if "error" in outcome]
    if failed:
        print(f"bench: failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
