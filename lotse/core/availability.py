"""Weekly availability as a 21-bit mask (7 weekdays × morning/afternoon/evening).

A mask is compact, indexes well and lets the database answer "free on Tuesday evening" with one
bitwise AND on SQLite and PostgreSQL alike; the matching engine counts overlapping bits.
"""

from collections.abc import Iterable

from .choices import DaySlot, Weekday

SLOTS_PER_DAY = len(DaySlot)
ALL_SLOTS_MASK = (1 << (len(Weekday) * SLOTS_PER_DAY)) - 1


def slot_bit(weekday: int, slot: int) -> int:
    """Return the bit of one weekday × slot cell."""
    if weekday not in Weekday.values or slot not in DaySlot.values:
        raise ValueError(f"Unknown availability cell {weekday}/{slot}")
    return 1 << (weekday * SLOTS_PER_DAY + slot)


def mask_from_cells(cells: Iterable[tuple[int, int]]) -> int:
    """Combine (weekday, slot) cells into a mask."""
    mask = 0
    for weekday, slot in cells:
        mask |= slot_bit(weekday, slot)
    return mask


def cells_from_mask(mask: int) -> list[tuple[int, int]]:
    """List the (weekday, slot) cells set in a mask, in calendar order."""
    return [
        (weekday, slot)
        for weekday in Weekday.values
        for slot in DaySlot.values
        if mask & slot_bit(weekday, slot)
    ]


def cell_key(weekday: int, slot: int) -> str:
    """Return the form value of one cell, e.g. "1-2" for Tuesday evening."""
    return f"{weekday}-{slot}"


def parse_cell_key(key: str) -> tuple[int, int]:
    """Parse a form value like "1-2"; raise ValueError for anything else."""
    weekday_text, _, slot_text = key.partition("-")
    weekday, slot = int(weekday_text), int(slot_text)
    slot_bit(weekday, slot)
    return weekday, slot


def overlap_count(first: int, second: int) -> int:
    """Count the cells two masks share."""
    return (first & second).bit_count()
