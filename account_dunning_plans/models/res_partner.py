# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

PLAN_MODES = [
    ("default", "Company default"),
    ("custom", "Specific plan"),
    ("none", "No customer-level dunning"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    dunning_plan_mode = fields.Selection(
        PLAN_MODES,
        string="Customer-level dunning",
        company_dependent=True,
        help="Company default: the company's default customer-level plan, if any. "
        "Specific plan: the plan below. No customer-level dunning: only invoice-level "
        "plans remind this customer. Contacts follow their company.",
    )
    dunning_plan_id = fields.Many2one(
        "account.dunning.plan",
        string="Customer dunning plan",
        company_dependent=True,
        domain="[('scope', '=', 'customer'), ('company_id', '=', current_company_id)]",
        help="Customer-level plan of this customer when 'Specific plan' is chosen.",
    )
    dunning_blocked = fields.Boolean(
        string="Block reminders",
        tracking=True,
        help="No automatic reminder is sent to this customer.",
    )
    dunning_action_count = fields.Integer(
        string="Reminders",
        compute="_compute_dunning_action_count",
        groups="account.group_account_invoice",
    )

    def _compute_dunning_action_count(self):
        counts = dict(
            self.env["account.dunning.action"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                groupby=["partner_id"],
                aggregates=["__count"],
            )
        )
        for partner in self:
            partner.dunning_action_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_dunning_actions(self):
        """The customer's dunning actions, both levels."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_dunning_plans.account_dunning_action_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {}
        return action

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + ["dunning_blocked"]

    @api.onchange("dunning_plan_id")
    def _onchange_dunning_plan_id(self):
        if self.dunning_plan_id:
            self.dunning_plan_mode = "custom"

    def _dunning_customer_plan(self, default=None):
        """The customer-level plan of this commercial entity in the current company.

        ``default``: the company's default customer-level plan when already known.
        """
        Plan = self.env["account.dunning.plan"]
        partner = self.commercial_partner_id
        if len(partner) != 1:
            return Plan
        mode = partner.dunning_plan_mode or "default"
        if mode == "none":
            return Plan
        if mode == "custom" and partner.dunning_plan_id:
            return partner.dunning_plan_id
        if default is None:
            default = Plan._get_default_plan(self.env.company, "customer")
        return default

    def write(self, vals):
        if vals.get("dunning_plan_id"):
            plan = self.env["account.dunning.plan"].browse(vals["dunning_plan_id"])
            if plan.scope != "customer":
                raise ValidationError(
                    self.env._(
                        "%(plan)s is an invoice-level plan: a customer needs a "
                        "customer-level plan.",
                        plan=plan.display_name,
                    )
                )
            if "dunning_plan_mode" not in vals:
                vals = dict(vals, dunning_plan_mode="custom")
        return super().write(vals)
