"""Legal periods are counted in China time; the deadline is stored in UTC."""

from datetime import UTC, datetime

import pytest

from daojiao.domain.deadlines import CHINA, deadline_after, parse_period


def china(*args) -> datetime:
    return datetime(*args, tzinfo=CHINA)


def test_three_working_days_from_a_friday_skip_the_weekend():
    # Friday 2026-12-04 10:00 → Mon 7, Tue 8, Wed 9 → ends at the end of Wednesday,
    # 2026-12-10 00:00 China time = 2026-12-09 16:00 UTC.
    deadline = deadline_after(china(2026, 12, 4, 10, 0), "3wd")
    assert deadline.ends_at == datetime(2026, 12, 9, 16, 0, tzinfo=UTC)


def test_thirty_days_end_at_midnight_china_time_of_the_last_day():
    # 2026-12-03 + 30 days = 2027-01-02, ending 2027-01-03 00:00 China = 2027-01-02 16:00 UTC.
    deadline = deadline_after(china(2026, 12, 3, 15, 0), "30d")
    assert deadline.ends_at == datetime(2027, 1, 2, 16, 0, tzinfo=UTC)


def test_the_day_is_the_china_day_even_when_utc_is_still_the_day_before():
    # 2026-12-03 17:00 UTC is already Friday 2026-12-04 01:00 in China: one day → end of
    # Saturday 12-05, i.e. 2026-12-06 00:00 China = 2026-12-05 16:00 UTC.
    deadline = deadline_after(datetime(2026, 12, 3, 17, 0, tzinfo=UTC), "1d")
    assert deadline.ends_at == datetime(2026, 12, 5, 16, 0, tzinfo=UTC)
    assert deadline.ends_at_china.isoformat() == "2026-12-06T00:00:00+08:00"


def test_seconds_are_for_tests_and_count_from_the_start():
    start = datetime(2026, 12, 3, 8, 0, 0, tzinfo=UTC)
    deadline = deadline_after(start, "20s")
    assert deadline.seconds_from(start) == 20
    # A deadline already past still gives the wait one second, so it times out by itself.
    assert deadline.seconds_from(datetime(2026, 12, 4, tzinfo=UTC)) == 1


@pytest.mark.parametrize("text", ["", "3", "3h", "-3d", "d3", "3 days"])
def test_a_period_that_is_not_days_working_days_or_seconds_is_refused(text):
    with pytest.raises(ValueError, match="period"):
        parse_period(text)
