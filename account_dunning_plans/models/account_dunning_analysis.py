# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from ..tools.wording import CHANNELS

# Days after a reminder within which payments count as its recovery.
WINDOWS = (7, 14, 30)


class AccountDunningAnalysis(models.Model):
    """Which reminder gets paid: one row per invoice reminded by a done action (a mail,
    a letter or a manual step), with the amount it still owed that day and what was
    paid on it within 7, 14 and 30 days after. A database view on the actions and the
    reconciliations of the invoices' receivable lines, in the company's currency.

    ``recovered_N`` is 1 when the invoice was fully paid within N days, 0 when not, and
    empty while the N days are not over (averaged, it is the share of reminders paid
    in full: young reminders do not count yet). ``reminders`` sums to the number of
    reminders (a statement listing three invoices counts once).
    """

    _name = "account.dunning.analysis"
    _description = "Dunning recovery analysis"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "move_id"

    action_id = fields.Many2one("account.dunning.action", string="Reminder", readonly=True)
    date = fields.Date(string="Reminded on", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Company currency", readonly=True)
    plan_id = fields.Many2one("account.dunning.plan", string="Plan", readonly=True)
    step_id = fields.Many2one("account.dunning.plan.step", string="Step", readonly=True)
    level = fields.Integer(readonly=True, aggregator="max")
    channel = fields.Selection(CHANNELS, readonly=True)
    origin = fields.Selection([("auto", "Automatic"), ("manual", "By hand")], readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    reminders = fields.Float(readonly=True)
    amount_reminded = fields.Monetary(
        string="Amount reminded", readonly=True, help="Still due on the day of the reminder."
    )
    paid_7 = fields.Monetary(string="Paid within 7 days", readonly=True)
    paid_14 = fields.Monetary(string="Paid within 14 days", readonly=True)
    paid_30 = fields.Monetary(string="Paid within 30 days", readonly=True)
    recovered_7 = fields.Float(string="Paid in full within 7 days", readonly=True, aggregator="avg")
    recovered_14 = fields.Float(
        string="Paid in full within 14 days", readonly=True, aggregator="avg"
    )
    recovered_30 = fields.Float(
        string="Paid in full within 30 days", readonly=True, aggregator="avg"
    )

    @property
    def _table_query(self):
        # The company's today (its time zone; the tests' frozen clock), a date literal.
        today = f"DATE '{self.env.company._dunning_today().isoformat()}'"
        paid = ",\n".join(
            f"sum(p.amount) FILTER (WHERE p.max_date <= a.date + {days}) AS d{days}"
            for days in WINDOWS
        )
        reminded = "(m.amount_residual_signed + coalesce(paid.after, 0))"
        columns = ",\n".join(
            f"""coalesce(paid.d{days}, 0) AS paid_{days},
                CASE WHEN a.date + {days} > {today} OR {reminded} <= 0 THEN NULL
                     WHEN coalesce(paid.d{days}, 0) >= {reminded} - 0.005 THEN 1.0
                     ELSE 0.0 END AS recovered_{days}"""
            for days in WINDOWS
        )
        return f"""
            SELECT
                row_number() OVER (ORDER BY a.id, m.id) AS id,
                a.id AS action_id,
                a.date,
                a.company_id,
                c.currency_id,
                a.plan_id,
                a.step_id,
                a.level,
                a.channel,
                a.origin,
                a.partner_id,
                m.id AS move_id,
                1.0 / count(*) OVER (PARTITION BY a.id) AS reminders,
                {reminded} AS amount_reminded,
                {columns}
            FROM account_dunning_action a
            JOIN account_dunning_action_move_rel r ON r.action_id = a.id
            JOIN account_move m ON m.id = r.move_id
            JOIN res_company c ON c.id = a.company_id
            LEFT JOIN LATERAL (
                SELECT
                    sum(p.amount) AS after,
                    {paid}
                FROM account_move_line l
                JOIN account_account acc ON acc.id = l.account_id
                JOIN account_partial_reconcile p ON p.debit_move_id = l.id
                WHERE l.move_id = m.id
                  AND acc.account_type = 'asset_receivable'
                  AND p.max_date >= a.date
            ) paid ON TRUE
            WHERE a.state = 'done'
        """


class AccountDunningAging(models.Model):
    """Open customer invoices by dunning level and age (days past due today), with
    the amount due in the company's currency: where the money is stuck."""

    _name = "account.dunning.aging"
    _description = "Overdue by level and age"
    _auto = False
    _order = "days_overdue desc, id"
    _rec_name = "move_id"

    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Company currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    plan_id = fields.Many2one("account.dunning.plan", string="Plan", readonly=True)
    level = fields.Integer(readonly=True, aggregator="max")
    days_overdue = fields.Integer(readonly=True, aggregator="max")
    age = fields.Selection(
        [
            ("0_not_due", "Not due"),
            ("1_30", "1-30 days"),
            ("2_60", "31-60 days"),
            ("3_90", "61-90 days"),
            ("4_older", "Over 90 days"),
        ],
        readonly=True,
    )
    amount_due = fields.Monetary(readonly=True)

    @property
    def _table_query(self):
        today = f"DATE '{self.env.company._dunning_today().isoformat()}'"
        days = f"({today} - m.invoice_date_due)"
        return f"""
            SELECT
                m.id,
                m.id AS move_id,
                m.company_id,
                c.currency_id,
                m.commercial_partner_id AS partner_id,
                coalesce(m.dunning_level_plan_id, m.dunning_plan_id) AS plan_id,
                m.dunning_level AS level,
                greatest({days}, 0) AS days_overdue,
                CASE WHEN {days} <= 0 THEN '0_not_due'
                     WHEN {days} <= 30 THEN '1_30'
                     WHEN {days} <= 60 THEN '2_60'
                     WHEN {days} <= 90 THEN '3_90'
                     ELSE '4_older' END AS age,
                m.amount_residual_signed AS amount_due
            FROM account_move m
            JOIN res_company c ON c.id = m.company_id
            WHERE m.move_type = 'out_invoice'
              AND m.state = 'posted'
              AND m.payment_state IN ('not_paid', 'partial')
        """
