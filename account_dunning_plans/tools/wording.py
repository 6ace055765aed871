# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Wording of the engine's reason codes and of the channels, as selections shared by
every model.

The codes come from :mod:`..engine.reasons`; this is the only place they are worded.
"""

from ..engine import reasons as r

REASON_SELECTION = [
    (r.OPENING_BALANCE, "Receivable from a miscellaneous entry (opening balance)"),
    (r.PAID, "Paid"),
    (r.IN_PAYMENT, "In payment"),
    (r.IN_COLLECTION, "Handed over for collection"),
    (r.NO_PLAN, "No dunning plan"),
    (r.PLAN_ARCHIVED, "Plan archived: not reminded"),
    (r.INVOICE_BLOCKED, "Invoice set to 'do not remind automatically'"),
    (r.CUSTOMER_BLOCKED, "Customer blocked from dunning"),
    (r.BELOW_MIN_AMOUNT, "Amount due below the company minimum"),
    (r.BELOW_MIN_PERCENTAGE, "Amount due below the minimum percentage of the total"),
    (r.TOO_OLD, "Invoice too old when dunning was enabled"),
    (r.POST_FACTUM, "Invoice entered after its due date (post factum)"),
    (r.STANDBY, "Company in stand-by: dunning not enabled"),
    (r.DISPUTED, "Disputed: not reminded until the dispute is closed"),
    (r.NOT_DUE, "Next step not due yet"),
    (r.CONTACT_DELAY, "Last reminder too recent (plan's minimum contact delay)"),
    (r.RECENT_REMINDER, "Invoice reminded recently (company interval between reminders)"),
    (r.ALREADY_TODAY, "Already reminded today"),
    (r.WEEKEND, "Not a working day: nothing is sent"),
    (r.TODO_PENDING, "Waiting for a person to handle a to-do"),
    (r.STALE_BANK_DATA, "Held: bank data too old (the customer may have paid)"),
    (r.UNMATCHED_PAYMENTS, "Held: the customer has payments or credits not matched yet"),
    (r.PAUSED, "Dunning paused"),
    (r.PROMISED, "Payment promised: waiting for the promised date"),
    (r.PAYMENT_PLAN, "Payment plan agreed: reminded of its installments only"),
    (r.STEP_DUE, "Step due"),
    (r.MANUAL_STEP, "Manual step: to do by a person"),
    (r.LETTER_STEP, "Postal letter to print"),
    (r.NO_EMAIL, "No e-mail address for the customer"),
    (r.BROKEN_PROMISE, "Payment promise or payment plan broken"),
    (r.INSTALLMENT_DUE, "Courtesy reminder of a payment plan's installment"),
    (r.PLAN_COMPLETED, "Every step of the plan was executed"),
    (r.SEND_FAILED, "Sending failed"),
    (r.DECISION_FAILED, "Could not be decided (see the server log)"),
]

# How a step reaches the customer (also on actions and simulations).
CHANNELS = [("email", "E-mail"), ("letter", "Postal letter"), ("manual", "Manual task")]


def labels(env):
    """``(reasons, channels)``: code -> wording, in ``env``'s language."""
    return (
        dict(env["account.move"]._fields["dunning_reason"]._description_selection(env)),
        dict(env["account.dunning.plan.step"]._fields["channel"]._description_selection(env)),
    )


def legal_basis(env, country_code):
    """The law a claim of late interest and recovery costs rests on, in ``env``'s
    language, for the creditor's country (None for a country without one here)."""
    return {
        "FR": env._("article L441-10 of the French Commercial Code"),
        "BE": env._("Belgian law of 2 August 2002 on late payment in commercial transactions"),
        "NL": env._("articles 6:96 and 6:119a of the Dutch Civil Code"),
        "DE": env._("sections 286 and 288 of the German Civil Code (BGB)"),
    }.get(country_code)
