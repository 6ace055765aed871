# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import email_normalize, format_date, formatLang

from ..engine.legal import fr_agreed_rate_shortfall

SENDER_TYPES = [
    ("company", "Company e-mail"),
    ("user", "A user"),
    ("responsible", "The salesperson"),
    ("address", "An address"),
]
REPLY_TO_TYPES = [
    ("sender", "The sender"),
    ("responsible", "The salesperson"),
    ("chatter", "The invoice's discussion"),
    ("address", "An address or alias"),
]


def check_sender(env, sender_type, user, address, reply_to_type, reply_to_address):
    """Raise a clear error when a sender or reply-to setting cannot work."""
    if sender_type == "user" and not (user and user.email):
        raise ValidationError(env._("The sending user must have an e-mail address."))
    if sender_type == "address" and not email_normalize(address or ""):
        raise ValidationError(
            env._("%(address)s is not a valid e-mail address.", address=address or "")
        )
    if reply_to_type == "address" and not email_normalize(reply_to_address or ""):
        raise ValidationError(
            env._("%(address)s is not a valid reply-to address.", address=reply_to_address or "")
        )


def check_window(env, hour_from, hour_to):
    """The send window opens before it closes, within the day."""
    if not 0 <= hour_from < hour_to <= 24:
        raise ValidationError(
            env._("The send window must open before it closes, between 00:00 and 24:00.")
        )


