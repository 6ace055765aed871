"""The dunning decision: for one invoice, one plan and one day, what happens and why."""

from datetime import date, timedelta

from . import reasons as r
from .calendar import add_days, shift
from .facts import (
    CONTEXTUAL,
    DUE_DATE,
    INVOICE_DATE,
    PREVIOUS_STEP,
    Decision,
    Invoice,
    Plan,
    Policy,
    evolve,
)
from .payment_plan import settle

PAID_STATES = ("paid", "reversed")


def step_dates(plan: Plan, invoice: Invoice) -> list:
    """Theoretical trigger date of every step, ignoring spacing rules.

    A step relative to the previous step counts from the previous step's theoretical
    date (from the due date for the first step); a step is never due before the
    step preceding it. Computed once per plan and dates (every day of a forecast asks).
    """
    return list(_theoretical(plan, invoice))


def _theoretical(plan: Plan, invoice: Invoice) -> tuple:
    """:func:`step_dates` as a tuple, computed once per plan and dates."""
    key = (invoice.due_date, invoice.invoice_date)
    known = plan.dates_by_invoice.get(key)
    if known is None:
        known = plan.dates_by_invoice[key] = tuple(_step_dates(plan, invoice))
    return known


def _step_dates(plan: Plan, invoice: Invoice):
    dates = []
    for index, step in enumerate(plan.steps):
        if step.broken_promise:
            # Out of the sequence: it runs when a promise is broken, not at a date.
            dates.append(dates[-1] if dates else invoice.due_date)
            continue
        if step.reference == INVOICE_DATE:
            base = invoice.invoice_date
        elif step.reference == PREVIOUS_STEP and index:
            base = dates[-1]
        else:
            base = invoice.due_date
        day = add_days(base, step.delay, plan.workdays)
        # Steps run in order: a step is never due before the previous one.
        dates.append(max(day, dates[-1]) if dates else day)
    return dates


def _trigger_date(plan: Plan, invoice: Invoice, index: int, theoretical: list) -> date:
    """Date from which step ``index`` may run for this invoice.

    A step relative to the previous one counts from the day the previous step really
    ran when it did (``last_date``), else from its theoretical date.
    """
    step = plan.steps[index]
    if step.broken_promise:
        return date.min  # at once, spacing rules apart
    if step.reference == PREVIOUS_STEP and index and invoice.last_date:
        return add_days(invoice.last_date, step.delay, plan.workdays)
    return theoretical[index]


def _is_obsolete(plan: Plan, invoice: Invoice, index: int, theoretical, today) -> bool:
    """A reminder meant to go out before the due date is pointless once it passed."""
    step = plan.steps[index]
    return (
        step.reference in (DUE_DATE, INVOICE_DATE)
        and theoretical[index] < invoice.due_date
        and today >= invoice.due_date
    )


def _skip_reasons(plan: Plan | None, invoice: Invoice, policy: Policy):
    """Every reason why this invoice is not dunned at all, in order of precedence."""
    if invoice.kind == "entry":
        yield r.OPENING_BALANCE
    if invoice.payment_state in PAID_STATES or invoice.amount_residual <= 0:
        yield r.PAID
    if invoice.payment_state == "in_payment":
        yield r.IN_PAYMENT
    if invoice.in_collection:
        yield r.IN_COLLECTION
    if plan is None or not plan.steps:
        yield r.NO_PLAN
    elif not plan.active:
        yield r.PLAN_ARCHIVED
    if invoice.disputed:
        yield r.DISPUTED
    if invoice.blocked:
        yield r.INVOICE_BLOCKED
    if invoice.customer_blocked:
        yield r.CUSTOMER_BLOCKED
    residual_company = invoice.amount_residual_company
    if residual_company is None:
        residual_company = invoice.amount_residual
    if policy.min_amount and residual_company < policy.min_amount:
        yield r.BELOW_MIN_AMOUNT
    if (
        policy.min_percentage
        and invoice.amount_total
        and invoice.amount_residual * 100.0 < invoice.amount_total * policy.min_percentage
    ):
        yield r.BELOW_MIN_PERCENTAGE
    if policy.too_old(invoice.invoice_date):
        yield r.TOO_OLD
    if invoice.entry_date and invoice.entry_date > invoice.due_date:
        yield r.POST_FACTUM


