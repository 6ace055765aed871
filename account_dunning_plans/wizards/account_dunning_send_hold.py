# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from ..tools.wording import REASON_SELECTION


class AccountDunningSendHold(models.TransientModel):
    """One reason that would normally hold a reminder sent by hand, to confirm."""

    _name = "account.dunning.send.hold"
    _description = "Hold of a reminder sent by hand"

    send_id = fields.Many2one(
        "account.dunning.send", string="Reminder", required=True, ondelete="cascade"
    )
    reason = fields.Selection(REASON_SELECTION, required=True, readonly=True)
    confirmed = fields.Boolean(string="Send anyway")
