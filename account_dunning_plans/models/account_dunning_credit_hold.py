# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models

from ..engine.rules import credit_hold_lifts


class AccountDunningCreditHold(models.AbstractModel):
    """A plan's step can put the customer on **credit hold** (``credit_hold``): once
    its reminder is sent (or its to-do done), the customer is held; the hold lifts by
    itself as soon as the customer has no overdue invoice left in the company. What a
    hold stops lives elsewhere: with Sales, ``account_dunning_plans_sale`` refuses to
    confirm a held customer's quotations."""

    _name = "account.dunning.credit.hold"
    _description = "Dunning credit hold"

    @api.model
    def _apply(self, actions):
        """Hold the customers of ``actions`` (done actions of credit-hold steps)."""
        holding = actions.step_id.filtered("credit_hold")
        if not holding:
            return
        actions = actions.filtered(
            lambda action: action.state == "done" and action.step_id in holding
        )
        for partner, group in actions.grouped("partner_id").items():
            if partner.dunning_credit_hold:
                continue
            partner.sudo().write(
                {"dunning_credit_hold": True, "dunning_credit_hold_date": group[0].date}
            )
            partner.sudo().message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Credit hold: %(step)s of %(invoices)s.",
                    step=group[0].step_id.name,
                    invoices=", ".join(group.move_ids.mapped("name")),
                ),
                subtype_xmlid="mail.mt_note",
            )

    @api.model
    def _release(self, partners):
        """Lift the hold of ``partners`` (commercial entities) that have no overdue
        invoice left in any company."""
        held = partners.commercial_partner_id.filtered("dunning_credit_hold")
        if not held:
            return
        today = fields.Date.context_today(self)
        oldest = dict(
            self.env["account.move"]
            .sudo()
            ._read_group(
                [
                    ("commercial_partner_id", "in", held.ids),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                ],
                groupby=["commercial_partner_id"],
                aggregates=["invoice_date_due:min"],
            )
        )
        lifted = held.filtered(lambda p: credit_hold_lifts(oldest.get(p) or None, today))
        for partner in lifted:
            partner.sudo().write({"dunning_credit_hold": False, "dunning_credit_hold_date": False})
            partner.sudo().message_post(
                body=Markup("<p>%s</p>")
                % self.env._("Credit hold lifted: no overdue invoice is left."),
                subtype_xmlid="mail.mt_note",
            )
