"""Payment plans: installments agreed with a customer in place of reminders.

While a payment plan is honoured, its invoices are not reminded: the customer only
gets a courtesy reminder a few days before each installment. An installment not paid
by its date plus the grace days breaks the plan, and dunning resumes with the plan's
broken-promise step; a plan whose installments are all paid is kept.

Installments are counted cumulatively: what the customer paid since the agreement
(how much the amount due of its invoices dropped) covers them in date order, so that
paying early, or paying two at once, honours the plan.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from .calendar import shift
from .facts import evolve
from .promise import BROKEN, KEPT, ROUNDING, settle_promise

# Why a schedule is refused (the Odoo layer words them).
NO_INSTALLMENT = "no_installment"
NOT_POSITIVE = "not_positive"
PAST_DATE = "past_date"
SAME_DATE = "same_date"
WRONG_TOTAL = "wrong_total"
TOO_MANY = "too_many"
TOO_LONG = "too_long"
# Why a plan the customer proposes from the portal is refused.
FIRST_DATE = "first_date"
INSTALLMENT_COUNT = "installment_count"

# What an installment shows: paid, still to pay, or the one whose miss broke the plan.
PAID = "paid"
TO_PAY = "due"
MISSED = "missed"


@dataclass(frozen=True)
class PaymentPlan:
    """An agreed schedule of a customer's overdue invoices.

    ``installments``: ``(date, amount)`` in date order, summing to what was due when
    agreed; ``paid``: how much the amount due of its invoices dropped since;
    ``grace_days``: an installment is missed the day after its date plus these;
    ``notice_days``: the courtesy reminder of an installment goes out this many days
    before its date (0: none); ``reminded``: how many installments got theirs.
    ``key`` is opaque to the engine (the record's id).
    """

    installments: tuple = ()
    paid: float = 0.0
    grace_days: int = 3
    notice_days: int = 3
    reminded: int = 0
    key: object = None

    @property
    def total(self) -> float:
        return sum(amount for _day, amount in self.installments)

    def covered(self) -> int:
        """How many installments, in date order, what was paid covers in full."""
        running = 0.0
        for index, (_day, amount) in enumerate(self.installments):
            running += amount
            if self.paid < running - ROUNDING:
                return index
        return len(self.installments)

    def breaks_on(self) -> date | None:
        """The day the plan breaks if nothing more is paid: the day after the first
        unpaid installment's date plus the grace days (None: all paid)."""
        index = self.covered()
        if index >= len(self.installments):
            return None
        return shift(self.installments[index][0], max(self.grace_days, 0) + 1)


def payment_plan_outcome(plan: PaymentPlan, today: date):
    """KEPT once every installment is paid, BROKEN from the day an installment is
    missed (:meth:`PaymentPlan.breaks_on`), else None (still running)."""
    breaks_on = plan.breaks_on()
    if breaks_on is None:
        return KEPT
    if today >= breaks_on:
        return BROKEN
    return None


def settle_payment_plan(invoice, today: date):
    """``invoice`` (an :class:`.facts.Invoice`) as the job sees it on ``today``: a
    payment plan whose outcome is known is closed, and a broken one asks for the
    plan's broken-promise step (``promise_broken``), as a broken promise does."""
    plan = invoice.payment_plan
    if plan is None:
        return invoice
    outcome = payment_plan_outcome(plan, today)
    if outcome is None:
        return invoice
    return evolve(
        invoice,
        payment_plan=None,
        promise_broken=invoice.promise_broken or outcome == BROKEN,
    )


def settle(invoice, today: date):
    """``invoice`` with its promise and its payment plan settled on ``today``
    (:func:`.promise.settle_promise`, :func:`settle_payment_plan`)."""
    return settle_payment_plan(settle_promise(invoice, today), today)


def courtesy_due(plan: PaymentPlan, today: date):
    """Index of the installment whose courtesy reminder goes out on ``today``, or
    None: the first unpaid installment, once within ``notice_days`` of its date and
    until that date, if it did not get its reminder yet. A reminder missed (the job
    did not run) is sent late rather than never, but never after the date."""
    if not plan.notice_days or payment_plan_outcome(plan, today):
        return None
    index = plan.covered()
    if index < plan.reminded:
        return None
    day = plan.installments[index][0]
    if shift(day, -plan.notice_days) <= today <= day:
        return index
    return None


def courtesy_forecast(plan: PaymentPlan, start: date, days: int):
    """``[(day, installment index)]`` of the courtesy reminders the job sends from
    ``start`` for ``days`` days, nothing being paid meanwhile (:func:`courtesy_due`,
    day after day; a plan that breaks sends no more)."""
    sent = []
    for offset in range(max(days, 0)):
        day = start + timedelta(days=offset)
        index = courtesy_due(plan, day)
        if index is not None:
            sent.append((day, index))
            plan = evolve(plan, reminded=index + 1)
    return sent


def split(amount: float, count: int, first: date, months: int = 1, digits: int = 2):
    """``count`` installments of ``amount`` from ``first``, every ``months`` months
    (the same day of the month, or the month's last day), in units of ``digits``
    decimals: equal amounts, what is left over on the last one."""
    if count < 1:
        return []
    unit = 10**digits
    total = round(amount * unit)
    share = total // count
    last = total - share * (count - 1)
    return [
        (_add_months(first, index * months), (last if index == count - 1 else share) / unit)
        for index in range(count)
    ]


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    following = date(year + month // 12, month % 12 + 1, 1)
    return date(year, month, min(day.day, (following - timedelta(days=1)).day))


def schedule_error(
    installments, amount_due: float, today: date, max_count=None, last_by=None
) -> str | None:
    """Why ``installments`` (``(date, amount)``) cannot be agreed on ``today`` for
    ``amount_due``, or None: at least one; each positive, on a date of its own from
    today on; summing to the amount due; with limits (a customer proposing from the
    portal), at most ``max_count`` of them, the last one by ``last_by``."""
    if not installments:
        return NO_INSTALLMENT
    days = [day for day, _amount in installments]
    if any(amount <= ROUNDING for _day, amount in installments):
        return NOT_POSITIVE
    if min(days) < today:
        return PAST_DATE
    if len(set(days)) != len(days):
        return SAME_DATE
    if abs(sum(amount for _day, amount in installments) - amount_due) > ROUNDING:
        return WRONG_TOTAL
    if max_count is not None and len(installments) > max_count:
        return TOO_MANY
    if last_by is not None and max(days) > last_by:
        return TOO_LONG
    return None


def installment_statuses(plan: PaymentPlan, broken: bool = False) -> list:
    """The status of each installment of ``plan``, in date order: PAID while what was
    paid covers it (:meth:`PaymentPlan.covered`), MISSED for the first one not covered
    once the plan is ``broken``, else TO_PAY."""
    covered = plan.covered()
    return [
        PAID if index < covered else MISSED if broken and index == covered else TO_PAY
        for index in range(len(plan.installments))
    ]


def portal_plan_open(
    allowed: bool,
    max_count: int,
    due_date: date,
    today: date,
    disputed: bool = False,
    in_plan: bool = False,
    proposed_before: bool = False,
) -> bool:
    """Whether a customer may propose a payment plan of an invoice due on ``due_date``
    from the portal on ``today``: the company ``allowed`` it with at least two
    installments (``max_count``), the invoice is overdue, neither disputed nor
    ``in_plan`` (a running one), and the portal gave it no plan before
    (``proposed_before``): once per invoice."""
    return bool(
        allowed
        and max_count >= 2
        and due_date < today
        and not disputed
        and not in_plan
        and not proposed_before
    )


def portal_plan_error(count, first_date, today: date, max_count: int, max_days: int):
    """Why ``count`` monthly installments from ``first_date``, proposed from the portal
    on ``today``, are refused, or None: a first date after today and within
    ``max_days`` (FIRST_DATE), from 2 to ``max_count`` installments (INSTALLMENT_COUNT).
    ``count`` and ``first_date`` None: unreadable."""
    if first_date is None or not today < first_date <= shift(today, max_days):
        return FIRST_DATE
    if count is None or not 2 <= count <= max_count:
        return INSTALLMENT_COUNT
    return None
