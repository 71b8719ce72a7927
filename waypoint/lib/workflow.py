"""Status workflows as data: the allowed transitions between named states."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


class TransitionError(ValueError):
    """A status change the workflow does not allow."""


@dataclass(frozen=True)
class Workflow:
    """Allowed transitions; ``initial`` lists the states a new record may start in."""

    transitions: Mapping[str, frozenset[str]]
    initial: frozenset[str]

    @classmethod
    def of(cls, transitions: Mapping[str, Iterable[str]], initial: Iterable[str]) -> Workflow:
        return cls({k: frozenset(v) for k, v in transitions.items()}, frozenset(initial))

    def allows(self, current: str | None, target: str) -> bool:
        if not current:
            return target in self.initial
        return target in self.transitions.get(current, frozenset())

    def next_states(self, current: str | None) -> frozenset[str]:
        if not current:
            return self.initial
        return self.transitions.get(current, frozenset())

    def check(self, current: str | None, target: str) -> None:
        if not self.allows(current, target):
            allowed = ", ".join(sorted(self.next_states(current))) or "none"
            raise TransitionError(
                f"cannot move from “{current or 'new'}” to “{target}”; allowed: {allowed}"
            )

    def states(self) -> frozenset[str]:
        reachable = set(self.initial).union(*self.transitions.values())
        return frozenset(reachable | set(self.transitions))
