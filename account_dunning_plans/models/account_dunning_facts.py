# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict
from dataclasses import replace
from datetime import date

from odoo import api, models

from ..engine import Contact, Customer, Invoice, recipients
from ..engine.installments import amount_to_remind
from ..engine.legal import statutory_claim
from ..engine.promise import promise_end


class AccountDunningFacts(models.AbstractModel):
    """Records become the engine's value objects (:mod:`..engine.facts`): receivables,
    whole customers and their contacts (a company's settings and plans:
    ``account.dunning.policy``).

    Everything the engine decides on is read here, in batches, and nothing else: the
    nightly run, the manual send, the forecast and the explanation all see the same
    facts. It reads records and never writes them.
    """

    _name = "account.dunning.facts"
    _description = "Dunning facts"

    # == Which receivables ==
    @api.model
    def _open_domain(self):
        """Receivables the dunning looks at (of the companies in context key
        ``dunning_company_ids``, if given): posted customer invoices still open, or
        whose dunning state must be cleared, and miscellaneous entries with an open
        customer receivable (opening balances), which are skipped with their reason."""
        company_ids = self.env.context.get("dunning_company_ids")
        return ([("company_id", "in", company_ids)] if company_ids else []) + [
            ("state", "=", "posted"),
            "|",
            "&",
            ("move_type", "=", "out_invoice"),
            "|",
            ("payment_state", "in", ("not_paid", "partial")),
            ("dunning_next_date", "!=", False),
            "&",
            "&",
            ("move_type", "=", "entry"),
            ("journal_id.type", "=", "general"),
            (
                "line_ids",
                "any",
                [
                    ("account_type", "=", "asset_receivable"),
                    ("reconciled", "=", False),
                    ("amount_residual", ">", 0),
                    ("partner_id", "!=", False),
                ],
            ),
        ]

    @api.model
    def _customer_open_moves(self, partner, company):
        """The open customer invoices of ``partner`` (a commercial entity) in ``company``."""
        return self.env["account.move"].search(
            self._open_domain()
            + [
                ("move_type", "=", "out_invoice"),
                ("commercial_partner_id", "=", partner.commercial_partner_id.id),
                ("company_id", "=", company.id),
                ("payment_state", "in", ("not_paid", "partial")),
            ]
        )

    # == Recipients ==
    @api.model
    def _recipients(self, customer, invoice_contact=None):
        """Contacts of ``customer`` (a commercial entity) a reminder goes to, in the
        engine's order (:func:`..engine.delivery.recipients`); empty: no e-mail.
        ``invoice_contact``: the contact an invoice was addressed to, if any."""
        customer = customer.commercial_partner_id
        if not customer:
            return self.env["res.partner"]
        partners = customer | customer.child_ids.filtered("active")
        if invoice_contact and invoice_contact.commercial_partner_id == customer:
            partners |= invoice_contact
        contacts = [
            Contact(
                partner.id,
                email=bool(partner.email_normalized),
                customer=partner == customer,
                invoice_address=partner.type == "invoice",
                dunning_contact=partner.dunning_contact,
            )
            for partner in partners
        ]
        keys = recipients(contacts, invoice_contact.id if invoice_contact else None)
        return self.env["res.partner"].browse(keys).with_prefetch(partners._prefetch_ids)

    @api.model
    def _action_recipients(self, scope, moves, customer):
        """Recipients of an action: an invoice-level reminder knows the invoice's contact."""
        if scope == "invoice":
            return self._recipients(customer, moves[:1].partner_id)
        return self._recipients(customer)

    # == Invoices ==
    @api.model
    def _amount_due(self, move, today, terms=None):
        """``(due date, amount due, amount due in company currency)`` of ``move`` to
        remind on ``today``: for an invoice paid in installments, its overdue
        installments (:func:`..engine.installments.amount_to_remind`). ``terms``: its
        receivable lines, when already read (:meth:`_receivable_terms`)."""
        due_date = move.invoice_date_due or move.invoice_date or move.date
        if terms is None:
            terms = move.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            )
        if move.move_type == "entry":
            # An opening balance is never reminded: what it owes, as of its date.
            terms = terms.filtered(lambda line: line.amount_residual > 0)
            return (
                due_date,
                sum(terms.mapped("amount_residual_currency")),
                sum(terms.mapped("amount_residual")),
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
        return installments or (due_date, move.amount_residual, abs(move.amount_residual_signed))

    @api.model
    def _action_stats(self, moves, today):
        """Per invoice id: ``last_reminder_date`` (its last reminder done, by hand or
        not, any plan), ``open_todo`` (a to-do waits) and ``acted_today`` (steps with
        an action today)."""
        stats = defaultdict(
            lambda: {"last_reminder_date": None, "open_todo": False, "acted_today": set()}
        )
        if not moves.ids:
            return stats
        groups = (
            self.env["account.dunning.action"]
            .sudo()
            ._read_group(
                [("move_ids", "in", moves.ids), ("state", "in", ("todo", "done"))],
                groupby=["move_ids", "state", "date:day", "step_id"],
            )
        )
        for move, state, day, step in groups:
            move_stats = stats[move.id]
            if state == "todo":
                move_stats["open_todo"] = True
            elif not move_stats["last_reminder_date"] or day > move_stats["last_reminder_date"]:
                move_stats["last_reminder_date"] = day
            if day == today and step:
                move_stats["acted_today"].add(step.id)
        return stats

    @api.model
    def _customer_stats(self, moves):
        """Per ``(commercial partner id, company id)`` of ``moves``: the last
        communication to the customer (any plan, any level) and the names of the
        payments and credits not yet matched on their receivable account (only for
        companies holding reminders on them). :meth:`_has_email` notes there, as it
        goes, who can be written to."""
        stats = defaultdict(lambda: {"last_date": None, "unmatched": []})
        partners = moves.commercial_partner_id
        companies = moves.company_id
        if not moves:
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
        for key, names in self._unmatched(partners, holding).items():
            stats[key]["unmatched"] = names
        return stats

    @api.model
    def _unmatched(self, partners, companies):
        """Per ``(commercial partner id, company id)``: the names of the payments and
        credits of ``partners`` in ``companies`` not yet matched on their receivable
        account."""
        unmatched_names = defaultdict(list)
        if not partners or not companies:
            return unmatched_names
        groups = (
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "child_of", partners.ids),
                    ("company_id", "in", companies.ids),
                    ("account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                    ("amount_residual", "<", 0),
                ],
                groupby=["partner_id", "company_id"],
                aggregates=["move_id:recordset"],
            )
        )
        for partner, company, unmatched in groups:
            names = unmatched_names[(partner.commercial_partner_id.id, company.id)]
            names += [name for name in unmatched.mapped("name") if name not in names]
        return unmatched_names

    @api.model
    def _invoice(self, move, today, stats, plan, customer, terms=None):
        """The engine's view of ``move`` about to be decided by ``plan`` on ``today``.

        ``stats``: :meth:`_action_stats`; ``customer``: the customer's facts
        (:meth:`_customer_stats`); ``terms``: its receivable lines, when already read.
        The level, its plan and the open promise are given as they are: the engine
        decides what they mean under ``plan``.
        """
        move_stats = stats[move.id]
        due_date, residual, residual_company = self._amount_due(move, today, terms)
        promise = move.dunning_promise_ids.filtered(lambda p: p.state == "open")[:1]
        return Invoice(
            due_date=due_date,
            invoice_date=move.invoice_date or move.date,
            amount_total=move.amount_total,
            amount_residual=residual,
            amount_residual_company=residual_company,
            kind="entry" if move.move_type == "entry" else "invoice",
            payment_state=move.payment_state,
            level=move.dunning_level,
            level_plan=move.dunning_level_plan_id.id or None,
            last_date=move.dunning_last_date or None,
            last_reminder_date=move_stats["last_reminder_date"],
            entry_date=move.dunning_entry_date or None,
            blocked=move.dunning_blocked,
            customer_blocked=move.commercial_partner_id.dunning_blocked,
            has_email=self._has_email(plan.scope or "invoice", move, customer),
            open_todo=move_stats["open_todo"],
            customer_last_date=customer["last_date"],
            unmatched_payments=bool(customer["unmatched"]),
            disputed=move.dunning_disputed,
            in_collection=move.dunning_in_collection,
            paused=move.dunning_paused,
            pause_until=move.dunning_pause_until or None,
            promise_until=(
                promise_end(promise.date, move.company_id.dunning_promise_grace_days)
                if promise
                else None
            ),
            promise_amount=promise.amount if promise else None,
            promise_paid=max(promise.residual_at_promise - move.amount_residual, 0.0)
            if promise
            else 0.0,
            payment_plan=self._payment_plan(move, customer),
            promise_broken=move.dunning_promise_broken,
            acted_today=frozenset(move_stats["acted_today"]),
            key=move.id,
        )

    @api.model
    def _payment_plan(self, move, customer):
        """The running payment plan ``move`` is in, as the engine sees it, or None;
        read once per customer (``customer``: its facts)."""
        plan = move.dunning_payment_plan_ids.filtered(lambda p: p.state == "open")[:1]
        if not plan:
            return None
        known = customer.setdefault("payment_plans", {})
        if plan.id not in known:
            known[plan.id] = plan._engine_plan()
        return known[plan.id]

    @api.model
    def _has_email(self, scope, move, customer):
        """Whether a reminder of ``move`` at ``scope`` has someone to write to; asked
        once per customer (``customer``: its facts), scope and invoice contact."""
        known = customer.setdefault("has_email", {})
        key = (scope, move.partner_id.id if scope == "invoice" else None)
        if key not in known:
            known[key] = bool(self._action_recipients(scope, move, move.commercial_partner_id))
        return known[key]

    @api.model
    def _statutory_claims(self, moves, day=None):
        """``{move id: (late interest, recovery costs)}`` the law lets the company claim
        on ``day`` (default: each company's today) for ``moves``, in each invoice's
        currency (:func:`..engine.legal.statutory_claim`): the law of the company's
        country, the customer's debtor type, the legal rates
        (``account.dunning.legal.rate``). Interest runs on each overdue installment
        from its own due date, on what is left of it (never more than owed); the costs
        are counted once per invoice, on all it has overdue. Only posted customer
        invoices claim anything."""
        Rate = self.env["account.dunning.legal.rate"]
        euro = self.env.ref("base.EUR")
        rates = {}
        claims = {}
        terms = self._receivable_terms(moves)
        notices = self._formal_notices(moves)
        zero = (0.0, 0.0)
        for move in moves:
            claims[move.id] = zero
            if (
                move.move_type != "out_invoice"
                or move.state != "posted"
                or not move.id
                or move.dunning_is_fee  # no costs nor interest on costs
            ):
                continue
            company = move.company_id
            today = day or company._dunning_today()
            country = company.account_fiscal_country_id or company.country_id
            debtor = move.commercial_partner_id.dunning_debtor_type or "consumer"
            if (country, debtor) not in rates:
                rates[country, debtor] = Rate._rates(country, debtor)
            agreed = country.code == "FR" and debtor == "business" and company.dunning_agreed_rate
            overdue = [
                (line.date_maturity or move.invoice_date_due, line.amount_residual_currency)
                for line in terms[move.id]
                if line.amount_residual_currency > 0
                and (line.date_maturity or move.invoice_date_due) < today
            ]
            if not overdue:
                continue
            notice = notices.get(move.id)
            clause = company.dunning_consumer_penalty_clause
            interest = sum(
                statutory_claim(
                    country.code,
                    debtor,
                    amount,
                    due,
                    today,
                    # The rate of the terms (L441-10 II), from the first overdue day.
                    [(date.min, agreed)] if agreed else rates[country, debtor],
                    notice=notice,
                    penalty_clause=clause,
                )[0]
                for due, amount in overdue
            )
            reasonable = company.currency_id._convert(
                company.dunning_reasonable_fee, euro, company, today
            )
            oldest = min(due for due, _amount in overdue)
            total = sum(amount for _due, amount in overdue)
            # The law's amounts are in euros: the principal goes in in euros.
            principal = move.currency_id._convert(total, euro, company, today)
            fee = statutory_claim(
                country.code,
                debtor,
                principal,
                oldest,
                today,
                [],
                reasonable,
                notice=notice,
                penalty_clause=clause,
            )[1]
            claims[move.id] = (
                float(interest),
                euro._convert(float(fee), move.currency_id, company, today),
            )
        return claims

    @api.model
    def _formal_notices(self, moves):
        """``{move id: (day, channel)}``: the first formal notice each of ``moves`` got
        (a done action of a step marked as such; a to-do done by hand counts as a
        letter)."""
        notices = {}
        actions = (
            self.env["account.dunning.action"]
            .sudo()
            .search(
                [
                    ("move_ids", "in", moves.ids),
                    ("state", "=", "done"),
                    ("step_id.formal_notice", "=", True),
                ],
                order="date, id",
            )
        )
        for action in actions:
            channel = "email" if action.channel == "email" else "letter"
            for move_id in action.move_ids.ids:
                notices.setdefault(move_id, (action.date, channel))
        return notices

    @api.model
    def _receivable_terms(self, moves):
        """The receivable lines of ``moves`` (their installments), by move id, read in
        one query with the few fields :meth:`_amount_due` needs."""
        lines = (
            self.env["account.move.line"]
            .sudo()
            .search_fetch(
                [
                    ("move_id", "in", moves.ids),
                    ("account_id.account_type", "=", "asset_receivable"),
                ],
                ["move_id", "date_maturity", "amount_residual", "amount_residual_currency"],
                order="id",
            )
        )
        terms = defaultdict(lambda: lines.browse())
        for move, move_lines in lines.grouped("move_id").items():
            terms[move.id] = move_lines
        return terms

    # == Customers ==
    @api.model
    def _customers(self, moves, today, assume_enabled=False):
        """The engine's view of the customers of ``moves`` on ``today``.

        Yields ``((commercial partner, {plan id: plan record}), Customer)`` for each
        customer and company, with all the facts the engine needs; ``moves`` should
        hold every open invoice of those customers. A miscellaneous entry is a
        customer of its own, without plan (the engine skips it). With
        ``assume_enabled``, companies in stand-by are seen as if dunning were enabled
        (what the job will do once it is).
        """
        stats = self._action_stats(moves, today)
        customers = self._customer_stats(moves)
        terms = self._receivable_terms(moves)
        moves.commercial_partner_id.mapped("dunning_pause_until")  # customers' pauses too
        moves.commercial_partner_id.child_ids.mapped("email_normalized")  # their contacts
        moves.dunning_promise_ids.mapped("state")  # their promises
        moves.dunning_payment_plan_ids.installment_ids.mapped("date")  # and payment plans
        Plan = self.env["account.dunning.plan"]
        engine_plans = {}
        companies = {}

        def engine_plan(plan, calendar):
            if plan not in engine_plans:
                engine_plans[plan] = (
                    self.env["account.dunning.policy"]._plan(plan, calendar) if plan else None
                )
            return engine_plans[plan]

        for (company, partner), group in moves.grouped(
            lambda move: (move.company_id, move.commercial_partner_id)
        ).items():
            if company not in companies:
                policy = self.env["account.dunning.policy"]._policy(company)
                if assume_enabled and not policy.enabled:
                    # Enabled today: invoices already too old today are left out.
                    policy = replace(policy, enabled=True, activation_date=today)
                companies[company] = (
                    policy,
                    self.env["account.dunning.policy"]._work_calendar(company),
                    Plan._get_default_plan(company, "customer"),
                    Plan._get_rules(company, "customer"),
                )
            policy, calendar, default, rules = companies[company]
            facts_of = customers[(partner.id, company.id)]
            entries = group.filtered(lambda move: move.move_type == "entry")
            for entry in entries:
                facts = self._invoice(entry, today, stats, Plan, facts_of, terms[entry.id])
                yield (partner, {None: Plan}), Customer(policy=policy, own=((None, facts),))
            group -= entries
            if not group:
                continue
            own = group.filtered("dunning_plan_id")
            covered = group - own
            plan = Plan
            if covered:
                plan = Plan._customer_plan(partner.with_company(company), default, rules)
            records = {None: Plan, plan.id or None: plan}
            records.update({move.dunning_plan_id.id: move.dunning_plan_id for move in own})
            yield (
                (partner, records),
                Customer(
                    policy=policy,
                    own=tuple(
                        (
                            engine_plan(move.dunning_plan_id, calendar),
                            self._invoice(
                                move, today, stats, move.dunning_plan_id, facts_of, terms[move.id]
                            ),
                        )
                        for move in own
                    ),
                    plan=engine_plan(plan, calendar),
                    covered=tuple(
                        self._invoice(move, today, stats, plan, facts_of, terms[move.id])
                        for move in covered
                    ),
                    paused=partner.dunning_paused,
                    pause_until=partner.dunning_pause_until or None,
                    key=(partner.id, company.id),
                ),
            )
