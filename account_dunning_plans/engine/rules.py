"""Small rules of the shell's work that are decisions all the same: which to-dos get an
activity, when the periodic report is due and what period it covers, and when a credit
hold lifts."""

from datetime import date, timedelta

from . import reasons as r

DAILY = "daily"
WEEKLY = "weekly"


def needs_activity(channel: str, reason: str) -> bool:
    """A to-do of a step on ``channel`` decided for ``reason`` gets an activity for a
    person: manual steps and e-mail steps in manual mode do; letters wait in To do to
    be printed, and a missing e-mail address waits to be fixed."""
    return channel != "letter" and reason != r.NO_EMAIL


def report_due(frequency: str, last: date | None, today: date) -> bool:
    """Whether the periodic report goes out after the run of ``today``: daily, once a
    day; weekly, seven days after the last one; never otherwise."""
    if frequency == DAILY:
        return not last or last < today
    if frequency == WEEKLY:
        return not last or (today - last).days >= 7
    return False


def report_period_start(frequency: str, last: date | None, today: date) -> date:
    """First day the report of ``today`` covers: the day after the last report, else
    one day (daily) or seven days (weekly) back."""
    if last and last < today:
        return last + timedelta(days=1)
    return today - timedelta(days=6 if frequency == WEEKLY else 0)


def credit_hold_lifts(oldest_unpaid_due: date | None, today: date) -> bool:
    """Whether a customer's credit hold lifts on ``today``: once it has no overdue
    invoice left, i.e. its oldest unpaid invoice (``oldest_unpaid_due``, its due date;
    None: none unpaid) is not due before today."""
    return oldest_unpaid_due is None or oldest_unpaid_due >= today
