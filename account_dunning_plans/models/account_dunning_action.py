# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..engine import level_reached
from ..tools.wording import CHANNELS, REASON_SELECTION


class AccountDunningAction(models.Model):
    """One communication (sent, failed) or one to-do for a person."""

    _name = "account.dunning.action"
    _description = "Dunning Action"
    _order = "date desc, id desc"
    _check_company_auto = True

    # == Fields ==
    company_id = fields.Many2one("res.company", required=True, index=True)
    plan_id = fields.Many2one("account.dunning.plan", index=True, ondelete="restrict")
    step_id = fields.Many2one("account.dunning.plan.step", index=True, ondelete="set null")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="restrict"
    )
    move_ids = fields.Many2many(
        "account.move",
        "account_dunning_action_move_rel",
        "action_id",
        "move_id",
        string="Invoices",
    )
    level = fields.Integer(help="Level reached by the invoices once this action is done.")
    channel = fields.Selection(
        CHANNELS,
        required=True,
    )
    state = fields.Selection(
        [("todo", "To do"), ("done", "Done"), ("cancel", "Cancelled"), ("failed", "Failed")],
        required=True,
        default="todo",
        index=True,
    )
    origin = fields.Selection(
        [("auto", "Nightly job"), ("manual", "By hand")], required=True, default="auto"
    )
    date = fields.Date(
        required=True, default=lambda self: self.env.company._dunning_today(), index=True
    )
    user_id = fields.Many2one("res.users", string="Done by")
    mail_id = fields.Many2one("mail.mail", string="Mail", ondelete="set null")
    mail_message_id = fields.Many2one("mail.message", string="Message", ondelete="set null")
    mail_retries = fields.Integer(
        copy=False, help="Times its mail went back to the queue after a temporary failure."
    )
    mail_failed_at = fields.Datetime(
        copy=False, readonly=True, help="When its mail first failed to reach the mail server."
    )
    mail_retry_at = fields.Datetime(
        copy=False, readonly=True, help="When its mail goes back to the queue."
    )
    fee_move_id = fields.Many2one(
        "account.move",
        string="Recovery costs invoice",
        readonly=True,
        copy=False,
        help="The invoice of the recovery costs this reminder claimed.",
    )
    previous_levels = fields.Json(
        copy=False,
        help="Per invoice, its level, the plan it counts in and its last reminder before "
        "this mail: restored if the mail fails for good.",
    )
    activity_id = fields.Many2one(
        "mail.activity",
        string="Activity",
        ondelete="set null",
        help="The activity of a manual step: marking it done marks this action done.",
    )
    reason = fields.Selection(REASON_SELECTION)
    note = fields.Text(help="Details of a failure or of what was done.")
    amount_residual = fields.Monetary(string="Amount due", currency_field="currency_id")
    currency_id = fields.Many2one("res.currency")
    once_key = fields.Char(
        compute="_compute_once_key",
        store=True,
        copy=False,
        help="Set on done actions: who (the invoice, or the customer for customer-level "
        "plans), plan, step and day. The database allows it once: no code path can "
        "execute the same step twice the same day.",
    )

    _sql_constraints = [
        (
            "once_a_day",
            "UNIQUE(once_key)",
            "This step was already executed for this invoice or customer on that day.",
        ),
    ]

    # == Compute methods ==
    @api.depends("state", "date", "plan_id", "step_id", "partner_id", "move_ids")
    def _compute_once_key(self):
        for action in self:
            if action.state != "done" or not action.step_id:
                action.once_key = False
                continue
            if action.plan_id.scope == "customer" or len(action.move_ids) != 1:
                who = f"partner:{action.partner_id.id}"
            else:
                who = f"move:{action.move_ids.id}"
            action.once_key = f"{who}:{action.plan_id.id}:{action.step_id.id}:{action.date}"

    @api.depends("partner_id", "step_id", "date")
    def _compute_display_name(self):
        for action in self:
            action.display_name = " - ".join(
                filter(None, [action.partner_id.name, action.step_id.name, str(action.date)])
            )

    # == Actions ==
    def action_done(self):
        """Mark to-dos done: their invoices reach the action's level today, and their
        activities are marked done too."""
        todos = self._check_todo()
        today = (self.company_id[:1] or self.env.company)._dunning_today()
        activities = todos.activity_id
        todos.write({"state": "done", "user_id": self.env.uid, "date": today})
        for action in todos:
            action._reach_level(today)
        self.env["account.dunning.fee"]._post_fees(todos)
        self.env["account.dunning.handover"]._hand_over(todos)
        self.env["account.dunning.credit.hold"]._apply(todos)
        self.env["account.dunning.run"]._refresh_status(todos.move_ids)
        if activities and not self.env.context.get("dunning_from_activity"):
            activities.sudo().with_context(dunning_from_action=True).action_feedback(
                feedback=self.env._("Done from the dunning To do list.")
            )

    def action_cancel(self):
        """Cancel to-dos: the step is passed over, nobody was contacted."""
        todos = self._check_todo()
        activities = todos.activity_id
        todos.write({"state": "cancel", "user_id": self.env.uid})
        for action in todos:
            action._reach_level(False)
        self.env["account.dunning.run"]._refresh_status(todos.move_ids)
        activities.sudo().unlink()

    @api.model
    def _cron_retry_mails(self):
        """Mails the server did not take are retried, with growing delays, for a day
        and more; those that fail for good are recorded so (see
        ``account.dunning.delivery._retry_mails``)."""
        self.env["account.dunning.delivery"]._retry_mails()

    def action_print_letter(self):
        """Print the postal letters of these actions (one PDF), attach each to the
        chatter and mark the to-dos done."""
        return self.env["account.dunning.letter"]._print(self)

    def _reach_level(self, date):
        """This to-do was handled on ``date`` (False: cancelled, nobody contacted): its
        invoices reach its level in its plan (:func:`..engine.decide.level_reached`)."""
        self.ensure_one()
        move_vals = {}
        for move in self.move_ids:
            same_plan = move.dunning_level_plan_id in (
                self.plan_id,
                move.dunning_level_plan_id.browse(),
            )
            level = level_reached(move.dunning_level, same_plan, self.level)
            if same_plan and level == move.dunning_level:
                continue
            vals = {"dunning_level": level, "dunning_checked_date": False}
            if self.plan_id:
                vals["dunning_level_plan_id"] = self.plan_id.id
            if date:
                vals["dunning_last_date"] = date
            move_vals[move] = vals
        self.move_ids._dunning_write(move_vals)

    def _check_todo(self):
        if any(action.state != "todo" for action in self):
            raise UserError(self.env._("Only actions still to do can be done or cancelled."))
        return self
