"""Forms whose repeated blocks are numbered in their field names (``persons-2-sex``,
``tip_victims_detected.3-value``): taking one block out of the submitted data."""

from __future__ import annotations

import re

from django.http import QueryDict


def without_block(
    data: QueryDict, prefix: str, number: int, count: int, count_key: str
) -> QueryDict:
    """The data without block ``number`` of the keys ``<prefix><n>-…`` or ``<prefix><n>.…``,
    the blocks after it renumbered and ``count_key`` set to one fewer than ``count``."""
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)([-.].*)$")
    kept = QueryDict(mutable=True)
    for key in data:
        match = pattern.match(key)
        if match is None:
            kept.setlist(key, data.getlist(key))
            continue
        found, rest = int(match.group(1)), match.group(2)
        if found < number:
            kept.setlist(key, data.getlist(key))
        elif found > number:
            kept.setlist(f"{prefix}{found - 1}{rest}", data.getlist(key))
    kept[count_key] = str(count - 1)
    return kept
