# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.notify import dialog


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
        return dialog(
            self.env._("Pause dunning"),
            self._name,
            {"default_res_model": records._name, "default_res_ids": records.ids},
        )

    def action_apply(self):
        self.ensure_one()
        if self.until and self.until <= self.env.company._dunning_today():
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
