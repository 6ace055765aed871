# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


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
