# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.notify import dialog


class AccountDunningDisputeRegister(models.TransientModel):
    """Mark invoices as disputed: they are not reminded until the dispute is closed."""

    _name = "account.dunning.dispute.register"
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

    @api.model
    def _open_for(self, moves):
        return dialog(
            self.env._("Dispute"),
            self._name,
            {"active_model": "account.move", "active_ids": moves.ids},
        )

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
