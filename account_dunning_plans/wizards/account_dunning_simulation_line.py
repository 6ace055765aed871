# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.exceptions import UserError

from ..tools.wording import CHANNELS, REASON_SELECTION


class AccountDunningSimulationLine(models.TransientModel):
    _name = "account.dunning.simulation.line"
    _description = "Dunning simulation line"
    _order = "date, customer, will_send desc, id"

    simulation_id = fields.Many2one(
        "account.dunning.simulation", required=True, ondelete="cascade", index=True
    )
    date = fields.Date()
    customer = fields.Char()
    invoices = fields.Char()
    plan = fields.Char()
    step = fields.Char()
    channel = fields.Selection(CHANNELS)
    will_send = fields.Boolean(string="Will act")
    reason = fields.Selection(REASON_SELECTION)
    recipient = fields.Char()
    # A group of lines spans days (the same invoice, reminded twice) and currencies:
    # their amounts never add up, and a group shows its highest level.
    amount = fields.Monetary(currency_field="currency_id", aggregator=None)
    currency = fields.Char(string="Currency code")
    currency_id = fields.Many2one("res.currency")
    level = fields.Integer(aggregator="max")
    next_date = fields.Date(string="Next date")

    def _simulation(self):
        """The simulation shown: that of the selected lines, else the list's."""
        simulation = self.simulation_id[:1] or self.env["account.dunning.simulation"].browse(
            self.env.context.get("dunning_simulation_id")
        )
        if not simulation.exists():
            raise UserError(self.env._("Run the simulation again: this one has expired."))
        return simulation

    def action_print(self):
        """List header button: the PDF of the simulation shown."""
        return self._simulation().action_print()

    def action_send_by_email(self):
        """List header button: mail the simulation shown to the current user."""
        return self._simulation().action_send_by_email()
