# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_amount, format_date

from ..engine import reasons as r
from ..engine import report_due, report_period_start
from ..tools.wording import labels

# Statuses of overdue invoices a credit controller must look at: a communication is
# due or would be, and something keeps it from leaving.
ATTENTION_REASONS = (
    r.NO_EMAIL,
    r.CUSTOMER_BLOCKED,
    r.INVOICE_BLOCKED,
    r.DISPUTED,
    r.STALE_BANK_DATA,
    r.UNMATCHED_PAYMENTS,
    r.SEND_FAILED,
)


class AccountDunningReport(models.AbstractModel):
    """The periodic dunning report mailed to a company's chosen users (seed 000).

    What was sent, what failed, what waits in To do and what could not be sent and
    why, with links; in stand-by, what the job would have sent (the simulation).
    """

    _name = "account.dunning.report"
    _description = "Dunning report"

    @api.model
    def _send_due_reports(self, today, companies):
        """Send the report of each of ``companies`` whose report is due on ``today``
        (:func:`..engine.rules.report_due`)."""
        for company in companies.sudo():
            users = company.dunning_report_user_ids.filtered("email")
            if users and report_due(
                company.dunning_report_frequency, company.dunning_report_last_date, today
            ):
                self._send(company, today)

    @api.model
    def _send(self, company, today):
        """Mail the report of ``company`` for the period ending ``today`` to its report
        users, each in their language; returns the ``mail.mail`` created."""
        users = company.dunning_report_user_ids.filtered("email")
        if not users:
            raise UserError(
                self.env._(
                    "Choose who receives the dunning report of %(company)s (users with an "
                    "e-mail address) in the settings.",
                    company=company.name,
                )
            )
        date_from = report_period_start(
            company.dunning_report_frequency, company.dunning_report_last_date, today
        )
        mails = self.env["mail.mail"]
        for lang, lang_users in users.grouped(lambda user: user.lang or "en_US").items():
            report = self.with_context(lang=lang)
            values = report._values(company, date_from, today)
            body = (
                self.env["ir.qweb"]
                .with_context(lang=lang)
                ._render("account_dunning_plans.dunning_report_mail", values)
            )
            mails |= (
                self.env["mail.mail"]
                .sudo()
                .create(
                    {
                        "subject": values["subject"],
                        "body_html": body,
                        "email_from": company.email_formatted or self.env.user.email_formatted,
                        "recipient_ids": [(6, 0, lang_users.partner_id.ids)],
                        "auto_delete": False,
                    }
                )
            )
        company.sudo().dunning_report_last_date = today
        return mails

    # == Content ==
    @api.model
    def _values(self, company, date_from, today):
        """What the report shows, worded in the context's language."""
        env = self.env
        Action = env["account.dunning.action"].sudo()
        Move = env["account.move"].sudo()
        lang = env.lang or "en_US"
        base_url = company.get_base_url()

        def link(record):
            return f"{base_url}/odoo/{record._name}/{record.id}"

        def amount(value, currency):
            return format_amount(env, value, currency, lang_code=lang) if currency else ""

        def day(value):
            return format_date(env, value, lang_code=lang) if value else ""

        in_company = [("company_id", "=", company.id)]
        sent = Action.search(
            in_company + [("state", "=", "done"), ("date", ">=", date_from), ("date", "<=", today)]
        )
        failed = Action.search(
            in_company
            + [("state", "=", "failed"), ("date", ">=", date_from), ("date", "<=", today)]
        )
        todo = Action.search(in_company + [("state", "=", "todo")])
        blocked = Move.search(
            self.env["account.dunning.facts"]._open_domain()
            + in_company
            + [
                ("payment_state", "in", ("not_paid", "partial")),
                ("invoice_date_due", "<", today),
                ("dunning_reason", "in", ATTENTION_REASONS),
            ],
            order="dunning_reason, commercial_partner_id, invoice_date_due",
        )
        words = labels(env)
        reasons = words[0]
        would = []
        if not company.dunning_enabled:
            rows = (
                env["account.dunning.forecast"]
                .sudo()
                .with_company(company)
                ._simulate(today, 1, company, assume_enabled=True)
            )
            would = [row for row in rows if row["acts"]]
        subject = env._(
            "%(company)s: dunning report of %(date)s", company=company.name, date=day(today)
        )
        steps = env["account.dunning.plan.step"].sudo().search([("company_id", "=", company.id)])
        failing = steps._failing()
        return {
            "company": company,
            "subject": subject,
            "failing": [f"{step.plan_id.name}: {sentence}" for step, sentence in failing.items()],
            "date_from": day(date_from),
            "date_to": day(today),
            "standby": not company.dunning_enabled,
            "sent": [self._action_line(action, words, link, amount, day) for action in sent],
            "failed": [self._action_line(action, words, link, amount, day) for action in failed],
            "todo": [self._action_line(action, words, link, amount, day) for action in todo],
            "todo_url": f"{base_url}/odoo/action-account_dunning_plans."
            "account_dunning_action_action_todo",
            "not_sent": [
                {
                    "reason": reasons.get(reason, reason),
                    "moves": [
                        {
                            "name": move.name,
                            "url": link(move),
                            "customer": move.commercial_partner_id.display_name,
                            "customer_url": link(move.commercial_partner_id),
                            "due": day(move.invoice_date_due),
                            "amount": amount(move.amount_residual, move.currency_id),
                            "detail": move.dunning_reason_detail or "",
                        }
                        for move in moves
                    ],
                }
                for reason, moves in blocked.grouped("dunning_reason").items()
            ],
            "would": [
                {
                    "customer": row["customer"],
                    "invoices": ", ".join(row["invoices"]),
                    "step": row["step"],
                    "level": row["level"],
                    "channel": row["channel_label"],
                    "recipient": row["recipient"],
                    "amount": amount(
                        row["amount"], Move.env["res.currency"].browse(row["currency_id"])
                    )
                    if row["amount"] is not None
                    else "",
                }
                for row in would
            ],
        }

    @api.model
    def _action_line(self, action, words, link, amount, day):
        reasons, channels = words
        return {
            "date": day(action.date),
            "customer": action.partner_id.display_name,
            "customer_url": link(action.partner_id),
            "invoices": [{"name": move.name, "url": link(move)} for move in action.move_ids],
            "step": action.step_id.name or "",
            "level": action.level,
            "channel": channels.get(action.channel, ""),
            "reason": reasons.get(action.reason, "") if action.reason else "",
            "amount": amount(action.amount_residual, action.currency_id)
            if action.amount_residual
            else "",
            "note": action.note or "",
            "url": link(action),
        }
