# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from ..engine import reasons as r
from ..tools.wording import REASON_SELECTION


class AccountDunningCustomer(models.Model):
    """Customers to chase: one row per customer and company with open invoices, their
    amount overdue, oldest days overdue, highest level, next reminder and what holds
    them. A database view on the invoices' dunning state (which the engine keeps true,
    see ``account.dunning.run._refresh_status``); each row opens the customer's
    statement."""

    _name = "account.dunning.customer"
    _description = "Customer to chase"
    _auto = False
    _order = "next_date, amount_overdue desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Company currency", readonly=True)
    user_id = fields.Many2one("res.users", string="Responsible", readonly=True)
    plan_id = fields.Many2one(
        "account.dunning.plan",
        string="Plan",
        readonly=True,
        help="The plan of the customer's most advanced invoice.",
    )
    level = fields.Integer(string="Highest level", readonly=True)
    invoice_count = fields.Integer(string="Open invoices", readonly=True)
    overdue_count = fields.Integer(string="Overdue invoices", readonly=True)
    amount_due = fields.Monetary(string="Amount due", readonly=True)
    amount_overdue = fields.Monetary(readonly=True)
    oldest_due_date = fields.Date(string="Oldest due date", readonly=True)
    days_overdue = fields.Integer(string="Oldest days overdue", readonly=True)
    next_date = fields.Date(string="Next reminder", readonly=True)
    next_reason = fields.Selection(
        REASON_SELECTION, string="Status of the next reminder", readonly=True
    )
    todo_count = fields.Integer(string="Manual actions", readonly=True)
    held_count = fields.Integer(string="Invoices held", readonly=True)
    held_reason = fields.Selection(REASON_SELECTION, string="Held by", readonly=True)

    @property
    def _table_query(self):
        held = ", ".join(f"'{reason}'" for reason in r.HELD_REASONS)
        # The company's today (its time zone; the tests' frozen clock), a date literal.
        today = f"DATE '{self.env.company._dunning_today().isoformat()}'"
        return f"""
            SELECT
                min(m.id) AS id,
                m.commercial_partner_id AS partner_id,
                m.company_id,
                c.currency_id,
                p.user_id,
                (array_agg(m.dunning_level_plan_id ORDER BY m.dunning_level DESC, m.id)
                    FILTER (WHERE m.dunning_level_plan_id IS NOT NULL))[1] AS plan_id,
                max(m.dunning_level) AS level,
                count(*) AS invoice_count,
                count(*) FILTER (WHERE m.invoice_date_due < {today}) AS overdue_count,
                sum(m.amount_residual_signed) AS amount_due,
                coalesce(sum(m.amount_residual_signed)
                    FILTER (WHERE m.invoice_date_due < {today}), 0) AS amount_overdue,
                min(m.invoice_date_due) AS oldest_due_date,
                greatest({today} - min(m.invoice_date_due), 0) AS days_overdue,
                min(m.dunning_next_date) AS next_date,
                (array_agg(m.dunning_reason ORDER BY m.dunning_next_date, m.id)
                    FILTER (WHERE m.dunning_next_date IS NOT NULL))[1] AS next_reason,
                (SELECT count(*) FROM account_dunning_action a
                  WHERE a.partner_id = m.commercial_partner_id
                    AND a.company_id = m.company_id AND a.state = 'todo') AS todo_count,
                count(*) FILTER (WHERE m.dunning_reason IN ({held})) AS held_count,
                (array_agg(m.dunning_reason ORDER BY m.id)
                    FILTER (WHERE m.dunning_reason IN ({held})))[1] AS held_reason
            FROM account_move m
            JOIN res_company c ON c.id = m.company_id
            JOIN res_partner p ON p.id = m.commercial_partner_id
            WHERE m.move_type = 'out_invoice'
              AND m.state = 'posted'
              AND m.payment_state IN ('not_paid', 'partial')
            GROUP BY m.commercial_partner_id, m.company_id, c.currency_id, p.user_id
        """

    def action_open_statement(self):
        """The customer's follow-up statement."""
        self.ensure_one()
        return self.partner_id.with_company(self.company_id).action_dunning_statement()

    def action_send_statements(self):
        """Send these customers' statements by e-mail now, after a review of what
        would hold each (``account.dunning.send.batch``)."""
        return self.env["account.dunning.send.batch"]._open_for(
            [(row.partner_id, row.company_id) for row in self]
        )
