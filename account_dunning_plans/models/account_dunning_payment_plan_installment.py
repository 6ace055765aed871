# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import format_date

from ..engine.payment_plan import MISSED, PAID, TO_PAY, installment_statuses


class AccountDunningPaymentPlanInstallment(models.Model):
    """One installment of a payment plan: an amount to pay by a date."""

    _name = "account.dunning.payment.plan.installment"
    _description = "Payment Plan Installment"
    _order = "date, id"

    payment_plan_id = fields.Many2one(
        "account.dunning.payment.plan", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="payment_plan_id.company_id", store=True)
    currency_id = fields.Many2one(related="payment_plan_id.currency_id")
    date = fields.Date(required=True)
    amount = fields.Monetary(required=True)
    reminder_date = fields.Date(
        string="Courtesy reminder", readonly=True, help="When the customer was reminded of it."
    )
    status = fields.Selection(
        [(PAID, "Paid"), (TO_PAY, "To pay"), (MISSED, "Missed")],
        compute="_compute_status",
    )

    @api.depends("date", "amount")
    def _compute_display_name(self):
        for line in self:
            line.display_name = self.env._(
                "%(amount)s on %(date)s",
                amount=line.currency_id.format(line.amount) if line.currency_id else line.amount,
                date=format_date(self.env, line.date),
            )

    @api.depends("payment_plan_id.amount_paid", "payment_plan_id.state", "date", "amount")
    def _compute_status(self):
        for plan, lines in self.grouped("payment_plan_id").items():
            if plan.state == "draft":
                statuses = []
            else:
                statuses = installment_statuses(plan._engine_plan(), plan.state == "broken")
            position = {line: index for index, line in enumerate(plan._installments())}
            for line in lines:
                index = position.get(line, len(position))
                line.status = statuses[index] if index < len(statuses) else TO_PAY
