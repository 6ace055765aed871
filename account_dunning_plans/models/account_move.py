# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import uuid
from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..engine import Decision, Invoice, decide, next_step_index
from ..engine import reasons as r
from .dunning_reasons import REASON_SELECTION


class AccountMove(models.Model):
    _inherit = "account.move"

    # == Dunning fields ==
    dunning_plan_id = fields.Many2one(
        "account.dunning.plan",
        string="Dunning plan",
        copy=False,
        index="btree_not_null",
        tracking=True,
        check_company=True,
        domain="[('scope', '=', 'invoice')]",
    )
    dunning_level = fields.Integer(
        copy=False, tracking=True, help="Number of steps of the plan already done."
    )
    dunning_last_date = fields.Date(string="Last reminder", copy=False)
    dunning_next_date = fields.Date(string="Next reminder", copy=False, index="btree_not_null")
    dunning_blocked = fields.Boolean(
        string="Do not remind automatically",
        copy=False,
        tracking=True,
    )
    dunning_entry_date = fields.Date(
        string="Entered dunning on",
        copy=False,
        help="Day the invoice was posted; an invoice entered after its due date is "
        "not reminded (post factum).",
    )
    dunning_checked_date = fields.Date(copy=False, help="Last day the nightly job looked at it.")
    dunning_reason = fields.Selection(
        REASON_SELECTION, string="Dunning status", copy=False, readonly=True
    )
    dunning_action_ids = fields.Many2many(
        "account.dunning.action",
        "account_dunning_action_move_rel",
        "move_id",
        "action_id",
        string="Dunning history",
        copy=False,
        readonly=True,
    )
    dunning_action_count = fields.Integer(compute="_compute_dunning_action_count")
    dunning_days_overdue = fields.Integer(compute="_compute_dunning_days_overdue")
    dunning_reminder_date = fields.Date(compute="_compute_dunning_days_overdue")
    dunning_payment_url = fields.Char(compute="_compute_dunning_payment_url")

    _sql_constraints = [
        ("dunning_level_positive", "CHECK(dunning_level >= 0)", "The dunning level is >= 0."),
    ]

    # == Compute methods ==
    def _compute_dunning_action_count(self):
        for move in self:
            move.dunning_action_count = len(move.dunning_action_ids)

    def _compute_dunning_days_overdue(self):
        today = fields.Date.context_today(self)
        for move in self:
            due = move.invoice_date_due
            move.dunning_days_overdue = max((today - due).days, 0) if due else 0
            move.dunning_reminder_date = today

    def _compute_dunning_payment_url(self):
        for move in self:
            move.dunning_payment_url = move.get_base_url() + move.get_portal_url()

    # == ORM and workflow overrides ==
    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted.filtered(lambda move: move.move_type == "out_invoice")._dunning_enter()
        return posted

    # == Actions ==
    def action_dunning_send_now(self):
        """Execute the invoice's next step now, to the customer, whatever its date.

        Counts as a reminder sent by hand: the company's reminder interval then
        applies before the next automatic one.
        """
        self.ensure_one()
        today = fields.Date.context_today(self)
        plan, index = self._dunning_next_step(today)
        step = plan.step_ids[index]
        if step.channel == "email" and not self.partner_id.email:
            raise UserError(
                self.env._("%(customer)s has no e-mail address.", customer=self.partner_id.name)
            )
        outcome = r.SEND if step.channel == "email" else r.TODO
        decision = Decision(outcome, r.STEP_DUE, index, index + 1)
        self._dunning_execute([(self, plan, decision)], today, origin="manual")
        return self.action_dunning_history()

    def action_dunning_send_test(self):
        """Send the next step's mail to the current user only; nothing is recorded."""
        self.ensure_one()
        plan, index = self._dunning_next_step(fields.Date.context_today(self))
        step = plan.step_ids[index]
        template = step.mail_template_id
        if not template:
            raise UserError(self.env._("The next step of this invoice sends no e-mail."))
        if not self.env.user.email:
            raise UserError(self.env._("Set an e-mail address on your user to receive tests."))
        values = template._generate_template(
            [self.id], ("subject", "body_html", "email_from", "reply_to")
        )[self.id]
        self.env["mail.mail"].sudo().create(
            {
                "subject": self.env._("[Test] %(subject)s", subject=values.get("subject") or ""),
                "body_html": values.get("body_html"),
                "email_from": values.get("email_from") or self.env.user.email_formatted,
                "email_to": self.env.user.email_formatted,
                "auto_delete": True,
            }
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Test of step '%(step)s' of %(plan)s queued for %(email)s.",
                    step=step.name,
                    plan=plan.name,
                    email=self.env.user.email,
                ),
            },
        }

    def action_dunning_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_dunning_plans.account_dunning_action_action"
        )
        action["domain"] = [("move_ids", "in", self.ids)]
        action["context"] = {}
        return action

    # == Business helpers ==
    def _dunning_enter(self):
        """Give newly posted customer invoices their default plan and entry date."""
        today = fields.Date.context_today(self)
        Plan = self.env["account.dunning.plan"]
        move_vals = {}
        for company, moves in self.grouped("company_id").items():
            plan = Plan._get_default_plan(company)
            for move in moves:
                vals = {}
                if plan and not move.dunning_plan_id:
                    vals["dunning_plan_id"] = plan.id
                if not move.dunning_entry_date:
                    vals["dunning_entry_date"] = today
                if vals:
                    move_vals[move] = vals
        self._dunning_write(move_vals)

    def _dunning_next_step(self, today):
        """``(plan, step index)`` a reminder sent by hand would execute; a clear error if none."""
        if self.move_type != "out_invoice" or self.state != "posted":
            raise UserError(self.env._("Only posted customer invoices can be reminded."))
        if self.payment_state in ("paid", "in_payment", "reversed"):
            raise UserError(self.env._("This invoice is paid or in payment."))
        plan = self.dunning_plan_id
        if not plan.step_ids:
            raise UserError(self.env._("This invoice has no dunning plan with steps."))
        index = next_step_index(plan._to_engine(), self._dunning_facts(today), today)
        if index >= len(plan.step_ids):
            raise UserError(self.env._("Every step of the plan was already executed."))
        return plan, index

    def _dunning_policy(self):
        return self.company_id._dunning_policy()

    def _dunning_action_stats(self):
        """Per invoice id: last reminder sent by hand, and whether a to-do is open."""
        stats = defaultdict(lambda: {"last_manual_date": None, "open_todo": False})
        if not self.ids:
            return stats
        groups = (
            self.env["account.dunning.action"]
            .sudo()
            ._read_group(
                [("move_ids", "in", self.ids), ("state", "in", ("todo", "done"))],
                groupby=["move_ids", "state", "origin"],
                aggregates=["date:max"],
            )
        )
        for move, state, origin, last in groups:
            if state == "todo":
                stats[move.id]["open_todo"] = True
            elif origin == "manual":
                stats[move.id]["last_manual_date"] = last
        return stats

    def _dunning_facts(self, today, stats=None):
        """The engine's view of this receivable."""
        self.ensure_one()
        stats = stats if stats is not None else self._dunning_action_stats()
        move_stats = stats[self.id]
        if self.move_type == "out_invoice":
            kind = "invoice"
        elif self.move_type == "entry":
            kind = "entry"
        else:
            kind = "other"
        return Invoice(
            due_date=self.invoice_date_due or self.invoice_date or self.date,
            invoice_date=self.invoice_date or self.date,
            amount_total=self.amount_total,
            amount_residual=self.amount_residual,
            amount_residual_company=abs(self.amount_residual_signed),
            kind=kind,
            posted=self.state == "posted",
            payment_state=self.payment_state,
            level=self.dunning_level,
            last_date=self.dunning_last_date or None,
            last_manual_date=move_stats["last_manual_date"],
            entry_date=self.dunning_entry_date or None,
            blocked=self.dunning_blocked,
            customer_blocked=self.commercial_partner_id.dunning_blocked,
            has_email=bool(self.partner_id.email),
            open_todo=move_stats["open_todo"],
            key=self.id,
        )

    def _dunning_decide(self, today):
        """``[(move, plan, decision)]`` for every invoice of ``self`` on ``today``."""
        stats = self._dunning_action_stats()
        plans = {}
        policies = {}
        result = []
        for move in self:
            plan = move.dunning_plan_id
            if plan not in plans:
                plans[plan] = plan._to_engine() if plan else None
            if move.company_id not in policies:
                policies[move.company_id] = move.company_id._dunning_policy()
            facts = move._dunning_facts(today, stats)
            result.append(
                (move, plan, decide(plans[plan], facts, policies[move.company_id], today))
            )
        return result

    @api.model
    def _dunning_get_domain(self, today):
        """Invoices the nightly job still has to look at on ``today``."""
        return [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("dunning_plan_id", "!=", False),
            "|",
            ("payment_state", "in", ("not_paid", "partial")),
            ("dunning_next_date", "!=", False),
            "|",
            ("dunning_checked_date", "=", False),
            ("dunning_checked_date", "<", today),
        ]

    @api.model
    def _dunning_run(self, date=None, batch_size=500):
        """Run the dunning job for ``date`` (default today) on every company.

        Works by batches of ``batch_size`` invoices and reports progress to the cron
        runner; inside a cron run it returns after one batch (the runner commits and
        calls again), otherwise it processes everything. Returns the decisions as
        ``[(move, plan, decision)]``.
        """
        today = date or fields.Date.context_today(self)
        domain = self._dunning_get_domain(today)
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        results = []
        while True:
            moves = self.search(domain, limit=batch_size, order="id")
            if not moves:
                break
            decisions = moves._dunning_decide(today)
            moves._dunning_execute(decisions, today)
            results += decisions
            remaining = self.search_count(domain)
            self.env["ir.cron"]._notify_progress(done=len(moves), remaining=remaining)
            if in_cron:
                break
        return results

    def _dunning_execute(self, decisions, today, origin="auto"):
        """Act on engine decisions: queue mails, create actions, update invoices."""
        to_send = defaultdict(list)
        action_vals = []
        move_vals = {}
        for move, plan, decision in decisions:
            vals = {
                "dunning_checked_date": today,
                "dunning_reason": decision.reason,
                "dunning_next_date": decision.next_date or False,
            }
            if decision.outcome == r.SEND:
                step = plan.step_ids[decision.step_index]
                to_send[step.mail_template_id].append((move, plan, step, decision))
                continue
            if decision.outcome == r.TODO:
                step = plan.step_ids[decision.step_index]
                action_vals.append(move._dunning_action_vals(plan, step, decision, today, origin))
                vals["dunning_next_date"] = False
            move_vals[move] = vals
        for template, items in to_send.items():
            self._dunning_send(template, items, today, origin, action_vals, move_vals)
        if action_vals:
            self.env["account.dunning.action"].sudo().create(action_vals)
        self._dunning_write(move_vals)

    def _dunning_send(self, template, items, today, origin, action_vals, move_vals):
        """Queue one template's mails in a batch; a failure marks them failed."""
        moves = self.browse([move.id for move, _plan, _step, _decision in items])
        # Date-dependent merge fields must be computed for the day of the run.
        moves.invalidate_recordset(["dunning_days_overdue", "dunning_reminder_date"])
        # The payment link needs an access token: create the missing ones in one go.
        missing = moves.filtered(lambda move: not move.access_token)
        self._dunning_write({move: {"access_token": str(uuid.uuid4())} for move in missing})
        try:
            with self.env.cr.savepoint():
                mails = template.send_mail_batch(moves.ids)
        except Exception as error:  # noqa: BLE001 - any rendering error is reported
            for move, plan, step, decision in items:
                vals = move._dunning_action_vals(plan, step, decision, today, origin)
                vals.update(state="failed", reason="send_failed", note=str(error))
                action_vals.append(vals)
                move_vals[move] = {"dunning_checked_date": today, "dunning_reason": "send_failed"}
            return
        for (move, plan, step, decision), mail in zip(items, mails, strict=True):
            vals = move._dunning_action_vals(plan, step, decision, today, origin)
            vals.update(
                state="done",
                mail_id=mail.id,
                mail_message_id=mail.mail_message_id.id,
                user_id=self.env.uid if origin == "manual" else False,
            )
            action_vals.append(vals)
            move_vals[move] = {
                "dunning_checked_date": today,
                "dunning_reason": decision.reason,
                "dunning_level": decision.level,
                "dunning_last_date": today,
                "dunning_next_date": decision.next_date or False,
            }

    def _dunning_action_vals(self, plan, step, decision, today, origin):
        self.ensure_one()
        return {
            "company_id": self.company_id.id,
            "plan_id": plan.id,
            "step_id": step.id,
            "partner_id": self.commercial_partner_id.id,
            "move_ids": [Command.set(self.ids)],
            "level": decision.level,
            "channel": step.channel,
            "state": "todo",
            "origin": origin,
            "date": today,
            "reason": decision.reason,
            "amount_residual": self.amount_residual,
            "currency_id": self.currency_id.id,
        }

    def _dunning_write(self, move_vals):
        """Write per-invoice dunning state, one ``write`` per distinct set of values.

        Dunning fields never touch accounting data: the balance check, the invoice
        line synchronisation, the "manually modified" flag and tracking are skipped,
        which keeps the query count independent of the number of invoices.
        """
        groups = defaultdict(list)
        for move, vals in move_vals.items():
            groups[tuple(sorted(vals.items()))].append(move.id)
        moves = self.with_context(
            mail_notrack=True,
            check_move_validity=False,
            skip_invoice_sync=True,
            skip_is_manually_modified=True,
        )
        for items, ids in groups.items():
            moves.browse(ids).write(dict(items))

    def _dunning_apply_level(self, level, date):
        """A to-do of level ``level`` was handled on ``date`` (False: cancelled)."""
        vals = {"dunning_level": level, "dunning_checked_date": False}
        if date:
            vals["dunning_last_date"] = date
        moves = self.filtered(lambda move: move.dunning_level < level)
        self._dunning_write(dict.fromkeys(moves, vals))
