"""Validation of imported drafts (the domain rules of ``cases.validation``)."""

from __future__ import annotations

from waypoint.cases.validation import IncidentDraft, Problem, validate


def validate_quickly(draft: IncidentDraft) -> list[Problem]:
    return validate(draft)