def _skip_reason(plan: Plan | None, invoice: Invoice, policy: Policy):
    """Reason why this invoice is not dunned at all, or None."""
    return next(_skip_reasons(plan, invoice, policy), None)


def _first_step(plan: Plan, invoice: Invoice, theoretical, today) -> int:
    """Index of the next step to run, before any spacing rule."""
    if invoice.promise_broken:
        flagged = [i for i, step in enumerate(plan.steps) if step.broken_promise]
        if flagged:
            return flagged[0]
    index = invoice.level
    entering = not invoice.level and not invoice.last_date
    if plan.logic == CONTEXTUAL and entering:
        # Start at the step matching the invoice's age: the last one already due.
        passed = [
            i
            for i, day in enumerate(theoretical)
            if day <= today and not plan.steps[i].broken_promise
        ]
        if passed:
            index = passed[-1]
    while index < len(plan.steps) and (
        plan.steps[index].broken_promise or _is_obsolete(plan, invoice, index, theoretical, today)
    ):
        index += 1
    return index


def next_step_index(plan: Plan, invoice: Invoice, today: date) -> int:
    """Index of the step a reminder sent now would execute (len(steps) when done)."""
    invoice, _restart = in_plan(plan, invoice, today)
    return _first_step(plan, invoice, _theoretical(plan, invoice), today)


def level_reached(level: int, same_plan: bool, reached: int) -> int:
    """An invoice's level once an action of level ``reached`` is executed: within a
    plan the level only rises; an invoice that restarted in another plan takes the
    new plan's level."""
    return max(level, reached) if same_plan else reached


def last_contact(invoice: Invoice):
    """The last communication the contact delay counts from: of this plan, or to the
    customer from any plan or level (two plans never send a customer mails too close)."""
    last, customer_last = invoice.last_date, invoice.customer_last_date
    if last is None or (customer_last is not None and customer_last > last):
        return customer_last
    return last


def _earliest(plan: Plan, invoice: Invoice, policy: Policy, trigger: date):
    """Earliest day the next step may run, and the rule that sets that day.

    Returns ``(day, reason)``: the latest of the step's trigger date, the day after
    the last communication (of this plan, or to this customer from any plan), the
    plan's minimum contact delay since then, and the company's interval since the
    last reminder sent for this invoice, by hand or not (seed 000's "no reminder in
    the last N days"): the effective spacing is the larger of the two. Days off are
    not yet skipped.
    """
    day, reason = trigger, r.NOT_DUE
    # A later rule replaces an earlier one only when it sets a later day.
    last = last_contact(invoice)
    if last:
        after = shift(last, 1)
        if after > day:
            day, reason = after, r.ALREADY_TODAY
        if plan.min_contact_delay:
            contact = add_days(last, plan.min_contact_delay, plan.workdays)
            if contact > day:
                day, reason = contact, r.CONTACT_DELAY
    if invoice.last_reminder_date and policy.reminder_interval:
        interval = shift(invoice.last_reminder_date, policy.reminder_interval)
        if interval > day:
            day, reason = interval, r.RECENT_REMINDER
    return day, reason


def _sendable_day(plan: Plan, day: date) -> date:
    """``day``, or the next working day for a plan counting working days only."""
    return plan.calendar.next_working_day(day) if plan.business_days_only else day


def _is_day_off(plan: Plan, day: date) -> bool:
    return plan.business_days_only and not plan.calendar.is_working_day(day)


