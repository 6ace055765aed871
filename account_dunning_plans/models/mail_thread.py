# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from ..engine.delivery import auto_reply


class MailThread(models.AbstractModel):
    """Mail received through the gateway is told, in the context, whether a machine
    sent it (``dunning_auto_reply``, :func:`..engine.delivery.auto_reply`), for the
    threads that pause dunning when a customer replies (``account.dunning.reply``)."""

    _inherit = "mail.thread"

    def _message_route_process(self, message, message_dict, routes):
        automatic = auto_reply(dict(message.items()), message_dict.get("subject") or "")
        return super(
            MailThread, self.with_context(dunning_auto_reply=automatic)
        )._message_route_process(message, message_dict, routes)
