"""Pure-Python dunning decision engine (no Odoo import).

The Odoo models translate records into the value objects of :mod:`.facts`, call
:func:`.decide.decide` and act on the returned :class:`.facts.Decision`. Every rule
about *which step, which date, which reason* lives here, so that the nightly job, the
"send now" button and the simulation always agree.
"""

from . import reasons
from .calendar import add_days, is_business_day, next_business_day
from .decide import decide, next_step_index, step_dates
from .delivery import Contact, SendWindow, recipients
from .customer import Customer, Unit, apply_day, decide_day, forecast
from .explain import Explanation, explain, explain_day
from .facts import Decision, Invoice, Plan, Policy, Step
from .group import CustomerDecision, decide_customer, reference_invoice
from .promise import BROKEN, KEPT, PARTIAL, promise_outcome

__all__ = [
    "BROKEN",
    "Contact",
    "KEPT",
    "PARTIAL",
    "Customer",
    "CustomerDecision",
    "Decision",
    "Explanation",
    "Invoice",
    "Plan",
    "SendWindow",
    "Policy",
    "Step",
    "Unit",
    "add_days",
    "apply_day",
    "decide",
    "decide_customer",
    "decide_day",
    "explain",
    "explain_day",
    "forecast",
    "is_business_day",
    "next_business_day",
    "next_step_index",
    "promise_outcome",
    "reasons",
    "recipients",
    "reference_invoice",
    "step_dates",
]
