"""Age groups of the ``age_group`` vocabulary and their bounds in completed years."""

from __future__ import annotations

#: code → (lowest age, highest age); None means no upper bound.
AGE_GROUP_BOUNDS: dict[str, tuple[int, int | None]] = {
    "0-4": (0, 4),
    "5-9": (5, 9),
    "10-14": (10, 14),
    "15-17": (15, 17),
    "18-24": (18, 24),
    "25-34": (25, 34),
    "35-44": (35, 44),
    "45-54": (45, 54),
    "55-64": (55, 64),
    "65+": (65, None),
    "child": (0, 17),
    "adult": (18, None),
}

#: The detailed groups, in order; ``child`` and ``adult`` are coarser answers.
DETAILED_GROUPS = (
    "0-4",
    "5-9",
    "10-14",
    "15-17",
    "18-24",
    "25-34",
    "35-44",
    "45-54",
    "55-64",
    "65+",
)
MAX_AGE = 120
AGE_OF_MAJORITY = 18


def age_group_for(age: int) -> str:
    """The detailed group an exact age falls in."""
    for code in DETAILED_GROUPS:
        low, high = AGE_GROUP_BOUNDS[code]
        if age >= low and (high is None or age <= high):
            return code
    raise ValueError(f"age {age} is outside every group")


def group_contains(code: str, age: int) -> bool:
    """Whether an exact age agrees with a recorded group; missing answers agree with any age."""
    if code not in AGE_GROUP_BOUNDS:
        return True
    low, high = AGE_GROUP_BOUNDS[code]
    return age >= low and (high is None or age <= high)


def is_minor(age: int | None, group: str) -> bool | None:
    """True for a child, False for an adult, None when the record does not say."""
    if age is not None:
        return age < AGE_OF_MAJORITY
    if group in AGE_GROUP_BOUNDS:
        low, high = AGE_GROUP_BOUNDS[group]
        if high is not None and high < AGE_OF_MAJORITY:
            return True
        if low >= AGE_OF_MAJORITY:
            return False
    return None
