# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import BROKEN, KEPT, PARTIAL, promise_outcome


class AccountDunningPromise(models.Model):
    """A customer's promise to pay an amount of an invoice by a date.

    While open, the invoice's dunning waits. The nightly job closes it: kept when the
    amount due dropped by the promised amount, else, once the date and the company's
    grace period passed, partly kept or broken; then dunning resumes.
    """

    _name = "account.dunning.promise"
    _description = "Payment Promise"
    _order = "date desc, id desc"
    _check_company_auto = True

    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted')]",
    )
    company_id = fields.Many2one(related="move_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(
        related="move_id.commercial_partner_id", string="Customer", store=True, index=True
    )
    currency_id = fields.Many2one(related="move_id.currency_id", store=True)
    date = fields.Date(string="Promised date", required=True)
    amount = fields.Monetary(string="Promised amount", required=True)
    note = fields.Char()
    user_id = fields.Many2one(
        "res.users", string="Recorded by", default=lambda self: self.env.user, readonly=True
    )
    state = fields.Selection(
        [
            ("open", "Open"),
            ("kept", "Kept"),
            ("partial", "Partly kept"),
            ("broken", "Broken"),
            ("cancel", "Cancelled"),
        ],
        default="open",
        required=True,
        readonly=True,
        index=True,
    )
    residual_at_promise = fields.Monetary(
        string="Due when promised",
        readonly=True,
        help="Amount due on the invoice when the promise was recorded.",
    )
    amount_paid = fields.Monetary(
        string="Paid since", readonly=True, help="How much the amount due dropped since."
    )
    closed_date = fields.Date(readonly=True)

    _sql_constraints = [
        ("amount_positive", "CHECK(amount > 0)", "The promised amount must be positive."),
    ]

    @api.constrains("amount", "move_id")
    def _check_amount(self):
        for promise in self.filtered(lambda p: p.state == "open"):
            if (
                promise.move_id.currency_id.compare_amounts(
                    promise.amount, promise.move_id.amount_residual
                )
                > 0
            ):
                raise ValidationError(
                    self.env._(
                        "The promised amount exceeds the amount due on %(invoice)s.",
                        invoice=promise.move_id.display_name,
                    )
                )

    @api.depends("move_id", "date", "amount")
    def _compute_display_name(self):
        for promise in self:
            promise.display_name = " - ".join(
                filter(None, [promise.move_id.name, str(promise.date or "")])
            )

    @api.model_create_multi
    def create(self, vals_list):
        promises = super().create(vals_list)
        for promise in promises:
            if not promise.residual_at_promise:
                promise.residual_at_promise = promise.move_id.amount_residual
        # One open promise per invoice: a new one replaces the previous one.
        older = self.search(
            [
                ("move_id", "in", promises.move_id.ids),
                ("state", "=", "open"),
                ("id", "not in", promises.ids),
            ]
        )
        older.write({"state": "cancel", "closed_date": fields.Date.context_today(self)})
        return promises

    def action_cancel(self):
        """Cancel open promises: dunning resumes on the next run."""
        promises = self.filtered(lambda promise: promise.state == "open")
        promises.write({"state": "cancel", "closed_date": fields.Date.context_today(self)})
        promises.move_id._dunning_write(
            dict.fromkeys(
                promises.move_id,
                {"dunning_promise_date": False, "dunning_promise_amount": 0.0},
            )
        )

    def _dunning_evaluate(self, today):
        """Close the open promises that are kept, partly kept or broken on ``today``.

        Broken and partly kept promises flag their invoice for the plan's
        broken-promise step and give its responsible an activity.
        """
        closed = self.browse()
        for promise in self.filtered(lambda promise: promise.state == "open"):
            move = promise.move_id
            paid = max(promise.residual_at_promise - move.amount_residual, 0.0)
            grace = move.company_id.dunning_promise_grace_days
            outcome = promise_outcome(promise.amount, paid, promise.date, grace, today)
            if not outcome:
                continue
            state = {KEPT: "kept", PARTIAL: "partial", BROKEN: "broken"}[outcome]
            promise.write({"state": state, "amount_paid": paid, "closed_date": today})
            closed |= promise
        if not closed:
            return closed
        broken = closed.filtered(lambda promise: promise.state in ("partial", "broken"))
        move_vals = {
            move: {"dunning_promise_date": False, "dunning_promise_amount": 0.0}
            for move in closed.move_id
        }
        for promise in broken:
            move_vals[promise.move_id]["dunning_promise_broken"] = True
            move_vals[promise.move_id]["dunning_checked_date"] = False
        closed.move_id._dunning_write(move_vals)
        for promise in broken:
            promise.move_id._dunning_broken_promise_activity(promise)
        return closed
