# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import AccessError


class SaleOrderCreditHold(models.TransientModel):
    """A sales manager confirms orders of a customer on credit hold, with a reason
    that is logged on each order."""

    _name = "sale.order.credit.hold"
    _description = "Confirm despite the credit hold"

    order_ids = fields.Many2many("sale.order", string="Orders", required=True)
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(self.env._("Only a sales manager can confirm despite a credit hold."))
        for order in self.order_ids:
            order.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Confirmed despite the customer's credit hold: %(reason)s",
                    reason=self.reason,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return self.order_ids.with_context(dunning_credit_hold_confirmed=True).action_confirm()
