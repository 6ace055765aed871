# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from markupsafe import Markup

from odoo import api, models
from odoo.tools import html2plaintext


class AccountDunningReply(models.AbstractModel):
    """A customer answering a reminder: what they wrote is read by a person before any
    other reminder goes. By the company's choice (``dunning_reply_action``), dunning of
    what the reminder covered pauses for some days ("Customer replied") and the
    responsible gets an activity with the reply, or only the activity, or nothing.
    Automatic replies (out of office, RFC 3834) never count; bounces are Odoo's."""

    _name = "account.dunning.reply"
    _description = "Dunning: a customer's reply"

    @api.model
    def _received(self, thread, msg_dict):
        """``msg_dict`` (a parsed mail, :meth:`mail.thread.message_parse`) arrived on
        ``thread`` (an invoice or a customer) through the mail gateway."""
        if self.env.context.get("dunning_auto_reply") or not msg_dict.get("parent_id"):
            return
        actions = (
            self.env["account.dunning.action"]
            .sudo()
            .search([("mail_message_id", "=", msg_dict["parent_id"]), ("state", "=", "done")])
        )
        if not actions:
            return  # not an answer to a reminder
        company = actions.company_id[:1]
        mode = company.dunning_reply_action
        if mode == "none":
            return
        customer = actions.partner_id[:1]
        moves = actions.move_ids
        reply = html2plaintext(msg_dict.get("body") or "")[:1000]
        if mode == "pause" and company.dunning_reply_pause_days > 0:
            until = company._dunning_today() + timedelta(days=company.dunning_reply_pause_days)
            vals = {
                "dunning_paused": True,
                "dunning_pause_until": until,
                "dunning_pause_reason": self.env._("Customer replied"),
            }
            if actions.plan_id.filtered(lambda plan: plan.scope == "customer"):
                customer.sudo().write(vals)
            moves.filtered(lambda move: not move.dunning_paused).sudo().write(vals)
        step = actions.step_id[:1]
        user = self.env["account.dunning.delivery"]._responsible(step, moves, customer)
        thread.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("%(customer)s replied to a reminder", customer=customer.name),
            note=Markup("<p>%s</p>") % reply,
            user_id=user.id,
        )
