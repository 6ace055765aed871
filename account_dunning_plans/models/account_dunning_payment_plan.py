# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

from ..engine import BROKEN, KEPT, PaymentPlan, courtesy_due, payment_plan_outcome
from ..engine import payment_plan as pp
from .account_dunning_promise import ORIGINS

_logger = logging.getLogger(__name__)


class AccountDunningPaymentPlan(models.Model):
    """Installments agreed with a customer for some of its overdue invoices.

    While it runs, those invoices are not reminded (reason "payment plan"): the
    customer only gets a courtesy reminder a few days before each installment. The
    nightly job closes it: kept once everything is paid, broken the day an installment
    is missed (its date plus the grace days), which resumes dunning at the dunning
    plan's broken-promise step and gives the responsible an activity. Every rule is
    the engine's (:mod:`..engine.payment_plan`).
    """

    _name = "account.dunning.payment.plan"
    _description = "Payment Plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('parent_id', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    move_ids = fields.Many2many(
        "account.move",
        "account_dunning_payment_plan_move_rel",
        "payment_plan_id",
        "move_id",
        string="Invoices",
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('payment_state', 'in', ('not_paid', 'partial')), "
        "('commercial_partner_id', '=', partner_id), ('currency_id', '=', currency_id)]",
    )
    installment_ids = fields.One2many(
        "account.dunning.payment.plan.installment", "payment_plan_id", string="Installments"
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("open", "Running"),
            ("kept", "Kept"),
            ("broken", "Broken"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
        copy=False,
    )
    origin = fields.Selection(
        ORIGINS,
        default="backoffice",
        required=True,
        readonly=True,
    )
    user_id = fields.Many2one(
        "res.users", string="Agreed by", default=lambda self: self.env.user, readonly=True
    )
    agreed_date = fields.Date(readonly=True, copy=False)
    closed_date = fields.Date(readonly=True, copy=False)
    grace_days = fields.Integer(
        default=lambda self: self.env.company.dunning_installment_grace_days,
        help="An installment not paid this many days after its date breaks the plan.",
    )
    notice_days = fields.Integer(
        string="Courtesy reminder (days before)",
        default=lambda self: self.env.company.dunning_installment_notice_days,
        help="The customer is reminded of each installment this many days before it " "(0: never).",
    )
    note = fields.Text()
    amount_due = fields.Monetary(
        compute="_compute_amounts",
        help="What the invoices owe now (when agreed, for a plan agreed already).",
    )
    residual_at_agreement = fields.Monetary(string="Due when agreed", readonly=True, copy=False)
    amount_paid = fields.Monetary(
        string="Paid since agreed",
        compute="_compute_amounts",
        help="How much the amount due of the invoices dropped since the plan was agreed.",
    )
    next_installment_id = fields.Many2one(
        "account.dunning.payment.plan.installment", compute="_compute_amounts"
    )
    # To split the amount due into installments (a draft).
    installment_count = fields.Integer(string="Number of installments", default=3)
    first_date = fields.Date(
        string="First installment",
        default=lambda self: self.env.company._dunning_today() + timedelta(days=7),
    )
    interval_months = fields.Integer(string="Every (months)", default=1)

    @api.depends(
        "move_ids.amount_residual", "installment_ids.amount", "residual_at_agreement", "state"
    )
    def _compute_amounts(self):
        for plan in self:
            owed = sum(plan.move_ids.mapped("amount_residual"))
            plan.amount_due = owed
            plan.amount_paid = plan._paid() if plan.state != "draft" else 0.0
            covered = plan._engine_plan().covered() if plan.state == "open" else 0
            plan.next_installment_id = plan._installments()[covered : covered + 1]

    @api.depends("partner_id", "agreed_date", "state")
    def _compute_display_name(self):
        for plan in self:
            plan.display_name = self.env._(
                "Payment plan of %(customer)s", customer=plan.partner_id.display_name or ""
            ) + (f" ({format_date(self.env, plan.agreed_date)})" if plan.agreed_date else "")

    @api.constrains("grace_days", "notice_days", "installment_count", "interval_months")
    def _check_days(self):
        for plan in self:
            if not (0 <= plan.grace_days <= 365 and 0 <= plan.notice_days <= 365):
                raise ValidationError(
                    self.env._("Grace and courtesy days must be between 0 and 365.")
                )
            if not (0 <= plan.installment_count <= 120 and 0 <= plan.interval_months <= 24):
                raise ValidationError(
                    self.env._(
                        "A payment plan has at most 120 installments, at most 24 months apart."
                    )
                )

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        """A new plan covers the customer's overdue invoices by default."""
        if self.state == "draft" and self.partner_id and not self.move_ids:
            self.move_ids = self._overdue_invoices(self.partner_id, self.company_id)
            self.currency_id = self.move_ids[:1].currency_id or self.currency_id

    @api.model
    def _overdue_invoices(self, partner, company):
        today = company._dunning_today()
        return (
            self.env["account.dunning.facts"]
            ._customer_open_moves(partner, company)
            .filtered(
                lambda move: move.move_type == "out_invoice"
                and (move.invoice_date_due or move.invoice_date) < today
            )
        )

    @api.model
    def _open_for(self, partner, company, moves=None):
        """The form of ``moves``' running payment plan, else of a new draft for them
        (default: the customer's overdue invoices)."""
        running = self.search(
            [("move_ids", "in", (moves or self.env["account.move"]).ids), ("state", "=", "open")],
            limit=1,
        )
        action = {
            "type": "ir.actions.act_window",
            "name": self.env._("Payment plan"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "current",
        }
        if running:
            return dict(action, res_id=running.id)
        moves = moves or self._overdue_invoices(partner, company)
        return dict(
            action,
            context={
                "default_partner_id": partner.commercial_partner_id.id,
                "default_company_id": company.id,
                "default_currency_id": (moves[:1].currency_id or company.currency_id).id,
                "default_move_ids": [fields.Command.set(moves.ids)],
            },
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_agreed(self):
        if any(plan.state not in ("draft", "cancel") for plan in self):
            raise UserError(
                self.env._("An agreed payment plan is kept for the record: cancel it instead.")
            )

    # == Actions ==
    def action_split(self):
        """Split the amount due into the chosen number of installments (a draft)."""
        for plan in self:
            plan._check_draft()
            if not plan.move_ids or plan.installment_count < 1 or not plan.first_date:
                raise UserError(
                    self.env._(
                        "Choose the invoices, the number of installments and the first date."
                    )
                )
            installments = pp.split(
                plan.amount_due,
                plan.installment_count,
                plan.first_date,
                plan.interval_months or 1,
                plan.currency_id.decimal_places,
            )
            plan.installment_ids = [fields.Command.clear()] + [
                fields.Command.create({"date": day, "amount": amount})
                for day, amount in installments
            ]

    def action_confirm(self):
        """Agree the plan: its invoices are no longer reminded while it is honoured."""
        for plan in self:
            plan._check_draft()
            plan._check_schedule()
            today = plan.company_id._dunning_today()
            promises = plan.move_ids.dunning_promise_ids.filtered(lambda p: p.state == "open")
            promises.write({"state": "cancel", "closed_date": today})
            plan.write(
                {
                    "state": "open",
                    "agreed_date": today,
                    "residual_at_agreement": plan.amount_due,
                }
            )
            plan._log_on_invoices(
                self.env._(
                    "Payment plan agreed: %(schedule)s. Reminders stop while it is honoured.",
                    schedule=plan._schedule_text(),
                )
            )
        self._refresh()
        return True

    def action_cancel(self):
        """Cancel the plan: dunning resumes on its invoices (no broken-promise step)."""
        for plan in self.filtered(lambda p: p.state in ("draft", "open")):
            was_open = plan.state == "open"
            plan.write({"state": "cancel", "closed_date": plan.company_id._dunning_today()})
            if was_open:
                plan._log_on_invoices(self.env._("Payment plan cancelled: dunning resumes."))
        self._refresh()
        return True

    def action_draft(self):
        """Back to draft, to correct a cancelled plan before agreeing it again."""
        self.filtered(lambda p: p.state == "cancel").write(
            {"state": "draft", "closed_date": False, "agreed_date": False}
        )
        return True

    # == Checks ==
    def _check_draft(self):
        if self.state != "draft":
            raise UserError(self.env._("Only a draft payment plan can be changed or agreed."))

    def _check_schedule(self, max_count=None, last_by=None):
        """The invoices can be put in a plan and the installments pay them exactly
        (:func:`..engine.payment_plan.schedule_error`), within limits if given."""
        self.ensure_one()
        moves = self.move_ids
        if not moves:
            raise UserError(self.env._("Choose the invoices the payment plan pays."))
        wrong = moves.filtered(
            lambda move: move.move_type != "out_invoice"
            or move.state != "posted"
            or move.payment_state not in ("not_paid", "partial")
            or move.commercial_partner_id != self.partner_id.commercial_partner_id
            or move.company_id != self.company_id
            or move.currency_id != self.currency_id
        )
        if wrong:
            raise UserError(
                self.env._(
                    "A payment plan takes open invoices of its customer, company and "
                    "currency only: %(invoices)s.",
                    invoices=", ".join(wrong.mapped("display_name")),
                )
            )
        # Two people agreeing a plan on the same invoice at once: the second waits here,
        # then sees the first one's plan.
        self.env.cr.execute(
            "SELECT id FROM account_move WHERE id IN %s FOR NO KEY UPDATE", [tuple(moves.ids)]
        )
        taken = self.search(
            [("move_ids", "in", moves.ids), ("state", "=", "open"), ("id", "!=", self.id)]
        )
        if taken:
            raise UserError(
                self.env._(
                    "%(invoices)s already in a running payment plan.",
                    invoices=", ".join((taken.move_ids & moves).mapped("display_name")),
                )
            )
        today = self.company_id._dunning_today()
        installments = [(line.date, line.amount) for line in self._installments()]
        error = pp.schedule_error(installments, self.amount_due, today, max_count, last_by)
        if error:
            raise UserError(self._schedule_message(error, max_count, last_by))

    def _schedule_message(self, error, max_count=None, last_by=None):
        amount = self.currency_id.format(self.amount_due)
        return {
            pp.NO_INSTALLMENT: self.env._("Add the installments (or split the amount due)."),
            pp.NOT_POSITIVE: self.env._("Every installment must be more than zero."),
            pp.PAST_DATE: self.env._("An installment cannot be in the past."),
            pp.SAME_DATE: self.env._("Two installments cannot fall on the same day."),
            pp.WRONG_TOTAL: self.env._(
                "The installments must add up to the amount due, %(amount)s.", amount=amount
            ),
            pp.TOO_MANY: self.env._("At most %(count)s installments.", count=max_count),
            pp.TOO_LONG: self.env._(
                "The last installment must be on %(date)s at the latest.",
                date=format_date(self.env, last_by),
            ),
        }[error]

    # == The nightly job ==
    def _engine_plan(self):
        """This running plan as the engine sees it (:class:`..engine.PaymentPlan`)."""
        self.ensure_one()
        installments = self._installments()
        reminded = [i for i, line in enumerate(installments) if line.reminder_date]
        return PaymentPlan(
            installments=tuple((line.date, line.amount) for line in installments),
            paid=self._paid(),
            grace_days=self.grace_days,
            notice_days=self.notice_days,
            reminded=reminded[-1] + 1 if reminded else 0,
            key=self.id,
        )

    def _paid(self):
        """How much the amount due of the plan's invoices dropped since it was agreed."""
        return max(self.residual_at_agreement - sum(self.move_ids.mapped("amount_residual")), 0.0)

    def _installments(self):
        return self.installment_ids.sorted(lambda line: (line.date, line.id))

    def _evaluate(self, today):
        """Close the running plans kept or broken on ``today``
        (:func:`..engine.payment_plan.payment_plan_outcome`). A broken plan flags its
        unpaid invoices for the dunning plan's broken-promise step and gives the
        responsible an activity."""
        broken = self.browse()
        for plan in self.filtered(lambda p: p.state == "open"):
            outcome = payment_plan_outcome(plan._engine_plan(), today)
            if outcome == KEPT:
                plan.write({"state": "kept", "closed_date": today})
                plan.message_post(body=self.env._("Every installment is paid: plan kept."))
            elif outcome == BROKEN:
                plan.write({"state": "broken", "closed_date": today})
                broken |= plan
        unpaid = broken.move_ids.filtered(lambda m: m.payment_state in ("not_paid", "partial"))
        unpaid._dunning_write(
            dict.fromkeys(unpaid, {"dunning_promise_broken": True, "dunning_checked_date": False})
        )
        for plan in broken:
            missed = plan.next_installment_id
            text = self.env._(
                "Installment of %(amount)s due on %(date)s was not paid: the payment plan "
                "is broken and dunning resumes.",
                amount=plan.currency_id.format(missed.amount),
                date=format_date(self.env, missed.date),
            )
            plan.message_post(body=text)
            plan._log_on_invoices(text)
            plan.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Payment plan broken"),
                note=text,
                user_id=plan._responsible().id,
            )

    def _send_courtesy(self, today):
        """Send each running plan's courtesy reminder due on ``today``
        (:func:`..engine.payment_plan.courtesy_due`), once per installment: the
        installment records it in the transaction that queues the mail."""
        template = self.env.ref(
            "account_dunning_plans.mail_template_dunning_installment", raise_if_not_found=False
        )
        if not template:
            return
        for plan in self.filtered(lambda p: p.state == "open" and p.company_id.dunning_enabled):
            index = courtesy_due(plan._engine_plan(), today)
            if index is None:
                continue
            installment = plan._installments()[index]
            installment.reminder_date = today
            if not plan.partner_id.dunning_mail_value("partner_to"):
                continue  # nobody to write to: the accountant sees the plan
            # Queued, as the run's reminders are: the mail queue sends it after commit.
            plan.with_context(
                dunning_installment_id=installment.id, mail_notify_force_send=False
            ).message_post_with_source(
                template, message_type="comment", subtype_xmlid="mail.mt_comment"
            )

    # == Helpers ==
    def _responsible(self):
        move = self.move_ids[:1]
        return move.invoice_user_id or self.partner_id.user_id or self.user_id or self.create_uid

    def _schedule_text(self):
        return ", ".join(
            f"{self.currency_id.format(line.amount)} ({format_date(self.env, line.date)})"
            for line in self._installments()
        )

    def _log_on_invoices(self, text):
        for move in self.move_ids:
            move.message_post(body=Markup("<p>%s</p>") % text, subtype_xmlid="mail.mt_note")

    def _refresh(self):
        moves = self.move_ids
        moves._dunning_write(dict.fromkeys(moves, {"dunning_checked_date": False}))
        self.env["account.dunning.run"]._refresh_status(moves)

    @api.model
    def _settle(self, todays):
        """The nightly job's part: close the running plans of the companies of
        ``todays`` (``{company: day}``) that are kept or broken, then send the courtesy
        reminders due."""
        plans = self.search([("state", "=", "open"), ("company_id", "in", [c.id for c in todays])])
        for plan in plans:
            today = todays[plan.company_id]
            try:
                with self.env.cr.savepoint():
                    plan._evaluate(today)
                    plan._send_courtesy(today)
            except Exception as error:  # noqa: BLE001 - one plan's fault stays with it
                _logger.warning(
                    "Dunning: payment plan %s could not be settled", plan.id, exc_info=True
                )
                # Tried again on the next run; meanwhile the accountant sees why.
                plan.message_post(
                    body=self.env._(
                        "The courtesy reminder or the check of this plan failed: %(error)s. "
                        "It is tried again on the next run.",
                        error=(str(error).strip().splitlines() or [type(error).__name__])[-1],
                    ),
                    subtype_xmlid="mail.mt_note",
                )

    # == Mail templates ==
    def dunning_mail_value(self, key):
        """One value of this plan's courtesy reminder, for its template: the keys of
        the customer's reminders (``res.partner.dunning_mail_value``), and
        ``installment``, the installment reminded."""
        self.ensure_one()
        if key == "installment":
            installment_id = self.env.context.get("dunning_installment_id")
            return (
                self.installment_ids.browse(installment_id)
                if installment_id
                else self.next_installment_id
            )
        partner = self.partner_id.with_company(self.company_id)
        return partner.dunning_mail_value(key)