def _next_date(plan: Plan, invoice: Invoice, policy: Policy, from_day: date):
    """First day on or after ``from_day`` on which a step may run, or None.

    Which step comes next can change on the way (a courtesy reminder becomes
    pointless on the due date), so the candidate day is checked again.
    """
    theoretical = _theoretical(plan, invoice)
    day = from_day
    for _attempt in range(len(plan.steps) + 1):
        index = _first_step(plan, invoice, theoretical, day)
        if index >= len(plan.steps):
            return None
        trigger = _trigger_date(plan, invoice, index, theoretical)
        earliest, _binding = _earliest(plan, invoice, policy, trigger)
        candidate = _sendable_day(plan, max(earliest, day))
        if _first_step(plan, invoice, theoretical, candidate) == index:
            return candidate
        day = candidate
    return None


def _act(plan: Plan, invoice: Invoice, policy: Policy, index: int, today: date):
    """Decision for a step that may run today."""
    step = plan.steps[index]
    if step.broken_promise:
        # Once, without moving the level; the normal sequence then goes on.
        after = evolve(
            invoice,
            last_date=today,
            last_reminder_date=today,
            customer_last_date=today,
            promise_broken=False,
        )
        next_date = _next_date(plan, after, policy, today + timedelta(days=1))
        outcome = r.SEND if step.channel == "email" and step.automatic else r.TODO
        if outcome == r.SEND and not invoice.has_email:
            outcome = r.TODO
        return Decision(outcome, r.BROKEN_PROMISE, index, invoice.level, next_date)
    if not step.automatic or step.channel == "manual":
        outcome, reason = r.TODO, r.MANUAL_STEP
    elif step.channel == "letter":
        outcome, reason = r.TODO, r.LETTER_STEP
    elif not invoice.has_email:
        outcome, reason = r.TODO, r.NO_EMAIL
    else:
        outcome, reason = r.SEND, r.STEP_DUE
    after = evolve(
        invoice,
        level=index + 1,
        last_date=today,
        last_reminder_date=today,
        customer_last_date=today,
        open_todo=False,
    )
    next_date = _next_date(plan, after, policy, today + timedelta(days=1))
    return Decision(outcome, reason, index, index + 1, next_date)


def in_plan(plan: Plan | None, invoice: Invoice, today: date):
    """``(invoice, restart)``: ``invoice`` as ``plan`` sees it on ``today``.

    The one place for two rules. A level counts only in the plan it was reached in:
    under another plan the invoice starts afresh (level 0, no last date; ``restart``
    True). An open promise or payment plan whose outcome is known today is settled
    (:func:`.promise.settle_promise`, :func:`.payment_plan.settle_payment_plan`).
    """
    invoice = settle(invoice, today)
    if plan is None or invoice.level_plan in (None, plan.key):
        return invoice, False
    moved = bool(invoice.level or invoice.last_date)
    return evolve(invoice, level=0, last_date=None, level_plan=plan.key), moved


def decide(plan: Plan | None, invoice: Invoice, policy: Policy, today: date) -> Decision:
    """Decide what the dunning job does today for ``invoice`` under ``plan``.

    Contract: pure and deterministic; once the decided step is executed (``level``
    and ``last_date`` updated), deciding again the same day never yields a second
    communication. For SEND/TODO, ``next_date`` is when the following step would
    run. In stand-by (``policy.enabled`` False) the outcome is SKIP/STANDBY, and when
    a safety check holds it (:func:`hold_reason`) WAIT with that reason; either way
    the decision a live run would take is kept in ``details``. ``restart``: the
    invoice enters ``plan`` afresh (:func:`in_plan`), unless it is skipped.
    """
    invoice, restart = in_plan(plan, invoice, today)
    decision = _decide(plan, invoice, policy, today)
    if restart and decision.outcome != r.SKIP:
        return evolve(decision, restart=True)
    return decision


