"""A reminder sent by hand: which step it executes, and what would normally hold it.

The nightly job never sends through a hold; a person may, knowingly. This is the one
place that lists the holds, so that every "send now" (invoice, statement, list) asks
the same questions.
"""

from dataclasses import dataclass
from datetime import date

from . import reasons as r
from .calendar import add_days, shift
from .decide import (
    _first_step,
    _skip_reasons,
    hold_reasons,
    in_plan,
    last_contact,
    step_dates,
    wait_reasons,
)
from .facts import Invoice, Plan, Policy

# Skip reasons that no person can override: there is nothing to remind.
REFUSED = (r.OPENING_BALANCE, r.PAID, r.IN_PAYMENT, r.NO_PLAN, r.PLAN_ARCHIVED)


@dataclass(frozen=True)
class ManualSend:
    """The answer for a reminder sent by hand today.

    ``refusal``: why nothing can be sent at all (a reason code: paid, no plan, plan
    completed, the same step already executed today), else None. ``step_index``:
    the step it executes; ``level``: the invoice's level once it is executed;
    ``holds``: the reason codes that would keep the nightly job from executing it
    today, in order (dispute, block, pause, promise, to-do waiting, spacing rules,
    safety checks); the step goes out only if a person confirms each of them.
    ``restart``: the invoice enters the plan afresh (its level counted in another).
    """

    refusal: str | None
    step_index: int | None = None
    level: int = 0
    holds: tuple = ()
    restart: bool = False


def manual_send(plan: Plan | None, invoice: Invoice, policy: Policy, today: date) -> ManualSend:
    """What a reminder of ``invoice`` under ``plan`` sent by hand on ``today`` does.

    The step is the one the job would execute next, whatever its date (a person may
    remind early). Stand-by does not hold a reminder sent by hand.
    """
    invoice, restart = in_plan(plan, invoice, today)
    skips = list(_skip_reasons(plan, invoice, policy))
    refused = [reason for reason in skips if reason in REFUSED]
    if refused:
        return ManualSend(refused[0], level=invoice.level)
    index = _first_step(plan, invoice, step_dates(plan, invoice), today)
    if index >= len(plan.steps):
        return ManualSend(r.PLAN_COMPLETED, level=invoice.level)
    step = plan.steps[index]
    level = invoice.level if step.broken_promise else index + 1
    if step.key is not None and step.key in invoice.acted_today:
        return ManualSend(r.STEP_DONE_TODAY, index, invoice.level)
    holds = skips + [reason for reason, _until in wait_reasons(invoice, today)]
    if invoice.open_todo:
        holds.append(r.TODO_PENDING)
    holds += _spacing_holds(plan, invoice, policy, today)
    holds += list(hold_reasons(invoice, policy, today))
    return ManualSend(None, index, level, tuple(holds), restart)


def _spacing_holds(plan: Plan, invoice: Invoice, policy: Policy, today: date):
    """The spacing rules a reminder sent today breaks: one communication a day to a
    customer, the plan's minimum contact delay, the company's interval after a
    reminder of this invoice."""
    holds = []
    last = last_contact(invoice)
    if last and today < shift(last, 1):
        holds.append(r.ALREADY_TODAY)
    if (
        last
        and plan.min_contact_delay
        and today < add_days(last, plan.min_contact_delay, plan.workdays)
    ):
        holds.append(r.CONTACT_DELAY)
    if (
        invoice.last_reminder_date
        and policy.reminder_interval
        and today < shift(invoice.last_reminder_date, policy.reminder_interval)
    ):
        holds.append(r.RECENT_REMINDER)
    return holds
