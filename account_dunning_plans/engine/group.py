"""Customer-level dunning: one communication per customer, driven by a reference invoice."""

from dataclasses import dataclass, field
from datetime import date

from . import reasons as r
from .decide import _skip_reason, decide, in_plan, wait_reason
from .facts import Decision, Invoice, Plan, Policy, evolve


@dataclass(frozen=True)
class CustomerDecision:
    """The customer-level plan's answer for one customer on one day.

    ``decision``: the plan's decision for the customer as a whole (None when no
    covered invoice can be dunned). ``reference``: key of the reference invoice.
    ``listed``: keys of the invoices the communication is about, when it acts; they
    all reach ``decision.level``. ``own_levels``: for each listed invoice, its own
    level in this communication (one more than it had, at most the group's level).
    ``invoices``: the status of every covered invoice (key -> Decision).
    ``group``: the invoice standing for the whole group (the reference invoice with
    the group's level, dates and pause), which :func:`.decide.decide` was asked about;
    ``grouped``: keys of the invoices in the group (the others keep their own reason).
    """

    decision: Decision | None
    reference: object = None
    listed: tuple = ()
    own_levels: dict = field(default_factory=dict)
    invoices: dict = field(default_factory=dict)
    group: Invoice | None = None
    grouped: tuple = ()


def _amount_due(invoice: Invoice) -> float:
    if invoice.amount_residual_company is None:
        return invoice.amount_residual
    return invoice.amount_residual_company


def reference_invoice(invoices):
    """The invoice driving a customer-level plan: the one due first (oldest overdue),
    the larger amount due breaking ties; None for no invoice."""
    if not invoices:
        return None
    ranked = sorted(
        enumerate(invoices), key=lambda item: (item[1].due_date, -_amount_due(item[1]), item[0])
    )
    return ranked[0][1]


def group_invoice(eligible, paused=False, pause_until=None):
    """``(reference, group)`` of the ``eligible`` invoices of a customer-level plan:
    the invoice standing for them all is the reference invoice with the group's
    level (the highest), last dates (the latest), open to-do and broken promise (any),
    under the customer's pause (its own promise does not hold the group)."""
    reference = reference_invoice(eligible)
    group = evolve(
        reference,
        level=max(invoice.level for invoice in eligible),
        last_date=max(filter(None, (i.last_date for i in eligible)), default=None),
        last_reminder_date=max(
            filter(None, (i.last_reminder_date for i in eligible)), default=None
        ),
        open_todo=any(invoice.open_todo for invoice in eligible),
        paused=paused,
        pause_until=pause_until,
        promise_until=None,
        promise_broken=any(invoice.promise_broken for invoice in eligible),
    )
    return reference, group


def listed_keys(eligible, reference, today: date) -> tuple:
    """The invoices a customer-level communication on ``today`` is about: those due,
    and the reference invoice (a step before the due date)."""
    return tuple(
        invoice.key for invoice in eligible if invoice.due_date <= today or invoice is reference
    )


def own_level(invoice: Invoice, level: int) -> int:
    """An invoice's own level in a communication at ``level``: one more than it had,
    at most the communication's."""
    return min(invoice.level + 1, level)


def decide_customer(
    plan: Plan | None,
    invoices,
    policy: Policy,
    today: date,
    paused: bool = False,
    pause_until: date | None = None,
) -> CustomerDecision:
    """Decide what the customer-level plan does today for one customer.

    ``invoices`` are the customer's receivables the plan covers (those without an
    invoice-level plan), each carrying the customer's facts (last communication,
    unmatched payments) and its level in this plan. An invoice the plan cannot dun
    (paid, blocked, too small, ...) is left out with its own reason. The others form
    the group: its steps are timed by the reference invoice, its level is the
    highest level among them and its last date the latest; the same :func:`decide`
    as at invoice level then applies (logic, catch-up, contact delay, holds). An
    invoice paused or promised on its own waits outside the group; ``paused`` /
    ``pause_until`` is the customer's pause, which stops the whole group. Each
    invoice is first seen as the plan sees it (:func:`.decide.in_plan`); the status of
    one whose level counted in another plan says ``restart``.
    """
    statuses = {}
    eligible = []
    restarts = set()
    prepared = []
    for invoice in invoices:
        invoice, restart = in_plan(plan, invoice, today)
        if restart:
            restarts.add(invoice.key)
        prepared.append(invoice)
    for invoice in prepared:
        skip = _skip_reason(plan, invoice, policy)
        waiting = None if skip else wait_reason(invoice, today)
        if skip:
            statuses[invoice.key] = Decision(r.SKIP, skip, level=invoice.level)
        elif waiting:
            statuses[invoice.key] = Decision(r.WAIT, waiting[0], None, invoice.level, waiting[1])
        else:
            eligible.append(invoice)
    if not eligible:
        return CustomerDecision(None, invoices=statuses)
    result = _decide_group(plan, eligible, statuses, policy, today, paused, pause_until)
    for key in restarts:
        status = result.invoices[key]
        if status.outcome != r.SKIP:
            result.invoices[key] = evolve(status, restart=True)
    return result


def _decide_group(plan, eligible, statuses, policy, today, paused, pause_until):
    """The group of the ``eligible`` invoices, decided as one (see
    :func:`decide_customer`); ``statuses`` holds the others' already."""
    reference, group = group_invoice(eligible, paused, pause_until)
    decision = decide(plan, group, policy, today)
    listed = ()
    own_levels = {}
    if decision.acts:
        listed = listed_keys(eligible, reference, today)
    for invoice in eligible:
        if invoice.key in listed:
            statuses[invoice.key] = decision
            own_levels[invoice.key] = own_level(invoice, decision.level)
        elif decision.acts:
            # Not due yet: it joins a later communication of the group.
            statuses[invoice.key] = Decision(
                r.WAIT, r.NOT_DUE, None, invoice.level, decision.next_date
            )
        else:
            statuses[invoice.key] = evolve(decision, level=invoice.level)
    return CustomerDecision(
        decision,
        reference.key,
        listed,
        own_levels,
        statuses,
        group,
        tuple(invoice.key for invoice in eligible),
    )
