# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict, namedtuple
from dataclasses import replace
from datetime import date

from odoo import api, models
from odoo.tools import SQL

from ..engine import Contact, Customer, Invoice, recipients
from ..engine.installments import amount_to_remind
from ..engine.legal import statutory_claim
from ..engine.promise import promise_end

# The fields of ``account.move`` the facts read by query (:meth:`AccountDunningFacts._rows`).
MOVE_FIELDS = (
    "name",
    "move_type",
    "company_id",
    "commercial_partner_id",
    "partner_id",
    "currency_id",
    "dunning_plan_id",
    "dunning_level_plan_id",
    "date",
    "invoice_date",
    "invoice_date_due",
    "amount_total",
    "amount_residual",
    "amount_residual_signed",
    "payment_state",
    "dunning_level",
    "dunning_last_date",
    "dunning_entry_date",
    "dunning_blocked",
    "dunning_disputed",
    "dunning_in_collection",
    "dunning_paused",
    "dunning_pause_until",
    "dunning_promise_broken",
)
MoveRow = namedtuple("MoveRow", ["id", *MOVE_FIELDS, "promise", "payment_plan"])
MoveRow.__doc__ = """One receivable's values the facts read (:data:`MOVE_FIELDS`; ids for
many2one fields, None for empty ones, 0 and False for empty numbers and flags), with its
open promise and running payment plan (records, or None)."""

