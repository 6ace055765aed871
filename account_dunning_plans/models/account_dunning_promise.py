# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..engine import BROKEN, KEPT, PARTIAL, promise_end, promise_outcome

# Where a customer's promise or payment plan was recorded.
ORIGINS = [("backoffice", "Back office"), ("portal", "Customer portal")]


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
    origin = fields.Selection(
        ORIGINS,
        default="backoffice",
        required=True,
        readonly=True,
    )
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

    @api.constrains("amount", "move_id")
    def _check_amount(self):
        """The same checks as the promise dialog, for imports and integrations."""
        for promise in self:
            if promise.move_id.currency_id.compare_amounts(promise.amount, 0.0) <= 0:
                raise ValidationError(self.env._("The promised amount must be positive."))
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
            if promise.date < promise.move_id.company_id._dunning_today():
                raise ValidationError(self.env._("The promised date cannot be in the past."))
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
        for company, company_older in older.grouped("company_id").items():
            company_older.write({"state": "cancel", "closed_date": company._dunning_today()})
        return promises

    def action_cancel(self):
        """Cancel open promises: dunning resumes on the next run."""
        promises = self.filtered(lambda promise: promise.state == "open")
        for company, company_promises in promises.grouped("company_id").items():
            company_promises.write({"state": "cancel", "closed_date": company._dunning_today()})
        promises.move_id._dunning_write(
            dict.fromkeys(promises.move_id, {"dunning_checked_date": False})
        )
        self.env["account.dunning.run"]._refresh_status(promises.move_id)

    # == Business methods ==
    @api.model
    def _record_for(self, moves, date, amount, note=False):
        """Record the promise of ``amount`` by ``date`` on each of ``moves`` (the
        invoice fields' inverse: a wizard, an import, an integration): it replaces an
        open one that differs; no date and no amount cancel the open one."""
        for move in moves:
            current = move.dunning_promise_ids.filtered(lambda promise: promise.state == "open")
            if date and amount:
                if current and (current[:1].date, current[:1].amount) == (date, amount):
                    continue
                if move.state != "posted" or move.payment_state in ("paid", "reversed"):
                    raise UserError(
                        self.env._(
                            "A payment promise needs an open posted invoice: %(invoice)s.",
                            invoice=move.display_name,
                        )
                    )
                self.create({"move_id": move.id, "date": date, "amount": amount, "note": note})
            elif not date and not amount:
                current.action_cancel()

    def _evaluate(self, today):
        """Close the open promises that are kept, partly kept or broken on ``today``
        (:func:`..engine.promise.promise_outcome`).

        Broken and partly kept promises flag their invoice for the plan's
        broken-promise step and give its responsible an activity.
        """
        closed = self.browse()
        for promise in self.filtered(lambda promise: promise.state == "open"):
            move = promise.move_id
            paid = max(promise.residual_at_promise - move.amount_residual, 0.0)
            until = promise_end(promise.date, move.company_id.dunning_promise_grace_days)
            outcome = promise_outcome(promise.amount, paid, until, today)
            if not outcome:
                continue
            state = {KEPT: "kept", PARTIAL: "partial", BROKEN: "broken"}[outcome]
            promise.write({"state": state, "amount_paid": paid, "closed_date": today})
            closed |= promise
        broken = closed.filtered(lambda promise: promise.state in ("partial", "broken"))
        broken.move_id._dunning_write(
            dict.fromkeys(
                broken.move_id, {"dunning_promise_broken": True, "dunning_checked_date": False}
            )
        )
        for promise in broken:
            promise._schedule_broken_activity()
        return closed

    def _schedule_broken_activity(self):
        """Tell the invoice's responsible that this promise was broken."""
        self.ensure_one()
        move = self.move_id
        user = move.invoice_user_id or move.create_uid
        move.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Payment promise broken"),
            note=self.env._(
                "%(customer)s promised %(amount)s by %(date)s and paid %(paid)s. "
                "Dunning resumes.",
                customer=move.commercial_partner_id.display_name,
                amount=move.currency_id.format(self.amount),
                date=self.date,
                paid=move.currency_id.format(self.amount_paid),
            ),
            user_id=user.id,
        )
