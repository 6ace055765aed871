# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The accountant's daily tools on invoices: pause, payment promise, dispute."""

from odoo import api, fields, models
from odoo.exceptions import UserError

# Writing these fields (by a button, an import or an integration) is logged in the
# invoice's chatter, and writing a promise date and amount records a promise.
FOLLOWUP_FIELDS = {
    "dunning_paused",
    "dunning_pause_until",
    "dunning_pause_reason",
    "dunning_promise_date",
    "dunning_promise_amount",
    "dunning_disputed",
    "dunning_dispute_reason_id",
    "dunning_dispute_note",
}


class AccountMove(models.Model):
    _inherit = "account.move"

    dunning_paused = fields.Boolean(string="Dunning paused", copy=False)
    dunning_pause_until = fields.Date(
        string="Paused until",
        copy=False,
        help="The pause ends by itself on this day; empty: until resumed by hand.",
    )
    dunning_pause_reason = fields.Char(string="Pause reason", copy=False)
    dunning_promise_date = fields.Date(string="Promised payment date", copy=False)
    dunning_promise_amount = fields.Monetary(
        string="Promised amount", copy=False, currency_field="currency_id"
    )
    dunning_promise_broken = fields.Boolean(
        copy=False,
        readonly=True,
        help="A payment promise was broken; the plan's broken-promise step comes next.",
    )
    dunning_promise_ids = fields.One2many(
        "account.dunning.promise", "move_id", string="Payment promises", readonly=True
    )
    dunning_disputed = fields.Boolean(string="Disputed", copy=False)
    dunning_dispute_reason_id = fields.Many2one(
        "account.dunning.dispute.reason", string="Dispute reason", copy=False
    )
    dunning_dispute_note = fields.Char(string="Dispute note", copy=False)
    dunning_no_email = fields.Boolean(
        string="No e-mail",
        compute="_compute_dunning_no_email",
        help="The customer has no usable e-mail address: reminders become to-dos.",
    )

    @api.depends("partner_id.email", "commercial_partner_id.email")
    def _compute_dunning_no_email(self):
        for move in self:
            move.dunning_no_email = move.move_type == "out_invoice" and not (
                move.partner_id.email_normalized or move.commercial_partner_id.email_normalized
            )

    # == ORM overrides ==
    def write(self, vals):
        if self.env.context.get("dunning_internal") or not FOLLOWUP_FIELDS & set(vals):
            return super().write(vals)
        if vals.get("dunning_paused") is False or vals.get("dunning_disputed") is False:
            vals = dict(vals)
            if vals.get("dunning_paused") is False:
                vals.update(dunning_pause_until=False, dunning_pause_reason=False)
            if vals.get("dunning_disputed") is False:
                vals.update(dunning_dispute_reason_id=False, dunning_dispute_note=False)
        before = {move: (move.dunning_paused, move.dunning_disputed) for move in self}
        result = super().write({**vals, "dunning_checked_date": False})
        if {"dunning_promise_date", "dunning_promise_amount"} & set(vals):
            self._dunning_sync_promises()
        self._dunning_log_followup(vals, before)
        return result

    def _dunning_sync_promises(self):
        """Record the promise written on the invoices; clearing it cancels the open one."""
        Promise = self.env["account.dunning.promise"]
        note = self.env.context.get("dunning_promise_note")
        for move in self:
            current = move.dunning_promise_ids.filtered(lambda promise: promise.state == "open")
            if move.dunning_promise_date and move.dunning_promise_amount:
                if current and (current.date, current.amount) == (
                    move.dunning_promise_date,
                    move.dunning_promise_amount,
                ):
                    continue
                if move.state != "posted" or move.payment_state in ("paid", "reversed"):
                    raise UserError(
                        self.env._(
                            "A payment promise needs an open posted invoice: %(invoice)s.",
                            invoice=move.display_name,
                        )
                    )
                Promise.create(
                    {
                        "move_id": move.id,
                        "date": move.dunning_promise_date,
                        "amount": move.dunning_promise_amount,
                        "note": note,
                    }
                )
            elif not move.dunning_promise_date and not move.dunning_promise_amount:
                current.action_cancel()

    def _dunning_log_followup(self, vals, before):
        """Post who did what and why in the chatter (the author and date say who, when)."""
        for move in self:
            was_paused, was_disputed = before[move]
            lines = []
            if {"dunning_paused", "dunning_pause_until", "dunning_pause_reason"} & set(vals):
                lines.append(move._dunning_pause_message(was_paused))
            if "dunning_disputed" in vals and move.dunning_disputed != was_disputed:
                if move.dunning_disputed:
                    lines.append(
                        self.env._(
                            "Disputed: %(reason)s %(note)s",
                            reason=move.dunning_dispute_reason_id.name or "",
                            note=move.dunning_dispute_note or "",
                        ).strip()
                    )
                else:
                    lines.append(self.env._("Dispute closed: dunning resumes."))
            if {"dunning_promise_date", "dunning_promise_amount"} & set(vals):
                if move.dunning_promise_date and move.dunning_promise_amount:
                    lines.append(
                        self.env._(
                            "Payment promise: %(amount)s by %(date)s. %(note)s",
                            amount=move.currency_id.format(move.dunning_promise_amount),
                            date=move.dunning_promise_date,
                            note=self.env.context.get("dunning_promise_note") or "",
                        ).strip()
                    )
            for line in filter(None, lines):
                move.message_post(body=line)

    def _dunning_pause_message(self, was_paused):
        return self._dunning_pause_message_for(self, was_paused)

    @api.model
    def _dunning_pause_message_for(self, record, was_paused):
        """Chatter text for the pause state of ``record`` (an invoice or a customer)."""
        if not record.dunning_paused:
            if not was_paused:
                return None
            if self.env.context.get("dunning_pause_ended"):
                return self.env._("Dunning resumed: the pause reached its end date.")
            return self.env._("Dunning resumed.")
        message = (
            self.env._("Dunning paused until %(date)s.", date=record.dunning_pause_until)
            if record.dunning_pause_until
            else self.env._("Dunning paused until resumed by hand.")
        )
        if record.dunning_pause_reason:
            message += " " + self.env._("Reason: %(reason)s", reason=record.dunning_pause_reason)
        return message

    # == Actions ==
    def action_dunning_pause(self):
        """Open the pause wizard for these invoices."""
        return self.env["account.dunning.pause"]._open_for(self)

    def action_dunning_resume(self):
        paused = self.filtered("dunning_paused")
        if not paused:
            raise UserError(self.env._("None of these invoices is paused."))
        paused.write({"dunning_paused": False})

    def action_dunning_promise(self):
        self.ensure_one()
        if self.move_type != "out_invoice" or self.state != "posted":
            raise UserError(self.env._("Only posted customer invoices can get a promise."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Promise to pay"),
            "res_model": "account.dunning.promise.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_id": self.id},
        }

    def action_dunning_dispute(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dispute"),
            "res_model": "account.dunning.dispute.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": "account.move", "active_ids": self.ids},
        }

    def action_dunning_close_dispute(self):
        self.filtered("dunning_disputed").write({"dunning_disputed": False})

    def action_dunning_apply_rules(self):
        """Re-apply the plans' assignment rules to these posted customer invoices."""
        moves = self.filtered(
            lambda move: move.move_type == "out_invoice" and move.state == "posted"
        )
        if not moves:
            raise UserError(self.env._("Select posted customer invoices."))
        moves._dunning_assign_plans(force=True)

    # == Business helpers ==
    def _dunning_assign_plans(self, force=False):
        """Give these invoices the first invoice-level plan whose conditions they meet
        (by sequence), else the company's default plan. Without ``force`` only invoices
        without a plan are assigned; invoices of customers with a specific
        customer-level plan stay at customer level unless a rule matches them."""
        Plan = self.env["account.dunning.plan"]
        move_vals = {}
        for company, moves in self.grouped("company_id").items():
            rules = Plan._get_rules(company, "invoice")
            default = Plan._get_default_plan(company)
            for move in moves:
                if move.dunning_plan_id and not force:
                    continue
                plan = next((rule for rule in rules if rule._matches(move)), None)
                if plan is None:
                    customer = move.commercial_partner_id.with_company(company)
                    at_customer_level = customer.dunning_plan_mode == "custom" and bool(
                        customer.dunning_plan_id
                    )
                    plan = Plan if at_customer_level else default
                if plan != move.dunning_plan_id:
                    move_vals[move] = {"dunning_plan_id": plan.id}
        self._dunning_write(move_vals)

    def _dunning_broken_promise_activity(self, promise):
        """Tell the invoice's responsible that a promise was broken."""
        self.ensure_one()
        user = self.invoice_user_id or self.create_uid
        self.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Payment promise broken"),
            note=self.env._(
                "%(customer)s promised %(amount)s by %(date)s and paid %(paid)s. "
                "Dunning resumes.",
                customer=self.commercial_partner_id.display_name,
                amount=self.currency_id.format(promise.amount),
                date=promise.date,
                paid=self.currency_id.format(promise.amount_paid),
            ),
            user_id=user.id,
        )

    @api.model
    def _dunning_resume_expired(self, today):
        """End the pauses of invoices and customers whose end date has come."""
        moves = self.search([("dunning_paused", "=", True), ("dunning_pause_until", "<=", today)])
        moves.with_context(dunning_pause_ended=True).write({"dunning_paused": False})
        partners = self.env["res.partner"].search(
            [("dunning_paused", "=", True), ("dunning_pause_until", "<=", today)]
        )
        partners.with_context(dunning_pause_ended=True).write({"dunning_paused": False})
