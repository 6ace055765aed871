"""One customer's whole day: both levels together, and the forecast of the coming days.

The nightly job and the simulation both call :func:`decide_day`; the forecast applies
its own decisions day after day with :func:`apply_day`, as the job would if nothing
were paid and nobody acted.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial

from . import reasons as r
from .decide import decide
from .facts import Decision, Invoice, Plan, Policy, evolve
from .group import decide_customer
from .payment_plan import settle


@dataclass(frozen=True)
class Customer:
    """A customer's receivables in one company.

    ``own``: ``(plan, invoice)`` pairs of invoices with their own invoice-level plan;
    ``plan``/``covered``: the customer-level plan and the invoices it covers;
    ``paused``/``pause_until``: the customer's own pause (customer level only).
    """

    policy: Policy
    own: tuple = ()
    plan: Plan | None = None
    covered: tuple = ()
    paused: bool = False
    pause_until: date | None = None
    key: object = None


@dataclass(frozen=True)
class Action:
    """An action due today, a communication or a to-do: one invoice-level step
    (``scope`` "invoice", one key) or one customer-level step listing ``keys``, each
    reaching its own level in it (``own_levels``: key -> level)."""

    scope: str
    plan_key: object
    decision: Decision
    keys: tuple
    own_levels: dict = field(default_factory=dict)


def decide_day(customer: Customer, today: date):
    """``(statuses, actions)`` for one customer on ``today``.

    ``statuses``: invoice key -> ``(plan, Decision)`` for every invoice;
    ``actions``: the :class:`Action` s due today. All the customer's e-mails are
    meant to leave as one mail.
    """
    statuses, actions = {}, []
    for plan, invoice in customer.own:
        decision = decide(plan, invoice, customer.policy, today)
        statuses[invoice.key] = (plan, decision)
        if decision.acts:
            actions.append(Action("invoice", plan.key, decision, (invoice.key,)))
    if customer.covered:
        result = decide_group(customer, today)
        for invoice in customer.covered:
            statuses[invoice.key] = (customer.plan, result.invoices[invoice.key])
        if result.decision and result.decision.acts:
            actions.append(
                Action(
                    "customer",
                    customer.plan.key,
                    result.decision,
                    result.listed,
                    result.own_levels,
                )
            )
    return statuses, actions


def decide_group(customer: Customer, today: date):
    """The customer-level plan's :class:`.group.CustomerDecision` for the invoices it
    covers, under the customer's own pause."""
    return decide_customer(
        customer.plan,
        list(customer.covered),
        customer.policy,
        today,
        paused=customer.paused,
        pause_until=customer.pause_until,
    )


def apply_day(customer: Customer, actions, today: date) -> Customer:
    """The customer as it is once ``actions`` were executed on ``today``.

    Mails move their invoices' level (in their plan) and last dates and count as a
    contact with the customer; to-dos stay open (a person has to act) and hold their
    invoices.
    """
    if not actions:
        return customer
    sent, todo = {}, set()
    for action in actions:
        for key in action.keys:
            if action.decision.outcome == r.SEND:
                sent[key] = (action.decision.level, action.plan_key)
            else:
                todo.add(key)
    contacted = bool(sent)

    def update(invoice: Invoice) -> Invoice:
        vals = {}
        if invoice.key in sent:
            level, plan_key = sent[invoice.key]
            vals.update(
                level=level,
                level_plan=plan_key,
                last_date=today,
                last_reminder_date=today,
                promise_broken=False,
            )
        if invoice.key in todo:
            vals.update(open_todo=True)
        if contacted:
            vals.update(customer_last_date=today)
        return evolve(invoice, **vals) if vals else invoice

    return _each_invoice(customer, update)


def forecast(customer: Customer, start: date, days: int):
    """What the job would do each day from ``start`` for ``days`` days.

    Returns ``[(day, statuses, actions)]``, one entry per day, assuming nothing is
    paid, no promise is kept and nobody handles the to-dos. Promises and payment plans
    are settled each day as the job settles them (:func:`.payment_plan.settle`).
    """
    result = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        customer = _each_invoice(customer, partial(settle, today=day))
        statuses, actions = decide_day(customer, day)
        result.append((day, statuses, actions))
        customer = apply_day(customer, actions, day)
    return result


def forecast_events(customer: Customer, start: date, days: int):
    """:func:`forecast` without the quiet days: ``[(day, statuses, actions)]`` for
    ``start`` and for each day with actions, the same as :func:`forecast` gives on those
    days (a property test compares them).

    Only the days on which something may happen are decided: the day after an action,
    the earliest next date of the day's decisions, the end of a pause or of a promise,
    every day while a broken promise's step waits, the day a
    payment plan breaks. Between two of those days nothing is
    sent, so nothing changes (a contact only ever delays the others)."""
    result = []
    end = start + timedelta(days=days)
    day = start
    settling = _settling(customer)
    while day < end:
        if settling:
            customer = _each_invoice(customer, partial(settle, today=day))
            settling = _settling(customer)
        statuses, actions = decide_day(customer, day)
        if actions or day == start:
            result.append((day, statuses, actions))
        customer = apply_day(customer, actions, day)
        # The day after an action is decided too: what it changed may act at once.
        day = day + timedelta(days=1) if actions else _wake_day(customer, statuses, day)
        if day is None:
            break
    return result


def _wake_day(customer: Customer, statuses, today: date):
    """The first day after ``today`` on which a decision of ``customer`` may change
    (None: never, nothing being paid nor handled in a forecast)."""
    candidates = [
        decision.next_date
        for _plan, decision in statuses.values()
        if decision.next_date and decision.next_date > today
    ]
    invoices = [invoice for _plan, invoice in customer.own] + list(customer.covered)
    if any(invoice.promise_broken for invoice in invoices):
        # Its step runs as soon as the contact delays allow: day by day until then.
        return today + timedelta(days=1)
    for invoice in invoices:
        if invoice.promise_until:
            candidates.append(invoice.promise_until + timedelta(days=1))
        if invoice.pause_until:
            candidates.append(invoice.pause_until)
        if invoice.payment_plan is not None and invoice.payment_plan.breaks_on():
            candidates.append(invoice.payment_plan.breaks_on())
    if customer.pause_until:
        candidates.append(customer.pause_until)
    candidates = [candidate for candidate in candidates if candidate > today]
    return min(candidates, default=None)


def _settling(customer: Customer) -> bool:
    """Whether an invoice of ``customer`` has a promise or a payment plan to settle
    (:func:`.payment_plan.settle`); a forecast never adds one."""
    return any(
        invoice.promise_until or invoice.payment_plan is not None
        for invoice in (*(invoice for _plan, invoice in customer.own), *customer.covered)
    )


def _each_invoice(customer: Customer, update) -> Customer:
    """``customer`` with ``update`` applied to each of its invoices."""
    return evolve(
        customer,
        own=tuple((plan, update(invoice)) for plan, invoice in customer.own),
        covered=tuple(update(invoice) for invoice in customer.covered),
    )
