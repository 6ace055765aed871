# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AccountDunningPlanStepTemplate(models.Model):
    """The template a step uses for invoices of one payment method (seed 000: one
    layout per language, level and payment method)."""

    _name = "account.dunning.plan.step.template"
    _description = "Dunning step template by payment method"

    step_id = fields.Many2one(
        "account.dunning.plan.step", required=True, ondelete="cascade", index=True
    )
    payment_method_id = fields.Many2one(
        "account.payment.method",
        required=True,
        domain="[('payment_type', '=', 'inbound')]",
    )
    template_model = fields.Char(related="step_id.template_model")
    mail_template_id = fields.Many2one(
        "mail.template", required=True, domain="[('model', '=', template_model)]"
    )

    _sql_constraints = [
        (
            "payment_method_unique",
            "UNIQUE(step_id, payment_method_id)",
            "A step has one template per payment method.",
        ),
    ]

    @api.constrains("mail_template_id")
    def _check_template_model(self):
        for line in self:
            if line.mail_template_id.model != line.step_id.template_model:
                raise ValidationError(
                    self.env._(
                        "The template %(template)s is not a template of %(model)s.",
                        template=line.mail_template_id.name,
                        model=line.step_id.template_model,
                    )
                )
