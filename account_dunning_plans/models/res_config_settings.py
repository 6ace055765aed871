# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..tools.notify import success


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dunning_enabled = fields.Boolean(related="company_id.dunning_enabled", readonly=False)
    dunning_activation_date = fields.Date(related="company_id.dunning_activation_date")
    dunning_reminder_interval = fields.Integer(
        related="company_id.dunning_reminder_interval", readonly=False
    )
    dunning_min_amount = fields.Monetary(related="company_id.dunning_min_amount", readonly=False)
    dunning_agreed_rate = fields.Float(related="company_id.dunning_agreed_rate", readonly=False)
    dunning_agreed_rate_warning = fields.Char(
        string="Rate of your terms below the law", compute="_compute_dunning_agreed_rate_warning"
    )
    dunning_portal_promise_days = fields.Integer(
        related="company_id.dunning_portal_promise_days", readonly=False
    )
    dunning_portal_promise_extensions = fields.Integer(
        related="company_id.dunning_portal_promise_extensions", readonly=False
    )
    dunning_portal_payment_plan = fields.Boolean(
        related="company_id.dunning_portal_payment_plan", readonly=False
    )
    dunning_portal_installments = fields.Integer(
        related="company_id.dunning_portal_installments", readonly=False
    )
    dunning_portal_payment_plan_days = fields.Integer(
        related="company_id.dunning_portal_payment_plan_days", readonly=False
    )
    dunning_installment_grace_days = fields.Integer(
        related="company_id.dunning_installment_grace_days", readonly=False
    )
    dunning_installment_notice_days = fields.Integer(
        related="company_id.dunning_installment_notice_days", readonly=False
    )
    dunning_reply_action = fields.Selection(
        related="company_id.dunning_reply_action", readonly=False, required=True
    )
    dunning_reply_pause_days = fields.Integer(
        related="company_id.dunning_reply_pause_days", readonly=False
    )
    dunning_consumer_penalty_clause = fields.Boolean(
        related="company_id.dunning_consumer_penalty_clause", readonly=False
    )
    dunning_fee_product_id = fields.Many2one(
        related="company_id.dunning_fee_product_id", readonly=False
    )
    dunning_interest_product_id = fields.Many2one(
        related="company_id.dunning_interest_product_id", readonly=False
    )
    dunning_reasonable_fee = fields.Monetary(
        related="company_id.dunning_reasonable_fee", readonly=False
    )
    dunning_min_percentage = fields.Float(
        related="company_id.dunning_min_percentage", readonly=False
    )
    dunning_max_age_at_activation = fields.Integer(
        related="company_id.dunning_max_age_at_activation", readonly=False
    )
    dunning_bank_max_age = fields.Integer(related="company_id.dunning_bank_max_age", readonly=False)
    dunning_block_unmatched_payments = fields.Boolean(
        related="company_id.dunning_block_unmatched_payments", readonly=False
    )
    dunning_promise_grace_days = fields.Integer(
        related="company_id.dunning_promise_grace_days", readonly=False
    )
    dunning_sender_type = fields.Selection(related="company_id.dunning_sender_type", readonly=False)
    dunning_sender_user_id = fields.Many2one(
        related="company_id.dunning_sender_user_id", readonly=False
    )
    dunning_sender_address = fields.Char(
        related="company_id.dunning_sender_address", readonly=False
    )
    dunning_greeting = fields.Selection(related="company_id.dunning_greeting", readonly=False)
    dunning_reply_to_type = fields.Selection(
        related="company_id.dunning_reply_to_type", readonly=False
    )
    dunning_reply_to_address = fields.Char(
        related="company_id.dunning_reply_to_address", readonly=False
    )
    dunning_window = fields.Boolean(related="company_id.dunning_window", readonly=False)
    dunning_window_from = fields.Float(related="company_id.dunning_window_from", readonly=False)
    dunning_window_to = fields.Float(related="company_id.dunning_window_to", readonly=False)
    dunning_report_frequency = fields.Selection(
        related="company_id.dunning_report_frequency", readonly=False
    )
    dunning_report_user_ids = fields.Many2many(
        related="company_id.dunning_report_user_ids", readonly=False
    )
    dunning_default_plan_id = fields.Many2one(
        related="company_id.dunning_default_plan_id",
        readonly=False,
        domain="[('scope', '=', 'invoice'), ('company_id', '=', company_id)]",
    )
    dunning_default_customer_plan_id = fields.Many2one(
        related="company_id.dunning_default_customer_plan_id",
        readonly=False,
        domain="[('scope', '=', 'customer'), ('company_id', '=', company_id)]",
    )

    @api.depends("company_id", "dunning_agreed_rate")
    def _compute_dunning_agreed_rate_warning(self):
        for settings in self:
            settings.dunning_agreed_rate_warning = (
                settings.company_id._dunning_agreed_rate_warning(settings.dunning_agreed_rate)
                if settings.company_id
                else False
            )

    def action_dunning_send_report(self):
        """Send the dunning report now (settings saved first), covering the period since
        the last report."""
        self.ensure_one()
        self.env["account.dunning.report"]._send(self.company_id, self.company_id._dunning_today())
        return success(self.env._("Dunning report queued."), close=True)

    def action_dunning_activation(self):
        """The activation assistant of the company (settings saved first)."""
        self.ensure_one()
        return self.env["account.dunning.activation"]._open(self.company_id)
