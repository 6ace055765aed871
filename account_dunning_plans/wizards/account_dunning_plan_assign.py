# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.notify import success


class AccountDunningPlanAssign(models.TransientModel):
    """Assign a dunning plan, the company default or no plan to selected customers
    (customer-level plan) or invoices (invoice-level plan)."""

    _name = "account.dunning.plan.assign"
    _description = "Assign a dunning plan"

    res_model = fields.Selection(
        [("res.partner", "Customers"), ("account.move", "Invoices")],
        required=True,
        default=lambda self: self.env.context.get("active_model"),
    )
    res_ids = fields.Json(default=lambda self: self.env.context.get("active_ids") or [])
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    scope = fields.Char(compute="_compute_scope")
    mode = fields.Selection(
        [("default", "Company default plan"), ("custom", "This plan"), ("none", "No plan")],
        required=True,
        default="custom",
    )
    plan_id = fields.Many2one(
        "account.dunning.plan",
        domain="[('scope', '=', scope), ('company_id', '=', company_id)]",
    )
    record_count = fields.Integer(compute="_compute_scope")

    @api.depends("res_model", "res_ids")
    def _compute_scope(self):
        for wizard in self:
            wizard.scope = "customer" if wizard.res_model == "res.partner" else "invoice"
            wizard.record_count = len(wizard._records())

    def _records(self):
        self.ensure_one()
        if self.res_model not in ("res.partner", "account.move"):
            return self.env["res.partner"]
        records = self.env[self.res_model].browse(self.res_ids or []).exists()
        if self.res_model == "res.partner":
            return records.commercial_partner_id
        return records

    def action_apply(self):
        """Write the choice on the records; returns a notification."""
        self.ensure_one()
        if self.mode == "custom" and not self.plan_id:
            raise UserError(self.env._("Choose the plan to assign."))
        records = self._records()
        if not records:
            raise UserError(self.env._("Select at least one record."))
        if self.res_model == "res.partner":
            records.with_company(self.company_id).write(
                {"dunning_plan_mode": self.mode, "dunning_plan_id": self.plan_id.id}
            )
        else:
            self._assign_invoices(records)
        return success(
            self.env._("Dunning plan updated on %(count)s records.", count=len(records)), close=True
        )

    def _assign_invoices(self, moves):
        wrong = moves.filtered(
            lambda move: move.move_type != "out_invoice" or move.company_id != self.company_id
        )
        if wrong:
            raise UserError(
                self.env._(
                    "Only customer invoices of %(company)s can get a dunning plan here: "
                    "%(moves)s.",
                    company=self.company_id.name,
                    moves=", ".join(wrong[:10].mapped("display_name")),
                )
            )
        plan = self.plan_id
        if self.mode == "default":
            plan = self.env["account.dunning.plan"]._get_default_plan(self.company_id)
        elif self.mode == "none":
            plan = plan.browse()
        moves._dunning_write({move: {"dunning_plan_id": plan.id} for move in moves})
        self.env["account.dunning.run"]._refresh_status(moves)
