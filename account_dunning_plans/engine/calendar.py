"""Working days: the one definition used by plans ("business days only") and the
send window alike.

A working day is a day of the week the company works (its working-hours calendar) that
no public holiday closes. Without a calendar: Monday to Friday.
"""

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache


@dataclass(frozen=True)
class WorkCalendar:
    """The company's working days: ``weekdays`` (0 = Monday) minus ``holidays`` (dates)."""

    weekdays: frozenset = frozenset(range(5))
    holidays: frozenset = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays

    def next_working_day(self, day: date, horizon: int = 400) -> date:
        """``day`` itself when it is a working day, else the next one (``day`` when
        none comes within ``horizon`` days: a calendar without working day)."""
        for offset in range(horizon):
            current = day + timedelta(days=offset)
            if self.is_working_day(current):
                return current
        return day

    def closed_by(self, leaves, hour_from: float = 0.0, hour_to: float = 24.0):
        """This calendar with the days closed by ``leaves`` (``(begin, end)`` local naive
        datetimes, e.g. public holidays): a leave overlapping a day's working hours
        (``hour_from`` to ``hour_to``) closes the whole day."""
        closed = set(self.holidays)
        for begin, end in leaves:
            day = begin.date()
            while day <= end.date():
                if begin < at(day, hour_to) and end > at(day, hour_from):
                    closed.add(day)
                day += timedelta(days=1)
        return replace(self, holidays=frozenset(closed))


# Monday to Friday, no holiday: the calendar of a company without working hours.
WEEKDAYS = WorkCalendar()


def at(day: date, hours: float) -> datetime:
    """``day`` at ``hours`` (e.g. 8.5 = 08:30), a naive datetime."""
    return datetime.combine(day, time(0)) + timedelta(minutes=round(hours * 60))


def is_business_day(day: date, calendar: WorkCalendar = WEEKDAYS) -> bool:
    """A working day of ``calendar`` (Monday to Friday by default)."""
    return calendar.is_working_day(day)


def next_business_day(day: date, calendar: WorkCalendar = WEEKDAYS) -> date:
    """``day`` itself when it is a working day, else the next one."""
    return calendar.next_working_day(day)


# Delays beyond a century mean nothing for dunning: larger ones are clamped to it, so
# that a bad setting (a delay of 10,000,000 days) can neither overflow a date nor loop.
MAX_DAYS = 36_600


def shift(day: date, days: int) -> date:
    """``day`` moved ``days`` calendar days, clamped to a century and to the dates
    Python knows (never an OverflowError)."""
    if type(days) is not int or not -MAX_DAYS <= days <= MAX_DAYS:
        days = max(-MAX_DAYS, min(MAX_DAYS, int(days)))
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


@lru_cache(maxsize=65536)
def add_days(day: date, days: int, calendar=None) -> date:
    """Move ``days`` days from ``day`` (backwards when negative).

    With a ``calendar`` (a :class:`WorkCalendar`, or True for Monday to Friday) only its
    working days are counted: adding 1 to a Friday gives the Monday, adding -1 to a
    Monday gives the Friday. Adding 0 returns ``day`` unchanged, even on a day off.
    Without one, plain calendar days. Pure, hence cached: plans ask the same dates of
    every invoice, every day of a forecast.
    """
    if not calendar:
        return shift(day, days)
    if calendar is True:
        calendar = WEEKDAYS
    # A calendar without any working day would loop forever: count plain days then.
    if not calendar.weekdays:
        return shift(day, days)
    days = max(-MAX_DAYS, min(MAX_DAYS, int(days)))
    step = 1 if days > 0 else -1
    remaining = abs(days)
    per_week = len(calendar.weekdays)
    while remaining > 2 * per_week:
        # Whole weeks at once; the holidays they hold are counted back.
        weeks = (remaining - per_week) // per_week
        moved = shift(day, step * 7 * weeks)
        if moved == day:
            return day
        # The days passed: after ``day`` up to ``moved`` (before it, going back).
        skipped = sum(
            1
            for holiday in calendar.holidays
            if holiday.weekday() in calendar.weekdays
            and (day < holiday <= moved if step > 0 else moved <= holiday < day)
        )
        remaining -= weeks * per_week - skipped
        day = moved
    while remaining:
        moved = shift(day, step)
        if moved == day:  # the end of the calendar
            return day
        day = moved
        if calendar.is_working_day(day):
            remaining -= 1
    return day
