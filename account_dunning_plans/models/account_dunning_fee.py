# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import Command, api, models
from odoo.tools import float_is_zero

from ..tools.wording import legal_basis


class AccountDunningFee(models.AbstractModel):
    """Recovery costs posted as customer invoices ("Posted as a fee invoice" on a step
    that claims them): once per reminded invoice, never twice, reversed when the
    reminder that claimed them fails for good.

    The amount is what the law allows (``account.move.dunning_fee_amount``) on the
    action's day. The fee invoice has no tax (the flat indemnity is damages, not a
    supply: Code de commerce D441-5, BGB § 288 (5)), is due at once, lands in the
    customer's receivable like any invoice, and claims no fee itself."""

    _name = "account.dunning.fee"
    _description = "Dunning recovery costs"

    @api.model
    def _post_fees(self, actions):
        """Post the fee invoices of ``actions`` (done actions; those whose step does not
        post its recovery costs are left out). One invoice per action and currency,
        one line per reminded invoice that has none yet."""
        posting = actions.step_id.filtered(
            lambda step: step.charge_fee and step.fee_posting == "invoice"
        )
        if not posting:
            return  # the usual night: no step posts its costs
        actions = actions.filtered(
            lambda action: action.state == "done"
            and not action.fee_move_id
            and action.step_id in posting
        )
        for action in actions:
            lines = defaultdict(list)
            for move in action.move_ids.with_context(dunning_date=str(action.date)):
                if move.dunning_is_fee or move._dunning_posted_fees():
                    continue
                amount = move.dunning_fee_amount
                if float_is_zero(amount, precision_rounding=move.currency_id.rounding):
                    continue
                lines[move.currency_id].append((move, amount))
            for currency, currency_lines in lines.items():
                fee = self._fee_invoice(action, currency, currency_lines)
                action.fee_move_id = fee
                for move, _amount in currency_lines:
                    move.sudo().dunning_fee_move_ids = [Command.link(fee.id)]

    @api.model
    def _fee_invoice(self, action, currency, lines):
        """The posted fee invoice of ``action`` in ``currency`` for ``lines``
        (``[(invoice, amount)]``)."""
        company = action.company_id
        product = company.dunning_fee_product_id or self.env.ref(
            "account_dunning_plans.product_dunning_recovery_costs"
        )
        country = company.account_fiscal_country_id or company.country_id
        basis = legal_basis(self.env, country.code)
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
                    "invoice_origin": ", ".join(move.name for move, _amount in lines),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "name": self.env._(
                                    "Recovery costs of %(invoice)s (%(basis)s)",
                                    invoice=move.name,
                                    basis=basis or "",
                                ),
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                        for move, amount in lines
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
