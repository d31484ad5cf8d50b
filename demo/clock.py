"""Plausible moments for demo activity: office hours in the account's time zone."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from zoneinfo import ZoneInfo

# Local hour of day → relative activity: office hours, a lunch dip, a little in the evening.
HOUR_WEIGHTS = (
    0.4,
    0.2,
    0.1,
    0.1,
    0.1,
    0.3,
    1.5,
    4,
    8,
    10,
    10,
    9,
    6,
    9,
    10,
    9,
    8,
    5,
    3,
    2.5,
    2,
    1.6,
    1.1,
    0.7,
)
_HOUR_CUM = list(itertools.accumulate(HOUR_WEIGHTS))


class Clock:
    """Moments in the past of one account, during its office hours."""

    def __init__(self, *, time_zone: str, now: dt.datetime, rng: random.Random) -> None:
        self.tz = ZoneInfo(time_zone)
        self.now = now
        self.rng = rng

    def midnight(self, day: dt.date) -> dt.datetime:
        """The start of a local day, in UTC."""
        return dt.datetime.combine(day, dt.time(0), tzinfo=self.tz).astimezone(dt.UTC)

    def office_seconds(self) -> float:
        """Seconds after local midnight, drawn by how busy each hour of the day is."""
        hour = bisect.bisect_left(_HOUR_CUM, self.rng.random() * _HOUR_CUM[-1])
        return hour * 3600 + self.rng.random() * 3600

    def at(self, days_ago: float, hour: float | None = None) -> dt.datetime:
        """A moment on the local day `days_ago` days back, in office hours (or at `hour`)."""
        day = (self.now - dt.timedelta(days=days_ago)).astimezone(self.tz).date()
        seconds = hour * 3600 if hour is not None else self.office_seconds()
        moment = self.midnight(day) + dt.timedelta(seconds=seconds)
        if moment <= self.now:
            return moment
        # Later today than now: somewhere between local midnight and now instead, so that the
        # newest events spread over the day rather than pile up on one instant.
        start = self.midnight(day)
        return start + (self.now - start) * self.rng.random()
