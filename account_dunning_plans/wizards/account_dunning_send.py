# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..tools.notify import dialog


class AccountDunningSend(models.TransientModel):
    """Confirm a reminder sent by hand while something would normally hold it.

    "Send reminder now" opens it with the holds the engine lists
    (:func:`..engine.manual.manual_send`); the reminder goes out only once the user
    ticked each of them, and its action notes them.
    """

    _name = "account.dunning.send"
    _description = "Send a reminder despite its holds"

    move_id = fields.Many2one("account.move", string="Invoice", required=True, readonly=True)
    step = fields.Char(readonly=True)
    hold_ids = fields.One2many("account.dunning.send.hold", "send_id", string="Holds")

    @api.model
    def _open_for(self, move, holds):
        """The dialog for ``move``, whose next step ``holds`` (reason codes) hold."""
        plan, answer = self.env["account.dunning.run"]._manual_check(move)
        confirmation = self.create(
            {
                "move_id": move.id,
                "step": plan.step_ids[answer.step_index].name,
                "hold_ids": [Command.create({"reason": hold}) for hold in holds],
            }
        )
        return dialog(self.env._("Send reminder now"), self._name, res_id=confirmation.id)

    def action_send(self):
        """Go on with the reminder if every hold was confirmed: the mail composer for
        an e-mail step, else the step at once and the invoice's history."""
        self.ensure_one()
        if not self.hold_ids or not all(self.hold_ids.mapped("confirmed")):
            raise UserError(
                self.env._("Tick each reason to confirm the reminder goes out despite it.")
            )
        return self.move_id._dunning_send_by_hand(tuple(self.hold_ids.mapped("reason")))
