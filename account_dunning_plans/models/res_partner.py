# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import format_amount

from ..tools.access import ACCOUNTING_GROUPS
from ..tools.explanation import as_html
from ..tools.statement import invoice_lines
from .account_dunning_legal_rate import DEBTOR_TYPES
from .account_dunning_pause_mixin import PAUSE_FIELDS

# Writing these fields moves the status of the customer's invoices: decided again at once.
STATUS_INPUTS = PAUSE_FIELDS | {"dunning_plan_id", "dunning_plan_mode", "dunning_blocked"}

PLAN_MODES = [
    ("default", "Company default"),
    ("custom", "Specific plan"),
    ("none", "No customer-level dunning"),
]


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "account.dunning.pause.mixin"]

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
    dunning_debtor_type = fields.Selection(
        DEBTOR_TYPES,
        string="Debtor type",
        compute="_compute_dunning_debtor_type",
        store=True,
        readonly=False,
        help="What the law lets you charge a late payer depends on it: late interest and "
        "recovery costs from businesses; consumers are protected (formal notice first). "
        "By default: business for companies and for anyone with a VAT number. Contacts "
        "follow their company.",
    )
    dunning_credit_hold = fields.Boolean(
        string="Credit hold",
        tracking=True,
        readonly=True,
        copy=False,
        help="Put by a dunning step; lifted by itself once no overdue invoice is left.",
    )
    dunning_credit_hold_date = fields.Date(string="On credit hold since", readonly=True, copy=False)
    dunning_contact = fields.Boolean(
        string="Dunning contact",
        help="Receives the reminders when the customer has no invoice-address contact "
        "with an e-mail (e.g. the decision maker).",
    )
    dunning_blocked = fields.Boolean(
        string="Block reminders",
        tracking=True,
        help="No automatic reminder is sent to this customer.",
        groups=ACCOUNTING_GROUPS,
    )
    dunning_paused = fields.Boolean(
        string="Customer dunning paused",
        help="Pauses the customer-level plan. Invoices with their own invoice-level plan "
        "go on unless paused too.",
    )
    dunning_pause_until = fields.Date(string="Customer paused until")
    dunning_pause_reason = fields.Char(string="Customer pause reason", groups=ACCOUNTING_GROUPS)
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
    dunning_payment_plan_ids = fields.One2many(
        "account.dunning.payment.plan",
        "partner_id",
        string="Payment plans",
        domain=[("state", "in", ("draft", "open"))],
        readonly=True,
        groups="account.group_account_invoice",
    )
    dunning_payment_plan_kept_count = fields.Integer(
        string="Payment plans kept",
        compute="_compute_dunning_payment_plan_counts",
        groups="account.group_account_invoice",
    )
    dunning_payment_plan_broken_count = fields.Integer(
        string="Payment plans broken",
        compute="_compute_dunning_payment_plan_counts",
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

    dunning_open_invoice_ids = fields.Many2many(
        "account.move",
        string="Open invoices",
        compute="_compute_dunning_statement",
        groups="account.group_account_invoice",
    )
    dunning_todo_action_ids = fields.Many2many(
        "account.dunning.action",
        string="Dunning to-dos",
        compute="_compute_dunning_statement",
        groups="account.group_account_invoice",
    )
    dunning_statement_totals = fields.Html(
        string="Total due",
        compute="_compute_dunning_statement",
        sanitize=False,
        groups="account.group_account_invoice",
        help="What the customer owes on its open invoices, per currency.",
    )

    @api.depends("commercial_partner_id", "dunning_paused", "dunning_blocked")
    @api.depends_context("company")
    def _compute_dunning_explanation(self):
        Explanation = self.env["account.dunning.explanation"]
        for partner in self:
            lines = [self.env._("No open invoice to remind.")]
            if isinstance(partner.commercial_partner_id.id, int):
                lines = Explanation._explain_customer(partner, self.env.company)
            partner.dunning_explanation = as_html(lines)

    @api.depends("commercial_partner_id")
    @api.depends_context("company")
    def _compute_dunning_statement(self):
        """The statement: the customer's open invoices in the current company (oldest
        due first), the to-dos of its reminders, and the total due per currency."""
        Move = self.env["account.move"]
        Action = self.env["account.dunning.action"]
        company = self.env.company
        for partner in self:
            customer = partner.commercial_partner_id
            if not isinstance(customer.id, int):
                partner.dunning_open_invoice_ids = Move
                partner.dunning_todo_action_ids = Action
                partner.dunning_statement_totals = False
                continue
            moves = Move.search(
                [
                    ("commercial_partner_id", "=", customer.id),
                    ("company_id", "=", company.id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                ],
                order="invoice_date_due, id",
            )
            _lines, totals = invoice_lines(moves)
            partner.dunning_open_invoice_ids = moves
            partner.dunning_todo_action_ids = Action.search(
                [
                    ("partner_id", "=", customer.id),
                    ("company_id", "=", company.id),
                    ("state", "=", "todo"),
                ],
                order="date, id",
            )
            partner.dunning_statement_totals = (
                Markup("<br/>").join(
                    format_amount(self.env, amount, currency) for currency, amount in totals
                )
                if totals
                else False
            )

    @api.depends("commercial_partner_id")
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

    @api.depends("commercial_partner_id")
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

    @api.depends("commercial_partner_id")
    def _compute_dunning_payment_plan_counts(self):
        counts = dict(
            ((partner, state), count)
            for partner, state, count in self.env["account.dunning.payment.plan"]._read_group(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("state", "in", ("kept", "broken")),
                ],
                groupby=["partner_id", "state"],
                aggregates=["__count"],
            )
        )
        for partner in self:
            commercial = partner.commercial_partner_id
            partner.dunning_payment_plan_kept_count = counts.get((commercial, "kept"), 0)
            partner.dunning_payment_plan_broken_count = counts.get((commercial, "broken"), 0)

    @api.depends("commercial_partner_id")
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

    def action_dunning_statement(self):
        """The customer's follow-up statement: open invoices, their status and next
        reminder, the to-dos, and the buttons to act on them."""
        self.ensure_one()
        customer = self.commercial_partner_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Statement of %(customer)s", customer=customer.display_name),
            "res_model": "res.partner",
            "res_id": customer.id,
            "view_mode": "form",
            "views": [
                (
                    self.env.ref(
                        "account_dunning_plans.res_partner_view_form_dunning_statement"
                    ).id,
                    "form",
                )
            ],
            "target": "current",
            "context": {"create": False},
        }

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
            "dunning_debtor_type",
            "dunning_credit_hold",
            "dunning_credit_hold_date",
        ]

    @api.depends("is_company", "vat", "parent_id")
    def _compute_dunning_debtor_type(self):
        for partner in self:
            commercial = partner.commercial_partner_id
            if commercial and commercial != partner and commercial.dunning_debtor_type:
                partner.dunning_debtor_type = commercial.dunning_debtor_type
            else:
                partner.dunning_debtor_type = (
                    "business" if partner.is_company or partner.vat else "consumer"
                )

    @api.onchange("dunning_plan_id")
    def _onchange_dunning_plan_id(self):
        if self.dunning_plan_id:
            self.dunning_plan_mode = "custom"

    @api.private
    def message_update(self, msg_dict, update_vals=None):
        """A customer's answer to a reminder (``account.dunning.reply``)."""
        self.env["account.dunning.reply"]._received(self, msg_dict)
        return super().message_update(msg_dict, update_vals=update_vals)

    def dunning_mail_value(self, key):
        """One value of this customer's reminder mail, for mail templates; see
        ``account.dunning.delivery._mail_value`` for the keys."""
        self.ensure_one()
        return self.env["account.dunning.delivery"]._mail_value(self, key)

    def _dunning_customer_plan(self):
        """The customer-level plan of this commercial entity in the current company
        (``account.dunning.plan._customer_plan``)."""
        return self.env["account.dunning.plan"]._customer_plan(self)

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
            # Per company (the field is): the plan must be the company's it is set for.
            if plan.company_id != self.env.company:
                raise ValidationError(
                    self.env._(
                        "%(plan)s is a plan of %(plan_company)s: it cannot remind the "
                        "customers of %(company)s.",
                        plan=plan.display_name,
                        plan_company=plan.company_id.name,
                        company=self.env.company.name,
                    )
                )
            if "dunning_plan_mode" not in vals:
                vals = dict(vals, dunning_plan_mode="custom")
        vals = self._dunning_pause_vals(vals)
        plans_before = (
            {partner: partner._dunning_plan_label() for partner in self}
            if {"dunning_plan_id", "dunning_plan_mode"} & set(vals)
            else {}
        )
        if not PAUSE_FIELDS & set(vals):
            result = super().write(vals)
        else:
            before = {partner: partner.dunning_paused for partner in self}
            result = super().write(vals)
            for partner in self.filtered(lambda p: p.is_company or not p.parent_id):
                message = partner._dunning_pause_message(before[partner])
                if message:
                    partner.message_post(body=message, subtype_xmlid="mail.mt_note")
        for partner, before in plans_before.items():
            after = partner._dunning_plan_label()
            if after != before and (partner.is_company or not partner.parent_id):
                partner.sudo().message_post(
                    body=self.env._(
                        "Customer-level dunning in %(company)s: %(before)s → %(after)s.",
                        company=self.env.company.name,
                        before=before,
                        after=after,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        if STATUS_INPUTS & set(vals):
            self._dunning_refresh_status()
        return result

    def _dunning_plan_label(self):
        """The customer-level plan setting in the current company, in words."""
        modes = dict(self._fields["dunning_plan_mode"]._description_selection(self.env))
        mode = self.dunning_plan_mode or "default"
        if mode == "custom" and self.dunning_plan_id:
            return self.dunning_plan_id.display_name
        return modes.get(mode, mode)

    def _dunning_refresh_status(self):
        """Decide again, now, the status of these customers' open invoices (after a
        change of their plan, pause or block)."""
        moves = (
            self.env["account.move"]
            .sudo()
            .search(
                self.env["account.dunning.facts"]._open_domain()
                + [("commercial_partner_id", "in", self.commercial_partner_id.ids)]
            )
        )
        self.env["account.dunning.run"]._refresh_status(moves)

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
        """Open the pause dialog for these customers."""
        return self.env["account.dunning.pause"]._open_for(self.commercial_partner_id)

    def action_dunning_resume(self):
        self.commercial_partner_id.filtered("dunning_paused")._dunning_write_as_accountant(
            {"dunning_paused": False}
        )

    def action_dunning_block(self):
        """Stop the automatic reminders to these customers."""
        self.commercial_partner_id._dunning_write_as_accountant({"dunning_blocked": True})

    def action_dunning_unblock(self):
        """Let automatic reminders reach these customers again."""
        self.commercial_partner_id._dunning_write_as_accountant({"dunning_blocked": False})

    def action_dunning_payment_plan(self):
        """A payment plan for the customer's overdue invoices (a new draft)."""
        self.ensure_one()
        return self.env["account.dunning.payment.plan"]._open_for(
            self.commercial_partner_id, self.env.company
        )

    def action_dunning_send_statement(self):
        """Send the customer's next reminders now, by e-mail, as one statement (the
        statement's "Send by e-mail"): the next e-mail step of the customer-level plan
        and of each invoice with its own plan, whatever their dates.

        Goes through the engine (:func:`..engine.manual.manual_statement`): while
        anything would normally hold it, a dialog lists the holds and goes on only
        once the user confirms each; then the mail composer shows the statement, to
        read and edit before it leaves."""
        self.ensure_one()
        customer = self.commercial_partner_id
        sends = self.env["account.dunning.run"]._manual_statement(customer, self.env.company)
        if sends.holds:
            return self.env["account.dunning.send"]._open_for_statement(customer, sends)
        return customer._dunning_send_statement_by_hand()

    def _dunning_send_statement_by_hand(self, confirmed=()):
        """The mail composer with the customer's statement sent by hand despite
        ``confirmed`` holds (recorded when the person sends it, see
        ``mail.compose.message``). One invoice's own step alone is that invoice's
        reminder sent by hand."""
        self.ensure_one()
        company = self.env.company
        sends = self.env["account.dunning.run"]._manual_statement(self, company, confirmed)
        if len(sends.dues) == 1 and sends.dues[0].scope == "invoice":
            return sends.dues[0].moves._dunning_send_by_hand(confirmed)
        dispatch = self.env["account.dunning.dispatch"]
        moves = self.env["account.move"].union(*(due.moves for due in sends.dues))
        dispatch._prepare_links(moves)
        attached = self.env["account.move"].union(
            *(due.moves for due in sends.dues if dispatch._step(due).attach_invoice_pdf)
        )
        return self.env["account.dunning.delivery"]._composer_action(
            self,
            dispatch._customer_template(sends.dues),
            attached,
            self.env._("Send statement: %(customer)s", customer=self.display_name),
            {
                "dunning_send_partner_id": self.id,
                "dunning_send_company_id": company.id,
                "dunning_send_confirmed": list(confirmed),
            },
            render=dispatch._mail_context({self: sends.dues}, sends.today),
        )
