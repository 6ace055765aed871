# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class AccountDunningPause(models.TransientModel):
    """Pause the dunning of invoices or customers, until a date or until resumed."""

    _name = "account.dunning.pause"
    _description = "Pause dunning"

    res_model = fields.Selection(
        [("account.move", "Invoices"), ("res.partner", "Customers")], required=True
    )
    res_ids = fields.Json()
    record_count = fields.Integer(compute="_compute_record_count")
    until = fields.Date(help="Empty: until resumed by hand.")
    reason = fields.Char()
    include_invoices = fields.Boolean(
        string="Also pause their invoice-level plans",
        help="A customer's pause stops its customer-level plan only; tick this to pause "
        "its invoices that have their own plan too.",
    )

    @api.depends("res_ids")
    def _compute_record_count(self):
        for wizard in self:
            wizard.record_count = len(wizard.res_ids or [])

    @api.model
    def _open_for(self, records):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Pause dunning"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {"default_res_model": records._name, "default_res_ids": records.ids},
        }

    def action_apply(self):
        self.ensure_one()
        if self.until and self.until <= fields.Date.context_today(self):
            raise UserError(self.env._("The end of the pause must be after today."))
        records = self.env[self.res_model].browse(self.res_ids or []).exists()
        if not records:
            raise UserError(self.env._("Select at least one record."))
        vals = {
            "dunning_paused": True,
            "dunning_pause_until": self.until,
            "dunning_pause_reason": self.reason,
        }
        if self.res_model == "account.move":
            wrong = records.filtered(lambda move: move.move_type != "out_invoice")
            if wrong:
                raise UserError(
                    self.env._(
                        "Only customer invoices can be paused: %(moves)s.",
                        moves=", ".join(wrong[:10].mapped("display_name")),
                    )
                )
        if self.res_model == "res.partner":
            records._dunning_write_as_accountant(vals)
        else:
            records.write(vals)
        if self.res_model == "res.partner" and self.include_invoices:
            self.env["account.move"].search(
                [
                    ("commercial_partner_id", "in", records.commercial_partner_id.ids),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                    ("dunning_plan_id", "!=", False),
                ]
            ).write(vals)
        return {"type": "ir.actions.act_window_close"}


class AccountDunningPromiseWizard(models.TransientModel):
    """Record a customer's promise to pay: dunning waits until the promised date."""

    _name = "account.dunning.promise.wizard"
    _description = "Promise to pay"

    move_id = fields.Many2one("account.move", string="Invoice", required=True, readonly=True)
    currency_id = fields.Many2one(related="move_id.currency_id")
    amount_residual = fields.Monetary(related="move_id.amount_residual", string="Amount due")
    date = fields.Date(string="Promised date", required=True)
    amount = fields.Monetary(string="Promised amount", required=True)
    note = fields.Char()

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        move = self.env["account.move"].browse(values.get("move_id"))
        if move and "amount" in fields_list:
            values["amount"] = move.amount_residual
        return values

    def action_apply(self):
        self.ensure_one()
        if self.date < fields.Date.context_today(self):
            raise UserError(self.env._("The promised date cannot be in the past."))
        if self.currency_id.compare_amounts(self.amount, 0.0) <= 0:
            raise UserError(self.env._("The promised amount must be positive."))
        if self.currency_id.compare_amounts(self.amount, self.move_id.amount_residual) > 0:
            raise UserError(
                self.env._(
                    "The promised amount cannot exceed the amount due (%(due)s).",
                    due=self.currency_id.format(self.move_id.amount_residual),
                )
            )
        self.move_id.with_context(dunning_promise_note=self.note).write(
            {"dunning_promise_date": self.date, "dunning_promise_amount": self.amount}
        )
        return {"type": "ir.actions.act_window_close"}


class AccountDunningDisputeWizard(models.TransientModel):
    """Mark invoices as disputed: they are not reminded until the dispute is closed."""

    _name = "account.dunning.dispute.wizard"
    _description = "Dispute invoices"

    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        default=lambda self: self.env.context.get("active_ids")
        if self.env.context.get("active_model") == "account.move"
        else [],
    )
    reason_id = fields.Many2one("account.dunning.dispute.reason", required=True)
    note = fields.Char()

    def action_apply(self):
        self.ensure_one()
        moves = self.move_ids.filtered(lambda move: move.move_type == "out_invoice")
        if not moves:
            raise UserError(self.env._("Select customer invoices."))
        moves.write(
            {
                "dunning_disputed": True,
                "dunning_dispute_reason_id": self.reason_id.id,
                "dunning_dispute_note": self.note,
            }
        )
        return {"type": "ir.actions.act_window_close"}
