# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval

from ..engine import Plan
from .res_company import REPLY_TO_TYPES, SENDER_TYPES, check_sender, check_window


class AccountDunningPlan(models.Model):
    _name = "account.dunning.plan"
    _description = "Dunning Plan"
    _order = "sequence, id"
    _check_company_auto = True

    # == Fields ==
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    scope = fields.Selection(
        [("invoice", "Invoice level"), ("customer", "Customer level")],
        required=True,
        default="invoice",
        help="Invoice-level plans follow each invoice on its own; customer-level plans "
        "group a customer's overdue invoices in one communication.",
    )
    logic = fields.Selection(
        [("standard", "Standard"), ("contextual", "Contextual")],
        required=True,
        default="standard",
        help="Standard: an invoice starts at the first step and gets every past step, "
        "one per run, spaced by the minimum contact delay. Contextual: an invoice "
        "entering the plan late starts at the step matching its age.",
    )
    is_default = fields.Boolean(
        string="Default plan",
        help="Posted customer invoices of the company get this plan unless one is set.",
    )
    step_ids = fields.One2many("account.dunning.plan.step", "plan_id", string="Steps", copy=True)
    step_count = fields.Integer(compute="_compute_step_count")
    min_contact_delay = fields.Integer(
        default=5,
        help="Minimum days between two communications of this plan to the same recipient; "
        "it spaces the steps of an invoice entering the plan late.",
    )
    business_days_only = fields.Boolean(
        default=True,
        help="Week-ends are not counted in delays and nothing is sent on them.",
    )
    invoice_count = fields.Integer(compute="_compute_invoice_count")
    assign_domain = fields.Char(
        string="Conditions",
        default="[]",
        help="Invoice-level plans: newly posted invoices meeting these conditions get "
        "this plan (the first matching plan by sequence wins, else the default plan). "
        "Customer-level plans: customers on 'Company default' meeting them get this plan.",
    )
    assign_model = fields.Char(compute="_compute_assign_model")
    sender_type = fields.Selection(
        [("default", "Company setting")] + SENDER_TYPES,
        string="Sender",
        required=True,
        default="default",
        help="Who the reminders of this plan come from.",
    )
    sender_user_id = fields.Many2one("res.users", string="Sending user")
    sender_address = fields.Char(string="Sending address")
    reply_to_type = fields.Selection(
        [("default", "Company setting")] + REPLY_TO_TYPES,
        string="Replies go to",
        required=True,
        default="default",
    )
    reply_to_address = fields.Char(string="Reply-to address")
    window_type = fields.Selection(
        [("default", "Company setting"), ("custom", "These hours"), ("none", "Any time")],
        string="Send window",
        required=True,
        default="default",
        help="Hours in which this plan's mails may leave, on the company's working days "
        "(public holidays skipped); a mail decided outside them waits for the next "
        "opening.",
    )
    window_from = fields.Float(string="From", default=8.0)
    window_to = fields.Float(string="To", default=18.0)

    # == Compute methods ==
    @api.depends("step_ids")
    def _compute_step_count(self):
        for plan in self:
            plan.step_count = len(plan.step_ids)

    @api.depends("scope")
    def _compute_assign_model(self):
        for plan in self:
            plan.assign_model = "res.partner" if plan.scope == "customer" else "account.move"

    def _compute_invoice_count(self):
        data = dict(
            self.env["account.move"]._read_group(
                [("dunning_plan_id", "in", self.ids)],
                groupby=["dunning_plan_id"],
                aggregates=["__count"],
            )
        )
        for plan in self:
            plan.invoice_count = data.get(plan, 0)

    # == Constraints ==
    @api.constrains("is_default", "scope", "company_id", "active")
    def _check_single_default(self):
        for plan in self.filtered(lambda p: p.is_default and p.active):
            others = self.search_count(
                [
                    ("id", "!=", plan.id),
                    ("is_default", "=", True),
                    ("scope", "=", plan.scope),
                    ("company_id", "=", plan.company_id.id),
                ]
            )
            if others:
                raise ValidationError(
                    self.env._(
                        "%(company)s already has a default %(scope)s plan: "
                        "untick it there first.",
                        company=plan.company_id.name,
                        scope=dict(self._fields["scope"].selection)[plan.scope].lower(),
                    )
                )

    @api.constrains("scope")
    def _check_scope_templates(self):
        self.step_ids._check_mail_template()

    @api.constrains("min_contact_delay")
    def _check_min_contact_delay(self):
        if any(plan.min_contact_delay < 0 for plan in self):
            raise ValidationError(self.env._("The minimum contact delay cannot be negative."))

    @api.constrains(
        "sender_type", "sender_user_id", "sender_address", "reply_to_type", "reply_to_address"
    )
    def _check_sender(self):
        for plan in self:
            check_sender(
                self.env,
                plan.sender_type,
                plan.sender_user_id,
                plan.sender_address,
                plan.reply_to_type,
                plan.reply_to_address,
            )

    @api.constrains("window_type", "window_from", "window_to")
    def _check_window(self):
        for plan in self.filtered(lambda plan: plan.window_type == "custom"):
            check_window(self.env, plan.window_from, plan.window_to)

    # == Actions ==
    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("dunning_plan_id", "=", self.id)]
        action["context"] = {"default_move_type": "out_invoice"}
        return action

    def action_test_plan(self):
        """Show what this plan would do for an invoice or customer, sending nothing."""
        self.ensure_one()
        return self.env["account.dunning.plan.test"]._open_for(self)

    # == Business helpers ==
    @api.model
    def _get_default_plan(self, company, scope="invoice"):
        """The company's default plan of ``scope``, or an empty recordset."""
        return self.search(
            [("company_id", "=", company.id), ("scope", "=", scope), ("is_default", "=", True)],
            limit=1,
        )

    @api.model
    def _get_rules(self, company, scope):
        """The company's plans of ``scope`` with conditions, in the order they apply."""
        plans = self.search(
            [
                ("company_id", "=", company.id),
                ("scope", "=", scope),
                ("assign_domain", "not in", (False, "", "[]")),
            ]
        )
        return list(plans)

    def _parsed_domain(self):
        self.ensure_one()
        try:
            domain = safe_eval(self.assign_domain or "[]")
        except Exception as error:  # noqa: BLE001 - shown to the user as a validation error
            raise self._conditions_error(error) from error
        return domain

    def _conditions_error(self, error):
        return ValidationError(
            self.env._(
                "The conditions of plan %(plan)s are not valid: %(error)s",
                plan=self.display_name,
                error=error,
            )
        )

    def _matches(self, record):
        """Whether ``record`` (an invoice or a customer) meets this plan's conditions."""
        domain = self._parsed_domain()
        return bool(domain) and bool(record.filtered_domain(domain))

    @api.constrains("assign_domain", "scope")
    def _check_assign_domain(self):
        for plan in self:
            domain = plan._parsed_domain()
            try:
                self.env[plan.assign_model].search_count(domain, limit=1)
            except Exception as error:  # noqa: BLE001 - shown to the user
                raise plan._conditions_error(error) from error

    def _dunning_sender_setting(self, company):
        """``(sender type, user, address)`` for this plan (or none) in ``company``."""
        if self[:1].sender_type not in (False, "default"):
            return self.sender_type, self.sender_user_id, self.sender_address
        return (
            company.dunning_sender_type,
            company.dunning_sender_user_id,
            company.dunning_sender_address,
        )

    def _dunning_reply_to_setting(self, company):
        """``(reply-to type, address)`` for this plan (or none) in ``company``."""
        if self[:1].reply_to_type not in (False, "default"):
            return self.reply_to_type, self.reply_to_address
        return company.dunning_reply_to_type, company.dunning_reply_to_address

    def _dunning_window_hours(self, company):
        """``(from, to)`` hours of the send window, or None (any time)."""
        window_type = self[:1].window_type or "default"
        if window_type == "custom":
            return self.window_from, self.window_to
        if window_type == "none" or not company.dunning_window:
            return None
        return company.dunning_window_from, company.dunning_window_to

    def _to_engine(self):
        """The engine's view of this plan (active steps, in order)."""
        self.ensure_one()
        return Plan(
            steps=tuple(step._to_engine() for step in self.step_ids),
            logic=self.logic,
            min_contact_delay=self.min_contact_delay,
            business_days_only=self.business_days_only,
            key=self.id,
        )

    @api.model
    def _cron_process_dunning(self, batch_size=500):
        """Nightly entry point: run the dunning job for today, every company."""
        return self.env["account.move"]._dunning_run(batch_size=batch_size)
