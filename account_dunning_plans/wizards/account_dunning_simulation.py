# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import format_amount, format_date

from ..tools.notify import success, warning
from ..tools.wording import labels


class AccountDunningSimulation(models.TransientModel):
    """What the nightly job will do on a day, or each of the next days, and why not."""

    _name = "account.dunning.simulation"
    _description = "Dunning simulation"

    date = fields.Date(required=True, default=lambda self: self.env.company._dunning_today())
    days = fields.Integer(string="Number of days", required=True, default=1)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    standby = fields.Boolean(compute="_compute_standby")
    assume_enabled = fields.Boolean(
        string="As if dunning were enabled",
        default=True,
        help="The company is in stand-by: simulate what the job will do once dunning is "
        "enabled (otherwise every invoice reads 'Company in stand-by').",
    )
    line_ids = fields.One2many("account.dunning.simulation.line", "simulation_id")
    warning = fields.Char(compute="_compute_warning")

    @api.depends("company_id")
    def _compute_standby(self):
        for simulation in self:
            simulation.standby = not simulation.company_id.dunning_enabled

    @api.depends("company_id", "date", "days", "assume_enabled")
    def _compute_warning(self):
        for simulation in self:
            simulation.warning = (
                simulation._warning() if simulation.date and simulation.days > 0 else False
            )

    @api.constrains("days")
    def _check_days(self):
        if any(not 1 <= simulation.days <= 366 for simulation in self):
            raise ValidationError(self.env._("Simulate between 1 and 366 days."))

    def action_simulate(self):
        """Compute the simulation (no side effect) and show its lines, after a warning
        when the period holds everything (:meth:`_warning`)."""
        self.ensure_one()
        self._fill_lines()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_dunning_plans.account_dunning_simulation_line_action"
        )
        action["domain"] = [("simulation_id", "=", self.id)]
        action["context"] = {
            "search_default_group_customer": 1,
            "search_default_group_step": 1,
            "dunning_simulation_id": self.id,
        }
        message = self._warning()
        if message:
            return warning(message, next_action=action)
        return action

    def _warning(self):
        """Why the simulated days send nothing automatically, in words, or empty:
        stand-by, or bank data too old from a day of the period on (the engine's
        rule, :meth:`..engine.facts.Policy.bank_data_stale_from`)."""
        self.ensure_one()
        company = self.company_id
        if not company.dunning_enabled and not self.assume_enabled:
            return self.env._("Dunning is in stand-by: nothing is sent to any customer.")
        policy = self.env["account.dunning.policy"]._policy(company)
        stale = policy.bank_data_stale_from(self.date, self.days)
        if not stale:
            return ""
        return self.env._(
            "From %(date)s everything automatic is held: bank data older than %(days)s "
            "days. Import your bank statements.",
            date=format_date(self.env, stale),
            days=company.dunning_bank_max_age,
        )

    def action_print(self):
        """The simulation as a PDF: customer by customer, level by level."""
        self.ensure_one()
        if not self.line_ids:
            self._fill_lines()
        report = self.env.ref("account_dunning_plans.account_dunning_simulation_report")
        # config=False: print even when the company's document layout was never set.
        return report.report_action(self, config=False)

    def action_send_by_email(self):
        """Mail the simulation to the current user (nothing goes to any customer)."""
        self.ensure_one()
        user = self.env.user
        if not user.email:
            raise UserError(
                self.env._("Set an e-mail address on your user to receive the simulation.")
            )
        if not self.line_ids:
            self._fill_lines()
        body = self.env["ir.qweb"]._render(
            "account_dunning_plans.dunning_simulation_mail", self._display_values()
        )
        self.env["mail.mail"].sudo().create(
            {
                "subject": self._title(),
                "body_html": body,
                "email_from": self.company_id.email_formatted or user.email_formatted,
                "recipient_ids": [(6, 0, user.partner_id.ids)],
            }
        )
        return success(self.env._("Simulation queued for %(email)s.", email=user.email))

    def _title(self):
        title = self.env._(
            "%(company)s: dunning simulation from %(date)s, %(days)s day(s)",
            company=self.company_id.name,
            date=format_date(self.env, self.date),
            days=self.days,
        )
        if self.standby and self.assume_enabled:
            title += " " + self.env._("(as if dunning were enabled)")
        return title

    def _display_values(self):
        """What the PDF and the mail show: every line, customer by customer and level by
        level, in the context's language."""
        self.ensure_one()
        reasons, channels = labels(self.env)
        lines = self.line_ids.sorted(
            lambda line: (line.date, line.customer or "", line.level, not line.will_send, line.id)
        )
        rows = [
            {
                "date": format_date(self.env, line.date),
                "customer": line.customer,
                "level": line.level,
                "step": line.step or "",
                "invoices": line.invoices,
                "channel": channels.get(line.channel, ""),
                "recipient": line.recipient or "",
                "amount": format_amount(self.env, line.amount, line.currency_id)
                if line.currency_id
                else "",
                "acts": line.will_send,
                "reason": reasons.get(line.reason, ""),
            }
            for line in lines
        ]
        return {
            "title": self._title(),
            "warning": self._warning(),
            "simulation": self,
            "rows": rows,
            "sent": len(lines.filtered("will_send")),
            "show_date": self.days > 1,
            "show_reason": True,
        }

    def _fill_lines(self):
        """Run the simulation (no side effect) and store its rows as lines."""
        self.ensure_one()
        rows = (
            self.env["account.dunning.forecast"]
            .with_company(self.company_id)
            ._simulate(self.date, self.days, self.company_id, assume_enabled=self.assume_enabled)
        )
        self.line_ids.unlink()
        self.env["account.dunning.simulation.line"].create(
            [
                {
                    "simulation_id": self.id,
                    "date": row["date"],
                    "customer": row["customer"],
                    "invoices": ", ".join(row["invoices"]),
                    "plan": row["plan"],
                    "step": row["step"],
                    "channel": row["channel"] or False,
                    "will_send": row["acts"],
                    "reason": row["reason"],
                    "recipient": row["recipient"],
                    "amount": row["amount"] or 0.0,
                    "currency": row["currency"],
                    "currency_id": row["currency_id"],
                    "level": row["level"],
                    "next_date": row["next_date"] or False,
                }
                for row in rows
            ]
        )
