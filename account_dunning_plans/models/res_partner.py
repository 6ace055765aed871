# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from .dunning_explanation import as_html

PLAN_MODES = [
    ("default", "Company default"),
    ("custom", "Specific plan"),
    ("none", "No customer-level dunning"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    dunning_plan_mode = fields.Selection(
        PLAN_MODES,
        string="Customer-level dunning",
        company_dependent=True,
        help="Company default: the company's default customer-level plan, if any. "
        "Specific plan: the plan below. No customer-level dunning: only invoice-level "
        "plans remind this customer. Contacts follow their company.",
    )
    dunning_plan_id = fields.Many2one(
        "account.dunning.plan",
        string="Customer dunning plan",
        company_dependent=True,
        domain="[('scope', '=', 'customer'), ('company_id', '=', current_company_id)]",
        help="Customer-level plan of this customer when 'Specific plan' is chosen.",
    )
    dunning_contact = fields.Boolean(
        string="Dunning contact",
        help="Receives the reminders when the customer has no invoice-address contact "
        "with an e-mail (e.g. the decision maker).",
    )
    dunning_blocked = fields.Boolean(
        string="Block reminders",
        tracking=True,
        help="No automatic reminder is sent to this customer.",
    )
    dunning_paused = fields.Boolean(
        string="Customer dunning paused",
        help="Pauses the customer-level plan. Invoices with their own invoice-level plan "
        "go on unless paused too.",
    )
    dunning_pause_until = fields.Date(string="Customer paused until")
    dunning_pause_reason = fields.Char(string="Customer pause reason")
    dunning_invoice_plan_count = fields.Integer(
        string="Invoices with their own plan",
        compute="_compute_dunning_invoice_plan_count",
        groups="account.group_account_invoice",
    )
    dunning_promise_kept_count = fields.Integer(
        string="Promises kept",
        compute="_compute_dunning_promise_counts",
        groups="account.group_account_invoice",
    )
    dunning_promise_broken_count = fields.Integer(
        string="Promises broken",
        compute="_compute_dunning_promise_counts",
        groups="account.group_account_invoice",
    )
    dunning_action_count = fields.Integer(
        string="Reminders",
        compute="_compute_dunning_action_count",
        groups="account.group_account_invoice",
    )

    dunning_explanation = fields.Html(
        string="Dunning today",
        compute="_compute_dunning_explanation",
        sanitize=False,
        groups="account.group_account_invoice",
        help="Where the customer's dunning stands today in this company and why.",
    )

    @api.depends_context("company")
    def _compute_dunning_explanation(self):
        Move = self.env["account.move"]
        today = fields.Date.context_today(self)
        for partner in self:
            commercial = partner.commercial_partner_id
            moves = Move
            if isinstance(commercial.id, int):
                moves = Move.search(
                    Move._dunning_open_domain()
                    + [
                        ("commercial_partner_id", "=", commercial.id),
                        ("company_id", "=", self.env.company.id),
                        ("payment_state", "in", ("not_paid", "partial")),
                    ]
                )
            if not moves:
                partner.dunning_explanation = as_html([self.env._("No open invoice to remind.")])
                continue
            explained, groups, grouped = moves._dunning_explain(today)
            lines = list(groups.get((commercial.id, self.env.company.id), []))
            for move in moves:
                if move.id in grouped:
                    continue
                sentences = explained.get(move.id, [])
                lines.append(
                    self.env._(
                        "%(invoice)s: %(status)s",
                        invoice=move.name,
                        status=" ".join(sentences[:3]),
                    )
                )
            partner.dunning_explanation = as_html(lines)

    def _compute_dunning_invoice_plan_count(self):
        counts = dict(
            self.env["account.move"]._read_group(
                [
                    ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                    ("dunning_plan_id", "!=", False),
                ],
                groupby=["commercial_partner_id"],
                aggregates=["__count"],
            )
        )
        for partner in self:
            partner.dunning_invoice_plan_count = counts.get(partner.commercial_partner_id, 0)

    def _compute_dunning_promise_counts(self):
        counts = {
            (partner, state): count
            for partner, state, count in self.env["account.dunning.promise"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                groupby=["partner_id", "state"],
                aggregates=["__count"],
            )
        }
        for partner in self:
            commercial = partner.commercial_partner_id
            partner.dunning_promise_kept_count = counts.get((commercial, "kept"), 0)
            partner.dunning_promise_broken_count = counts.get(
                (commercial, "broken"), 0
            ) + counts.get((commercial, "partial"), 0)

    def _compute_dunning_action_count(self):
        counts = dict(
            self.env["account.dunning.action"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                groupby=["partner_id"],
                aggregates=["__count"],
            )
        )
        for partner in self:
            partner.dunning_action_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_dunning_actions(self):
        """The customer's dunning actions, both levels."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_dunning_plans.account_dunning_action_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {}
        return action

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + [
            "dunning_blocked",
            "dunning_paused",
            "dunning_pause_until",
            "dunning_pause_reason",
        ]

    @api.onchange("dunning_plan_id")
    def _onchange_dunning_plan_id(self):
        if self.dunning_plan_id:
            self.dunning_plan_mode = "custom"

    def _dunning_mail_value(self, key):
        """For the dunning templates: ``partner_to``, ``email_from``, ``reply_to`` or
        ``salutation`` of this record's reminder mail."""
        self.ensure_one()
        return self.env["account.dunning.delivery"]._mail_value(self, key)

    def _dunning_customer_plan(self, default=None, rules=None):
        """The customer-level plan of this commercial entity in the current company.

        On 'Company default', the first customer-level plan whose conditions the
        customer meets, else the default plan. ``default`` and ``rules``: the company's
        default plan and plans with conditions, when already known.
        """
        Plan = self.env["account.dunning.plan"]
        partner = self.commercial_partner_id
        if len(partner) != 1:
            return Plan
        mode = partner.dunning_plan_mode or "default"
        if mode == "none":
            return Plan
        if mode == "custom" and partner.dunning_plan_id:
            return partner.dunning_plan_id
        if rules is None:
            rules = Plan._get_rules(self.env.company, "customer")
        for plan in rules:
            if plan._matches(partner):
                return plan
        if default is None:
            default = Plan._get_default_plan(self.env.company, "customer")
        return default

    def write(self, vals):
        if vals.get("dunning_plan_id"):
            plan = self.env["account.dunning.plan"].browse(vals["dunning_plan_id"])
            if plan.scope != "customer":
                raise ValidationError(
                    self.env._(
                        "%(plan)s is an invoice-level plan: a customer needs a "
                        "customer-level plan.",
                        plan=plan.display_name,
                    )
                )
            if "dunning_plan_mode" not in vals:
                vals = dict(vals, dunning_plan_mode="custom")
        if vals.get("dunning_paused") is False:
            vals = dict(vals, dunning_pause_until=False, dunning_pause_reason=False)
        pause_fields = {"dunning_paused", "dunning_pause_until", "dunning_pause_reason"}
        if not pause_fields & set(vals):
            return super().write(vals)
        before = {partner: partner.dunning_paused for partner in self}
        result = super().write(vals)
        for partner in self.filtered(lambda p: p.is_company or not p.parent_id):
            message = self.env["account.move"]._dunning_pause_message_for(partner, before[partner])
            if message:
                partner.message_post(body=message)
        return result

    def _dunning_write_as_accountant(self, vals):
        """Write dunning fields on customers for an accounting user.

        Billing users may pause, block and unblock customers without being allowed to
        edit contacts: the write is done as superuser once their group is checked (the
        chatter still names them).
        """
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(self.env._("Only accounting users can change customers' dunning."))
        return self.sudo().write(vals)

    # == Actions ==
    def action_dunning_pause(self):
        """Open the pause wizard for these customers."""
        return self.env["account.dunning.pause"]._open_for(self.commercial_partner_id)

    def action_dunning_resume(self):
        self.commercial_partner_id.filtered("dunning_paused")._dunning_write_as_accountant(
            {"dunning_paused": False}
        )

    def action_dunning_unblock(self):
        """Let automatic reminders reach these customers again."""
        self.commercial_partner_id._dunning_write_as_accountant({"dunning_blocked": False})
