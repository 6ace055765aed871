# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.access import ACCOUNTING_GROUPS

PAUSE_FIELDS = {"dunning_paused", "dunning_pause_until", "dunning_pause_reason"}


class AccountDunningPauseMixin(models.AbstractModel):
    """A dunning pause, shared by invoices and customers: until a date (excluded) or
    until resumed by hand, with a reason. Resuming clears the date and reason, and
    every change is posted in the record's chatter."""

    _name = "account.dunning.pause.mixin"
    _description = "Dunning pause"

    # == Fields ==
    dunning_paused = fields.Boolean(string="Dunning paused", copy=False)
    dunning_pause_until = fields.Date(
        string="Paused until",
        copy=False,
        help="The pause ends by itself on this day; empty: until resumed by hand.",
    )
    dunning_pause_reason = fields.Char(string="Pause reason", copy=False, groups=ACCOUNTING_GROUPS)

    # == Constraints ==
    @api.constrains("dunning_paused", "dunning_pause_until")
    def _check_dunning_pause_until(self):
        """The same check as the pause dialog, for imports and integrations."""
        for record in self.filtered(lambda rec: rec.dunning_paused and rec.dunning_pause_until):
            company = record.company_id if "company_id" in record._fields else None
            today = (company or self.env.company)._dunning_today()
            if record.dunning_pause_until <= today:
                raise ValidationError(self.env._("The end of the pause must be after today."))

    # == Business methods ==
    @api.model
    def _dunning_pause_vals(self, vals):
        """``vals`` completed for a write: resuming clears the end date and reason."""
        if vals.get("dunning_paused") is False:
            return dict(vals, dunning_pause_until=False, dunning_pause_reason=False)
        return vals

    def _dunning_pause_message(self, was_paused):
        """Chatter text for this record's pause, paused before or not; None if nothing
        changed worth saying."""
        self.ensure_one()
        if not self.dunning_paused:
            if not was_paused:
                return None
            if self.env.context.get("dunning_pause_ended"):
                return self.env._("Dunning resumed: the pause reached its end date.")
            return self.env._("Dunning resumed.")
        message = (
            self.env._("Dunning paused until %(date)s.", date=self.dunning_pause_until)
            if self.dunning_pause_until
            else self.env._("Dunning paused until resumed by hand.")
        )
        if self.dunning_pause_reason:
            message += " " + self.env._("Reason: %(reason)s", reason=self.dunning_pause_reason)
        return message

    @api.model
    def _dunning_resume_expired(self, today):
        """End the pauses whose end date has come on ``today``."""
        self.search(
            [("dunning_paused", "=", True), ("dunning_pause_until", "<=", today)]
        ).with_context(dunning_pause_ended=True).write({"dunning_paused": False})
