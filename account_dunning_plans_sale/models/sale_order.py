# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    """A customer on dunning credit hold gets no confirmed order, unless a sales manager
    confirms it with a reason (``sale.order.credit.hold``)."""

    _inherit = "sale.order"

    dunning_credit_hold = fields.Boolean(
        related="partner_id.commercial_partner_id.dunning_credit_hold",
        string="Customer on credit hold",
    )

    def action_confirm(self):
        if not self.env.context.get("dunning_credit_hold_confirmed"):
            held = self.filtered("dunning_credit_hold")
            if held:
                raise UserError(
                    self.env._(
                        "%(customer)s is on credit hold since %(date)s: overdue invoices "
                        "are being reminded. The order can be confirmed once they are paid, "
                        "or by a sales manager with a reason (Confirm despite the hold).",
                        customer=held[0].partner_id.commercial_partner_id.display_name,
                        date=held[0].partner_id.commercial_partner_id.dunning_credit_hold_date,
                    )
                )
        return super().action_confirm()

    def action_dunning_confirm_despite_hold(self):
        """The dialog where a sales manager confirms despite the credit hold."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Confirm despite the credit hold"),
            "res_model": "sale.order.credit.hold",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_ids": self.ids},
        }
