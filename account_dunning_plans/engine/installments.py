"""Invoices paid in installments are reminded of their overdue installments only."""

from datetime import date


def amount_to_remind(installments, today: date):
    """``(due date, amount, amount in company currency)`` to remind, or None.

    ``installments``: ``(due date, amount due, amount due in company currency)`` of each
    unpaid installment. The oldest one's due date, and the sum of those overdue on
    ``today`` (the next one alone when none is overdue yet). None without installments.
    """
    unpaid = sorted(installment for installment in installments if installment[1] > 0)
    if not unpaid:
        return None
    overdue = [installment for installment in unpaid if installment[0] <= today]
    reminded = overdue or unpaid[:1]
    return (
        reminded[0][0],
        sum(installment[1] for installment in reminded),
        sum(installment[2] for installment in reminded),
    )
