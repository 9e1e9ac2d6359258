"""How our JSON writes an instant: as PostgreSQL's to_json does after date_trunc to the ms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from app.common.times import instant_text


@pytest.mark.parametrize(
    ("microsecond", "written"),
    [
        (0, "2026-12-01T10:00:59+00:00"),
        (999_999, "2026-12-01T10:00:59.999+00:00"),  # cut, never rounded up to the next second
        (120_000, "2026-12-01T10:00:59.12+00:00"),
        (1_000, "2026-12-01T10:00:59.001+00:00"),
        (999, "2026-12-01T10:00:59+00:00"),
    ],
)
def test_an_instant_to_the_millisecond_without_trailing_zeros(microsecond, written):
    assert instant_text(datetime(2026, 12, 1, 10, 0, 59, microsecond, tzinfo=UTC)) == written


def test_the_offset_is_kept_and_none_stays_none():
    cet = timezone(timedelta(hours=1))
    assert instant_text(datetime(2026, 12, 1, 11, 0, 0, 5_000, tzinfo=cet)) == (
        "2026-12-01T11:00:00.005+01:00"
    )
    assert instant_text(None) is None
