# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.exceptions import UserError


class MailComposeMessage(models.TransientModel):
    """A reminder sent by hand is written in the mail composer (context
    ``dunning_send_move_id``, set by ``account.move._dunning_send_by_hand``; a
    customer's statement: ``dunning_send_partner_id``, set by
    ``res.partner._dunning_send_statement_by_hand``): when the person sends it, it is
    checked again, posted, and recorded as the mail of the steps it executes, exactly
    as if their templates had been sent."""

    _inherit = "mail.compose.message"

    def _action_send_mail(self, auto_commit=False):
        if self.env.context.get("dunning_send_partner_id"):
            return self._dunning_send_statement(auto_commit)
        move_id = self.env.context.get("dunning_send_move_id")
        if not move_id:
            return super()._action_send_mail(auto_commit=auto_commit)
        self.ensure_one()
        move = self.env["account.move"].browse(move_id).exists()
        if not move or self.model != move._name or self._evaluate_res_ids() != move.ids:
            raise UserError(self.env._("This reminder is no longer about its invoice."))
        confirmed = tuple(self.env.context.get("dunning_send_confirmed") or ())
        # Anything that changed since the composer opened (a payment, a dispute) counts.
        self.env["account.dunning.run"]._manual_send(move, confirmed)
        if not self.partner_ids.filtered("email"):
            raise UserError(self.env._("Add a recipient with an e-mail address."))
        mails, messages = super(
            MailComposeMessage, self.with_context(dunning_send_move_id=False)
        )._action_send_mail(auto_commit=auto_commit)
        self.env["account.dunning.run"]._send_now(move, confirmed, composed=messages[:1])
        return mails, messages

    def _dunning_send_statement(self, auto_commit):
        """Send a customer's statement written in the composer, checked again first."""
        self.ensure_one()
        context = self.env.context
        partner = self.env["res.partner"].browse(context["dunning_send_partner_id"]).exists()
        company = self.env["res.company"].browse(context.get("dunning_send_company_id")).exists()
        if (
            not partner
            or not company
            or self.model != partner._name
            or (self._evaluate_res_ids() != partner.ids)
        ):
            raise UserError(self.env._("This statement is no longer about its customer."))
        confirmed = tuple(context.get("dunning_send_confirmed") or ())
        run = self.env["account.dunning.run"].with_company(company)
        # Anything that changed since the composer opened (a payment, a dispute) counts.
        run._manual_statement(partner, company, confirmed)
        if not self.partner_ids.filtered("email"):
            raise UserError(self.env._("Add a recipient with an e-mail address."))
        mails, messages = super(
            MailComposeMessage, self.with_context(dunning_send_partner_id=False)
        )._action_send_mail(auto_commit=auto_commit)
        run._send_statement_now(partner, company, confirmed, composed=messages[:1])
        return mails, messages
