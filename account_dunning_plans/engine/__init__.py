"""Pure-Python dunning decision engine (no Odoo import).

The Odoo models translate records into the value objects of :mod:`.facts`, call
:func:`.decide.decide` (or :func:`.customer.decide_day` for a customer's whole day)
and act on the returned :class:`.facts.Decision`. Every rule about *which step, which
date, which reason* lives here, so that the nightly job, the "send now" button, the
explanation and the simulation always agree.
"""

from . import reasons
from .calendar import WEEKDAYS, WorkCalendar, add_days, is_business_day, next_business_day
from .customer import Action, Customer, apply_day, decide_day, forecast, forecast_events
from .decide import decide, in_plan, level_reached, next_step_index, step_dates
from .delivery import Contact, SendWindow, next_retry, recipients, temporary_failure
from .explain import Explanation, explain, explain_day
from .facts import Decision, Invoice, Plan, Policy, Step
from .group import CustomerDecision, decide_customer, reference_invoice
from .manual import ManualAction, ManualSend, manual_send, manual_send_group, manual_statement
from .payment_plan import PaymentPlan, courtesy_due, payment_plan_outcome
from .promise import BROKEN, KEPT, PARTIAL, promise_end, promise_outcome, settle_promise
from .rules import needs_activity, report_due, report_period_start

__all__ = [
    "BROKEN",
    "KEPT",
    "PARTIAL",
    "WEEKDAYS",
    "Action",
    "Contact",
    "Customer",
    "CustomerDecision",
    "Decision",
    "Explanation",
    "Invoice",
    "ManualAction",
    "ManualSend",
    "PaymentPlan",
    "Plan",
    "Policy",
    "SendWindow",
    "Step",
    "WorkCalendar",
    "add_days",
    "apply_day",
    "courtesy_due",
    "decide",
    "decide_customer",
    "decide_day",
    "explain",
    "explain_day",
    "forecast",
    "forecast_events",
    "in_plan",
    "is_business_day",
    "level_reached",
    "manual_send",
    "manual_send_group",
    "manual_statement",
    "needs_activity",
    "next_business_day",
    "next_retry",
    "next_step_index",
    "payment_plan_outcome",
    "promise_end",
    "promise_outcome",
    "reasons",
    "recipients",
    "reference_invoice",
    "report_due",
    "report_period_start",
    "settle_promise",
    "step_dates",
    "temporary_failure",
]
