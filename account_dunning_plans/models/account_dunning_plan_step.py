# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import is_html_empty
from odoo.tools.misc import format_date

from ..tools.wording import CHANNELS
from .account_dunning_plan import MAX_DELAY


class AccountDunningPlanStep(models.Model):
    _name = "account.dunning.plan.step"
    _description = "Dunning Plan Step"
    _order = "plan_id, sequence, id"

    # == Fields ==
    plan_id = fields.Many2one("account.dunning.plan", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(
        default=True, help="Switch a step off (e.g. the courtesy reminder) without deleting it."
    )
    name = fields.Char(required=True, translate=True)
    delay = fields.Integer(
        help="Days from the reference date; negative values run before it "
        "(e.g. -3 with 'Due date' = three days before the due date).",
    )
    delay_reference = fields.Selection(
        [
            ("due_date", "Due date"),
            ("invoice_date", "Invoice date"),
            ("previous_step", "Previous step"),
        ],
        string="Relative to",
        required=True,
        default="due_date",
    )
    channel = fields.Selection(
        CHANNELS,
        required=True,
        default="email",
    )
    automatic = fields.Boolean(
        default=True,
        help="Automatic steps are executed by the nightly job; manual ones create a "
        "to-do action for a person instead.",
    )
    broken_promise = fields.Boolean(
        string="For broken promises",
        help="Not part of the normal sequence: runs once, right after a payment promise "
        "or a payment plan is broken, without moving the level.",
    )
    template_ids = fields.One2many(
        "account.dunning.plan.step.template",
        "step_id",
        string="Templates by payment method",
        copy=True,
        help="A template for invoices paid by a given payment method (e.g. direct debit); "
        "the step's template otherwise.",
    )
    formal_notice = fields.Boolean(
        help="This step is the formal notice the law asks before a consumer can be charged "
        "anything: mise en demeure (France), 14-dagenbrief (the Netherlands), Mahnung "
        "(Germany), the free first reminder (Belgium). Its text must give what the law of "
        "the customer's country requires (amount, costs to come, the 14 days).",
    )
    handover = fields.Boolean(
        string="Hand over for collection",
        help="A manual step: once done, its invoices are handed over to a collection "
        "agency or a bailiff: they are never reminded again, and the file the agency "
        "needs (CSV and Excel) is kept in the customer's discussion.",
    )
    credit_hold = fields.Boolean(
        string="Put on credit hold",
        help="Once this step's reminder is sent (or its to-do done), the customer is on "
        "credit hold until no overdue invoice is left: with Sales, their quotations "
        "cannot be confirmed (a sales manager may, giving a reason).",
    )
    charge_interest = fields.Boolean(
        string="Claim late interest",
        help="From this step on, the mail and the letter claim the statutory late interest "
        "accrued on each invoice (businesses only: see Legal rates).",
    )
    charge_fee = fields.Boolean(
        string="Claim recovery costs",
        help="This step claims the recovery costs the law allows (France, Belgium and "
        "Germany: 40 per invoice, in Belgium plus the other costs set in the settings; "
        "the Netherlands: the WIK scale). Businesses only.",
    )
    fee_posting = fields.Selection(
        [
            ("mention", "Mentioned in the mail and letter"),
            ("invoice", "Posted as a fee invoice"),
        ],
        string="Recovery costs",
        default="mention",
        required=True,
    )
    interest_posting = fields.Selection(
        [
            ("mention", "Mentioned in the mail and letter"),
            ("invoice", "Posted as an invoice"),
        ],
        string="Late interest",
        default="mention",
        required=True,
        help="Posted as an invoice: the interest accrued on each reminded invoice up to "
        "the reminder's day, less what earlier reminders invoiced, is posted as a "
        "customer invoice without tax, due at once.",
    )
    attach_invoice_pdf = fields.Boolean(
        string="Attach the invoice PDF",
        help="E-mail steps: the PDF of each invoice reminded is attached to the mail.",
    )
    add_follower = fields.Boolean(
        string="Responsible follows",
        help="The step's responsible follows the invoice (or the customer), so that the "
        "customer's replies in the discussion reach them.",
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        string="Activity",
        help="Manual steps: the activity created for the responsible (e.g. a phone call); "
        "the step is done when the activity is marked done.",
    )
    activity_note = fields.Text(string="Instructions")
    responsible_type = fields.Selection(
        [("salesperson", "The salesperson"), ("user", "A user")],
        string="Responsible",
        required=True,
        default="salesperson",
        help="Who handles manual steps and follows the invoice: the invoice's salesperson "
        "(the customer's for customer-level plans, else the invoice's creator), or a "
        "chosen user.",
    )
    responsible_user_id = fields.Many2one("res.users", string="Responsible user")
    letter_text = fields.Html(
        string="Statement text",
        translate=True,
        help="The text above the list of invoices, in the customer's language: in this "
        "step's letters, and in a mail gathering several reminders due the same day to "
        "one customer (the text of the most advanced step). Empty: a standard text.",
    )
    template_model = fields.Char(compute="_compute_template_model")
    mail_template_id = fields.Many2one(
        "mail.template",
        domain="[('model', '=', template_model)]",
        help="Template rendered in the customer's language for e-mail steps: on the "
        "invoice for invoice-level plans, on the customer for customer-level plans.",
    )

    # == Compute methods ==

    @api.depends("plan_id.scope")
    def _compute_template_model(self):
        for step in self:
            step.template_model = (
                "res.partner" if step.plan_id.scope == "customer" else "account.move"
            )

    # == Constraints ==
    @api.constrains(
        "charge_fee", "charge_interest", "formal_notice", "delay", "delay_reference", "sequence"
    )
    def _check_consumer_gate(self):
        self.plan_id._check_consumer_gate()

    @api.constrains("handover", "channel")
    def _check_handover(self):
        if any(step.handover and step.channel != "manual" for step in self):
            raise ValidationError(
                self.env._(
                    "A step handing invoices over for collection is a manual task: a "
                    "person sends the file to the agency and marks it done."
                )
            )

    @api.constrains("channel", "mail_template_id", "plan_id")
    def _check_mail_template(self):
        for step in self:
            if step.channel == "email" and not step.mail_template_id:
                raise ValidationError(
                    self.env._(
                        "The e-mail step %(step)s of plan %(plan)s needs a mail template.",
                        step=step.name,
                        plan=step.plan_id.name,
                    )
                )
            if step.mail_template_id and step.mail_template_id.model != step.template_model:
                raise ValidationError(
                    self.env._(
                        "The template of step %(step)s must be a template of %(model)s "
                        "for a %(scope)s plan.",
                        step=step.name,
                        model=step.template_model,
                        scope=dict(
                            step.plan_id._fields["scope"]._description_selection(self.env)
                        ).get(step.plan_id.scope),
                    )
                )

    @api.constrains("delay")
    def _check_delay(self):
        for step in self:
            if abs(step.delay) > MAX_DELAY:
                raise ValidationError(
                    self.env._(
                        "The delay of step %(step)s must be between -%(max)s and %(max)s days.",
                        step=step.name,
                        max=MAX_DELAY,
                    )
                )

    @api.constrains("responsible_type", "responsible_user_id")
    def _check_responsible(self):
        for step in self:
            if step.responsible_type == "user" and not step.responsible_user_id:
                raise ValidationError(
                    self.env._("Choose the responsible user of step %(step)s.", step=step.name)
                )

    # == Business helpers ==
    def _statement_text(self):
        """The text above the list of invoices (letters, mails gathering several
        reminders) in the environment's language: the step's, else (or without a
        step) a standard one."""
        if len(self) == 1 and not is_html_empty(self.letter_text):
            return self.letter_text
        return Markup("<p>%s</p>") % self.env._(
            "Unless we are mistaken, the invoices below are still unpaid. Please pay the "
            "amount due without delay."
        )

    def _failing(self):
        """``{step: sentence}`` for those of these steps with mails that failed and
        were not sent since, to the same customer (a template to fix: the manager sees
        it on the plan and in the report)."""
        actions = (
            self.env["account.dunning.action"]
            .sudo()
            .search(
                [
                    ("step_id", "in", self.ids),
                    ("channel", "=", "email"),
                    ("state", "in", ("done", "failed")),
                ],
                order="date desc, id desc",
            )
        )
        last = {}
        for action in actions:
            last.setdefault((action.step_id, action.partner_id), action)
        failed = {}
        for (step, _partner), action in last.items():
            if action.state == "failed":
                failed.setdefault(step, []).append(action)
        return {
            step: self.env._(
                "Step '%(step)s': %(count)s mail(s) failed, the last on %(date)s. %(reason)s",
                step=step.name,
                count=len(step_actions),
                date=format_date(self.env, step_actions[0].date),
                reason=step_actions[0].note or "",
            ).strip()
            for step, step_actions in failed.items()
        }

    def _dunning_template(self, moves):
        """The mail template for ``moves`` (the first one decides): the one of their
        payment method, else the step's."""
        self.ensure_one()
        method = moves[:1].preferred_payment_method_line_id.payment_method_id
        line = self.template_ids.filtered(lambda line: line.payment_method_id == method)[:1]
        return line.mail_template_id if method and line else self.mail_template_id
