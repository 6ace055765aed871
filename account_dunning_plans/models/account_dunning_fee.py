# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import Command, api, models
from odoo.tools import float_is_zero, format_date

from ..tools.wording import legal_basis


class AccountDunningFee(models.AbstractModel):
    """Recovery costs and late interest posted as customer invoices ("Posted as ...
    invoice" on a step that claims them): one invoice per action and currency.

    Recovery costs: once per reminded invoice, never twice, at what the law allows
    (``account.move.dunning_fee_amount``) on the action's day. Late interest: what
    accrued up to the action's day (``dunning_interest_amount``) less what earlier
    reminders invoiced, each line linked to its invoice (``dunning_interest_move_id``).
    Both are reversed when the reminder that claimed them fails for good.

    The invoice has no tax (the flat indemnity is damages, not a supply: Code de
    commerce D441-5, BGB § 288 (5); interest for late payment is no consideration of a
    supply either: Court of Justice, 1 July 1982, BAZ Bausystem, C-222/81), is due at
    once, lands in the customer's receivable like any invoice, and claims nothing
    itself."""

    _name = "account.dunning.fee"
    _description = "Dunning recovery costs"

    @api.model
    def _post_fees(self, actions):
        """Post the invoices of the costs and interest of ``actions`` (done actions;
        those whose step posts neither are left out). One invoice per action and
        currency, one line per reminded invoice and claim."""
        posting = actions.step_id.filtered(lambda step: self._posts(step))
        if not posting:
            return  # the usual night: no step posts its claims
        actions = actions.filtered(
            lambda action: action.state == "done"
            and not action.fee_move_id
            and action.step_id in posting
        )
        for action in actions:
            costs, interest = self._posts(action.step_id)
            lines = defaultdict(list)
            for move in action.move_ids.with_context(dunning_date=str(action.date)):
                if move.dunning_is_fee:
                    continue
                rounding = move.currency_id.rounding
                if costs and not move._dunning_posted_fees():
                    amount = move.dunning_fee_amount
                    if not float_is_zero(amount, precision_rounding=rounding):
                        lines[move.currency_id].append((move, "costs", amount))
                if interest:
                    amount = move._dunning_interest_to_claim()
                    if not float_is_zero(amount, precision_rounding=rounding):
                        lines[move.currency_id].append((move, "interest", amount))
            for currency, currency_lines in lines.items():
                fee = self._fee_invoice(action, currency, currency_lines)
                action.fee_move_id = fee
                for move, kind, _amount in currency_lines:
                    if kind == "costs":
                        move.sudo().dunning_fee_move_ids = [Command.link(fee.id)]

    @api.model
    def _posts(self, step):
        """``(costs, interest)``: which claims ``step`` posts as invoices."""
        return (
            step.charge_fee and step.fee_posting == "invoice",
            step.charge_interest and step.interest_posting == "invoice",
        )

    @api.model
    def _fee_invoice(self, action, currency, lines):
        """The posted invoice of ``action`` in ``currency`` for ``lines``
        (``[(invoice, "costs" or "interest", amount)]``)."""
        company = action.company_id
        products = {
            "costs": company.dunning_fee_product_id
            or self.env.ref("account_dunning_plans.product_dunning_recovery_costs"),
            "interest": company.dunning_interest_product_id
            or self.env.ref("account_dunning_plans.product_dunning_late_interest"),
        }
        country = company.account_fiscal_country_id or company.country_id
        basis = legal_basis(self.env, country.code) or ""
        names = {
            "costs": lambda move: self.env._(
                "Recovery costs of %(invoice)s (%(basis)s)", invoice=move.name, basis=basis
            ),
            "interest": lambda move: self.env._(
                "Late interest of %(invoice)s to %(date)s (%(basis)s)",
                invoice=move.name,
                date=format_date(self.env, action.date),
                basis=basis,
            ),
        }
        fee = (
            self.env["account.move"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": action.partner_id.id,
                    "company_id": company.id,
                    "currency_id": currency.id,
                    "invoice_date": action.date,
                    "invoice_date_due": action.date,
                    "invoice_payment_term_id": False,
                    "dunning_is_fee": True,
                    "invoice_origin": ", ".join(dict.fromkeys(move.name for move, *_ in lines)),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": products[kind].id,
                                "name": names[kind](move),
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                                "dunning_interest_move_id": move.id
                                if kind == "interest"
                                else False,
                            }
                        )
                        for move, kind, amount in lines
                    ],
                }
            )
        )
        fee.action_post()
        return fee

    @api.model
    def _reverse_fees(self, actions):
        """The reminders of ``actions`` did not reach the customer: their fee invoices
        are reversed (a credit note matched with each)."""
        fees = actions.fee_move_id.filtered(
            lambda fee: fee.state == "posted" and fee.payment_state != "reversed"
        )
        for fee in fees:
            fee.sudo()._reverse_moves(
                [{"ref": self.env._("Reminder not delivered"), "dunning_is_fee": True}],
                cancel=True,
            )
