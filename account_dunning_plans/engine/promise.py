"""Payment promises: when is a promise kept, partly kept or broken.

:func:`promise_outcome` is the one rule: the nightly job closes promise records with
it, and :func:`settle_promise` applies it to the engine's facts, so that a simulation
or a forecast sees the very outcome the job will record.
"""

from datetime import date

from .calendar import shift
from .facts import evolve

KEPT = "kept"
PARTIAL = "partial"
BROKEN = "broken"

# Amounts closer than this are equal (half a cent).
ROUNDING = 0.005


def promise_end(promise_date: date, grace_days: int) -> date:
    """Last day a promise is waited for: its date plus the grace period."""
    return shift(promise_date, max(grace_days, 0))


def promise_outcome(amount, paid: float, until: date, today: date):
    """Outcome on ``today`` of a promise to pay ``amount`` waited for until ``until``
    (:func:`promise_end`), ``paid`` being how much the amount due dropped since.

    Kept as soon as the promised amount is paid; still open (None) until ``until``
    (included); after that, partly kept when something was paid, else broken.
    ``amount`` None (unknown): never kept early, broken when the wait is over.
    """
    if amount is not None and paid >= amount - ROUNDING:
        return KEPT
    if today <= until:
        return None
    return PARTIAL if paid > ROUNDING else BROKEN


def settle_promise(invoice, today: date):
    """``invoice`` (an :class:`.facts.Invoice`) as the job sees it on ``today``: an open
    promise whose outcome is known is closed, and a broken or partly kept one asks for
    the plan's broken-promise step (``promise_broken``)."""
    if not invoice.promise_until:
        return invoice
    outcome = promise_outcome(
        invoice.promise_amount, invoice.promise_paid, invoice.promise_until, today
    )
    if outcome is None:
        return invoice
    return evolve(
        invoice,
        promise_until=None,
        promise_amount=None,
        promise_paid=0.0,
        promise_broken=invoice.promise_broken or outcome in (PARTIAL, BROKEN),
    )
