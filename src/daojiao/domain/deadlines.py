"""Legal periods counted in China time (Asia/Shanghai), stored as UTC with an offset."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")
_PERIOD = re.compile(r"^(\d+)(wd|d|s)$")


@dataclass(frozen=True)
class Deadline:
    ends_at: datetime  # UTC

    @property
    def ends_at_china(self) -> datetime:
        return self.ends_at.astimezone(CHINA)

    def seconds_from(self, now: datetime) -> int:
        """Seconds left, at least 1 so that a resumed wait still times out by itself."""
        return max(1, int((self.ends_at - now).total_seconds()))


def parse_period(text: str) -> tuple[int, str]:
    match = _PERIOD.match(text.strip())
    if not match:
        raise ValueError(f"period {text!r} is not <n>d, <n>wd or <n>s")
    return int(match.group(1)), match.group(2)


def deadline_after(start: datetime, period: str) -> Deadline:
    """The end of a period that starts at `start`.

    Days end at midnight China time of the last day (a period starting on the 1st with 3 days
    ends at the end of the 4th). Working days skip Saturdays and Sundays.
    NOTE: public holidays and adjusted working weekends (调休) are not in the calendar yet; a
    working-day period over a holiday ends earlier than the law allows.
    """
    count, unit = parse_period(period)
    if unit == "s":
        return Deadline(start.astimezone(UTC) + timedelta(seconds=count))
    day = start.astimezone(CHINA).date()
    if unit == "d":
        day += timedelta(days=count)
    else:
        remaining = count
        while remaining:
            day += timedelta(days=1)
            if day.weekday() < 5:
                remaining -= 1
    end_local = datetime.combine(day + timedelta(days=1), datetime.min.time(), CHINA)
    return Deadline(end_local.astimezone(UTC))


def utc_now() -> datetime:
    return datetime.now(UTC)


def china_today():
    return utc_now().astimezone(CHINA).date()
