# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a mail or a letter lists about the invoices it reminds."""

from collections import defaultdict


def invoice_lines(moves):
    """``(lines, totals)`` of the invoices ``moves`` in a mail or a letter.

    ``lines``: per invoice, oldest due first, ``move``, its ``days_overdue`` and
    ``amount_due`` (as of the context's ``dunning_date``, else today); ``totals``:
    ``(currency, amount due)`` sorted by currency.
    """
    lines = []
    totals = defaultdict(float)
    for move in moves.sorted(lambda m: (m.invoice_date_due or m.date, m.id)):
        lines.append(
            {
                "move": move,
                "days_overdue": move.dunning_days_overdue,
                "amount_due": move.dunning_amount_due,
            }
        )
        totals[move.currency_id] += move.dunning_amount_due
    return lines, sorted(totals.items(), key=lambda item: item[0].name)
