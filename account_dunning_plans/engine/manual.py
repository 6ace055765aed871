"""A reminder sent by hand: which step it executes, and what would normally hold it.

The nightly job never sends through a hold; a person may, knowingly. This is the one
place that lists the holds, so that every "send now" (invoice, statement, list) asks
the same questions.
"""

from dataclasses import dataclass, field
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
from .group import group_invoice, listed_keys, own_level

# Skip reasons that no person can override: there is nothing to remind.
REFUSED = (
    r.OPENING_BALANCE,
    r.PAID,
    r.IN_PAYMENT,
    r.IN_COLLECTION,
    r.NO_PLAN,
    r.PLAN_ARCHIVED,
)


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


@dataclass(frozen=True)
class ManualAction:
    """One step a statement sent by hand executes.

    ``scope`` "invoice": the next step of one invoice's own plan (``keys``: that
    invoice); "customer": the next step of the customer-level plan, about ``keys``
    (each reaching ``own_levels[key]``). ``answer``: its :class:`ManualSend` (for
    the customer level, the group's, holding every covered invoice's holds too);
    ``restarts``: the keys whose level counted in another plan.
    """

    scope: str
    plan_key: object
    answer: ManualSend
    keys: tuple
    own_levels: dict = field(default_factory=dict)
    restarts: frozenset = frozenset()


def manual_send_group(
    plan: Plan | None,
    invoices,
    policy: Policy,
    today: date,
    paused: bool = False,
    pause_until: date | None = None,
) -> ManualAction:
    """What the customer-level ``plan`` sent by hand on ``today`` does for the
    ``invoices`` it covers (see :func:`.group.decide_customer` for the nightly job).

    Invoices nothing can be sent for (paid, in payment) are left out; every other
    one is in the group, and what would normally keep it out (dispute, block, small
    amount, its own pause or promise) becomes a hold to confirm. The group then
    answers as one invoice (:func:`manual_send`): its next step, the customer's
    pause, the spacing rules and the safety checks.
    """
    eligible, refused, holds, restarts = [], [], [], set()
    for invoice in invoices:
        invoice, restart = in_plan(plan, invoice, today)
        skips = list(_skip_reasons(plan, invoice, policy))
        refusal = next((reason for reason in skips if reason in REFUSED), None)
        if refusal:
            refused.append(refusal)
            continue
        if restart:
            restarts.add(invoice.key)
        eligible.append(invoice)
        holds += skips + [reason for reason, _until in wait_reasons(invoice, today)]
    if not eligible:
        answer = ManualSend(refused[0] if refused else r.NO_PLAN)
        return ManualAction("customer", plan.key if plan else None, answer, ())
    reference, group = group_invoice(eligible, paused, pause_until)
    answer = manual_send(plan, group, policy, today)
    keys, own_levels = (), {}
    if not answer.refusal:
        keys = listed_keys(eligible, reference, today)
        own_levels = {
            invoice.key: own_level(invoice, answer.level)
            for invoice in eligible
            if invoice.key in keys
        }
        answer = ManualSend(
            None,
            answer.step_index,
            answer.level,
            tuple(dict.fromkeys(holds + list(answer.holds))),
        )
    return ManualAction(
        "customer", plan.key, answer, keys, own_levels, frozenset(restarts & set(keys))
    )


def manual_statement(customer, today: date):
    """``(actions, refusals)`` of a customer's statement sent by hand on ``today``:
    the :class:`ManualAction` of each invoice with its own plan and of the
    customer-level plan that has a step to execute, and for the others the reason
    why nothing can be sent (key -> reason; the group's under the key None)."""
    actions, refusals = [], {}
    for plan, invoice in customer.own:
        answer = manual_send(plan, invoice, customer.policy, today)
        if answer.refusal:
            refusals[invoice.key] = answer.refusal
            continue
        actions.append(
            ManualAction(
                "invoice",
                plan.key,
                answer,
                (invoice.key,),
                {invoice.key: answer.level},
                frozenset([invoice.key]) if answer.restart else frozenset(),
            )
        )
    if customer.covered:
        action = manual_send_group(
            customer.plan,
            customer.covered,
            customer.policy,
            today,
            customer.paused,
            customer.pause_until,
        )
        if action.answer.refusal:
            refusals[None] = action.answer.refusal
        else:
            actions.append(action)
    return actions, refusals


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
