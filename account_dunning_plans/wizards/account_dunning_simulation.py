# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..models.dunning_reasons import REASON_SELECTION


class AccountDunningSimulation(models.TransientModel):
    """What the nightly job will do on a day, or each of the next days, and why not."""

    _name = "account.dunning.simulation"
    _description = "Dunning simulation"

    date = fields.Date(required=True, default=fields.Date.context_today)
    days = fields.Integer(string="Number of days", required=True, default=1)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    line_ids = fields.One2many("account.dunning.simulation.line", "simulation_id")

    @api.constrains("days")
    def _check_days(self):
        if any(not 1 <= simulation.days <= 366 for simulation in self):
            raise ValidationError(self.env._("Simulate between 1 and 366 days."))

    def action_simulate(self):
        """Compute the simulation (no side effect) and show its lines."""
        self.ensure_one()
        rows = (
            self.env["account.move"]
            .with_company(self.company_id)
            ._dunning_simulate(self.date, self.days, self.company_id)
        )
        self.line_ids.unlink()
        self.env["account.dunning.simulation.line"].create(
            [
                {
                    "simulation_id": self.id,
                    "date": row["date"],
                    "customer": row["customer"],
                    "invoices": ", ".join(row["invoices"]),
                    "plan": row["plan"],
                    "step": row["step"],
                    "channel": row["channel"] or False,
                    "will_send": row["acts"],
                    "reason": row["reason"],
                    "recipient": row["recipient"],
                    "amount": row["amount"] or 0.0,
                    "currency": row["currency"],
                    "next_date": row["next_date"] or False,
                }
                for row in rows
            ]
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_dunning_plans.account_dunning_simulation_line_action"
        )
        action["domain"] = [("simulation_id", "=", self.id)]
        return action


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
    channel = fields.Selection(
        [("email", "E-mail"), ("letter", "Postal letter"), ("manual", "Manual task")]
    )
    will_send = fields.Boolean(string="Will act")
    reason = fields.Selection(REASON_SELECTION)
    recipient = fields.Char()
    amount = fields.Float(digits="Account")
    currency = fields.Char()
    next_date = fields.Date(string="Next date")
