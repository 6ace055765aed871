# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import namedtuple
from dataclasses import replace

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..engine import Decision, decide_day, manual_send, manual_statement
from ..engine import reasons as r
from ..tools.action_due import ActionDue
from ..tools.wording import labels

_logger = logging.getLogger(__name__)

# A customer's statement sent by hand (see AccountDunningRun._manual_statement):
# ``today`` (the company's), ``statuses`` (``[(move, plan, decision)]``), ``dues``
# (the ActionDue of each e-mail step it executes) and ``holds`` (reason codes).
ManualStatement = namedtuple("ManualStatement", "today statuses dues holds")

# First key of the per-company advisory lock of dunning runs ("DUNN").
RUN_LOCK = 0x44554E4E


class AccountDunningRun(models.AbstractModel):
    """The dunning job: the nightly run, its batches and progress, the command line
    run, and a reminder sent by hand.

    It reads the facts (``account.dunning.facts``), asks the engine, and hands the
    decisions to ``account.dunning.dispatch``. Calls go one way: facts, engine,
    dispatch; nothing here is called back by them.
    """

    _name = "account.dunning.run"
    _description = "Dunning run"

    # == Nightly job ==
    @api.model
    def _cron_process_dunning(self, batch_size=500):
        """Nightly entry point: run the dunning job for today, every company."""
        return self._run(batch_size=batch_size)

    @api.model
    def _run(self, date=None, batch_size=500):
        """Run the dunning job for ``date`` (default: each company's today) on every
        company (those of context key ``dunning_company_ids``, if given).

        Works by batches of customers (those of up to ``batch_size`` receivables still
        to check, with all their open invoices) and reports progress to the cron
        runner; inside a cron run it returns after one batch (the runner commits and
        calls again), otherwise it processes everything. Returns the statuses as
        ``[(move, plan, decision)]``.
        """
        Move = self.env["account.move"]
        # Odoo's cron runner calls again while work remains (and commits in between);
        # "Run manually", the command line and code do the whole day at once.
        in_cron = bool(
            self.env.context.get("ir_cron_progress_id") and self.env.context.get("cron_id")
        )
        todays = self._lock(self._todays(date), quiet=in_cron)
        if not todays:
            return []
        # People's decisions first: pauses that ended, promises kept or broken.
        self._settle_people(todays)
        domain = self._get_domain(todays)
        results = []
        remaining = 0
        while True:
            batch = Move.search(domain, limit=batch_size, order="id")
            if not batch:
                break
            statuses = self._run_customers(batch, todays)
            results += statuses
            remaining = Move.search_count(domain)
            self.env["ir.cron"]._notify_progress(done=len(statuses), remaining=remaining)
            if in_cron:
                break
        if not remaining:
            self._finish_day(todays)
        return results

    @api.model
    def _run_customers(self, pending, todays):
        """The run's unit of work: decide and dispatch, on their company's today
        (``todays``: ``{company: date}``), the receivables ``pending`` with every open
        invoice of their customers in those companies (the customer level groups them
        and the contact delay spans both levels). The caller holds the companies' run
        lock. Returns the statuses as ``[(move, plan, decision)]``."""
        moves = self._with_customers_invoices(pending, todays)
        results = []
        for company, company_moves in moves.grouped("company_id").items():
            today = todays.get(company) or company._dunning_today()
            statuses, dues = self._decide(company_moves, today)
            self.env["account.dunning.dispatch"]._execute(
                statuses,
                dues,
                today,
                details=self.env["account.dunning.explanation"]._reason_details(statuses),
            )
            results += statuses
        return results

    @api.model
    def _with_customers_invoices(self, moves, todays):
        """``moves`` with every open invoice of their customers in the companies of
        ``todays``: what the engine needs to decide for them."""
        return moves | self.env["account.move"].search(
            self.env["account.dunning.facts"]._open_domain()
            + [
                ("commercial_partner_id", "in", moves.commercial_partner_id.ids),
                ("company_id", "in", [company.id for company in todays]),
            ],
            order="id",
        )

    @api.model
    def _refresh_status(self, moves):
        """Status that is true now: the reason, its detail and the next reminder date
        of ``moves`` and of their customers' other open invoices, decided again by the
        engine as of each company's today, right after a change that moves them (a
        plan, a pause, a promise, a dispute, a block, a payment, a level).

        Nothing is sent nor recorded, and the nightly job still checks them (their
        checked date is left alone). A step due now shows today as its date."""
        if not moves or self.env.context.get("dunning_no_refresh"):
            return
        run = self.sudo()  # the other invoices of the customer, whoever changed one
        run.env.flush_all()  # the facts read some of it in SQL
        moves = run.env["account.move"].browse(moves.ids)
        # Posted customer invoices (even paid: their status is cleared), and the
        # entries the job looks at (opening balances).
        moves = moves.filtered(
            lambda move: move.state == "posted" and move.move_type == "out_invoice"
        ) | moves.filtered_domain(run.env["account.dunning.facts"]._open_domain())
        if not moves:
            return
        todays = {company: company._dunning_today() for company in moves.company_id}
        Explanation = run.env["account.dunning.explanation"]
        move_vals = {}
        everything = run._with_customers_invoices(moves, todays)
        for company, company_moves in everything.grouped("company_id").items():
            today = todays[company]
            statuses, _dues = run._decide(company_moves, today)
            details = Explanation._reason_details(statuses)
            for move, _plan, decision in statuses:
                move_vals[move] = {
                    "dunning_reason": decision.reason,
                    "dunning_reason_detail": details.get(move.id, False),
                    "dunning_next_date": today if decision.acts else decision.next_date or False,
                }
        changed = {
            move: vals
            for move, vals in move_vals.items()
            if any(move[name] != value for name, value in vals.items())
        }
        run.env["account.move"]._dunning_write(changed)
        # A payment may clear a customer's last overdue invoice: its credit hold goes.
        run.env["account.dunning.credit.hold"]._release(moves.commercial_partner_id)

    @api.model
    def _finish_day(self, todays):
        """The day of each company of ``todays`` is complete: send the periodic
        reports that are due, which can now tell about it."""
        for company, today in todays.items():
            self.env["account.dunning.report"]._send_due_reports(today, company)
        # Holds whose last overdue invoice went without a payment (a credit note, ...).
        self.env["account.dunning.credit.hold"]._release(
            self.env["res.partner"].sudo().search([("dunning_credit_hold", "=", True)])
        )

    @api.model
    def _lock(self, todays, quiet=False, shared=False):
        """``todays`` without the companies another run is working on: each company is
        locked (a PostgreSQL advisory lock, released when this transaction ends). A
        whole run takes it exclusively; a part of a run (``shared``, e.g. one batch of
        customers run as a job) shares it with the other parts, never with a whole
        run. When every company is taken: an empty dict if ``quiet`` (a cron run: the
        other run does the work), else a clear error."""
        free = {}
        for company, today in todays.items():
            if shared:
                self.env.cr.execute(
                    "SELECT pg_try_advisory_xact_lock_shared(%s, %s)", (RUN_LOCK, company.id)
                )
            else:
                self.env.cr.execute(
                    "SELECT pg_try_advisory_xact_lock(%s, %s)", (RUN_LOCK, company.id)
                )
            if self.env.cr.fetchone()[0]:
                free[company] = today
            else:
                _logger.info("Dunning: a run is already in progress for %s", company.name)
        if todays and not free and not quiet:
            raise UserError(
                self.env._(
                    "A dunning run is already in progress for %(companies)s: try again "
                    "when it is over.",
                    companies=", ".join(company.name for company in todays),
                )
            )
        return free

    @api.model
    def _todays(self, date=None):
        """``{company: today}`` of the companies the run covers: ``date``, else each
        company's own today (:meth:`res.company._dunning_today`)."""
        company_ids = self.env.context.get("dunning_company_ids")
        companies = (
            self.env["res.company"].browse(company_ids)
            if company_ids
            else self.env["res.company"].sudo().search([])
        )
        return {company: date or company._dunning_today() for company in companies}

    @api.model
    def _settle_people(self, todays):
        """End the pauses that reached their end date, close the promises and payment
        plans whose outcome is known, and send the payment plans' courtesy reminders,
        before anything is decided."""
        first = min(todays.values(), default=fields.Date.context_today(self))
        # The run decides their status next: no refresh of it on the way.
        self = self.with_context(dunning_no_refresh=True)
        for model in ("account.move", "res.partner"):
            self.env[model]._dunning_resume_expired(first)
        promises = self.env["account.dunning.promise"].search([("state", "=", "open")])
        for company, company_promises in promises.grouped("company_id").items():
            company_promises._evaluate(todays.get(company) or first)
        self.env["account.dunning.payment.plan"]._settle(todays)

    @api.model
    def _get_domain(self, todays):
        """Receivables the job still has to look at: not checked yet on their
        company's today (``todays``: ``{company: date}``)."""
        by_day = {}
        for company, today in todays.items():
            by_day.setdefault(today, []).append(company.id)
        pending = []
        for today, company_ids in by_day.items():
            if pending:
                pending.insert(0, "|")
            pending += [
                "&",
                ("company_id", "in", company_ids),
                "|",
                ("dunning_checked_date", "=", False),
                ("dunning_checked_date", "<", today),
            ]
        return self.env["account.dunning.facts"]._open_domain() + (pending or [("id", "=", False)])

    @api.model
    def _decide(self, moves, today):
        """Decide for ``moves`` (one company's) on ``today``, customer by customer.

        ``moves`` should hold every open invoice of its customers: the customer level
        groups them and the contact delay spans both levels. Returns ``(statuses,
        dues)``: ``[(move, plan, decision)]`` for every receivable (``plan`` is the
        invoice-level or customer-level plan deciding it), and the
        :class:`..tools.action_due.ActionDue` s (communications and to-dos) due today.
        """
        statuses, dues = [], []
        by_id = {move.id: move for move in moves}  # records sharing the batch's prefetch
        for (partner, plans), customer in self.env["account.dunning.facts"]._customers(
            moves, today
        ):
            try:
                day_statuses, day_actions = decide_day(customer, today)
            except Exception:  # noqa: BLE001 - one customer's fault stays with it
                _logger.warning(
                    "Dunning: nothing could be decided for %s", partner.display_name, exc_info=True
                )
                failed = Decision(r.SKIP, r.DECISION_FAILED)
                keys = [invoice.key for _plan, invoice in customer.own]
                keys += [invoice.key for invoice in customer.covered]
                statuses += [(by_id[key], plans[None], failed) for key in keys]
                continue
            statuses += [
                (by_id[key], plans[plan.key if plan else None], decision)
                for key, (plan, decision) in day_statuses.items()
            ]
            dues += [
                ActionDue(
                    partner,
                    plans[action.plan_key],
                    action.decision,
                    moves.browse(action.keys).with_prefetch(moves._prefetch_ids),
                    action.own_levels,
                    action.scope,
                )
                for action in day_actions
            ]
        return statuses, dues

    @api.model
    def _cli_run(self, day, companies):
        """Run the job for ``companies`` on ``day``; rows like the simulation's, for
        what was done (mails, to-dos) and, per receivable, why nothing was."""
        Forecast = self.env["account.dunning.forecast"]
        results = self.with_context(dunning_company_ids=companies.ids)._run(date=day)
        rows = []
        for move, plan, decision in results:
            if move.company_id not in companies:
                continue
            step = plan.step_ids[decision.step_index] if plan and decision.acts else None
            rows.append(
                Forecast._row(
                    day or move.company_id._dunning_today(),
                    move.commercial_partner_id,
                    move,
                    plan,
                    decision,
                    step=step,
                    scope=plan.scope if step else None,
                )
            )
        return rows

    # == Reminder sent by hand ==
    @api.model
    def _manual_check(self, move, test=False):
        """``(plan, ManualSend)``: what a reminder of ``move`` sent by hand now would do
        (:func:`..engine.manual.manual_send`). A clear error when nothing can be sent;
        with ``test`` (a test to oneself), a step already executed today may be sent."""
        if move.move_type != "out_invoice" or move.state != "posted":
            raise UserError(self.env._("Only posted customer invoices can be reminded."))
        plan = move.dunning_plan_id
        if not plan and move.dunning_customer_plan_id:
            raise UserError(
                self.env._(
                    "This invoice is reminded with the other invoices of %(customer)s by "
                    "the customer-level plan %(plan)s.",
                    customer=move.commercial_partner_id.display_name,
                    plan=move.dunning_customer_plan_id.display_name,
                )
            )
        Facts = self.env["account.dunning.facts"]
        Policy = self.env["account.dunning.policy"]
        company = move.company_id
        today = company._dunning_today()
        customer = Facts._customer_stats(move)[(move.commercial_partner_id.id, company.id)]
        facts = Facts._invoice(move, today, Facts._action_stats(move, today), plan, customer)
        answer = manual_send(
            Policy._plan(plan) if plan else None, facts, Policy._policy(company), today
        )
        if answer.refusal and not (test and answer.refusal == r.STEP_DONE_TODAY):
            raise UserError(self._refusal_message(plan, answer))
        return plan, answer

    @api.model
    def _refusal_message(self, plan, answer):
        """Why nothing can be sent by hand (``answer``: a refused ManualSend)."""
        refusals = {
            r.PAID: self.env._("This invoice is paid or in payment."),
            r.IN_PAYMENT: self.env._("This invoice is paid or in payment."),
            r.IN_COLLECTION: self.env._("This invoice was handed over for collection."),
            r.OPENING_BALANCE: self.env._("Only posted customer invoices can be reminded."),
            r.NO_PLAN: self.env._("This invoice has no dunning plan with steps."),
            r.PLAN_ARCHIVED: self.env._("The dunning plan of this invoice is archived."),
            r.PLAN_COMPLETED: self.env._("Every step of the plan was already executed."),
            r.STEP_DONE_TODAY: self.env._(
                "Step '%(step)s' was already executed for this invoice today.",
                step=plan.step_ids[answer.step_index].name if answer.step_index is not None else "",
            ),
        }
        return refusals[answer.refusal]

    @api.model
    def _check_confirmed(self, holds, confirmed):
        """A clear error unless a person confirmed each of ``holds``."""
        missing = [hold for hold in holds if hold not in confirmed]
        if missing:
            reasons = labels(self.env)[0]
            raise UserError(
                self.env._(
                    "Not sent: confirm first that it goes out despite: %(holds)s.",
                    holds="; ".join(reasons.get(hold, hold) for hold in missing),
                )
            )

    @api.model
    def _manual_send(self, move, confirmed=()):
        """``(plan, answer, step)`` of ``move``'s next step sent by hand now, once
        checked: every hold of :meth:`_manual_check` is in ``confirmed`` (reason codes
        a person confirmed), and an e-mail step has someone to write to. A clear
        error otherwise."""
        plan, answer = self._manual_check(move)
        self._check_confirmed(answer.holds, confirmed)
        step = plan.step_ids[answer.step_index]
        recipients = self.env["account.dunning.facts"]._recipients(
            move.commercial_partner_id, move.partner_id
        )
        if step.channel == "email" and not recipients:
            raise UserError(
                self.env._("%(customer)s has no e-mail address.", customer=move.partner_id.name)
            )
        return plan, answer, step

    @api.model
    def _send_now(self, move, confirmed=(), composed=None):
        """Execute ``move``'s next step now, to the customer, whatever its date: a
        reminder sent by hand, checked by :meth:`_manual_send`. ``composed``: the
        message a person wrote in the mail composer for an e-mail step, recorded as
        that step's mail (else the step's template is sent)."""
        self._lock({move.company_id: None})
        plan, answer, step = self._manual_send(move, confirmed)
        outcome = r.SEND if step.channel == "email" else r.TODO
        reason = r.BROKEN_PROMISE if step.broken_promise else r.STEP_DUE
        decision = Decision(
            outcome, reason, answer.step_index, answer.level, restart=answer.restart
        )
        due = ActionDue(move.commercial_partner_id, plan, decision, move, {}, "invoice")
        today = move.company_id._dunning_today()
        self.env["account.dunning.dispatch"]._execute(
            [(move, plan, decision)],
            [due],
            today,
            origin="manual",
            holds=answer.holds,
            composed=composed,
        )

    # == A customer's statement sent by hand ==
    @api.model
    def _manual_statement(self, partner, company, confirmed=None):
        """What sending ``partner``'s statement by e-mail now does
        (:func:`..engine.manual.manual_statement`): a :class:`ManualStatement` of the
        e-mail steps to execute (the customer-level plan's, each own plan's), the
        invoices' statuses and every hold. A clear error when nothing can be sent by
        e-mail, or, with ``confirmed`` (reason codes a person confirmed), while a hold
        is not confirmed or nobody has an e-mail address."""
        Facts = self.env["account.dunning.facts"]
        partner = partner.commercial_partner_id
        moves = Facts._customer_open_moves(partner, company)
        today = company._dunning_today()
        statuses, dues, holds, refusals, others = [], [], [], [], []
        for (_partner, plans), customer in Facts._customers(moves, today):
            actions, refused = manual_statement(customer, today)
            refusals += refused.values()
            for action in actions:
                plan = plans[action.plan_key]
                step = plan.step_ids[action.answer.step_index]
                if step.channel != "email":
                    others.append(step)
                    continue
                reason = r.BROKEN_PROMISE if step.broken_promise else r.STEP_DUE
                decision = Decision(r.SEND, reason, action.answer.step_index, action.answer.level)
                records = moves.browse(action.keys)
                dues.append(
                    ActionDue(partner, plan, decision, records, action.own_levels, action.scope)
                )
                statuses += [
                    (move, plan, replace(decision, restart=move.id in action.restarts))
                    for move in records
                ]
                holds += action.answer.holds
        if not dues:
            raise UserError(self._nothing_to_send(partner, moves, refusals, others))
        holds = tuple(dict.fromkeys(holds))
        if confirmed is not None:
            self._check_confirmed(holds, confirmed)
            if not Facts._recipients(partner):
                raise UserError(
                    self.env._("%(customer)s has no e-mail address.", customer=partner.name)
                )
        return ManualStatement(today, statuses, dues, holds)

    @api.model
    def _nothing_to_send(self, partner, moves, refusals, others):
        """Why a statement sent by hand to ``partner`` would hold nothing."""
        if not moves:
            return self.env._("%(customer)s has no open invoice.", customer=partner.name)
        if others:
            return self.env._(
                "The next reminders of %(customer)s are letters or manual tasks "
                "(%(steps)s): print or mark them done from the statement.",
                customer=partner.name,
                steps=", ".join(dict.fromkeys(step.name for step in others)),
            )
        reasons = labels(self.env)[0]
        return self.env._(
            "Nothing can be sent to %(customer)s: %(reasons)s.",
            customer=partner.name,
            reasons="; ".join(dict.fromkeys(reasons.get(reason, reason) for reason in refusals)),
        )

    @api.model
    def _send_statement_now(self, partner, company, confirmed=(), composed=None):
        """Execute ``partner``'s statement sent by hand (:meth:`_manual_statement`),
        recorded as the e-mail of every step it executes: ``composed``, the message a
        person wrote in the mail composer (else the steps' templates are sent, as
        one statement)."""
        self._lock({company: None})
        sends = self._manual_statement(partner, company, confirmed)
        self.env["account.dunning.dispatch"]._execute(
            sends.statuses,
            sends.dues,
            sends.today,
            origin="manual",
            holds=sends.holds,
            composed=composed,
        )
        self._refresh_status(self.env["account.move"].union(*(due.moves for due in sends.dues)))

    @api.model
    def _send_test(self, move):
        """Queue the mail of ``move``'s next step for the current user only; nothing
        is recorded. Returns the step."""
        plan, answer = self._manual_check(move, test=True)
        step = plan.step_ids[answer.step_index]
        template = step._dunning_template(move)
        if not template:
            raise UserError(self.env._("The next step of this invoice sends no e-mail."))
        if not self.env.user.email:
            raise UserError(self.env._("Set an e-mail address on your user to receive tests."))
        values = template._generate_template(
            [move.id], ("subject", "body_html", "email_from", "reply_to")
        )[move.id]
        self.env["mail.mail"].sudo().create(
            {
                "subject": self.env._("[Test] %(subject)s", subject=values.get("subject") or ""),
                "body_html": values.get("body_html"),
                "email_from": values.get("email_from") or self.env.user.email_formatted,
                "email_to": self.env.user.email_formatted,
                "auto_delete": True,
            }
        )
        return step
