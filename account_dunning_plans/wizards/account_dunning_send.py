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

    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        readonly=True,
        help="A customer's statement sent by hand: every invoice it reminds.",
    )
    company_id = fields.Many2one("res.company", readonly=True)
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

    @api.model
    def _open_for_statement(self, partner, sends):
        """The dialog for ``partner``'s statement sent by hand (``sends``: the
        ``account.dunning.run._manual_statement`` it would execute)."""
        confirmation = self.create(
            {
                "partner_id": partner.id,
                "company_id": self.env.company.id,
                "step": ", ".join(
                    dict.fromkeys(
                        due.plan.step_ids[due.decision.step_index].name for due in sends.dues
                    )
                ),
                "hold_ids": [Command.create({"reason": hold}) for hold in sends.holds],
            }
        )
        return dialog(self.env._("Send statement"), self._name, res_id=confirmation.id)

    def action_send(self):
        """Go on with the reminder if every hold was confirmed: the mail composer for
        an e-mail step, else the step at once and the invoice's history."""
        self.ensure_one()
        if not self.hold_ids or not all(self.hold_ids.mapped("confirmed")):
            raise UserError(
                self.env._("Tick each reason to confirm the reminder goes out despite it.")
            )
        confirmed = tuple(self.hold_ids.mapped("reason"))
        if self.partner_id:
            return self.partner_id.with_company(self.company_id)._dunning_send_statement_by_hand(
                confirmed
            )
        return self.move_id._dunning_send_by_hand(confirmed)