def _decide(plan: Plan | None, invoice: Invoice, policy: Policy, today: date) -> Decision:
    skip = _skip_reason(plan, invoice, policy)
    if skip:
        return Decision(r.SKIP, skip, level=invoice.level)
    waiting = wait_reason(invoice, today)
    if waiting:
        reason, _until = waiting
        until = wait_end(invoice, today)
        next_day = _next_date(plan, unstopped(invoice), policy, until) if until else None
        return Decision(r.WAIT, reason, None, invoice.level, next_day)
    theoretical = _theoretical(plan, invoice)
    index = _first_step(plan, invoice, theoretical, today)
    if index >= len(plan.steps):
        return Decision(r.DONE, r.PLAN_COMPLETED, level=invoice.level)
    trigger = _trigger_date(plan, invoice, index, theoretical)
    earliest, binding = _earliest(plan, invoice, policy, trigger)
    if invoice.open_todo:
        decision = Decision(r.WAIT, r.TODO_PENDING, index, invoice.level)
    elif today < earliest or _is_day_off(plan, today):
        reason = binding if today < earliest else r.WEEKEND
        next_day = _next_date(plan, invoice, policy, today + timedelta(days=1))
        decision = Decision(r.WAIT, reason, index, invoice.level, next_day)
    else:
        decision = _act(plan, invoice, policy, index, today)
    if not decision.acts:
        return decision
    if policy.enabled:
        hold = hold_reason(invoice, policy, today)
        if not hold:
            return decision
        outcome, reason = r.WAIT, hold
    else:
        outcome, reason = r.SKIP, r.STANDBY
    details = {
        "would": decision.outcome,
        "would_reason": decision.reason,
        "would_level": decision.level,
    }
    return Decision(outcome, reason, decision.step_index, invoice.level, None, details)


def wait_reasons(invoice: Invoice, today: date):
    """Every ``(reason, first day it may end)`` of a person stopping the plan.

    A pause lasts until its end date (excluded) or until resumed; an open payment
    promise until its date plus the grace period (included); a payment plan until it
    is kept or broken (if nothing more is paid, the day it breaks).
    """
    if invoice.paused and (invoice.pause_until is None or today < invoice.pause_until):
        yield r.PAUSED, invoice.pause_until
    if invoice.promise_until and today <= invoice.promise_until:
        yield r.PROMISED, shift(invoice.promise_until, 1)
    if invoice.payment_plan is not None:
        yield r.PAYMENT_PLAN, invoice.payment_plan.breaks_on()


def wait_end(invoice: Invoice, today: date):
    """The first day every stop of :func:`wait_reasons` may be over (None: one lasts
    until a person ends it)."""
    ends = [until for _reason, until in wait_reasons(invoice, today)]
    if not ends or None in ends:
        return None
    return max(ends)


def unstopped(invoice: Invoice) -> Invoice:
    """``invoice`` once the stops of :func:`wait_reasons` are over, nothing being
    paid: a payment plan then broke, and asks for the broken-promise step."""
    return evolve(
        invoice,
        paused=False,
        pause_until=None,
        promise_until=None,
        payment_plan=None,
        promise_broken=invoice.promise_broken or invoice.payment_plan is not None,
    )


def wait_reason(invoice: Invoice, today: date):
    """``(reason, first day it may end)`` when a person stopped the plan, else None."""
    return next(wait_reasons(invoice, today), None)


def hold_reasons(invoice: Invoice, policy: Policy, today: date):
    """Every safety check stopping a due communication today.

    Stale bank data (the company's newest bank statement line is older than the
    allowed age) or customer payments not matched yet: the invoice may well be paid.
    Held communications are not dropped; they go out once the cause is cleared.
    """
    if policy.bank_data_stale(today):
        yield r.STALE_BANK_DATA
    if invoice.unmatched_payments:
        yield r.UNMATCHED_PAYMENTS


def hold_reason(invoice: Invoice, policy: Policy, today: date):
    """The first safety check stopping a due communication today, or None."""
    return next(hold_reasons(invoice, policy, today), None)
