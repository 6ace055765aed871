# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from ..tools.wording import CHANNELS


class AccountDunningPlanTestLine(models.TransientModel):
    _name = "account.dunning.plan.test.line"
    _description = "Step of a dunning plan test"
    _order = "date, id"

    test_id = fields.Many2one("account.dunning.plan.test", required=True, ondelete="cascade")
    date = fields.Date()
    step_id = fields.Many2one("account.dunning.plan.step", string="Step")
    channel = fields.Selection(CHANNELS)
    level = fields.Integer()
    outcome = fields.Selection([("send", "Sent automatically"), ("todo", "To-do for a person")])
    invoices = fields.Char()
    recipient = fields.Char()
    subject = fields.Char()
    body_html = fields.Html(string="Mail", sanitize=False)
