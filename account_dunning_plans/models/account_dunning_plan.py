# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from datetime import date, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.safe_eval import safe_eval

from ..engine import Invoice, step_dates
from ..engine.legal import CONSUMER_GATE_DAYS, consumer_gate_error
from ..tools.notify import warning
from .res_company import REPLY_TO_TYPES, SENDER_TYPES, check_sender, check_window

_logger = logging.getLogger(__name__)

# Days a delay may count, either way: ten years.
MAX_DELAY = 3650

# The company field holding its default plan of each level.
DEFAULT_FIELDS = {
    "invoice": "dunning_default_plan_id",
    "customer": "dunning_default_customer_plan_id",
}


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
    debtor_type = fields.Selection(
        [("any", "Businesses and consumers"), ("business", "Businesses only")],
        string="For",
        required=True,
        default="any",
        help="A plan that may remind consumers must send a formal notice (a step marked "
        "so) and wait the period the law gives before any step that claims interest or "
        "recovery costs. A plan for businesses only may claim them from any step.",
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
        compute="_compute_is_default",
        inverse="_inverse_is_default",
        search="_search_is_default",
        help="The company's default plan of this level (set in the settings): posted "
        "customer invoices get the invoice-level one unless a plan was set, customers "
        "on 'Company default' the customer-level one.",
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
    failure_warning = fields.Text(
        string="Failing templates",
        compute="_compute_failure_warning",
        help="Steps with mails that failed and were not sent since: their template needs "
        "fixing.",
    )

    # == Compute methods ==
    @api.depends("step_ids")
    def _compute_step_count(self):
        for plan in self:
            plan.step_count = len(plan.step_ids)

    @api.depends("scope", "company_id.dunning_default_plan_id")
    @api.depends("company_id.dunning_default_customer_plan_id")
    def _compute_is_default(self):
        for plan in self:
            plan.is_default = plan == plan.company_id._dunning_default_plan(plan.scope)

    def _inverse_is_default(self):
        for plan in self:
            field = DEFAULT_FIELDS[plan.scope]
            company = plan.company_id.sudo()
            if plan.is_default:
                company[field] = plan
            elif company[field] == plan:
                company[field] = False

    def _search_is_default(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Unsupported search on the default plan."))
        companies = self.env["res.company"].sudo().search([])
        ids = (companies.dunning_default_plan_id | companies.dunning_default_customer_plan_id).ids
        positive = (operator == "=") == bool(value)
        return [("id", "in" if positive else "not in", ids)]

    @api.depends("scope")
    def _compute_assign_model(self):
        for plan in self:
            plan.assign_model = "res.partner" if plan.scope == "customer" else "account.move"

    @api.depends("step_ids")
    def _compute_failure_warning(self):
        failing = self.step_ids._failing()
        for plan in self:
            plan.failure_warning = "\n".join(
                failing[step] for step in plan.step_ids if step in failing
            )

    @api.depends("scope")
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
    @api.constrains("scope")
    def _check_scope_templates(self):
        self.step_ids._check_mail_template()

    @api.constrains("debtor_type")
    def _check_consumer_gate(self):
        """A plan that may remind consumers claims nothing before its formal notice and
        the period after it (:func:`..engine.legal.consumer_gate_error`)."""
        Policy = self.env["account.dunning.policy"]
        due = date(2026, 1, 31)
        invoice = Invoice(due_date=due, invoice_date=due - timedelta(days=30), amount_residual=1.0)
        for plan in self.filtered(lambda plan: plan.debtor_type == "any"):
            steps = plan.step_ids.filtered(lambda step: not step.broken_promise)
            days = step_dates(Policy._plan(plan), invoice)
            normal = [
                day
                for day, step in zip(days, plan.step_ids, strict=True)
                if not step.broken_promise
            ]
            index = consumer_gate_error(
                [
                    ((day - due).days, step.charge_fee or step.charge_interest, step.formal_notice)
                    for day, step in zip(normal, steps, strict=True)
                ]
            )
            if index is not None:
                raise ValidationError(
                    self.env._(
                        "Plan %(plan)s may remind consumers, but its step %(step)s claims "
                        "interest or recovery costs before the law allows it: a consumer "
                        "first gets a formal notice (a step marked so), then at least "
                        "%(days)s days to pay. Move the claim later, add a formal notice "
                        "before it, or set the plan for businesses only.",
                        plan=plan.name,
                        step=steps[index].name,
                        days=CONSUMER_GATE_DAYS,
                    )
                )

    @api.constrains("min_contact_delay")
    def _check_min_contact_delay(self):
        if any(not 0 <= plan.min_contact_delay <= MAX_DELAY for plan in self):
            raise ValidationError(
                self.env._(
                    "The minimum contact delay is between 0 and %(max)s days.", max=MAX_DELAY
                )
            )

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

    def action_archive(self):
        """Archive the plans; the notification says how many open invoices are no
        longer reminded (unarchiving resumes them)."""
        open_moves = self.env["account.move"].search_count(
            self.env["account.dunning.facts"]._open_domain()
            + [("move_type", "=", "out_invoice"), ("dunning_plan_id", "in", self.ids)]
        )
        customers = self.env["res.partner"].search_count(
            [("dunning_plan_id", "in", self.ids), ("dunning_plan_mode", "=", "custom")]
        )
        super().action_archive()
        return warning(
            self.env._(
                "Archived: %(invoices)s open invoice(s) and the invoices of %(customers)s "
                'customer(s) following these plans are no longer reminded (status "Plan '
                'archived"). Unarchive the plan to resume.',
                invoices=open_moves,
                customers=customers,
            )
        )

    def action_test_plan(self):
        """Show what this plan would do for an invoice or customer, sending nothing."""
        self.ensure_one()
        return self.env["account.dunning.plan.test"]._open_for(self)

    # == Business helpers ==
    @api.model
    def _get_default_plan(self, company, scope="invoice"):
        """The company's default plan of ``scope``, or an empty recordset."""
        return company._dunning_default_plan(scope)

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

    @api.model
    def _assign_invoice_plans(self, moves, force=False):
        """Give ``moves`` the first invoice-level plan whose conditions they meet (by
        sequence), else the company's default plan. Without ``force`` only invoices
        without a plan are assigned; invoices of customers with a specific
        customer-level plan stay at customer level unless a rule matches them."""
        move_vals = {}
        for company, company_moves in moves.grouped("company_id").items():
            rules = self._get_rules(company, "invoice")
            default = self._get_default_plan(company)
            for move in company_moves:
                if move.dunning_plan_id and not force:
                    continue
                plan = next((rule for rule in rules if rule._matches(move)), None)
                if plan is None:
                    customer = move.commercial_partner_id.with_company(company)
                    at_customer_level = customer.dunning_plan_mode == "custom" and bool(
                        customer.dunning_plan_id
                    )
                    plan = self.browse() if at_customer_level else default
                if plan != move.dunning_plan_id:
                    move_vals[move] = {"dunning_plan_id": plan.id}
        moves._dunning_write(move_vals)

    @api.model
    def _customer_plan(self, partner, default=None, rules=None):
        """The customer-level plan of ``partner``'s commercial entity in the company of
        ``partner``'s environment (its ``company``).

        On 'Company default', the first customer-level plan whose conditions the
        customer meets, else the default plan. ``default`` and ``rules``: the company's
        default plan and plans with conditions, when already known.
        """
        customer = partner.commercial_partner_id
        if len(customer) != 1:
            return self.browse()
        mode = customer.dunning_plan_mode or "default"
        if mode == "none":
            return self.browse()
        if mode == "custom" and customer.dunning_plan_id:
            plan = customer.dunning_plan_id
            # sudo: another company's plan may not be readable by whoever runs this.
            if plan.sudo().company_id != customer.env.company:
                # Set before the check existed, or by SQL: never remind under another
                # company's plan.
                _logger.warning(
                    "Dunning: %s has plan %s of another company in %s: skipped",
                    customer.display_name,
                    plan.sudo().name,
                    customer.env.company.name,
                )
                return self.browse()
            return plan
        company = customer.env.company
        if rules is None:
            rules = self._get_rules(company, "customer")
        for plan in rules:
            if plan._matches(customer):
                return plan
        if default is None:
            default = self._get_default_plan(company, "customer")
        return default

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
        """Whether ``record`` (an invoice or a customer) meets this plan's conditions.

        Conditions that fail on ``record`` anyway (they were checked when saved) make
        the rule not match, with a warning in the server log: they never block posting
        an invoice nor the nightly job."""
        try:
            domain = self._parsed_domain()
            return bool(domain) and bool(record.filtered_domain(domain))
        except Exception as error:  # noqa: BLE001 - a broken rule is skipped, not fatal
            _logger.warning(
                "Dunning: the conditions of plan %s (id %s) failed on %s: %s; rule skipped",
                self.name,
                self.id,
                record,
                error,
            )
            return False

    @api.constrains("assign_domain", "scope")
    def _check_assign_domain(self):
        """The conditions are checked as they will be used: each value against its
        field's type, then evaluated on a record as the matching does (in Python,
        ``filtered_domain``) and in SQL."""
        for plan in self:
            domain = plan._parsed_domain()
            Model = self.env[plan.assign_model]
            plan._check_condition_values(Model, domain)
            sample = Model.search([("company_id", "in", [False, plan.company_id.id])], limit=1)
            try:
                Model.search_count(domain, limit=1)
                for record in (sample, Model.new({})):
                    if record:
                        record.filtered_domain(domain)
            except Exception as error:  # noqa: BLE001 - shown to the user
                raise plan._conditions_error(error) from error

    def _check_condition_values(self, Model, domain):
        """Refuse a condition comparing a number with text (``('amount_total', '>',
        '1000')``): SQL would accept it, the matching would fail on every record."""
        numeric = ("integer", "float", "monetary")
        for leaf in domain:
            if not isinstance(leaf, list | tuple) or len(leaf) != 3:
                continue
            path, operator, value = leaf
            field = Model._fields.get(str(path).split(".")[0])
            model = Model
            for name in str(path).split(".")[1:]:
                if not field or not field.relational:
                    break
                model = self.env[field.comodel_name]
                field = model._fields.get(name)
            values = value if isinstance(value, list | tuple) else [value]
            if (
                field
                and field.type in numeric
                and operator not in ("=?",)
                and any(isinstance(item, str) for item in values)
            ):
                raise ValidationError(
                    self.env._(
                        "The conditions of plan %(plan)s compare the number %(field)s with "
                        "the text %(value)s: write the number without quotes.",
                        plan=self.display_name,
                        field=field.string,
                        value=repr(value),
                    )
                )

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
