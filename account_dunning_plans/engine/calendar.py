"""Day arithmetic with and without week-ends."""

from datetime import date, timedelta

SATURDAY = 5


def is_business_day(day: date) -> bool:
    """Monday to Friday."""
    return day.weekday() < SATURDAY


def next_business_day(day: date) -> date:
    """``day`` itself when it is a business day, else the following Monday."""
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def add_days(day: date, days: int, business_days_only: bool = False) -> date:
    """Move ``days`` days from ``day`` (backwards when negative).

    With ``business_days_only`` week-end days are not counted: adding 1 to a Friday
    gives the Monday, adding -1 to a Monday gives the Friday. Adding 0 returns ``day``
    unchanged, even on a week-end.
    """
    if not business_days_only:
        return day + timedelta(days=days)
    step = timedelta(days=1 if days > 0 else -1)
    remaining = abs(days)
    while remaining:
        day += step
        if is_business_day(day):
            remaining -= 1
    return day
