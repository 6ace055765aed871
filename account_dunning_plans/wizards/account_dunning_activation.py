# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import Counter
from dataclasses import replace

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date

from ..tools.notify import dialog, success


class AccountDunningActivation(models.TransientModel):
    """The activation assistant (seed 000: stand-by, then activate after review).

    Installed on a database that already has invoices, nothing has a plan and the bank
    data check may hold everything. Three pages walk the activation: the default plans,
    given to the open invoices not too old (``plans``); the bank data, unmatched
    payments and customers without e-mail, with what they would hold (``checks``);
    the first run as the job would do it (``run``). Nothing is sent, and stand-by is
    switched off only by **Activate**.
    """

    _name = "account.dunning.activation"
    _description = "Dunning activation assistant"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [("plans", "Plans"), ("checks", "Checks"), ("run", "First run")],
        default="plans",
        required=True,
    )
    # == Plans ==
    default_plan_id = fields.Many2one(
        "account.dunning.plan",
        string="Default invoice-level plan",
        domain="[('scope', '=', 'invoice'), ('company_id', '=', company_id)]",
    )
    default_customer_plan_id = fields.Many2one(
        "account.dunning.plan",
        string="Default customer-level plan",
        domain="[('scope', '=', 'customer'), ('company_id', '=', company_id)]",
    )
    max_age_at_activation = fields.Integer(string="Maximum invoice age at activation")
    open_count = fields.Integer(string="Open customer invoices", compute="_compute_invoices")
    planless_count = fields.Integer(string="Without a plan", compute="_compute_invoices")
    too_old_count = fields.Integer(string="Too old, left out", compute="_compute_invoices")
    # == Checks ==
    bank_max_age = fields.Integer(string="Maximum age of bank data")
    block_unmatched_payments = fields.Boolean(string="Hold reminders on unmatched payments")
    bank_date = fields.Date(string="Newest bank statement line", compute="_compute_checks")
    bank_warning = fields.Char(compute="_compute_checks")
    unmatched_partner_ids = fields.Many2many(
        "res.partner",
        string="Customers with unmatched payments",
        compute="_compute_checks",
    )
    no_email_partner_ids = fields.Many2many(
        "res.partner",
        relation="account_dunning_activation_no_email_rel",
        string="Customers without e-mail",
        compute="_compute_checks",
    )
    # == First run ==
    mail_count = fields.Integer(string="Mails", readonly=True)
    todo_count = fields.Integer(string="To-dos", readonly=True)
    held_summary = fields.Text(string="Not reminded", readonly=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        company = self.env["res.company"].browse(values.get("company_id")) or self.env.company
        values.update(
            default_plan_id=company.dunning_default_plan_id.id,
            default_customer_plan_id=company.dunning_default_customer_plan_id.id,
            max_age_at_activation=company.dunning_max_age_at_activation,
            bank_max_age=company.dunning_bank_max_age,
            block_unmatched_payments=company.dunning_block_unmatched_payments,
        )
        return values

    # == Computes ==
    def _open_invoices(self):
        return self.env["account.move"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
            ]
        )

    def _policy(self):
        """The engine's policy once activated today with this assistant's settings."""
        return replace(
            self.env["account.dunning.policy"]._policy(self.company_id),
            enabled=True,
            activation_date=self.company_id._dunning_today(),
            max_age_at_activation=self.max_age_at_activation,
            bank_max_age=max(self.bank_max_age, 0),
            bank_data_date=self.bank_date or None,
        )

    def _too_old(self, moves):
        """``moves`` already too old if dunning is enabled today (the engine's rule)."""
        policy = self._policy()
        return moves.filtered(lambda move: move.invoice_date and policy.too_old(move.invoice_date))

    @api.depends("company_id", "max_age_at_activation")
    def _compute_invoices(self):
        for wizard in self:
            moves = wizard._open_invoices()
            wizard.open_count = len(moves)
            wizard.planless_count = len(moves.filtered(lambda move: not move.dunning_plan_id))
            wizard.too_old_count = len(wizard._too_old(moves))

    @api.depends("company_id", "bank_max_age")
    def _compute_checks(self):
        Facts = self.env["account.dunning.facts"]
        for wizard in self:
            company = wizard.company_id
            wizard.bank_date = self.env["account.dunning.policy"]._bank_data_date(company)
            wizard.bank_warning = wizard._bank_warning()
            moves = wizard._open_invoices()
            customers = moves.commercial_partner_id
            unmatched = Facts._unmatched(customers, company)
            wizard.unmatched_partner_ids = customers.browse(
                [partner_id for partner_id, _company_id in unmatched]
            )
            wizard.no_email_partner_ids = customers.filtered(
                lambda partner: not Facts._recipients(partner)
            )

    def _bank_warning(self):
        """What the bank data check (the engine's rule) would hold today, in words
        (empty: nothing)."""
        today = self.company_id._dunning_today()
        if not self._policy().bank_data_stale(today):
            return ""
        if not self.bank_date:
            return self.env._(
                "No bank statement line yet: every automatic reminder would be held. "
                "Import your bank statements, or set the maximum age to 0 to switch the "
                "check off."
            )
        return self.env._(
            "The newest bank statement line is %(age)s days old (more than %(max)s): "
            "every automatic reminder would be held until you import your statements.",
            age=(today - self.bank_date).days,
            max=self.bank_max_age,
        )

    # == Pages ==
    @api.model
    def _open(self, company=None):
        """The assistant for ``company`` (the current one)."""
        wizard = self.create({"company_id": (company or self.env.company).id})
        return wizard._reopen()

    def _reopen(self):
        return dialog(self.env._("Activate dunning"), self._name, res_id=self.id)

    def action_plans_next(self):
        """Save the default plans and give them to the open invoices without a plan
        that are not too old (the others are left out by the job anyway)."""
        self.ensure_one()
        if not self.default_plan_id and not self.default_customer_plan_id:
            raise UserError(self.env._("Choose at least one default plan."))
        if self.max_age_at_activation < 0:
            raise UserError(self.env._("The maximum age cannot be negative."))
        self.company_id.write(
            {
                "dunning_default_plan_id": self.default_plan_id.id,
                "dunning_default_customer_plan_id": self.default_customer_plan_id.id,
                "dunning_max_age_at_activation": self.max_age_at_activation,
            }
        )
        moves = self._open_invoices()
        planless = moves.filtered(lambda move: not move.dunning_plan_id) - self._too_old(moves)
        self.env["account.dunning.plan"]._assign_invoice_plans(planless)
        self.env["account.dunning.run"]._refresh_status(planless)
        self.state = "checks"
        return self._reopen()

    def action_checks_next(self):
        """Save the checks and simulate the first run, as if dunning were enabled."""
        self.ensure_one()
        if self.bank_max_age < 0:
            raise UserError(self.env._("The maximum age cannot be negative."))
        self.company_id.write(
            {
                "dunning_bank_max_age": self.bank_max_age,
                "dunning_block_unmatched_payments": self.block_unmatched_payments,
            }
        )
        self._simulate_first_run()
        self.state = "run"
        return self._reopen()

    def action_back(self):
        self.ensure_one()
        self.state = {"run": "checks", "checks": "plans"}.get(self.state, "plans")
        return self._reopen()

    def _simulate_first_run(self):
        """Counts of the first run (today, as if enabled): mails (one per customer),
        to-dos, and the invoices reminded of nothing, by reason."""
        rows = self.env["account.dunning.forecast"]._simulate(
            self.company_id._dunning_today(), 1, self.company_id, assume_enabled=True
        )
        mails = {row["partner_id"] for row in rows if row["acts"] and row["outcome"] == "send"}
        todos = [row for row in rows if row["acts"] and row["outcome"] != "send"]
        held = Counter(row["reason_label"] for row in rows if not row["acts"])
        self.write(
            {
                "mail_count": len(mails),
                "todo_count": len(todos),
                "held_summary": "\n".join(
                    f"{reason}: {count}" for reason, count in held.most_common()
                ),
            }
        )

    def action_open_simulation(self):
        """The full simulation of the first run, row by row."""
        self.ensure_one()
        simulation = self.env["account.dunning.simulation"].create(
            {
                "company_id": self.company_id.id,
                "date": self.company_id._dunning_today(),
                "assume_enabled": True,
            }
        )
        return simulation.action_simulate()

    def action_activate(self):
        """Switch stand-by off: the next run sends what the first run showed."""
        self.ensure_one()
        self.company_id.dunning_enabled = True
        return success(
            self.env._(
                "Dunning is enabled since %(date)s: the next run sends the reminders due.",
                date=format_date(self.env, self.company_id.dunning_activation_date),
            ),
            close=True,
        )

    def action_no_email_customers(self):
        """The customers without e-mail, to complete them."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Customers without e-mail"),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", self.no_email_partner_ids.ids)],
            "context": {"create": False},
        }
