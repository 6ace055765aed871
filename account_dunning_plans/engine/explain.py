"""Why the engine decided what it did: the facts behind one decision, for people.

:func:`explain` returns the decision together with the step concerned, the date that
step's delay gives, and the rule that moved it (contact delay, interval after a
reminder by hand, week-end). The Odoo layer only words these facts; it never
recomputes a date.
"""

from dataclasses import dataclass, field, replace
from datetime import date

from . import reasons as r
from .customer import decide_group
from .decide import (
    _earliest,
    _first_step,
    _sendable_day,
    _trigger_date,
    decide,
    hold_reason,
    in_plan,
    last_contact,
    step_dates,
    unstopped,
)
from .facts import CONTEXTUAL, DUE_DATE, INVOICE_DATE, PREVIOUS_STEP, Decision, Invoice, Plan

# Rules that set the day of a step (``Explanation.rule``)
STEP_DELAY = r.NOT_DUE  # the step's own delay
CONTACT_DELAY = r.CONTACT_DELAY  # the plan's minimum contact delay
RECENT_REMINDER = r.RECENT_REMINDER  # the company interval after a reminder
ALREADY_TODAY = r.ALREADY_TODAY  # one communication a day


@dataclass(frozen=True)
class Explanation:
    """The facts behind ``decision`` for one invoice (or a customer's group).

    ``step_index``: the step run today, or the next one (None: no step concerned).
    ``step_date``: the date the step's delay gives, counted from ``base_date``
    (the due date, invoice date or previous step, per ``reference``, the step's
    ``delay`` days away; never before the previous step). ``rule``: what sets the
    earliest day (the step's delay, the contact delay, the company's interval after a
    reminder of the invoice, once a day) and ``rule_from``: the communication it counts from.
    ``earliest``: that day; ``weekend``: moved to the next working day.
    ``contextual_start``: the invoice enters a contextual plan at this step (its age).
    ``held``: a safety check holding a step due today; ``would``: what stand-by or a
    hold keeps from happening (SEND/TODO). ``group``: for an invoice covered by a
    customer-level plan and grouped with the others, the group's explanation;
    ``reference``: the key of the group's reference invoice.
    """

    decision: Decision
    step_index: int | None = None
    step_date: date | None = None
    base_date: date | None = None
    reference: str | None = None
    delay: int = 0
    rule: str | None = None
    rule_from: date | None = None
    earliest: date | None = None
    weekend: bool = False
    contextual_start: bool = False
    held: str | None = None
    would: str | None = None
    group: "Explanation | None" = None
    reference_key: object = None
    details: dict = field(default_factory=dict)


def _base(plan: Plan, invoice: Invoice, index: int, theoretical):
    """``(reference, base date)`` the delay of step ``index`` counts from."""
    step = plan.steps[index]
    if step.reference == INVOICE_DATE:
        return INVOICE_DATE, invoice.invoice_date
    if step.reference == PREVIOUS_STEP and index:
        if invoice.last_date:
            return PREVIOUS_STEP, invoice.last_date
        return PREVIOUS_STEP, theoretical[index - 1]
    return DUE_DATE, invoice.due_date


def explain(plan: Plan | None, invoice: Invoice, policy, today: date) -> Explanation:
    """The decision :func:`.decide.decide` takes for ``invoice`` today, and why."""
    decision = decide(plan, invoice, policy, today)
    invoice, _restart = in_plan(plan, invoice, today)
    if decision.outcome in (r.SKIP, r.DONE) and decision.reason != r.STANDBY:
        return Explanation(decision)
    if decision.reason in (r.PAUSED, r.PROMISED, r.PAYMENT_PLAN):
        # A person stopped the plan: the step that follows is timed without the stop.
        day = decision.next_date or today
        timing = _timing(plan, unstopped(invoice), policy, day)
        return replace(timing, decision=decision)
    explanation = replace(_timing(plan, invoice, policy, today), decision=decision)
    if decision.reason == r.STANDBY or decision.reason == hold_reason(invoice, policy, today):
        explanation = replace(
            explanation,
            held=decision.reason,
            would=decision.details.get("would"),
        )
    return explanation


def _timing(plan: Plan, invoice: Invoice, policy, today: date) -> Explanation:
    """The step that runs on or next after ``today`` and the rules timing it."""
    theoretical = step_dates(plan, invoice)
    index = _first_step(plan, invoice, theoretical, today)
    if index >= len(plan.steps):
        return Explanation(Decision(r.DONE, r.PLAN_COMPLETED, level=invoice.level))
    step = plan.steps[index]
    trigger = _trigger_date(plan, invoice, index, theoretical)
    earliest, rule = _earliest(plan, invoice, policy, trigger)
    day = max(earliest, today)
    sendable = _sendable_day(plan, day)
    if step.broken_promise:
        return Explanation(
            Decision(r.WAIT, r.BROKEN_PROMISE, index, invoice.level),
            step_index=index,
            rule=rule if rule != STEP_DELAY else None,
            rule_from=_rule_from(invoice, policy, rule),
            earliest=earliest,
            weekend=sendable != day,
        )
    reference, base = _base(plan, invoice, index, theoretical)
    entering = not invoice.level and not invoice.last_date
    return Explanation(
        Decision(r.WAIT, rule, index, invoice.level),
        step_index=index,
        step_date=trigger,
        base_date=base,
        reference=reference,
        delay=step.delay,
        rule=rule,
        rule_from=_rule_from(invoice, policy, rule),
        earliest=earliest,
        weekend=sendable != day,
        contextual_start=plan.logic == CONTEXTUAL and entering and index > 0,
    )


def _rule_from(invoice: Invoice, policy, rule):
    """The communication a spacing rule counts from."""
    if rule in (CONTACT_DELAY, ALREADY_TODAY):
        return last_contact(invoice)
    if rule == RECENT_REMINDER:
        return invoice.last_reminder_date
    return None


def explain_day(customer, today: date):
    """``({invoice key: Explanation}, group Explanation or None)`` for one customer.

    Invoices with their own plan are explained on their own. Invoices of the
    customer-level plan in its group carry the group's explanation (``group``, whose
    ``reference_key`` is the reference invoice); the others keep their own reason.
    """
    result = {}
    for plan, invoice in customer.own:
        result[invoice.key] = explain(plan, invoice, customer.policy, today)
    group = None
    if customer.covered:
        outcome = decide_group(customer, today)
        if outcome.group is not None:
            group = replace(
                explain(customer.plan, outcome.group, customer.policy, today),
                reference_key=outcome.reference,
            )
        for invoice in customer.covered:
            decision = outcome.invoices[invoice.key]
            in_group = invoice.key in outcome.grouped and decision.reason == (
                outcome.decision.reason
            )
            result[invoice.key] = Explanation(
                decision,
                group=group if in_group else None,
                reference_key=outcome.reference,
            )
    return result, group
