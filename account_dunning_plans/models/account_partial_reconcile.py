# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class AccountPartialReconcile(models.Model):
    """A payment matched with an invoice, or unmatched from it, moves the invoice's
    dunning status: the engine decides it again at once (paid, partly paid, due)."""

    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._dunning_refresh_status()
        return partials

    def unlink(self):
        moves = self._dunning_invoices()
        result = super().unlink()
        self.env["account.dunning.run"]._refresh_status(moves.exists())
        return result

    def _dunning_invoices(self):
        moves = (self.debit_move_id | self.credit_move_id).move_id
        return moves.filtered(lambda move: move.move_type in ("out_invoice", "entry"))

    def _dunning_refresh_status(self):
        self.env["account.dunning.run"]._refresh_status(self._dunning_invoices())