class ResCompany(models.Model):
    _inherit = "res.company"

    dunning_default_plan_id = fields.Many2one(
        "account.dunning.plan",
        string="Default invoice-level plan",
        domain="[('scope', '=', 'invoice'), ('company_id', '=', id)]",
        help="Posted customer invoices of the company get this plan unless one is set.",
    )
    dunning_default_customer_plan_id = fields.Many2one(
        "account.dunning.plan",
        string="Default customer-level plan",
        domain="[('scope', '=', 'customer'), ('company_id', '=', id)]",
        help="Customers on 'Company default' are reminded by this plan.",
    )
    dunning_enabled = fields.Boolean(
        string="Dunning enabled",
        help="Off (stand-by): plans can be prepared and simulated, nothing is sent.",
    )
    dunning_activation_date = fields.Date(
        help="Day dunning was last enabled; invoices already too old then are left out.",
    )
    dunning_reminder_interval = fields.Integer(
        string="Days between two reminders of an invoice",
        default=7,
        help="No reminder for an invoice when one, sent by hand or not, went out less "
        "than this many days ago (0: no such rule). The plan's minimum contact delay "
        "still spaces its steps: the larger of the two applies.",
    )
    dunning_reasonable_fee = fields.Monetary(
        string="Other recovery costs (Belgium)",
        currency_field="currency_id",
        help="Belgian law (2 August 2002, art. 6) grants a business creditor 40 per late "
        "invoice and, besides, a 'reasonable' compensation for its other recovery costs, "
        "with no fixed amount: what a step claiming recovery costs adds for a Belgian "
        "business debtor.",
    )
    dunning_portal_promise_days = fields.Integer(
        string="Portal promise: days at most",
        default=30,
        help="How far ahead a customer may promise to pay from the invoice's portal page.",
    )
    dunning_portal_promise_extensions = fields.Integer(
        string="Portal promise: new dates allowed",
        default=1,
        help="How many times a customer may move a promised date from the portal.",
    )
    dunning_portal_payment_plan = fields.Boolean(
        string="Portal payment plans",
        help="A customer may propose a payment plan from an overdue invoice's portal page, "
        "within the limits below; it runs at once.",
    )
    dunning_portal_installments = fields.Integer(
        string="Portal payment plan: installments at most",
        default=3,
        help="How many installments a customer may choose from the portal.",
    )
    dunning_portal_payment_plan_days = fields.Integer(
        string="Portal payment plan: days at most",
        default=90,
        help="How far ahead the last installment a customer chooses may fall.",
    )
    dunning_installment_grace_days = fields.Integer(
        string="Grace days after an installment",
        default=3,
        help="A payment plan is broken when an installment is not paid this many days "
        "after its date.",
    )
    dunning_installment_notice_days = fields.Integer(
        string="Courtesy reminder before an installment (days)",
        default=3,
        help="The customer is reminded of each installment of a payment plan this many "
        "days before it (0: never).",
    )
    dunning_reply_action = fields.Selection(
        [
            ("pause", "Pause and notify"),
            ("activity", "Notify only"),
            ("none", "Nothing"),
        ],
        string="When a customer replies",
        default="pause",
        required=True,
        help="A customer answering a reminder: pause the dunning of what it covered for "
        "some days and give its responsible an activity with the reply, or only the "
        "activity, or nothing. Automatic replies (out of office) never count.",
    )
    dunning_reply_pause_days = fields.Integer(
        string="Pause after a reply (days)",
        default=7,
    )
    dunning_agreed_rate = fields.Float(
        string="Late-payment rate of your terms (France)",
        digits=(16, 2),
        help="French law (Code de commerce L441-10 II) lets your terms of sale set the "
        "late-payment rate businesses owe, at least three times the legal interest rate; "
        "when set here, it replaces the statutory rate (ECB + 10 points) for a French "
        "company's business customers. 0: the statutory rate.",
    )
    dunning_consumer_penalty_clause = fields.Boolean(
        string="Penalty clause for consumers",
        help="Your terms of sale to consumers hold a clause on damages for late payment. "
        "Belgian law (Code of Economic Law, art. XIX.4) then lets a step claim up to its "
        "scale from a consumer, after the free first reminder and its 14 days; without "
        "such a clause, nothing is claimed.",
    )
    dunning_fee_product_id = fields.Many2one(
        "product.product",
        string="Recovery costs product",
        help="The product (and so the income account) of the recovery cost invoices "
        "that steps post. Empty: the shipped 'Recovery costs' product.",
    )
    dunning_interest_product_id = fields.Many2one(
        "product.product",
        string="Late interest product",
        help="The product (and so the income account) of the late interest that steps "
        "post as invoices. Empty: the shipped 'Late interest' product.",
    )
    dunning_min_amount = fields.Monetary(
        string="Minimum amount due",
        currency_field="currency_id",
        help="Invoices with less than this amount due (company currency) are not reminded.",
    )
    dunning_min_percentage = fields.Float(
        string="Minimum percentage due",
        help="Invoices with less than this percentage of their total still due are not "
        "reminded (e.g. 2 %: nothing for less than 20 due on 1,000).",
    )
    dunning_max_age_at_activation = fields.Integer(
        string="Maximum invoice age at activation",
        default=90,
        help="Invoices older than this many days when dunning was enabled are left out "
        "(0: no limit).",
    )

    dunning_bank_max_age = fields.Integer(
        string="Maximum age of bank data",
        default=14,
        help="No automatic reminder is sent while the newest bank statement line of the "
        "company's bank journals is older than this many days: the customer may have "
        "paid already (0: no check).",
    )
    dunning_block_unmatched_payments = fields.Boolean(
        string="Hold reminders on unmatched payments",
        default=True,
        help="A customer with incoming payments or credit notes not yet matched with "
        "invoices on their receivable account gets no reminder until they are matched.",
    )

    dunning_promise_grace_days = fields.Integer(
        string="Grace days after a promised date",
        default=1,
        help="A payment promise is broken when the promised amount is not paid this many "
        "days after the promised date.",
    )

    dunning_sender_type = fields.Selection(
        SENDER_TYPES,
        string="Reminders sent by",
        required=True,
        default="company",
        help="Who dunning mails come from: the company's e-mail, a user (with an e-mail), "
        "the invoice's salesperson, or an address. Plans may choose their own.",
    )
    dunning_sender_user_id = fields.Many2one("res.users", string="Sending user")
    dunning_sender_address = fields.Char(string="Sending address")
    dunning_reply_to_type = fields.Selection(
        REPLY_TO_TYPES,
        string="Replies go to",
        required=True,
        default="sender",
        help="Where the customers' replies go: the sender, the salesperson, the invoice's "
        "discussion (its followers are notified) or an address or alias.",
    )
    dunning_reply_to_address = fields.Char(string="Reply-to address")
    dunning_greeting = fields.Selection(
        [("formal", "Formal: Dear Sir or Madam,"), ("name", "By name: Dear Mr Freeman,")],
        string="Greeting",
        required=True,
        default="formal",
        help="How reminders greet the customer, in the customer's language: the business "
        "greeting (Madame, Monsieur, / Geachte heer, mevrouw, / Sehr geehrte Damen und "
        "Herren,), or the title and name of the contact reminded.",
    )
    dunning_window = fields.Boolean(
        string="Send in working hours",
        default=True,
        help="Dunning mails leave only between these hours, on the working days of the "
        "company's working hours, skipping its public holidays; a mail decided at night "
        "waits for the next opening.",
    )
    dunning_window_from = fields.Float(string="Send from", default=8.0)
    dunning_window_to = fields.Float(string="Send until", default=18.0)
    dunning_report_frequency = fields.Selection(
        [("none", "No report"), ("daily", "Daily"), ("weekly", "Weekly")],
        string="Dunning report",
        default="none",
        required=True,
        help="Mail the report of the dunning job (sent, failed, to do, not sent and why) "
        "after the nightly run: every day, or every seven days.",
    )
    dunning_report_user_ids = fields.Many2many(
        "res.users",
        "res_company_dunning_report_user_rel",
        "company_id",
        "user_id",
        string="Send the dunning report to",
    )
    dunning_report_last_date = fields.Date(string="Last dunning report", copy=False, readonly=True)

    @api.constrains(
        "dunning_sender_type",
        "dunning_sender_user_id",
        "dunning_sender_address",
        "dunning_reply_to_type",
        "dunning_reply_to_address",
    )
    def _check_dunning_sender(self):
        for company in self:
            check_sender(
                self.env,
                company.dunning_sender_type,
                company.dunning_sender_user_id,
                company.dunning_sender_address,
                company.dunning_reply_to_type,
                company.dunning_reply_to_address,
            )

    @api.constrains(
        "dunning_reminder_interval",
        "dunning_max_age_at_activation",
        "dunning_bank_max_age",
        "dunning_promise_grace_days",
        "dunning_min_amount",
        "dunning_min_percentage",
        "dunning_agreed_rate",
        "dunning_reply_pause_days",
        "dunning_portal_promise_days",
        "dunning_portal_promise_extensions",
        "dunning_portal_installments",
        "dunning_portal_payment_plan_days",
        "dunning_installment_grace_days",
        "dunning_installment_notice_days",
    )
    def _check_dunning_numbers(self):
        """Days and thresholds a person can mean: never negative, days within ten years
        (a hundred for the age at activation), a percentage up to 100."""
        for company in self:
            days = [
                (company.dunning_reminder_interval, 3650),
                (company.dunning_bank_max_age, 3650),
                (company.dunning_promise_grace_days, 3650),
                (company.dunning_reply_pause_days, 3650),
                (company.dunning_portal_promise_days, 3650),
                (company.dunning_portal_promise_extensions, 3650),
                (company.dunning_portal_installments, 120),
                (company.dunning_portal_payment_plan_days, 3650),
                (company.dunning_installment_grace_days, 365),
                (company.dunning_installment_notice_days, 365),
                (company.dunning_max_age_at_activation, 36500),
            ]
            if any(not 0 <= value <= limit for value, limit in days):
                raise ValidationError(self.env._("Dunning days must be between 0 and ten years."))
            if not 0 <= company.dunning_agreed_rate <= 100:
                raise ValidationError(
                    self.env._("The late-payment rate of your terms is a percentage (0 to 100).")
                )
            if company.dunning_min_amount < 0 or not 0 <= company.dunning_min_percentage <= 100:
                raise ValidationError(
                    self.env._(
                        "The minimum amount cannot be negative and the minimum percentage is "
                        "between 0 and 100."
                    )
                )

    @api.constrains("dunning_default_plan_id", "dunning_default_customer_plan_id")
    def _check_dunning_default_plans(self):
        for company in self:
            for scope, plan in (
                ("invoice", company.dunning_default_plan_id),
                ("customer", company.dunning_default_customer_plan_id),
            ):
                if plan and (plan.scope != scope or plan.company_id != company):
                    raise ValidationError(
                        self.env._(
                            "%(plan)s cannot be the default %(scope)s plan of %(company)s: "
                            "choose a plan of that level and company.",
                            plan=plan.display_name,
                            scope=dict(plan._fields["scope"]._description_selection(self.env))[
                                scope
                            ].lower(),
                            company=company.name,
                        )
                    )

    @api.constrains("dunning_window", "dunning_window_from", "dunning_window_to")
    def _check_dunning_window(self):
        for company in self.filtered("dunning_window"):
            check_window(self.env, company.dunning_window_from, company.dunning_window_to)

    # == CRUD ==
    def write(self, vals):
        if vals.get("dunning_enabled") and "dunning_activation_date" not in vals:
            for company in self.filtered(lambda company: not company.dunning_enabled):
                super(ResCompany, company).write(
                    {"dunning_activation_date": company._dunning_today()}
                )
        return super().write(vals)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("dunning_enabled") and not vals.get("dunning_activation_date"):
                vals["dunning_activation_date"] = fields.Date.context_today(self)
        return super().create(vals_list)

    # == Business helpers ==
    def _dunning_agreed_rate_warning(self, rate):
        """Why the late-payment ``rate`` of this company's terms does not comply with
        French law, or False (:func:`..engine.legal.fr_agreed_rate_shortfall`): below
        three times the legal interest rate in force today, the rate French consumers
        owe in *Legal rates*. Only for a French company."""
        self.ensure_one()
        country = self.account_fiscal_country_id or self.country_id
        if country.code != "FR" or not rate:
            return False
        legal = self.env["account.dunning.legal.rate"]._valid(
            country, "consumer", self._dunning_today()
        )
        least = fr_agreed_rate_shortfall(rate, legal.rate if legal else None)
        if least is None:
            return False
        return self.env._(
            "French law (Code de commerce, L441-10 II) asks your terms for a late-payment "
            "rate of at least three times the legal interest rate: %(least)s %% since "
            "%(day)s (3 × %(legal)s %%). The rate of your terms is still what is claimed: "
            "update your terms of sale, then this rate.",
            least=formatLang(self.env, float(least)),
            day=format_date(self.env, legal.date_from),
            legal=formatLang(self.env, legal.rate),
        )

    def _dunning_today(self):
        """Today for this company's dunning: the date in the time zone of its
        working-hours calendar (else of its address, else UTC), whoever asks: the
        nightly job, the simulation, a person's action and the explanation."""
        self.ensure_one()
        tz = self.resource_calendar_id.tz or self.partner_id.tz or "UTC"
        now = pytz.utc.localize(fields.Datetime.now())
        return now.astimezone(pytz.timezone(tz)).date()

    def _dunning_default_plan(self, scope="invoice"):
        """The default plan of ``scope`` ("invoice" or "customer"), possibly empty."""
        self.ensure_one()
        if scope == "customer":
            return self.dunning_default_customer_plan_id
        return self.dunning_default_plan_id
