# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        """An activity of a manual dunning step marked done marks its action done (the
        invoices reach the step's level)."""
        actions = self.env["account.dunning.action"]
        if not self.env.context.get("dunning_from_action"):
            actions = (
                self.env["account.dunning.action"]
                .sudo()
                .search([("activity_id", "in", self.ids), ("state", "=", "todo")])
            )
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        if actions:
            # The assignee (often a salesperson) need not be an accounting user.
            actions.sudo().with_context(dunning_from_activity=True).action_done()
        return result
