"""Payment promises: when is a promise kept, partly kept or broken."""

from datetime import date, timedelta

KEPT = "kept"
PARTIAL = "partial"
BROKEN = "broken"


def promise_outcome(amount: float, paid: float, promise_date: date, grace_days: int, today: date):
    """Outcome of a promise to pay ``amount`` by ``promise_date`` on ``today``.

    ``paid`` is how much the amount due dropped since the promise. Kept as soon as the
    promised amount is paid; still open (None) until the promised date plus
    ``grace_days``; after that, partly kept when something was paid, else broken.
    """
    if paid >= amount - 0.005:
        return KEPT
    if today <= promise_end(promise_date, grace_days):
        return None
    return PARTIAL if paid > 0.005 else BROKEN


def promise_end(promise_date: date, grace_days: int) -> date:
    """Last day a promise is waited for."""
    return promise_date + timedelta(days=max(grace_days, 0))
