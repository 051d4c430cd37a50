"""How the desk says when something happened: today and yesterday by name, this year without the year."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.desk.deliveries import desk_time, local_time


def _local_utc(local: datetime) -> datetime:
    """The UTC store value of a local wall-clock time (the tests run in whatever zone the machine has)."""
    return local.astimezone().astimezone(UTC).replace(tzinfo=None)


NOW = datetime(2026, 11, 27, 15, 30).astimezone()


def test_today_and_yesterday_by_name() -> None:
    assert desk_time(_local_utc(datetime(2026, 11, 27, 9, 41)), now=NOW) == "Today 09:41"
    assert desk_time(_local_utc(datetime(2026, 11, 26, 16, 5)), now=NOW) == "Yesterday 16:05"


def test_this_year_with_weekday_and_earlier_years_in_full() -> None:
    assert desk_time(_local_utc(datetime(2026, 11, 3, 14, 20)), now=NOW) == "Tue 3 Nov 14:20"
    assert desk_time(_local_utc(datetime(2025, 12, 31, 8, 0)), now=NOW) == "2025-12-31 08:00"


def test_missing_time_is_blank_and_exports_keep_the_full_form() -> None:
    assert desk_time(None, now=NOW) == ""
    stored = _local_utc(datetime(2026, 11, 27, 9, 41))
    assert local_time(stored) == "2026-11-27 09:41"
    assert desk_time(stored + timedelta(days=1), now=NOW) == "2026-11-28 09:41"  # a clock ahead: said in full
