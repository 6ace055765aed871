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
    overdue_warning = fields.Char(string="Warning", compute="_compute_overdue_warning")

    @api.depends("res_model", "res_ids")
    def _compute_scope(self):
        for wizard in self:
            wizard.scope = "customer" if wizard.res_model == "res.partner" else "invoice"
            wizard.record_count = len(wizard._records())

    @api.depends("mode", "res_model", "res_ids", "company_id")
    def _compute_overdue_warning(self):
        """With "No plan": the overdue invoices nobody would remind any more."""
        Move = self.env["account.move"]
        for wizard in self:
            wizard.overdue_warning = False
            if wizard.mode != "none" or not wizard.res_model:
                continue
            records = wizard._records()
            domain = [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("invoice_date_due", "<", wizard.company_id._dunning_today()),
                ("company_id", "=", wizard.company_id.id),
            ]
            customers = wizard.res_model == "res.partner"
            if customers:
                # Those the customer-level plan reminds (no plan of their own).
                domain += [
                    ("commercial_partner_id", "in", records.ids),
                    ("dunning_plan_id", "=", False),
                ]
            else:
                domain.append(("id", "in", records.ids))
            count = Move.search_count(domain)
            if count and customers:
                wizard.overdue_warning = self.env._(
                    "%(count)s overdue invoices of these customers will no longer be "
                    "reminded by a customer-level plan.",
                    count=count,
                )
            elif count:
                wizard.overdue_warning = self.env._(
                    "%(count)s of these invoices are overdue: without an invoice-level "
                    "plan, only their customer's plan, if any, reminds them.",
                    count=count,
                )

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
