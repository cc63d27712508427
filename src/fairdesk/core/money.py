"""Money is integer fen everywhere; this is the one place it becomes text for people."""

from __future__ import annotations


def format_fen(amount: int) -> str:
    """3900 → "¥39.00", -150 → "−¥1.50", 1234567 → "¥12,345.67" (integer arithmetic, no floats)."""
    sign = "−" if amount < 0 else ""
    value = abs(int(amount))
    return f"{sign}¥{value // 100:,}.{value % 100:02d}"
