"""Shares in reports are rounded down: a shortfall never reads 100 % (issue 15)."""

from __future__ import annotations

import pytest

from supplyopt.report._format import format_share


@pytest.mark.parametrize(
    ("share", "digits", "text"),
    [
        (147 / 150, 0, "98%"),
        (0.996, 0, "99%"),
        (0.9996, 1, "99.9%"),
        (1.0, 0, "100%"),
        (1.0, 1, "100.0%"),
        (0.29, 0, "29%"),
        (1 - 1e-11, 0, "99%"),  # one unit short of 10**11
        (0.57, 1, "57.0%"),
        (0.0, 0, "0%"),
        (None, 0, "—"),
    ],
)
def test_share_is_rounded_down(share: float | None, digits: int, text: str) -> None:
    """Below 1.0 a share never reads 100 %; exact products (0.29) are not pushed below."""
    assert format_share(share, digits) == text
