"""Immutable value objects exchanged between the Odoo layer and the engine."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from .calendar import WEEKDAYS, WorkCalendar, shift
from .reasons import SEND, TODO

DUE_DATE = "due_date"
INVOICE_DATE = "invoice_date"
PREVIOUS_STEP = "previous_step"

STANDARD = "standard"
CONTEXTUAL = "contextual"


@dataclass(frozen=True)
class Step:
    """One step of a plan. ``key`` is opaque to the engine (the step's record id).

    A ``broken_promise`` step is not part of the normal sequence: it runs once, right
    after a payment promise is broken, and does not move the level.
    """

    delay: int
    reference: str = DUE_DATE
    channel: str = "email"
    automatic: bool = True
    broken_promise: bool = False
    key: object = None


@dataclass(frozen=True)
class Plan:
    """An ordered list of steps and the rules spacing them.

    With ``business_days_only``, delays count the working days of ``calendar`` (the
    company's) and nothing goes out on other days. An archived plan (not ``active``)
    reminds nobody.
    """

    steps: tuple = ()
    logic: str = STANDARD
    min_contact_delay: int = 5
    business_days_only: bool = False
    calendar: WorkCalendar = WEEKDAYS
    active: bool = True
    key: object = None

    @cached_property
    def dates_by_invoice(self):
        """Step dates already computed, by (due date, invoice date): see
        :func:`.decide.step_dates` (a plan is immutable, so are they)."""
        return {}

    @property
    def workdays(self):
        """The calendar delays count in, or None for plain calendar days."""
        return self.calendar if self.business_days_only else None


@dataclass(frozen=True)
class Policy:
    """Company-wide settings that apply whatever the plan."""

    enabled: bool = True
    # Seed 000: no reminder for an invoice reminded (by hand or not) in the last N days.
    reminder_interval: int = 7
    min_amount: float = 0.0
    min_percentage: float = 0.0
    max_age_at_activation: int = 90
    activation_date: date | None = None
    bank_max_age: int = 0
    bank_data_date: date | None = None

    def too_old(self, invoice_date: date) -> bool:
        """True for an invoice already older than the maximum age when dunning was
        enabled (seed 000: such invoices are left out)."""
        oldest = self.oldest_kept
        return oldest is not None and invoice_date < oldest

    @cached_property
    def oldest_kept(self) -> date | None:
        """The oldest invoice date :meth:`too_old` keeps (None: every date)."""
        if not (self.activation_date and self.max_age_at_activation):
            return None
        return shift(self.activation_date, -self.max_age_at_activation)

    def bank_data_stale(self, today: date) -> bool:
        """True when bank data are too old to trust that unpaid means unpaid."""
        if not self.bank_max_age:
            return False
        return self.bank_data_date is None or (today - self.bank_data_date).days > self.bank_max_age

    def bank_data_stale_from(self, start: date, days: int) -> date | None:
        """The first of the ``days`` days from ``start`` on which bank data are stale
        (:meth:`bank_data_stale`; once stale, they stay so until new data come), or
        None. What a forecast says when, from that day, nothing automatic is sent."""
        if not self.bank_max_age or days < 1:
            return None
        if self.bank_data_date is None:
            return start
        first = max(start, self.bank_data_date + timedelta(days=self.bank_max_age + 1))
        return first if (first - start).days < days else None


@dataclass(frozen=True)
class Invoice:
    """What the engine needs to know about one receivable.

    ``kind``: "invoice" (a customer invoice) or "entry" (a receivable of a
    miscellaneous entry, e.g. an opening balance, which is never reminded).
    Amounts: ``amount_total`` and ``amount_residual`` in the invoice currency,
    ``amount_residual_company`` in the company currency (for the minimum amount).
    ``level`` is the number of steps already executed in the plan ``level_plan`` (a
    plan key; None: the plan deciding), the index of the next step in standard logic;
    ``last_date`` the last communication of that plan. Under another plan the invoice
    starts afresh (:func:`.decide.in_plan`). ``last_reminder_date``: the last reminder
    sent for this invoice, by hand or not, from any plan (the company's interval
    counts from it); ``entry_date`` the day the invoice was posted;
    ``customer_last_date`` the last communication to the customer from any plan, at
    any level (the plan's minimum contact delay counts from it);
    ``unmatched_payments`` whether the customer has payments or credits not yet
    matched with invoices. ``paused`` (until ``pause_until``, excluded; None: until
    resumed by hand) stops the plan. An open payment promise waits until
    ``promise_until`` (its date plus the grace period, included); ``promise_amount``
    was promised and ``promise_paid`` paid since (None: unknown, the promise breaks
    when its wait is over). ``payment_plan``: the agreed installments
    (:class:`.payment_plan.PaymentPlan`) the invoice is in, replacing its reminders
    while honoured. ``promise_broken`` asks for the plan's broken-promise step, if any
    (a promise or a payment plan was broken). ``acted_today``: keys of the steps
    executed (or given a to-do) for this invoice today. ``in_collection``: handed over
    to a collection agency or a bailiff (never reminded again).
    """

    due_date: date
    invoice_date: date
    amount_total: float = 0.0
    amount_residual: float = 0.0
    amount_residual_company: float | None = None
    kind: str = "invoice"  # invoice | entry
    payment_state: str = "not_paid"
    level: int = 0
    level_plan: object = None
    last_date: date | None = None
    last_reminder_date: date | None = None
    entry_date: date | None = None
    blocked: bool = False
    customer_blocked: bool = False
    has_email: bool = True
    open_todo: bool = False
    customer_last_date: date | None = None
    unmatched_payments: bool = False
    disputed: bool = False
    in_collection: bool = False
    paused: bool = False
    pause_until: date | None = None
    promise_until: date | None = None
    promise_amount: float | None = None
    promise_paid: float = 0.0
    payment_plan: object = None
    promise_broken: bool = False
    acted_today: frozenset = frozenset()
    key: object = None


def evolve(instance, **changes):
    """``dataclasses.replace`` for the engine's value objects (frozen dataclasses
    without ``__post_init__`` nor slots), without calling ``__init__``: several times
    faster, for the hot paths of a forecast that derive thousands of invoices a day.
    Unknown field names are refused as ``replace`` refuses them. Cached properties
    are copied as they are: not for :class:`Plan` nor :class:`Policy`."""
    cls = type(instance)
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = frozenset(cls.__dataclass_fields__)
    if not names.issuperset(changes):
        raise TypeError(f"unknown fields: {sorted(changes.keys() - names)}")
    new = object.__new__(cls)
    new.__dict__.update(instance.__dict__, **changes)
    return new


_FIELD_NAMES = {}  # dataclass -> its field names, for evolve


@dataclass(frozen=True)
class Decision:
    """The engine's answer for one invoice on one day.

    ``step_index``: for SEND/TODO the step to execute now; for WAIT the step that
    comes next (None when unknown). ``level``: the invoice's level once the step is
    executed (SEND/TODO), else its current level. ``next_date``: the first day
    something may happen next, if nothing changes (None when nothing will).
    ``restart``: the invoice's level counted in another plan and this plan takes it
    over, from its first step (or the step matching its age, with contextual logic).
    """

    outcome: str
    reason: str
    step_index: int | None = None
    level: int = 0
    next_date: date | None = None
    details: dict = field(default_factory=dict)
    restart: bool = False

    @property
    def acts(self):
        """True when a communication or a to-do is produced today."""
        return self.outcome in (SEND, TODO)
