# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.exceptions import UserError


class MailComposeMessage(models.TransientModel):
    """A reminder sent by hand is written in the mail composer (context
    ``dunning_send_move_id``, set by ``account.move._dunning_send_by_hand``): when the
    person sends it, it is checked again, posted, and recorded as the step's mail,
    exactly as if the step's template had been sent."""

    _inherit = "mail.compose.message"

    def _action_send_mail(self, auto_commit=False):
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
