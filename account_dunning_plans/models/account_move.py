# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict, namedtuple
from dataclasses import replace

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..engine import (
    BROKEN,
    PARTIAL,
    Customer,
    Decision,
    Invoice,
    decide_day,
    explain_day,
    forecast,
    next_step_index,
    promise_outcome,
)
from ..engine import reasons as r
from ..engine.installments import amount_to_remind
from ..engine.promise import promise_end
from .dunning_explanation import as_html, explanation_lines
from .dunning_notify import success
from .dunning_reasons import REASON_SELECTION

# One communication or to-do due today: an invoice-level step for one invoice, or a
# customer-level step for the invoices it lists (``own_levels``: move id -> level).
Unit = namedtuple("Unit", "partner plan decision moves own_levels scope")

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
    dunning_reason_detail = fields.Char(
        string="Dunning status details",
        copy=False,
        readonly=True,
        help="What the status refers to, e.g. the unmatched payments holding reminders.",
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
    dunning_payment_url = fields.Char(compute="_compute_dunning_payment_url")
    dunning_explanation = fields.Html(
        string="Why",
        compute="_compute_dunning_explanation",
        sanitize=False,
        help="The dunning state today: plan, step, next date and the rule that decided it.",
    )

    # == Pause, promise and dispute fields ==
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

    _sql_constraints = [
        ("dunning_level_positive", "CHECK(dunning_level >= 0)", "The dunning level is >= 0."),
    ]

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

    # == Compute methods ==
    def _compute_dunning_action_count(self):
        for move in self:
            move.dunning_action_count = len(move.dunning_action_ids)

    @api.depends_context("dunning_date")
    def _compute_dunning_days_overdue(self):
        # ``dunning_date`` in context: as of that day (a plan's test renders future mails).
        today = fields.Date.to_date(self.env.context.get("dunning_date")) or (
            fields.Date.context_today(self)
        )
        for move in self:
            due, amount, _company_amount = move._dunning_amount_due(today)
            move.dunning_days_overdue = max((today - due).days, 0) if due else 0
            move.dunning_reminder_date = today
            move.dunning_amount_due = amount

    @api.depends("dunning_plan_id", "commercial_partner_id", "company_id")
    def _compute_dunning_customer_plan_id(self):
        for move in self:
            plan = self.env["account.dunning.plan"]
            if move.move_type == "out_invoice" and not move.dunning_plan_id:
                partner = move.commercial_partner_id.with_company(move.company_id)
                plan = partner._dunning_customer_plan() if partner else plan
            move.dunning_customer_plan_id = plan

    def _compute_dunning_explanation(self):
        explained, _groups, _grouped = self._dunning_explain(fields.Date.context_today(self))
        for move in self:
            move.dunning_explanation = as_html(explained.get(move.id))

    def _compute_dunning_payment_url(self):
        for move in self:
            # The run gives the invoices it reminds their access token beforehand: this
            # compute, run on a whole batch at once, must not write one for the others.
            path = move.get_portal_url() if move.access_token else move.access_url
            move.dunning_payment_url = move.get_base_url() + path

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
        recipients = self.env["account.dunning.delivery"]._recipients(
            self.commercial_partner_id, self.partner_id
        )
        if step.channel == "email" and not recipients:
            raise UserError(
                self.env._("%(customer)s has no e-mail address.", customer=self.partner_id.name)
            )
        outcome = r.SEND if step.channel == "email" else r.TODO
        decision = Decision(outcome, r.STEP_DUE, index, index + 1)
        unit = Unit(self.commercial_partner_id, plan, decision, self, {}, "invoice")
        self._dunning_execute([(self, plan, decision)], [unit], today, origin="manual")
        return self.action_dunning_history()

    def action_dunning_send_test(self):
        """Send the next step's mail to the current user only; nothing is recorded."""
        self.ensure_one()
        plan, index = self._dunning_next_step(fields.Date.context_today(self))
        step = plan.step_ids[index]
        template = step._dunning_template(self)
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
        return success(
            self.env._(
                "Test of step '%(step)s' of %(plan)s queued for %(email)s.",
                step=step.name,
                plan=plan.name,
                email=self.env.user.email,
            )
        )

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
        """Give newly posted customer invoices their plan and entry date.

        The plan comes from the assignment rules, else the company's default plan; a
        customer with a specific customer-level plan keeps its invoices at customer
        level unless a rule matches them.
        """
        today = fields.Date.context_today(self)
        self._dunning_assign_plans()
        self._dunning_write(
            {move: {"dunning_entry_date": today} for move in self if not move.dunning_entry_date}
        )

    def _dunning_next_step(self, today):
        """``(plan, step index)`` a reminder sent by hand would execute; a clear error if none."""
        if self.move_type != "out_invoice" or self.state != "posted":
            raise UserError(self.env._("Only posted customer invoices can be reminded."))
        if self.payment_state in ("paid", "in_payment", "reversed"):
            raise UserError(self.env._("This invoice is paid or in payment."))
        plan = self.dunning_plan_id
        if not plan and self.dunning_customer_plan_id:
            raise UserError(
                self.env._(
                    "This invoice is reminded with the other invoices of %(customer)s by "
                    "the customer-level plan %(plan)s.",
                    customer=self.commercial_partner_id.display_name,
                    plan=self.dunning_customer_plan_id.display_name,
                )
            )
        if not plan.step_ids:
            raise UserError(self.env._("This invoice has no dunning plan with steps."))
        index = next_step_index(plan._to_engine(), self._dunning_facts(today), today)
        if index >= len(plan.step_ids):
            raise UserError(self.env._("Every step of the plan was already executed."))
        return plan, index

    def _dunning_mail_value(self, key):
        """For the dunning templates: ``partner_to``, ``email_from``, ``reply_to`` or
        ``salutation`` of this record's reminder mail."""
        self.ensure_one()
        return self.env["account.dunning.delivery"]._mail_value(self, key)

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

    def _dunning_customer_stats(self):
        """Per ``(commercial partner id, company id)`` of these invoices: the last
        communication to the customer (any plan, any level) and the names of the
        payments and credits not yet matched on their receivable account (only for
        companies holding reminders on them)."""
        stats = defaultdict(lambda: {"last_date": None, "unmatched": []})
        partners = self.commercial_partner_id
        companies = self.company_id
        if not self:
            return stats
        groups = (
            self.env["account.dunning.action"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", partners.ids),
                    ("company_id", "in", companies.ids),
                    ("state", "=", "done"),
                ],
                groupby=["partner_id", "company_id"],
                aggregates=["date:max"],
            )
        )
        for partner, company, last in groups:
            stats[(partner.id, company.id)]["last_date"] = last
        holding = companies.filtered("dunning_block_unmatched_payments")
        if holding:
            groups = (
                self.env["account.move.line"]
                .sudo()
                ._read_group(
                    [
                        ("partner_id", "child_of", partners.ids),
                        ("company_id", "in", holding.ids),
                        ("account_type", "=", "asset_receivable"),
                        ("parent_state", "=", "posted"),
                        ("reconciled", "=", False),
                        ("amount_residual", "<", 0),
                    ],
                    groupby=["partner_id", "company_id"],
                    aggregates=["move_id:recordset"],
                )
            )
            for partner, company, moves in groups:
                names = stats[(partner.commercial_partner_id.id, company.id)]["unmatched"]
                names += [name for name in moves.mapped("name") if name not in names]
        return stats

    def _dunning_facts(self, today, stats=None, plan=None, customer=None):
        """The engine's view of this receivable under ``plan`` (default: its own plan).

        The level and last date count only in the plan they were reached in: under
        another plan the invoice enters afresh. ``customer`` holds the customer's
        facts (see :meth:`_dunning_customer_stats`).
        """
        self.ensure_one()
        stats = stats if stats is not None else self._dunning_action_stats()
        customer = customer or {"last_date": None, "unmatched": []}
        plan = self.dunning_plan_id if plan is None else plan
        move_stats = stats[self.id]
        if self.move_type == "out_invoice":
            kind = "invoice"
        elif self.move_type == "entry":
            kind = "entry"
        else:
            kind = "other"
        same_plan = not self.dunning_level_plan_id or self.dunning_level_plan_id == plan
        due_date, residual, residual_company = self._dunning_amount_due(today)
        promise_until = None
        promise_broken = self.dunning_promise_broken
        if self.dunning_promise_date:
            grace = self.company_id.dunning_promise_grace_days
            promise_until = promise_end(self.dunning_promise_date, grace)
            if today > promise_until:
                # The job closes such a promise before deciding; a simulation must
                # see the same outcome.
                promise_until = None
                promise = self.dunning_promise_ids.filtered(lambda p: p.state == "open")[:1]
                if promise:
                    paid = max(promise.residual_at_promise - self.amount_residual, 0.0)
                    outcome = promise_outcome(promise.amount, paid, promise.date, grace, today)
                    promise_broken = promise_broken or outcome in (PARTIAL, BROKEN)
        return Invoice(
            due_date=due_date,
            invoice_date=self.invoice_date or self.date,
            amount_total=self.amount_total,
            amount_residual=residual,
            amount_residual_company=residual_company,
            kind=kind,
            posted=self.state == "posted",
            payment_state=self.payment_state,
            level=self.dunning_level if same_plan else 0,
            last_date=(self.dunning_last_date or None) if same_plan else None,
            last_manual_date=move_stats["last_manual_date"],
            entry_date=self.dunning_entry_date or None,
            blocked=self.dunning_blocked,
            customer_blocked=self.commercial_partner_id.dunning_blocked,
            has_email=bool(
                self.env["account.dunning.delivery"]._unit_recipients(
                    plan.scope or "invoice", self, self.commercial_partner_id
                )
            ),
            open_todo=move_stats["open_todo"],
            customer_last_date=customer["last_date"],
            unmatched_payments=bool(customer["unmatched"]),
            disputed=self.dunning_disputed,
            paused=self.dunning_paused,
            pause_until=self.dunning_pause_until or None,
            promise_until=promise_until,
            promise_broken=promise_broken,
            key=self.id,
        )

    def _dunning_amount_due(self, today):
        """``(due date, amount due, amount due in company currency)`` to remind.

        An invoice paid in installments is reminded of its overdue installments only:
        the oldest unpaid one's due date and the sum of those overdue (the next one
        when none is overdue yet).
        """
        self.ensure_one()
        due_date = self.invoice_date_due or self.invoice_date or self.date
        terms = self.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        installments = (
            amount_to_remind(
                [
                    (
                        line.date_maturity or due_date,
                        line.amount_residual_currency,
                        line.amount_residual,
                    )
                    for line in terms
                ],
                today,
            )
            if len(terms) > 1
            else None
        )
        return installments or (due_date, self.amount_residual, abs(self.amount_residual_signed))

    def _dunning_decide(self, today):
        """``[(move, plan, decision)]`` for every invoice of ``self`` on ``today``."""
        return self._dunning_decide_batch(today)[0]

    def _dunning_decide_batch(self, today):
        """Decide for the invoices of ``self``, customer by customer.

        ``self`` should hold every open invoice of its customers: the customer level
        groups them and the contact delay spans both levels. Returns
        ``(statuses, units)``: ``[(move, plan, decision)]`` for every invoice (``plan``
        is the invoice-level or customer-level plan deciding it), and the
        :data:`Unit` s (communications and to-dos) due today.
        """
        statuses, units = [], []
        by_id = {move.id: move for move in self}  # records sharing the batch's prefetch
        for (partner, plans), customer in self._dunning_customers(today):
            day_statuses, day_units = decide_day(customer, today)
            statuses += [
                (by_id[key], plans[plan.key if plan else None], decision)
                for key, (plan, decision) in day_statuses.items()
            ]
            units += [
                Unit(
                    partner,
                    plans[unit.plan_key],
                    unit.decision,
                    self.browse(unit.keys).with_prefetch(self._prefetch_ids),
                    unit.own_levels,
                    unit.scope,
                )
                for unit in day_units
            ]
        return statuses, units

    def _dunning_customers(self, today, assume_enabled=False):
        """The engine's view of the customers of ``self`` on ``today``.

        Yields ``((commercial partner, {plan id: plan record}), Customer)`` for each
        customer and company, with all the facts the engine needs. With
        ``assume_enabled``, companies in stand-by are seen as if dunning were enabled
        (what the job will do once it is).
        """
        stats = self._dunning_action_stats()
        customers = self._dunning_customer_stats()
        # Installments are read from the receivable lines: load them all at once.
        self.line_ids.account_id.mapped("account_type")
        self.commercial_partner_id.mapped("dunning_pause_until")  # customers' pauses too
        self.commercial_partner_id.child_ids.mapped("email_normalized")  # their contacts
        Plan = self.env["account.dunning.plan"]
        engine_plans = {}
        policies = {}
        default_plans = {}
        rules = {}

        def engine_plan(plan):
            if plan not in engine_plans:
                engine_plans[plan] = plan._to_engine() if plan else None
            return engine_plans[plan]

        for (company, partner), moves in self.grouped(
            lambda move: (move.company_id, move.commercial_partner_id)
        ).items():
            if company not in policies:
                policies[company] = company._dunning_policy()
                if assume_enabled:
                    policies[company] = replace(policies[company], enabled=True)
                default_plans[company] = Plan._get_default_plan(company, "customer")
                rules[company] = Plan._get_rules(company, "customer")
            facts_of = customers[(partner.id, company.id)]
            own = moves.filtered("dunning_plan_id")
            covered = moves - own
            plan = Plan
            if covered:
                plan = partner.with_company(company)._dunning_customer_plan(
                    default_plans[company], rules[company]
                )
            records = {None: Plan, plan.id or None: plan}
            records.update({move.dunning_plan_id.id: move.dunning_plan_id for move in own})
            customer = Customer(
                policy=policies[company],
                own=tuple(
                    (
                        engine_plan(move.dunning_plan_id),
                        move._dunning_facts(today, stats, move.dunning_plan_id, facts_of),
                    )
                    for move in own
                ),
                plan=engine_plan(plan),
                covered=tuple(
                    move._dunning_facts(today, stats, plan, facts_of) for move in covered
                ),
                paused=partner.dunning_paused,
                pause_until=partner.dunning_pause_until or None,
                key=(partner.id, company.id),
            )
            yield (partner, records), customer

    @api.model
    def _dunning_simulate(self, day=None, days=1, companies=None, assume_enabled=False):
        """What the nightly job would do from ``day`` for ``days`` days, with no side
        effect at all (no mail, no action, no write). With ``assume_enabled``,
        companies in stand-by are simulated as if dunning were enabled.

        The very same decisions as the job (:meth:`_dunning_customers` and the engine's
        ``forecast``), assuming nothing is paid and nobody acts meanwhile. Returns one
        row (a dict) per communication or to-do due on each day, and on the first day
        one row per invoice that gets nothing, with the reason.
        """
        day = day or fields.Date.context_today(self)
        companies = companies or self.env.companies
        labels = self._dunning_labels()
        moves = self.search(
            self._dunning_open_domain() + [("company_id", "in", companies.ids)], order="id"
        )
        by_id = {move.id: move for move in moves}
        rows = []
        for (partner, plans), customer in moves._dunning_customers(day, assume_enabled):
            for current, statuses, units in forecast(customer, day, days):
                for unit in units:
                    plan = plans[unit.plan_key]
                    step = plan.step_ids[unit.decision.step_index]
                    invoices = moves.browse(unit.keys).with_prefetch(moves._prefetch_ids)
                    recipient = self.env["account.dunning.delivery"]._unit_recipients(
                        unit.scope, invoices, partner
                    )
                    rows.append(
                        self._dunning_simulation_row(
                            current,
                            partner,
                            invoices,
                            plan,
                            unit.decision,
                            labels,
                            step=step,
                            recipient=recipient,
                        )
                    )
                if current != day:
                    continue
                for key, (plan, decision) in statuses.items():
                    if not decision.acts:
                        rows.append(
                            self._dunning_simulation_row(
                                current,
                                partner,
                                by_id[key],
                                plans[plan.key if plan else None],
                                decision,
                                labels,
                            )
                        )
        return sorted(rows, key=lambda row: (row["date"], row["customer"], not row["acts"]))

    def _dunning_explain(self, today):
        """Why each posted customer invoice of ``self`` is where it is on ``today``.

        Returns ``({move id: [sentence]}, {(customer id, company id): [sentence]},
        grouped move ids)``: for every invoice, for each customer-level plan's group,
        and the invoices explained by their group. The same facts as the nightly job
        (the customers' other open invoices included).
        """
        invoices = self.filtered(
            lambda move: move.move_type == "out_invoice"
            and move.state == "posted"
            and isinstance(move.id, int)
        )
        if not invoices:
            return {}, {}, set()
        moves = invoices | self.search(
            self._dunning_open_domain()
            + [
                ("commercial_partner_id", "in", invoices.commercial_partner_id.ids),
                ("company_id", "in", invoices.company_id.ids),
            ]
        )
        env = self.env
        reasons = dict(self._fields["dunning_reason"]._description_selection(env))
        by_id = {move.id: move for move in moves}
        asked = set(invoices.ids)
        explained, groups, grouped = {}, {}, set()
        for (partner, plans), customer in moves._dunning_customers(today):
            result, group = explain_day(customer, today)
            details = self._dunning_reason_details(
                [(by_id[key], None, why.decision) for key, why in result.items()]
            )
            customer_plan = plans[customer.plan.key if customer.plan else None]
            if group is not None:
                reference = by_id[group.reference_key]
                groups[customer.key] = [
                    env._(
                        "Customer-level plan %(plan)s: one communication for the overdue "
                        "invoices of %(customer)s, timed by the reference invoice "
                        "%(reference)s (the oldest due).",
                        plan=customer_plan.name,
                        customer=partner.display_name,
                        reference=reference.name,
                    ),
                    *explanation_lines(
                        env, group, customer_plan, reasons, details.get(reference.id)
                    ),
                ]
            for key, why in result.items():
                if key not in asked:
                    continue
                move = by_id[key]
                if why.group is not None:
                    explained[key] = [
                        env._(
                            "Reminded with the other overdue invoices of %(customer)s.",
                            customer=partner.display_name,
                        ),
                        *groups[customer.key],
                    ]
                    grouped.add(key)
                    continue
                plan = move.dunning_plan_id or customer_plan
                explained[key] = explanation_lines(env, why, plan, reasons, details.get(key))
        return explained, groups, grouped

    @api.model
    def _dunning_cli_run(self, day, companies):
        """Run the job for ``companies`` on ``day``; rows like the simulation's, for
        what was done (mails, to-dos) and, per invoice, why nothing was."""
        labels = self._dunning_labels()
        results = self.with_context(dunning_company_ids=companies.ids)._dunning_run(date=day)
        rows = []
        for move, plan, decision in results:
            if move.company_id not in companies:
                continue
            step = plan.step_ids[decision.step_index] if plan and decision.acts else None
            rows.append(
                self._dunning_simulation_row(
                    day or fields.Date.context_today(self),
                    move.commercial_partner_id,
                    move,
                    plan,
                    decision,
                    labels,
                    step=step,
                    recipient=self.env["account.dunning.delivery"]._unit_recipients(
                        plan.scope, move, move.commercial_partner_id
                    )
                    if step
                    else None,
                )
            )
        return rows

    @api.model
    def _dunning_simulation_row(
        self, day, partner, invoices, plan, decision, labels, step=None, recipient=None
    ):
        """One simulation (or CLI run) row; ``labels``: :meth:`_dunning_labels`."""
        currencies = invoices.currency_id
        reasons, channels = labels
        return {
            "date": day,
            "company": invoices.company_id[:1].name,
            "customer": partner.display_name,
            "invoices": invoices.mapped("name"),
            "plan": plan.name or "",
            "step": step.name if step else "",
            "channel": step.channel if step else "",
            "channel_label": channels[step.channel] if step else "",
            "level": decision.level,
            "acts": decision.acts,
            "outcome": decision.outcome,
            "reason": decision.reason,
            "reason_label": reasons.get(decision.reason, decision.reason),
            "recipient": ", ".join(filter(None, recipient.mapped("email"))) if recipient else "",
            "amount": sum(invoices.mapped("dunning_amount_due")) if len(currencies) == 1 else None,
            "currency": currencies.name if len(currencies) == 1 else "",
            "currency_id": currencies.id if len(currencies) == 1 else False,
            "next_date": decision.next_date,
        }

    @api.model
    def _dunning_labels(self):
        """``(reasons, channels)``: code -> wording, in the context's language."""
        Step = self.env["account.dunning.plan.step"]
        return (
            dict(self._fields["dunning_reason"]._description_selection(self.env)),
            dict(Step._fields["channel"]._description_selection(self.env)),
        )

    @api.model
    def _dunning_get_domain(self, today):
        """Invoices the nightly job still has to look at on ``today``."""
        return self._dunning_open_domain() + [
            "|",
            ("dunning_checked_date", "=", False),
            ("dunning_checked_date", "<", today),
        ]

    @api.model
    def _dunning_open_domain(self):
        """Posted customer invoices still open, or whose dunning state must be cleared
        (of the companies in context key ``dunning_company_ids``, if given)."""
        company_ids = self.env.context.get("dunning_company_ids")
        return ([("company_id", "in", company_ids)] if company_ids else []) + [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            "|",
            ("payment_state", "in", ("not_paid", "partial")),
            ("dunning_next_date", "!=", False),
        ]

    @api.model
    def _dunning_run(self, date=None, batch_size=500):
        """Run the dunning job for ``date`` (default today) on every company.

        Works by batches of customers (those of up to ``batch_size`` invoices still
        to check, with all their open invoices) and reports progress to the cron
        runner; inside a cron run it returns after one batch (the runner commits and
        calls again), otherwise it processes everything. Returns the statuses as
        ``[(move, plan, decision)]``.
        """
        today = date or fields.Date.context_today(self)
        # People's decisions first: pauses that ended, promises kept or broken.
        self._dunning_resume_expired(today)
        self.env["account.dunning.promise"].search([("state", "=", "open")])._dunning_evaluate(
            today
        )
        domain = self._dunning_get_domain(today)
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        results = []
        remaining = 0
        while True:
            batch = self.search(domain, limit=batch_size, order="id")
            if not batch:
                break
            partners = batch.commercial_partner_id
            moves = batch | self.search(
                self._dunning_open_domain() + [("commercial_partner_id", "in", partners.ids)],
                order="id",
            )
            statuses, units = moves._dunning_decide_batch(today)
            moves._dunning_execute(statuses, units, today)
            results += statuses
            remaining = self.search_count(domain)
            self.env["ir.cron"]._notify_progress(done=len(moves), remaining=remaining)
            if in_cron:
                break
        if not remaining:
            # The run of the day is complete: the reports can tell about it.
            self.env["account.dunning.report"]._send_due_reports(today)
        return results

    def _dunning_execute(self, statuses, units, today, origin="auto"):
        """Act on engine decisions (see ``account.dunning.dispatch._execute``)."""
        return self.env["account.dunning.dispatch"]._execute(statuses, units, today, origin)

    def _dunning_reason_details(self, statuses):
        """Per move id, what a hold reason refers to (payments named, bank data date),
        and in stand-by the step the job would have executed."""
        details = {}
        for move, plan, decision in statuses:
            if decision.reason == r.STANDBY and plan and decision.step_index is not None:
                details[move.id] = self.env._(
                    "Would have executed step '%(step)s' (level %(level)s).",
                    step=plan.step_ids[decision.step_index].name,
                    level=decision.details["would_level"],
                )
        held = [
            (move, decision)
            for move, _plan, decision in statuses
            if decision.reason in (r.UNMATCHED_PAYMENTS, r.STALE_BANK_DATA)
        ]
        if not held:
            return details
        moves = self.browse([move.id for move, _decision in held])
        customers = moves._dunning_customer_stats()
        bank_dates = {}
        for move, decision in held:
            if decision.reason == r.UNMATCHED_PAYMENTS:
                key = (move.commercial_partner_id.id, move.company_id.id)
                details[move.id] = ", ".join(customers[key]["unmatched"])
            else:
                company = move.company_id
                if company not in bank_dates:
                    bank_dates[company] = company._dunning_bank_data_date()
                last = bank_dates[company]
                details[move.id] = (
                    self.env._("Newest bank statement line: %(date)s", date=last)
                    if last
                    else self.env._("No bank statement line")
                )
        return details

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
            dunning_internal=True,
            mail_notrack=True,
            check_move_validity=False,
            skip_invoice_sync=True,
            skip_is_manually_modified=True,
        )
        for items, ids in groups.items():
            moves.browse(ids).write(dict(items))

    def _dunning_apply_level(self, level, date, plan=None):
        """A to-do of level ``level`` of ``plan`` was handled on ``date`` (False: cancelled)."""
        vals = {"dunning_level": level, "dunning_checked_date": False}
        if plan:
            vals["dunning_level_plan_id"] = plan.id
        if date:
            vals["dunning_last_date"] = date
        moves = self.filtered(lambda move: move.dunning_level < level)
        self._dunning_write(dict.fromkeys(moves, vals))

    # == Pause, promise, dispute and assignment ==
    @api.depends("partner_id.email", "commercial_partner_id.email")
    def _compute_dunning_no_email(self):
        Delivery = self.env["account.dunning.delivery"]
        for move in self:
            move.dunning_no_email = move.move_type == "out_invoice" and not (
                Delivery._recipients(move.commercial_partner_id, move.partner_id)
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
