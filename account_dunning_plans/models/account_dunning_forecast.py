# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

from ..engine import Decision, forecast_events
from ..engine import reasons as r
from ..engine.payment_plan import courtesy_forecast
from ..tools.wording import labels


class AccountDunningForecast(models.AbstractModel):
    """What the nightly job will do, with no side effect at all: the simulation screen,
    the periodic report (in stand-by) and ``odoo-bin dunning simulate`` read it.

    The very same facts (``account.dunning.facts``) and decisions (the engine's
    ``forecast_events``) as the job, assuming nothing is paid and nobody acts meanwhile.
    """

    _name = "account.dunning.forecast"
    _description = "Dunning forecast"

    @api.model
    def _simulate(self, day=None, days=1, companies=None, assume_enabled=False):
        """What the nightly job would do from ``day`` (default: each company's today)
        for ``days`` days, with no mail, no action and no write. With
        ``assume_enabled``, companies in stand-by are simulated as if dunning were
        enabled.

        Returns one row (a dict, see :meth:`_row`) per communication or to-do due on
        each day, and on the first day one row per receivable that gets nothing, with
        the reason.
        """
        Facts = self.env["account.dunning.facts"]
        companies = companies or self.env.companies
        Move = self.env["account.move"]
        rows = []
        words = labels(self.env)
        memo = {}  # what rows repeat, read once (see _row)
        steps = {}  # each plan's steps, read once
        for company in companies:
            start = day or company._dunning_today()
            # Only what the rows show: the facts read the rest by query.
            moves = Move.search_fetch(
                Facts._open_domain() + [("company_id", "=", company.id)],
                ["name", "company_id", "currency_id", "partner_id"],
                order="id",
            )
            by_id = {move.id: move for move in moves}
            for (partner, plans), customer in Facts._customers(moves, start, assume_enabled):
                # The amounts due the facts computed, as of the start (nothing paid).
                amounts = {
                    invoice.key: invoice.amount_residual
                    for invoice in (*(inv for _plan, inv in customer.own), *customer.covered)
                }
                for current, statuses, actions in forecast_events(customer, start, days):
                    for action in actions:
                        plan = plans[action.plan_key]
                        if plan not in steps:
                            steps[plan] = plan.step_ids
                        invoices = moves.browse(action.keys).with_prefetch(moves._prefetch_ids)
                        rows.append(
                            self._row(
                                current,
                                partner,
                                invoices,
                                plan,
                                action.decision,
                                words,
                                step=steps[plan][action.decision.step_index],
                                scope=action.scope,
                                amounts=amounts,
                                memo=memo,
                            )
                        )
                    if current != start:
                        continue
                    for key, (plan, decision) in statuses.items():
                        if not decision.acts:
                            rows.append(
                                self._row(
                                    current,
                                    partner,
                                    by_id[key],
                                    plans[plan.key if plan else None],
                                    decision,
                                    words,
                                    amounts=amounts,
                                    memo=memo,
                                )
                            )
            if assume_enabled or company.dunning_enabled:
                rows += self._courtesy_rows(company, start, days, words, memo)
        return sorted(rows, key=lambda row: (row["date"], row["customer"], not row["acts"]))

    @api.model
    def _courtesy_rows(self, company, start, days, words, memo):
        """The rows of the courtesy reminders of ``company``'s running payment plans
        from ``start`` for ``days`` days (:func:`..engine.payment_plan.courtesy_forecast`)."""
        rows = []
        plans = self.env["account.dunning.payment.plan"].search(
            [("state", "=", "open"), ("company_id", "=", company.id)]
        )
        for plan in plans:
            installments = plan._installments()
            for day, index in courtesy_forecast(plan._engine_plan(), start, days):
                installment = installments[index]
                row = self._row(
                    day,
                    plan.partner_id,
                    plan.move_ids,
                    self.env["account.dunning.plan"],
                    Decision(r.SEND, r.INSTALLMENT_DUE),
                    words,
                )
                if ("courtesy", plan.partner_id.id) not in memo:
                    recipients = self.env["account.dunning.facts"]._recipients(plan.partner_id)
                    memo["courtesy", plan.partner_id.id] = ", ".join(
                        filter(None, recipients.mapped("email"))
                    )
                row.update(
                    plan=plan.display_name,
                    step=installment.display_name,
                    channel="email",
                    channel_label=words[1]["email"],
                    recipient=memo["courtesy", plan.partner_id.id],
                    amount=installment.amount,
                    currency=plan.currency_id.name,
                    currency_id=plan.currency_id.id,
                )
                rows.append(row)
        return rows

    @api.model
    def _row(
        self,
        day,
        partner,
        invoices,
        plan,
        decision,
        words=None,
        step=None,
        scope=None,
        amounts=None,
        memo=None,
    ):
        """One simulation (or command line run) row: the ``decision`` taken on ``day``
        for ``invoices`` of ``partner`` under ``plan``; ``step`` and ``scope`` when it
        acts. ``words``: :func:`..tools.wording.labels`, when already known;
        ``amounts``: the invoices' amounts due by id, when already known; ``memo``: a
        dict remembering across rows what they repeat (names, recipients' addresses),
        read once each."""
        reasons, channels = words or labels(self.env)
        memo = {} if memo is None else memo
        ids = invoices.ids
        known = [self._row_invoice(invoices, move_id, memo) for move_id in ids]
        currencies = {currency for _name, _company, currency in known}
        currency = next(iter(currencies)) if len(currencies) == 1 else None
        contact = invoices[:1].partner_id.id if scope == "invoice" else None
        if step and (scope, partner.id, contact) not in memo:
            recipients = self.env["account.dunning.facts"]._action_recipients(
                scope, invoices, partner
            )
            memo[scope, partner.id, contact] = ", ".join(filter(None, recipients.mapped("email")))
        if ("partner", partner.id) not in memo:
            memo["partner", partner.id] = partner.display_name
        if ("plan", plan.id) not in memo:
            memo["plan", plan.id] = plan.name or ""
        if step and ("step", step.id) not in memo:
            memo["step", step.id] = (step.name, step.channel)
        step_name, channel = memo["step", step.id] if step else ("", "")
        return {
            "date": day,
            "company": known[0][1] if known else False,
            "customer": memo["partner", partner.id],
            "partner_id": partner.id,
            "invoices": [name for name, _company, _currency in known],
            "plan": memo["plan", plan.id],
            "step": step_name,
            "channel": channel,
            "channel_label": channels[channel] if step else "",
            "level": decision.level,
            "acts": decision.acts,
            "outcome": decision.outcome,
            "reason": decision.reason,
            "reason_label": reasons.get(decision.reason, decision.reason),
            "recipient": memo[scope, partner.id, contact] if step else "",
            "amount": (
                sum(
                    amounts[move_id]
                    if amounts and move_id in amounts
                    else invoices.browse(move_id).dunning_amount_due
                    for move_id in ids
                )
                if currency
                else None
            ),
            "currency": currency[1] if currency else "",
            "currency_id": currency[0] if currency else False,
            "next_date": decision.next_date,
        }

    @api.model
    def _row_invoice(self, invoices, move_id, memo):
        """``(name, company name, (currency id, currency name))`` of the invoice
        ``move_id`` of ``invoices``, read once per run (``memo``: see :meth:`_row`)."""
        key = ("move", move_id)
        if key not in memo:
            move = invoices.browse(move_id)
            company, currency = move.company_id, move.currency_id
            if ("company", company.id) not in memo:
                memo["company", company.id] = company.name
            if ("currency", currency.id) not in memo:
                memo["currency", currency.id] = (currency.id, currency.name)
            memo[key] = (move.name, memo["company", company.id], memo["currency", currency.id])
        return memo[key]
