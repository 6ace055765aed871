# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    dunning_plan_id = fields.Many2one(
        "account.dunning.plan",
        string="Customer dunning plan",
        company_dependent=True,
        domain="[('scope', '=', 'customer'), ('company_id', '=', current_company_id)]",
        help="Customer-level plan of this customer (empty: the company's default).",
    )
    dunning_blocked = fields.Boolean(
        string="Block reminders",
        tracking=True,
        help="No automatic reminder is sent to this customer.",
    )

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + ["dunning_blocked"]
