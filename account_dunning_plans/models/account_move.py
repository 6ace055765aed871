# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..engine import reasons as r
from ..tools.access import ACCOUNTING_GROUPS
from ..tools.explanation import as_html
from ..tools.notify import success
from ..tools.wording import REASON_SELECTION
from .account_dunning_pause_mixin import PAUSE_FIELDS

# Writing these fields (by a button, an import or an integration) is logged in the
# invoice's chatter.
FOLLOWUP_FIELDS = PAUSE_FIELDS | {
    "dunning_promise_date",
    "dunning_promise_amount",
    "dunning_disputed",
    "dunning_dispute_reason_id",
    "dunning_dispute_note",
}
# Writing these fields moves the invoice's status: the engine decides it again at once.
STATUS_INPUTS = FOLLOWUP_FIELDS | {"dunning_plan_id", "dunning_blocked", "dunning_level"}


class AccountMove(models.Model):
    """The dunning state of an invoice: its fields, their computes, the hooks that give
    a posted invoice its plan, and the buttons. The work is done by the services:
    ``account.dunning.run`` (the job, a reminder sent by hand),
    ``account.dunning.facts``, ``account.dunning.explanation``."""

    _name = "account.move"
    _inherit = ["account.move", "account.dunning.pause.mixin"]

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
        groups=ACCOUNTING_GROUPS,
    )
    dunning_entry_date = fields.Date(
        string="Entered dunning on",
        copy=False,
        help="Day the invoice was posted; an invoice entered after its due date is "
        "not reminded (post factum).",
    )
    dunning_checked_date = fields.Date(copy=False, help="Last day the nightly job looked at it.")
    dunning_reason = fields.Selection(
        REASON_SELECTION,
        string="Dunning status",
        copy=False,
        readonly=True,
        groups=ACCOUNTING_GROUPS,
    )
    dunning_reason_detail = fields.Char(
        string="Dunning status details",
        copy=False,
        readonly=True,
        help="What the status refers to, e.g. the unmatched payments holding reminders.",
        groups=ACCOUNTING_GROUPS,
    )
    dunning_level_plan_id = fields.Many2one(
        "account.dunning.plan",
        string="Level reached in",
        copy=False,
        readonly=True,
        help="Plan in which the dunning level was reached; under another plan the "
        "invoice starts again (at the step matching its age with contextual logic).",
    )
    dunning_customer_plan_id = fields.Many2one(
        "account.dunning.plan",
        string="Customer-level plan",
        compute="_compute_dunning_customer_plan_id",
        help="Plan of the customer reminding this invoice, as it has no invoice-level plan.",
    )
    dunning_action_ids = fields.Many2many(
        "account.dunning.action",
        "account_dunning_action_move_rel",
        "move_id",
        "action_id",
        string="Dunning history",
        copy=False,
        readonly=True,
        groups=ACCOUNTING_GROUPS,
    )
    dunning_action_count = fields.Integer(compute="_compute_dunning_action_count")
    dunning_days_overdue = fields.Integer(compute="_compute_dunning_days_overdue")
    dunning_reminder_date = fields.Date(compute="_compute_dunning_days_overdue")
    dunning_amount_due = fields.Monetary(
        string="Amount to remind",
        compute="_compute_dunning_days_overdue",
        currency_field="currency_id",
        help="Amount due; for an invoice paid in installments, the overdue installments.",
    )
    dunning_interest_amount = fields.Monetary(
        string="Late interest",
        compute="_compute_dunning_claim",
        currency_field="currency_id",
        help="Statutory late interest accrued to date on what is overdue, at the legal "
        "rates of the company's country valid each day (businesses only).",
    )
    dunning_fee_amount = fields.Monetary(
        string="Recovery costs",
        compute="_compute_dunning_claim",
        currency_field="currency_id",
        help="Recovery costs the law allows to claim for this invoice (France, Belgium, "
        "Germany: 40; the Netherlands: the WIK scale; businesses only).",
    )
    dunning_fee_move_ids = fields.Many2many(
        "account.move",
        "account_move_dunning_fee_rel",
        "move_id",
        "fee_move_id",
        string="Recovery cost invoices",
        copy=False,
        readonly=True,
        help="The invoices of the recovery costs a reminder of this invoice claimed.",
    )
    dunning_interest_line_ids = fields.One2many(
        "account.move.line",
        "dunning_interest_move_id",
        string="Late interest invoiced",
        readonly=True,
    )
    dunning_interest_move_ids = fields.Many2many(
        "account.move",
        string="Late interest invoices",
        compute="_compute_dunning_interest_move_ids",
        help="The invoices of the late interest reminders of this invoice posted.",
    )
    dunning_in_collection = fields.Boolean(
        string="In collection",
        copy=False,
        readonly=True,
        tracking=True,
        help="Handed over to a collection agency or a bailiff: never reminded again. "
        "Payments still reconcile as usual.",
    )
    dunning_collection_date = fields.Date(string="Handed over on", copy=False, readonly=True)
    dunning_portal_date = fields.Datetime(
        string="Last action on the portal",
        copy=False,
        readonly=True,
        groups="account.group_account_invoice",
    )
    dunning_is_fee = fields.Boolean(
        string="Recovery costs invoice",
        copy=False,
        readonly=True,
        help="Posted by a reminder for the recovery costs of other invoices: claims none "
        "itself.",
    )
    dunning_payment_url = fields.Char(compute="_compute_dunning_payment_url")
    dunning_explanation = fields.Html(
        string="Why",
        compute="_compute_dunning_explanation",
        sanitize=False,
        help="The dunning state today: plan, step, next date and the rule that decided it.",
        groups=ACCOUNTING_GROUPS,
    )

    # == Promise and dispute fields ==
    dunning_promise_ids = fields.One2many(
        "account.dunning.promise", "move_id", string="Payment promises", readonly=True
    )
    dunning_promise_date = fields.Date(
        string="Promised payment date",
        compute="_compute_dunning_promise",
        inverse="_inverse_dunning_promise",
        store=True,
        copy=False,
        help="Of the open payment promise (the promise records are the source).",
    )
    dunning_promise_amount = fields.Monetary(
        string="Promised amount",
        compute="_compute_dunning_promise",
        inverse="_inverse_dunning_promise",
        store=True,
        copy=False,
        currency_field="currency_id",
    )
    dunning_promise_broken = fields.Boolean(
        copy=False,
        readonly=True,
        help="A payment promise was broken; the plan's broken-promise step comes next.",
    )
    dunning_payment_plan_ids = fields.Many2many(
        "account.dunning.payment.plan",
        "account_dunning_payment_plan_move_rel",
        "move_id",
        "payment_plan_id",
        string="Payment plans",
        readonly=True,
        copy=False,
    )
    dunning_payment_plan_id = fields.Many2one(
        "account.dunning.payment.plan",
        string="Payment plan",
        compute="_compute_dunning_payment_plan",
        search="_search_dunning_payment_plan",
        help="The running payment plan this invoice is in: it is not reminded meanwhile.",
    )
    dunning_installment_ids = fields.One2many(
        related="dunning_payment_plan_id.installment_ids", string="Installments"
    )
    dunning_disputed = fields.Boolean(string="Disputed", copy=False, groups=ACCOUNTING_GROUPS)
    dunning_dispute_reason_id = fields.Many2one(
        "account.dunning.dispute.reason",
        string="Dispute reason",
        copy=False,
        groups=ACCOUNTING_GROUPS,
    )
    dunning_dispute_note = fields.Char(string="Dispute note", copy=False, groups=ACCOUNTING_GROUPS)
    dunning_no_email = fields.Boolean(
        string="No e-mail",
        compute="_compute_dunning_no_email",
        help="The customer has no usable e-mail address: reminders become to-dos.",
    )

    dunning_status = fields.Char(
        string="Dunning",
        compute="_compute_dunning_status",
        help="The dunning status, and a warning when the customer has no e-mail address "
        "(its reminders then become to-dos).",
    )

    _sql_constraints = [
        ("dunning_level_positive", "CHECK(dunning_level >= 0)", "The dunning level is >= 0."),
    ]

    @api.constrains("dunning_level")
    def _check_dunning_level(self):
        # Before the database's own check: a clear message, never a raw error.
        if any(move.dunning_level < 0 for move in self):
            raise ValidationError(self.env._("The dunning level cannot be negative."))

    # == Compute methods ==
    @api.depends("dunning_interest_line_ids.move_id.state")
    def _compute_dunning_interest_move_ids(self):
        for move in self:
            move.dunning_interest_move_ids = move.dunning_interest_line_ids.move_id.filtered(
                lambda fee: fee.state == "posted"
            )

    @api.depends("dunning_action_ids")
    def _compute_dunning_action_count(self):
        for move in self:
            move.dunning_action_count = len(move.dunning_action_ids)

    @api.depends("invoice_date_due", "amount_residual", "line_ids.amount_residual", "company_id")
    @api.depends_context("dunning_date")
    def _compute_dunning_days_overdue(self):
        # ``dunning_date`` in context: as of that day (a plan's test renders future mails).
        Facts = self.env["account.dunning.facts"]
        forced = fields.Date.to_date(self.env.context.get("dunning_date"))
        todays = {}
        # The receivable lines of the whole batch, in one query.
        terms = Facts._receivable_terms(self.filtered("id"))
        for move in self:
            company = move.company_id
            if company not in todays:
                todays[company] = forced or company._dunning_today()
            today = todays[company]
            due, amount, _company_amount = Facts._amount_due(
                move, today, terms[move.id] if move.id else None
            )
            move.dunning_days_overdue = max((today - due).days, 0) if due else 0
            move.dunning_reminder_date = today
            move.dunning_amount_due = amount

    @api.depends(
        "invoice_date_due",
        "amount_residual",
        "line_ids.amount_residual",
        "company_id",
        "commercial_partner_id.dunning_debtor_type",
    )
    @api.depends_context("dunning_date")
    def _compute_dunning_claim(self):
        # ``dunning_date`` in context: as of that day, like the amounts to remind.
        forced = fields.Date.to_date(self.env.context.get("dunning_date"))
        claims = self.env["account.dunning.facts"]._statutory_claims(self, forced)
        for move in self:
            move.dunning_interest_amount, move.dunning_fee_amount = claims[move.id]

    @api.depends("dunning_plan_id", "commercial_partner_id", "company_id", "move_type")
    @api.depends_context("company")
    def _compute_dunning_customer_plan_id(self):
        Plan = self.env["account.dunning.plan"]
        for move in self:
            plan = Plan
            if move.move_type == "out_invoice" and not move.dunning_plan_id:
                partner = move.commercial_partner_id.with_company(move.company_id)
                plan = Plan._customer_plan(partner) if partner else plan
            move.dunning_customer_plan_id = plan

    @api.depends(
        "state",
        "amount_residual",
        "invoice_date_due",
        "dunning_plan_id",
        "dunning_level",
        "dunning_last_date",
        "dunning_blocked",
        "dunning_disputed",
        "dunning_paused",
        "dunning_pause_until",
        "dunning_promise_date",
        "dunning_action_ids",
    )
    def _compute_dunning_explanation(self):
        # Live: also the customer's other invoices and the company's settings.
        explained, _groups, _grouped = self.env["account.dunning.explanation"]._explain(self)
        for move in self:
            move.dunning_explanation = as_html(explained.get(move.id))

    @api.depends("access_token")
    def _compute_dunning_payment_url(self):
        for move in self:
            # The run gives the invoices it reminds their access token beforehand: this
            # compute, run on a whole batch at once, must not write one for the others.
            path = move.get_portal_url() if move.access_token else move.access_url
            move.dunning_payment_url = move.get_base_url() + path

    @api.depends(
        "dunning_promise_ids.state", "dunning_promise_ids.date", "dunning_promise_ids.amount"
    )
    def _compute_dunning_promise(self):
        for move in self:
            promise = move.dunning_promise_ids.filtered(lambda p: p.state == "open")[:1]
            move.dunning_promise_date = promise.date
            move.dunning_promise_amount = promise.amount

    @api.depends("dunning_payment_plan_ids.state")
    def _compute_dunning_payment_plan(self):
        for move in self:
            move.dunning_payment_plan_id = move.dunning_payment_plan_ids.filtered(
                lambda plan: plan.state == "open"
            )[:1]

    def _search_dunning_payment_plan(self, operator, value):
        running = [("state", "=", "open")]
        if operator in ("=", "!=") and not value:
            domain = [("dunning_payment_plan_ids", "any", running)]
            return domain if operator == "!=" else ["!", *domain]
        return [("dunning_payment_plan_ids", "any", [*running, ("id", operator, value)])]

    def _inverse_dunning_promise(self):
        Promise = self.env["account.dunning.promise"]
        note = self.env.context.get("dunning_promise_note")
        for move in self:
            Promise._record_for(move, move.dunning_promise_date, move.dunning_promise_amount, note)

    @api.depends("partner_id.email", "commercial_partner_id.email", "move_type")
    def _compute_dunning_no_email(self):
        Facts = self.env["account.dunning.facts"]
        for move in self:
            move.dunning_no_email = move.move_type == "out_invoice" and not (
                Facts._recipients(move.commercial_partner_id, move.partner_id)
            )

    @api.depends("dunning_reason", "dunning_no_email")
    def _compute_dunning_status(self):
        reasons = dict(self._fields["dunning_reason"]._description_selection(self.env))
        for move in self:
            status = reasons.get(move.dunning_reason, "")
            if (
                move.dunning_no_email
                and move.move_type == "out_invoice"
                and move.dunning_reason != r.NO_EMAIL
            ):
                warning = self.env._("no e-mail")
                status = f"{status} · {warning}" if status else warning
            move.dunning_status = status

    # == Constraints ==
    @api.constrains("dunning_plan_id")
    def _check_dunning_plan_scope(self):
        for move in self:
            if move.dunning_plan_id.scope == "customer":
                raise ValidationError(
                    self.env._(
                        "%(plan)s is a customer-level plan: set it on the customer; an "
                        "invoice takes an invoice-level plan.",
                        plan=move.dunning_plan_id.display_name,
                    )
                )

    # == ORM and workflow overrides ==
    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        invoices = posted.filtered(lambda move: move.move_type == "out_invoice")
        if invoices:
            self.env["account.dunning.plan"]._assign_invoice_plans(invoices)
            invoices._dunning_write(
                {
                    move: {"dunning_entry_date": move.company_id._dunning_today()}
                    for move in invoices
                    if not move.dunning_entry_date
                }
            )
            self.env["account.dunning.run"]._refresh_status(invoices)
        return posted

    def write(self, vals):
        if self.env.context.get("dunning_internal") or not STATUS_INPUTS & set(vals):
            return super().write(vals)
        if not FOLLOWUP_FIELDS & set(vals):
            result = super().write(vals)
        else:
            vals = self._dunning_pause_vals(vals)
            if vals.get("dunning_disputed") is False:
                vals = dict(vals, dunning_dispute_reason_id=False, dunning_dispute_note=False)
            before = {move: (move.dunning_paused, move.dunning_disputed) for move in self}
            result = super().write({**vals, "dunning_checked_date": False})
            self._dunning_log_followup(vals, before)
        self.env["account.dunning.run"]._refresh_status(self)
        return result

    # == Actions ==
    def action_dunning_send_now(self):
        """Execute the invoice's next step now, to the customer, whatever its date.

        Goes through the engine (:func:`..engine.manual.manual_send`): never the same
        step twice the same day; while anything would normally hold it (dispute,
        promise, pause, block, safety check, spacing), a dialog lists the holds and
        goes on only once the user confirms each. An e-mail step opens the mail
        composer with the step's mail, to read and edit before it leaves. Counts as a
        reminder of the invoice: the company's interval then applies before the next
        one.
        """
        self.ensure_one()
        _plan, answer = self.env["account.dunning.run"]._manual_check(self)
        if answer.holds:
            return self.env["account.dunning.send"]._open_for(self, answer.holds)
        return self._dunning_send_by_hand()

    def _dunning_send_by_hand(self, confirmed=()):
        """Send the next step by hand despite ``confirmed`` holds: an e-mail step in
        the mail composer (recorded when the person sends it, see
        ``mail.compose.message``), any other step at once."""
        self.ensure_one()
        run = self.env["account.dunning.run"]
        _plan, _answer, step = run._manual_send(self, confirmed)
        template = step._dunning_template(self)
        if step.channel != "email" or not template:
            run._send_now(self, confirmed)
            return self.action_dunning_history()
        return self.env["account.dunning.delivery"]._composer_action(
            self,
            template,
            self if step.attach_invoice_pdf else self.browse(),
            self.env._("Send reminder now: %(step)s", step=step.name),
            {"dunning_send_move_id": self.id, "dunning_send_confirmed": list(confirmed)},
        )

    def action_dunning_send_test(self):
        """Send the next step's mail to the current user only; nothing is recorded."""
        self.ensure_one()
        step = self.env["account.dunning.run"]._send_test(self)
        return success(
            self.env._(
                "Test of step '%(step)s' of %(plan)s queued for %(email)s.",
                step=step.name,
                plan=step.plan_id.name,
                email=self.env.user.email,
            )
        )

    def action_dunning_export_collection(self):
        """The handover file (Excel) of these invoices handed over for collection."""
        return self.env["account.dunning.handover"]._export(self)

    def action_dunning_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_dunning_plans.account_dunning_action_action"
        )
        action["domain"] = [("move_ids", "in", self.ids)]
        action["context"] = {}
        return action

    def action_dunning_pause(self):
        """Open the pause dialog for these invoices."""
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
        return self.env["account.dunning.promise.register"]._open_for(self)

    def action_dunning_payment_plan(self):
        """This invoice's running payment plan, or a new one for it (a draft)."""
        self.ensure_one()
        if self.move_type != "out_invoice" or self.state != "posted":
            raise UserError(self.env._("Only posted customer invoices can get a payment plan."))
        return self.env["account.dunning.payment.plan"]._open_for(
            self.commercial_partner_id, self.company_id, self
        )

    def action_dunning_dispute(self):
        return self.env["account.dunning.dispute.register"]._open_for(self)

    def action_dunning_close_dispute(self):
        self.filtered("dunning_disputed").write({"dunning_disputed": False})

    def action_dunning_statement(self):
        """The follow-up statement of this invoice's customer."""
        self.ensure_one()
        return self.commercial_partner_id.with_company(self.company_id).action_dunning_statement()

    def action_dunning_apply_rules(self):
        """Re-apply the plans' assignment rules to these posted customer invoices."""
        moves = self.filtered(
            lambda move: move.move_type == "out_invoice" and move.state == "posted"
        )
        if not moves:
            raise UserError(self.env._("Select posted customer invoices."))
        self.env["account.dunning.plan"]._assign_invoice_plans(moves, force=True)
        self.env["account.dunning.run"]._refresh_status(moves)

    # == Template API (stable: noupdate mail templates call it) ==
    @api.private
    def message_update(self, msg_dict, update_vals=None):
        """A customer's answer to a reminder (``account.dunning.reply``)."""
        self.env["account.dunning.reply"]._received(self, msg_dict)
        return super().message_update(msg_dict, update_vals=update_vals)

    def dunning_mail_value(self, key):
        """One value of this invoice's reminder mail, for mail templates; see
        ``account.dunning.delivery._mail_value`` for the keys."""
        self.ensure_one()
        return self.env["account.dunning.delivery"]._mail_value(self, key)

    # == Business helpers ==
    def _dunning_posted_fees(self):
        """The recovery cost invoices posted for these invoices' costs and not reversed:
        once there is one, their costs are neither posted nor claimed again."""
        return self.dunning_fee_move_ids.filtered(
            lambda fee: fee.state == "posted" and fee.payment_state != "reversed"
        )

    def _dunning_invoiced_interest(self, except_fees=None):
        """The late interest of this invoice already posted as invoices by its
        reminders, not reversed (in its currency), ``except_fees`` apart."""
        self.ensure_one()
        return sum(
            line.price_subtotal
            for line in self.dunning_interest_line_ids
            if line.move_id.state == "posted"
            and line.move_id.payment_state != "reversed"
            and line.move_id not in (except_fees or self.browse())
        )

    def _dunning_interest_to_claim(self, except_fees=None):
        """The late interest accrued on this invoice (as of ``dunning_date`` in context)
        not yet posted as an invoice by its reminders (``except_fees`` apart): what a
        reminder claims, or posts. Never negative, rounded to the currency."""
        self.ensure_one()
        left = self.dunning_interest_amount - self._dunning_invoiced_interest(except_fees)
        return self.currency_id.round(max(left, 0.0))

    def _dunning_write(self, move_vals):
        """Write per-invoice dunning state (``{move: vals}``), one ``write`` per
        distinct set of values.

        Dunning fields never touch accounting data: the balance check, the invoice
        line synchronisation, the "manually modified" flag and tracking are skipped,
        which keeps the query count independent of the number of invoices.
        """
        groups = defaultdict(list)
        for move, vals in move_vals.items():
            groups[tuple(sorted(vals.items()))].append(move.id)
        moves = self.with_context(
            dunning_internal=True,
            mail_notrack=True,
            check_move_validity=False,
            skip_invoice_sync=True,
            skip_is_manually_modified=True,
        )
        for items, ids in groups.items():
            moves.browse(ids).write(dict(items))

    def _dunning_log_followup(self, vals, before):
        """Post who paused, disputed or promised what, and why, in the chatter (the
        author and date say who and when)."""
        for move in self:
            was_paused, was_disputed = before[move]
            lines = []
            if PAUSE_FIELDS & set(vals):
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
                move.message_post(body=line, subtype_xmlid="mail.mt_note")
