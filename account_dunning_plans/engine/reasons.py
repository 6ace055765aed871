"""Outcome and reason codes returned by the engine.

The codes are stable identifiers (stored on actions and invoices, used by filters and
integrations); their wording, translated, lives in the Odoo layer. ``ALL_REASONS`` is
every code the Odoo layer can record.
"""

# Outcomes
SEND = "send"  # execute the step now (automatic e-mail)
TODO = "todo"  # create a to-do action for a person (manual step, letter, no e-mail)
WAIT = "wait"  # nothing to do today; ``next_date`` says when
SKIP = "skip"  # the invoice is not dunned at all; the reason says why
DONE = "done"  # every step of the plan has been executed

# Reasons for SKIP
OPENING_BALANCE = "opening_balance"
PAID = "paid"
IN_PAYMENT = "in_payment"
IN_COLLECTION = "in_collection"  # handed over to a collection agency or a bailiff
NO_PLAN = "no_plan"
PLAN_ARCHIVED = "plan_archived"
INVOICE_BLOCKED = "invoice_blocked"
CUSTOMER_BLOCKED = "customer_blocked"
BELOW_MIN_AMOUNT = "below_min_amount"
BELOW_MIN_PERCENTAGE = "below_min_percentage"
TOO_OLD = "too_old"
POST_FACTUM = "post_factum"
STANDBY = "standby"
DISPUTED = "disputed"

# Reasons for WAIT
NOT_DUE = "not_due"
CONTACT_DELAY = "contact_delay"
RECENT_REMINDER = "recent_reminder"
ALREADY_TODAY = "already_today"
WEEKEND = "weekend"
TODO_PENDING = "todo_pending"
STALE_BANK_DATA = "stale_bank_data"
UNMATCHED_PAYMENTS = "unmatched_payments"
PAUSED = "paused"
PROMISED = "promised"
PAYMENT_PLAN = "payment_plan"  # installments agreed: courtesy reminders only

# Reasons for SEND / TODO / DONE (BROKEN_PROMISE: the plan's step for broken promises)
STEP_DUE = "step_due"
MANUAL_STEP = "manual_step"
LETTER_STEP = "letter_step"
NO_EMAIL = "no_email"
BROKEN_PROMISE = "broken_promise"
INSTALLMENT_DUE = "installment_due"  # a payment plan's courtesy reminder
PLAN_COMPLETED = "plan_completed"

# Recorded by the Odoo layer when a decided action could not be executed, or when
# nothing could be decided for a customer (an unexpected error, in the server log)
SEND_FAILED = "send_failed"
DECISION_FAILED = "decision_failed"

SKIP_REASONS = (
    OPENING_BALANCE,
    PAID,
    IN_PAYMENT,
    IN_COLLECTION,
    NO_PLAN,
    PLAN_ARCHIVED,
    INVOICE_BLOCKED,
    CUSTOMER_BLOCKED,
    BELOW_MIN_AMOUNT,
    BELOW_MIN_PERCENTAGE,
    TOO_OLD,
    POST_FACTUM,
    STANDBY,
    DISPUTED,
)
WAIT_REASONS = (
    NOT_DUE,
    CONTACT_DELAY,
    RECENT_REMINDER,
    ALREADY_TODAY,
    WEEKEND,
    TODO_PENDING,
    STALE_BANK_DATA,
    UNMATCHED_PAYMENTS,
    PAUSED,
    PROMISED,
    PAYMENT_PLAN,
)
ACT_REASONS = (STEP_DUE, MANUAL_STEP, LETTER_STEP, NO_EMAIL, BROKEN_PROMISE, INSTALLMENT_DUE)
# Reasons a person, a safety check or a failure holds an invoice's reminders with
# (the "held" of the cockpit; the others say it is not due, not dunned or done).
HELD_REASONS = (
    PAUSED,
    PROMISED,
    PAYMENT_PLAN,
    DISPUTED,
    INVOICE_BLOCKED,
    CUSTOMER_BLOCKED,
    STALE_BANK_DATA,
    UNMATCHED_PAYMENTS,
    TODO_PENDING,
    SEND_FAILED,
)
ALL_REASONS = (
    SKIP_REASONS + WAIT_REASONS + ACT_REASONS + (PLAN_COMPLETED, SEND_FAILED, DECISION_FAILED)
)

# Refusals of a reminder sent by hand (never recorded: the button says them)
STEP_DONE_TODAY = "step_done_today"  # the same step was already executed today
