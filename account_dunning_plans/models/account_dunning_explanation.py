# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

from ..engine import explain_day
from ..engine import reasons as r
from ..tools.explanation import explanation_lines
from ..tools.wording import labels


class AccountDunningExplanation(models.AbstractModel):
    """ "Why": where an invoice's (or a customer's) dunning stands today and the rule
    that decided it, computed live from the job's own facts and decisions
    (:func:`..engine.explain.explain_day`), worded by :mod:`..tools.explanation`."""

    _name = "account.dunning.explanation"
    _description = "Dunning explanation"

    @api.model
    def _explain(self, moves):
        """Why each posted customer invoice of ``moves`` is where it is today (its
        company's today).

        Returns ``({move id: [sentence]}, {(customer id, company id): [sentence]},
        grouped move ids)``: for every invoice, for each customer-level plan's group,
        and the invoices explained by their group. The same facts as the nightly job
        (the customers' other open invoices included).
        """
        invoices = moves.filtered(
            lambda move: move.move_type == "out_invoice"
            and move.state == "posted"
            and isinstance(move.id, int)
        )
        explained, groups, grouped = {}, {}, set()
        Facts = self.env["account.dunning.facts"]
        reasons = labels(self.env)[0]
        for company, company_invoices in invoices.grouped("company_id").items():
            today = company._dunning_today()
            related = company_invoices | moves.search(
                Facts._open_domain()
                + [
                    ("move_type", "=", "out_invoice"),
                    ("commercial_partner_id", "in", company_invoices.commercial_partner_id.ids),
                    ("company_id", "=", company.id),
                ]
            )
            by_id = {move.id: move for move in related}
            asked = set(company_invoices.ids)
            for (partner, plans), customer in Facts._customers(related, today):
                result, group = explain_day(customer, today)
                details = self._reason_details(
                    [(by_id[key], None, why.decision) for key, why in result.items()]
                )
                customer_plan = plans[customer.plan.key if customer.plan else None]
                if group is not None:
                    reference = by_id[group.reference_key]
                    groups[customer.key] = [
                        self.env._(
                            "Customer-level plan %(plan)s: one communication for the overdue "
                            "invoices of %(customer)s, timed by the reference invoice "
                            "%(reference)s (the oldest due).",
                            plan=customer_plan.name,
                            customer=partner.display_name,
                            reference=reference.name,
                        ),
                        *explanation_lines(
                            self.env, group, customer_plan, reasons, details.get(reference.id)
                        ),
                    ]
                for key, why in result.items():
                    if key not in asked:
                        continue
                    if why.group is not None:
                        explained[key] = [
                            self.env._(
                                "Reminded with the other overdue invoices of %(customer)s.",
                                customer=partner.display_name,
                            ),
                            *groups[customer.key],
                        ]
                        grouped.add(key)
                        continue
                    plan = by_id[key].dunning_plan_id or customer_plan
                    explained[key] = explanation_lines(
                        self.env, why, plan, reasons, details.get(key)
                    )
        return explained, groups, grouped

    @api.model
    def _explain_customer(self, partner, company):
        """Sentences on where ``partner``'s dunning stands today in ``company``: its
        customer-level group, then each open invoice on its own."""
        moves = self.env["account.dunning.facts"]._customer_open_moves(partner, company)
        if not moves:
            return [self.env._("No open invoice to remind.")]
        explained, groups, grouped = self._explain(moves)
        lines = list(groups.get((partner.commercial_partner_id.id, company.id), []))
        for move in moves:
            if move.id in grouped:
                continue
            sentences = explained.get(move.id, [])
            lines.append(
                self.env._(
                    "%(invoice)s: %(status)s", invoice=move.name, status=" ".join(sentences[:3])
                )
            )
        return lines

    # == What a status refers to ==
    @api.model
    def _reason_details(self, statuses):
        """Per move id, what a hold reason refers to (payments named, bank data date),
        and in stand-by the step the job would have executed. ``statuses``:
        ``[(move, plan, decision)]``."""
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
        moves = self.env["account.move"].browse([move.id for move, _decision in held])
        customers = self.env["account.dunning.facts"]._customer_stats(moves)
        bank_dates = {}
        for move, decision in held:
            if decision.reason == r.UNMATCHED_PAYMENTS:
                key = (move.commercial_partner_id.id, move.company_id.id)
                details[move.id] = ", ".join(customers[key]["unmatched"])
            else:
                company = move.company_id
                if company not in bank_dates:
                    bank_dates[company] = self.env["account.dunning.policy"]._bank_data_date(
                        company
                    )
                last = bank_dates[company]
                details[move.id] = (
                    self.env._("Newest bank statement line: %(date)s", date=last)
                    if last
                    else self.env._("No bank statement line")
                )
        return details
