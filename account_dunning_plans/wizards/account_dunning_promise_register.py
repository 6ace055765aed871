# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.notify import dialog


class AccountDunningPromiseRegister(models.TransientModel):
    """Record a customer's promise to pay: dunning waits until the promised date."""

    _name = "account.dunning.promise.register"
    _description = "Promise to pay"

    move_id = fields.Many2one("account.move", string="Invoice", required=True, readonly=True)
    currency_id = fields.Many2one(related="move_id.currency_id")
    amount_residual = fields.Monetary(related="move_id.amount_residual", string="Amount due")
    date = fields.Date(string="Promised date", required=True)
    amount = fields.Monetary(string="Promised amount", required=True)
    note = fields.Char()

    @api.model
    def _open_for(self, move):
        return dialog(self.env._("Promise to pay"), self._name, {"default_move_id": move.id})

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        move = self.env["account.move"].browse(values.get("move_id"))
        if move and "amount" in fields_list:
            values["amount"] = move.amount_residual
        return values

    def action_apply(self):
        self.ensure_one()
        if self.date < self.move_id.company_id._dunning_today():
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
