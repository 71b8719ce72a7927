"""``waypoint stats [TABLE] --user USERNAME [--format csv|json|md|xlsx] [--public] [filters]``

Without TABLE, lists the standard tables. ``waypoint stats explorer --subject victims --by sex
--by year`` asks the explorer instead (see docs/statistics-tables.md). With a table, computes it over what the user may see (with
``--public``: over the incidents whose owners agreed to publication, with the public suppression
threshold, or with differential privacy given ``--epsilon`` and ``--dataset``), passes it through
the disclosure gate and writes it to standard output or ``--out``. Exit status: 0 when written,
2 on a usage error (an unknown table, a bad filter, a refused request).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from waypoint.analytics import answers, statistics
from waypoint.analytics.privacy import PrivacyError, PrivateRelease
from waypoint.analytics.statistics import Scope, SpecError, StatSpec, explorer

USAGE = 2
#: The table name that asks the explorer.
EXPLORER = "explorer"


def usage_error(message: str) -> CommandError:
    return CommandError(message, returncode=USAGE)


class Command(BaseCommand):
    help = "List the standard statistical tables, or compute one as a user may see it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("table", nargs="?", help="a table id (without: list the tables)")
        parser.add_argument("--user", required=True, metavar="USERNAME", help="whose view")
        parser.add_argument("--format", choices=answers.FORMATS, default="csv")
        parser.add_argument("--out", metavar="PATH", help="write here (xlsx needs it)")
        parser.add_argument(
            "--chart",
            metavar="PATH",
            help="also draw the table: a flow map, a map, a trend or bars (.svg or .png)",
        )
        parser.add_argument(
            "--public",
            action="store_true",
            help="only incidents whose owners agreed to publication, with the public threshold",
        )
        parser.add_argument("--from", dest="year_from", type=int, metavar="YEAR")
        parser.add_argument("--to", dest="year_to", type=int, metavar="YEAR")
        for name, what in (
            ("country", "ISO 3166-1 alpha-3 code of the incident's country"),
            ("region", "UN M49 code of a region"),
            ("kind", "incident kind"),
            ("label", "sharing label"),
            ("route", "named route or ORIGIN>DESTINATION"),
        ):
            parser.add_argument(f"--{name}", action="append", default=[], help=f"{what} (repeat)")
        parser.add_argument("--currency", help="ISO 4217 currency of fee tables")
        parser.add_argument(
            "--subject",
            choices=tuple(explorer.SUBJECTS),
            default="incidents",
            help="explorer: what is counted",
        )
        parser.add_argument(
            "--by",
            action="append",
            default=[],
            metavar="BREAKDOWN",
            help="explorer: a breakdown (repeat, up to three)",
        )
        parser.add_argument("--threshold", type=int, help="a stricter suppression threshold")
        parser.add_argument("--epsilon", type=float, help="differential privacy: ε to spend")
        parser.add_argument("--dataset", help="differential privacy: the budget to spend from")
        parser.add_argument(
            "--unprotected",
            action="store_true",
            help="no disclosure control (platform administrators only; for checks)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = _user(options["user"])
        if not options["table"]:
            self._list()
            return
        try:
            question = _question(options)
            spec = _spec(options, user, question)
            protected = answers.answer(
                spec,
                actor=user,
                threshold=options["threshold"],
                release=_release(options),
                unprotected=options["unprotected"],
                question=question,
            )
        except (SpecError, PrivacyError, ValueError) as error:
            raise usage_error(str(error)) from error
        except PermissionDenied as error:
            raise usage_error(str(error) or "not allowed") from error
        self._write(protected, options["format"], options["out"])
        if options["chart"]:
            _draw(protected, options["chart"])

    def _list(self) -> None:
        for table in statistics.REGISTRY:
            dimensions = " × ".join(table.dimensions)
            self.stdout.write(f"{table.id}\t{table.title}\t{dimensions}")

    def _write(self, protected: Any, fmt: str, out: str | None) -> None:
        if fmt == "xlsx":
            if not out:
                raise usage_error("--format xlsx needs --out PATH")
            Path(out).write_bytes(answers.as_xlsx(protected))
            return
        if fmt == "csv":
            text = answers.as_csv(protected)
        elif fmt == "json":
            text = json.dumps(answers.as_json(protected), ensure_ascii=False, indent=2) + "\n"
        else:
            text = answers.as_markdown(protected)
        if out:
            Path(out).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")


def _draw(protected: Any, path: str) -> None:
    from waypoint.analytics import charts

    target = Path(path)
    if target.suffix.lower() not in (".svg", ".png"):
        raise usage_error("--chart needs a .svg or .png path")
    spec = answers.default_chart(protected)
    if target.suffix.lower() == ".svg":
        target.write_text(charts.to_svg(spec), encoding="utf-8")
    else:
        target.write_bytes(charts.to_png(spec))


def _user(username: str) -> Any:
    user = get_user_model()._default_manager.filter(username=username).first()
    if user is None or not user.is_active:
        raise usage_error(f"no active user named {username!r}")
    return user


def _question(options: dict[str, Any]) -> explorer.Question | None:
    """The explorer's question when the table asked for is ``explorer``."""
    if options["table"] != EXPLORER:
        if options["by"]:
            raise usage_error("--by is for the explorer: `waypoint stats explorer --by …`")
        return None
    return explorer.Question(options["subject"], tuple(options["by"]))


def _spec(options: dict[str, Any], user: Any, question: explorer.Question | None) -> StatSpec:
    table = options["table"] if question is None else question.table_id
    if question is None and table not in statistics.IDS:
        raise usage_error(f"unknown table {table!r}; `waypoint stats --user …` lists them")
    return StatSpec(
        table,
        Scope.published() if options["public"] else Scope.of(user),
        year_from=options["year_from"],
        year_to=options["year_to"],
        countries=tuple(code.upper() for code in options["country"]),
        regions=tuple(options["region"]),
        kinds=tuple(options["kind"]),
        labels=tuple(options["label"]),
        routes=tuple(options["route"]),
        currency=options["currency"].upper() if options["currency"] else None,
    )


def _release(options: dict[str, Any]) -> PrivateRelease | None:
    epsilon, dataset = options["epsilon"], options["dataset"]
    if epsilon is None and dataset is None:
        return None
    if epsilon is None or not dataset:
        raise usage_error("differential privacy needs both --epsilon and --dataset")
    if not options["public"]:
        raise usage_error("differential privacy is for public releases: add --public")
    return PrivateRelease(dataset=dataset, epsilon=epsilon)