# A receivable line of an invoice (one installment), as :meth:`_receivable_terms` reads it.
TermRow = namedtuple("TermRow", ["date_maturity", "amount_residual", "amount_residual_currency"])


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
        installments (:func:`..engine.installments.amount_to_remind`). ``move``: a
        record, or its :class:`MoveRow` with ``terms``: its receivable lines (records
        or :class:`TermRow` s), when already read (:meth:`_receivable_terms`)."""
        due_date = move.invoice_date_due or move.invoice_date or move.date
        if terms is None:
            terms = move.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            )
        if move.move_type == "entry":
            # An opening balance is never reminded: what it owes, as of its date.
            owed = [line for line in terms if line.amount_residual > 0]
            return (
                due_date,
                sum(line.amount_residual_currency for line in owed),
                sum(line.amount_residual for line in owed),
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
        goes, who can be written to; ``blocked``: the customer is blocked from dunning."""
        stats = defaultdict(lambda: {"last_date": None, "unmatched": [], "blocked": False})
        if not moves:
            return stats
        # Read by query: a forecast does not load every column of every invoice.
        pairs = (
            self.env["account.move"]
            .sudo()
            ._read_group([("id", "in", moves.ids)], ["commercial_partner_id", "company_id"])
        )
        partners = self.env["res.partner"].browse({partner.id for partner, _company in pairs})
        companies = self.env["res.company"].browse({company.id for _partner, company in pairs})
        for partner in partners.filtered("dunning_blocked"):
            for company in companies:
                stats[(partner.id, company.id)]["blocked"] = True
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
    def _invoice(self, move, today, stats, plan, customer, terms=None, row=None):
        """The engine's view of ``move`` about to be decided by ``plan`` on ``today``.

        ``stats``: :meth:`_action_stats`; ``customer``: the customer's facts
        (:meth:`_customer_stats`); ``terms``: its receivable lines and ``row`` its
        values (:meth:`_rows`), when already read. The level, its plan and the open
        promise are given as they are: the engine decides what they mean under ``plan``.
        """
        if row is None:
            row = self._rows(move)[move.id]
        if terms is None:
            terms = self._receivable_terms(move)[move.id]
        move_stats = stats[move.id]
        due_date, residual, residual_company = self._amount_due(row, today, terms)
        promise = row.promise
        return Invoice(
            due_date=due_date,
            invoice_date=row.invoice_date or row.date,
            amount_total=row.amount_total,
            amount_residual=residual,
            amount_residual_company=residual_company,
            kind="entry" if row.move_type == "entry" else "invoice",
            payment_state=row.payment_state,
            level=row.dunning_level,
            level_plan=row.dunning_level_plan_id,
            last_date=row.dunning_last_date,
            last_reminder_date=move_stats["last_reminder_date"],
            entry_date=row.dunning_entry_date,
            blocked=row.dunning_blocked,
            customer_blocked=customer["blocked"],
            has_email=self._has_email(plan.scope or "invoice", move, customer, row),
            open_todo=move_stats["open_todo"],
            customer_last_date=customer["last_date"],
            unmatched_payments=bool(customer["unmatched"]),
            disputed=row.dunning_disputed,
            in_collection=row.dunning_in_collection,
            paused=row.dunning_paused,
            pause_until=row.dunning_pause_until,
            promise_until=(
                promise_end(promise.date, promise.company_id.dunning_promise_grace_days)
                if promise
                else None
            ),
            promise_amount=promise.amount if promise else None,
            promise_paid=max(promise.residual_at_promise - row.amount_residual, 0.0)
            if promise
            else 0.0,
            payment_plan=self._payment_plan(row.payment_plan, customer),
            promise_broken=row.dunning_promise_broken,
            acted_today=frozenset(move_stats["acted_today"]),
            key=move.id,
        )

    @api.model
    def _rows(self, moves):
        """Per move id, the :class:`MoveRow` of each of ``moves``: their values in one
        query, without loading every column of every invoice into the cache (a
        forecast reads 100,000 of them), and their open promises and running payment
        plans in one search each (the first in each model's order)."""
        if not moves.ids:
            return {}
        Move = self.env["account.move"]
        Move.flush_model(MOVE_FIELDS)
        # Empty flags and numbers as the ORM reads them: False and 0, never None.
        empty = {"boolean": SQL("FALSE"), "integer": SQL("0"), "float": SQL("0")}
        empty["monetary"] = empty["float"]
        columns = []
        for name in MOVE_FIELDS:
            column = SQL.identifier(Move._table, name)
            if Move._fields[name].type in empty:
                column = SQL("COALESCE(%s, %s)", column, empty[Move._fields[name].type])
            columns.append(column)
        query = SQL(
            "SELECT %s, %s FROM %s WHERE %s = ANY(%s)",
            SQL.identifier(Move._table, "id"),
            SQL(", ").join(columns),
            SQL.identifier(Move._table),
            SQL.identifier(Move._table, "id"),
            moves.ids,
        )
        promises = {}
        for promise in (
            self.env["account.dunning.promise"]
            .sudo()
            .search([("move_id", "in", moves.ids), ("state", "=", "open")])
        ):
            promises.setdefault(promise.move_id.id, promise)
        plans = {}
        for plan in (
            self.env["account.dunning.payment.plan"]
            .sudo()
            .search([("move_ids", "in", moves.ids), ("state", "=", "open")])
        ):
            for move_id in plan.move_ids.ids:
                plans.setdefault(move_id, plan)
        return {
            values[0]: MoveRow(*values, promises.get(values[0]), plans.get(values[0]))
            for values in self.env.execute_query(query)
        }

    @api.model
    def _payment_plan(self, plan, customer):
        """The running payment ``plan`` (a record, or None) as the engine sees it, read
        once per customer (``customer``: its facts)."""
        if not plan:
            return None
        known = customer.setdefault("payment_plans", {})
        if plan.id not in known:
            known[plan.id] = plan._engine_plan()
        return known[plan.id]

    @api.model
    def _has_email(self, scope, move, customer, row):
        """Whether a reminder of ``move`` (``row``: its :class:`MoveRow`) at ``scope``
        has someone to write to; asked once per customer (``customer``: its facts),
        scope and invoice contact."""
        known = customer.setdefault("has_email", {})
        key = (scope, row.partner_id if scope == "invoice" else None)
        if key not in known:
            Partner = self.env["res.partner"]
            contact = Partner.browse(row.partner_id) if scope == "invoice" else None
            known[key] = bool(self._recipients(Partner.browse(row.commercial_partner_id), contact))
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
        """The receivable lines of ``moves`` (their installments) as :class:`TermRow` s,
        by move id, in line order: one query for the few columns :meth:`_amount_due`
        needs."""
        terms = defaultdict(list)
        if not moves.ids:
            return terms
        Line = self.env["account.move.line"].sudo()
        Line.flush_model(["move_id", *TermRow._fields])
        query = Line._search(
            [
                ("move_id", "in", moves.ids),
                ("account_id.account_type", "=", "asset_receivable"),
            ],
            order="id",
        )
        columns = ("move_id", *TermRow._fields)
        for move_id, *values in self.env.execute_query(
            query.select(*(SQL.identifier(Line._table, column) for column in columns))
        ):
            terms[move_id].append(TermRow(*values))
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
        rows = self._rows(moves)
        stats = self._action_stats(moves, today)
        customers = self._customer_stats(moves)
        terms = self._receivable_terms(moves)
        partners = self.env["res.partner"].browse(
            {row.commercial_partner_id for row in rows.values()} - {None}
        )
        partners.mapped("dunning_pause_until")  # the customers' pauses
        partners.child_ids.mapped("email_normalized")  # and their contacts
        Plan = self.env["account.dunning.plan"]
        engine_plans = {}
        companies = {}

        def engine_plan(plan, calendar):
            if plan not in engine_plans:
                engine_plans[plan] = (
                    self.env["account.dunning.policy"]._plan(plan, calendar) if plan else None
                )
            return engine_plans[plan]

        def invoice(move, plan, facts_of):
            return self._invoice(move, today, stats, plan, facts_of, terms[move.id], rows[move.id])

        groups = defaultdict(list)
        for move in moves:
            row = rows[move.id]
            groups[row.company_id, row.commercial_partner_id].append(move)
        for (company_id, partner_id), group in groups.items():
            company = self.env["res.company"].browse(company_id)
            partner = partners.browse(partner_id).with_prefetch(partners._prefetch_ids)
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
            facts_of = customers[(partner_id, company_id)]
            entries = [move for move in group if rows[move.id].move_type == "entry"]
            for entry in entries:
                yield (
                    (partner, {None: Plan}),
                    Customer(policy=policy, own=((None, invoice(entry, Plan, facts_of)),)),
                )
            own, covered = [], []
            for move in group:
                if rows[move.id].move_type != "entry":
                    (own if rows[move.id].dunning_plan_id else covered).append(move)
            if not own and not covered:
                continue
            plan = Plan
            if covered:
                plan = Plan._customer_plan(partner.with_company(company), default, rules)
            records = {None: Plan, plan.id or None: plan}
            own_plans = []
            for move in own:
                plan_id = rows[move.id].dunning_plan_id
                if plan_id not in records:
                    records[plan_id] = Plan.browse(plan_id)
                own_plans.append(records[plan_id])
            yield (
                (partner, records),
                Customer(
                    policy=policy,
                    own=tuple(
                        (engine_plan(own_plan, calendar), invoice(move, own_plan, facts_of))
                        for move, own_plan in zip(own, own_plans, strict=True)
                    ),
                    plan=engine_plan(plan, calendar),
                    covered=tuple(invoice(move, plan, facts_of) for move in covered),
                    paused=partner.dunning_paused,
                    pause_until=partner.dunning_pause_until or None,
                    key=(partner.id, company.id),
                ),
            )
