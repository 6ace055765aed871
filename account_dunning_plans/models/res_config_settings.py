# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from .dunning_notify import success


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dunning_enabled = fields.Boolean(related="company_id.dunning_enabled", readonly=False)
    dunning_activation_date = fields.Date(related="company_id.dunning_activation_date")
    dunning_reminder_interval = fields.Integer(
        related="company_id.dunning_reminder_interval", readonly=False
    )
    dunning_min_amount = fields.Monetary(related="company_id.dunning_min_amount", readonly=False)
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
        "account.dunning.plan",
        string="Default invoice-level plan",
        compute="_compute_dunning_default_plans",
        inverse="_inverse_dunning_default_plans",
        domain="[('scope', '=', 'invoice'), ('company_id', '=', company_id)]",
        readonly=False,
    )
    dunning_default_customer_plan_id = fields.Many2one(
        "account.dunning.plan",
        string="Default customer-level plan",
        compute="_compute_dunning_default_plans",
        inverse="_inverse_dunning_default_plans",
        domain="[('scope', '=', 'customer'), ('company_id', '=', company_id)]",
        readonly=False,
    )

    @api.depends("company_id")
    def _compute_dunning_default_plans(self):
        Plan = self.env["account.dunning.plan"]
        for settings in self:
            settings.dunning_default_plan_id = Plan._get_default_plan(settings.company_id)
            settings.dunning_default_customer_plan_id = Plan._get_default_plan(
                settings.company_id, "customer"
            )

    def _inverse_dunning_default_plans(self):
        Plan = self.env["account.dunning.plan"]
        for settings in self:
            for scope, plan in (
                ("invoice", settings.dunning_default_plan_id),
                ("customer", settings.dunning_default_customer_plan_id),
            ):
                current = Plan._get_default_plan(settings.company_id, scope)
                if current != plan:
                    current.is_default = False
                    plan.is_default = True

    def action_dunning_send_report(self):
        """Send the dunning report now (settings saved first), covering the period since
        the last report."""
        self.ensure_one()
        self.env["account.dunning.report"]._send(self.company_id, fields.Date.context_today(self))
        return success(self.env._("Dunning report queued."), close=True)
