"""The shape every importer module has, and what an importer is given while reading."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from waypoint.bulk.mapping import SourceRecord
from waypoint.bulk.sources import Table


@dataclass
class ReadContext:
    """What an importer may need besides the tables, and where it leaves notices."""

    #: The sharing label for records whose file does not give one.
    label: str = "red"
    notices: list[str] = field(default_factory=list)

    def notice(self, text: str) -> None:
        if text not in self.notices:
            self.notices.append(text)

    def report_extra_columns(self, table: Table, known: Iterable[str]) -> None:
        """Name the columns of ``table`` the format does not read (reported, not fatal)."""
        extra = [table.written(column) for column in table.headers if column not in set(known)]
        extra = [column for column in extra if column]
        if extra:
            where = table.file + (f", sheet {table.sheet}" if table.sheet else "")
            self.notice(f"{where}: columns not imported: {', '.join(extra)}")


@dataclass(frozen=True)
class Format:
    """An importable layout.

    ``recognise`` scores how surely the tables' headers are this layout (0 not at all, 1 sure);
    ``read`` turns the tables' rows into incidents, one ``SourceRecord`` each, in file order,
    streaming where the layout allows.
    """

    name: str
    title: str
    recognise: Callable[[list[Table]], float]
    read: Callable[[list[Table], ReadContext], Iterator[SourceRecord]]
    #: A short description for docs and the CLI help.
    description: str = ""
