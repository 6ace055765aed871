"""One customer's whole day: both levels together, and the forecast of the coming days.

The nightly job and the simulation both call :func:`decide_day`; the forecast applies
its own decisions day after day with :func:`apply_day`, as the job would if nothing
were paid and nobody acted.
"""

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from . import reasons as r
from .decide import decide
from .facts import Decision, Invoice, Plan, Policy
from .group import decide_customer


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
class Unit:
    """A communication or to-do due today: one invoice-level step (``scope``
    "invoice", one key) or one customer-level step listing ``keys``."""

    scope: str
    plan_key: object
    decision: Decision
    keys: tuple
    own_levels: dict = field(default_factory=dict)


def decide_day(customer: Customer, today: date):
    """``(statuses, units)`` for one customer on ``today``.

    ``statuses``: invoice key -> ``(plan, Decision)`` for every invoice;
    ``units``: the :class:`Unit` s due today. All the customer's e-mail units are
    meant to leave as one mail.
    """
    statuses, units = {}, []
    for plan, invoice in customer.own:
        decision = decide(plan, invoice, customer.policy, today)
        statuses[invoice.key] = (plan, decision)
        if decision.acts:
            units.append(Unit("invoice", plan.key, decision, (invoice.key,)))
    if customer.covered:
        result = decide_group(customer, today)
        for invoice in customer.covered:
            statuses[invoice.key] = (customer.plan, result.invoices[invoice.key])
        if result.decision and result.decision.acts:
            units.append(
                Unit(
                    "customer",
                    customer.plan.key,
                    result.decision,
                    result.listed,
                    result.own_levels,
                )
            )
    return statuses, units


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


def apply_day(customer: Customer, units, today: date) -> Customer:
    """The customer as it is once ``units`` were executed on ``today``.

    Mails move their invoices' level and last date and count as a contact with the
    customer; to-dos stay open (a person has to act) and hold their invoices.
    """
    sent, todo = {}, set()
    for unit in units:
        for key in unit.keys:
            if unit.decision.outcome == r.SEND:
                sent[key] = unit.decision.level
            else:
                todo.add(key)
    contacted = bool(sent)

    def update(invoice: Invoice) -> Invoice:
        vals = {}
        if invoice.key in sent:
            vals.update(level=sent[invoice.key], last_date=today, promise_broken=False)
        if invoice.key in todo:
            vals.update(open_todo=True)
        if contacted:
            vals.update(customer_last_date=today)
        return replace(invoice, **vals) if vals else invoice

    return replace(
        customer,
        own=tuple((plan, update(invoice)) for plan, invoice in customer.own),
        covered=tuple(update(invoice) for invoice in customer.covered),
    )


def forecast(customer: Customer, start: date, days: int):
    """What the job would do each day from ``start`` for ``days`` days.

    Returns ``[(day, statuses, units)]``, one entry per day, assuming nothing is paid,
    no promise is kept and nobody handles the to-dos.
    """
    result = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        customer = _expire_promises(customer, day)
        statuses, units = decide_day(customer, day)
        result.append((day, statuses, units))
        customer = apply_day(customer, units, day)
    return result


def _expire_promises(customer: Customer, day: date) -> Customer:
    """Promises whose wait is over on ``day`` are broken (the forecast assumes nothing
    is paid), as the job would record them."""

    def expire(invoice: Invoice) -> Invoice:
        if invoice.promise_until and day > invoice.promise_until:
            return replace(invoice, promise_until=None, promise_broken=True)
        return invoice

    return replace(
        customer,
        own=tuple((plan, expire(invoice)) for plan, invoice in customer.own),
        covered=tuple(expire(invoice) for invoice in customer.covered),
    )
