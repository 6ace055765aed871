# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import email_normalize

from ..engine import Policy

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

    dunning_enabled = fields.Boolean(
        string="Dunning enabled",
        help="Off (stand-by): plans can be prepared and simulated, nothing is sent.",
    )
    dunning_activation_date = fields.Date(
        help="Day dunning was last enabled; invoices already too old then are left out.",
    )
    dunning_reminder_interval = fields.Integer(
        string="Days after a reminder sent by hand",
        default=7,
        help="No automatic reminder for an invoice reminded by hand less than this "
        "many days ago.",
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

    @api.constrains("dunning_window", "dunning_window_from", "dunning_window_to")
    def _check_dunning_window(self):
        for company in self.filtered("dunning_window"):
            check_window(self.env, company.dunning_window_from, company.dunning_window_to)

    # == CRUD ==
    def write(self, vals):
        if vals.get("dunning_enabled") and "dunning_activation_date" not in vals:
            to_stamp = self.filtered(lambda company: not company.dunning_enabled)
            if to_stamp:
                super(ResCompany, to_stamp).write(
                    {"dunning_activation_date": fields.Date.context_today(self)}
                )
        return super().write(vals)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("dunning_enabled") and not vals.get("dunning_activation_date"):
                vals["dunning_activation_date"] = fields.Date.context_today(self)
        return super().create(vals_list)

    # == Business helpers ==
    def _dunning_bank_data_date(self):
        """Date of the newest bank statement line of this company's bank journals."""
        self.ensure_one()
        groups = (
            self.env["account.bank.statement.line"]
            .sudo()
            ._read_group(
                [("company_id", "=", self.id), ("journal_id.type", "=", "bank")],
                aggregates=["date:max"],
            )
        )
        return groups[0][0] if groups else None

    def _dunning_policy(self):
        """The engine's view of this company's dunning settings."""
        self.ensure_one()
        bank_date = self._dunning_bank_data_date() if self.dunning_bank_max_age else None
        return Policy(
            enabled=self.dunning_enabled,
            reminder_interval=self.dunning_reminder_interval,
            min_amount=self.dunning_min_amount,
            min_percentage=self.dunning_min_percentage,
            max_age_at_activation=self.dunning_max_age_at_activation,
            activation_date=self.dunning_activation_date,
            bank_max_age=max(self.dunning_bank_max_age, 0),
            bank_data_date=bank_date or None,
        )

    def _dunning_report_due(self, today):
        """Whether this company's report goes out after the run of ``today``."""
        self.ensure_one()
        last = self.dunning_report_last_date
        if self.dunning_report_frequency == "daily":
            return not last or last < today
        if self.dunning_report_frequency == "weekly":
            return not last or (today - last).days >= 7
        return False

    def _dunning_report_period_start(self, today):
        """First day the report of ``today`` covers: the day after the last report,
        else one day (daily) or seven days (weekly) back."""
        self.ensure_one()
        last = self.dunning_report_last_date
        if last and last < today:
            return last + timedelta(days=1)
        return today - timedelta(days=6 if self.dunning_report_frequency == "weekly" else 0)
