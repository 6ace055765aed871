# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import consteq, float_compare
from odoo.tools.misc import hmac

from ..engine.payment_plan import (
    FIRST_DATE,
    INSTALLMENT_COUNT,
    portal_plan_error,
    portal_plan_open,
)

STATEMENT_SCOPE = "account_dunning_plans.statement"


class AccountDunningPortal(models.AbstractModel):
    """What a customer does about an invoice from its portal page: promise to pay by a
    date (the same promise as the back office's, its origin "customer portal"), or
    dispute it with a reason from the company's list. Either pauses dunning as the
    back office's would, gives the invoice's responsible an activity and is noted in
    the invoice's discussion. The limits: a date within the company's maximum, an
    amount at most what is due, a customer promising again only so many times, one
    action a minute per invoice. ``invoice`` is always the sudo record the portal
    controller checked the access token of."""

    _name = "account.dunning.portal"
    _description = "Dunning: the customer's portal"

    @api.model
    def _page_values(self, invoice):
        """What the invoice's page shows: nothing internal (no plan, no reason, no
        note), only what the customer did and can do."""
        promise = invoice.dunning_promise_ids.filtered(lambda p: p.state == "open")[:1]
        open_invoice = (
            invoice.move_type == "out_invoice"
            and invoice.state == "posted"
            and invoice.payment_state in ("not_paid", "partial")
            and not invoice.dunning_in_collection
        )
        company = invoice.company_id
        today = company._dunning_today()
        payment_plan = invoice.dunning_payment_plan_id
        return {
            "dunning_open": open_invoice,
            "dunning_promise": promise,
            "dunning_payment_plan": payment_plan,
            "dunning_can_promise": open_invoice
            and not invoice.dunning_disputed
            and not payment_plan
            and self._promises_left(invoice) > 0,
            "dunning_can_plan": open_invoice and self._can_plan(invoice, today),
            "dunning_max_installments": company.dunning_portal_installments,
            "dunning_plan_max_date": fields.Date.to_string(
                today + timedelta(days=company.dunning_portal_payment_plan_days)
            ),
            "dunning_can_dispute": open_invoice and not invoice.dunning_disputed,
            "dunning_disputed": invoice.dunning_disputed,
            "dunning_reasons": self.env["account.dunning.dispute.reason"].sudo().search([]),
            "dunning_min_date": fields.Date.to_string(today + timedelta(days=1)),
            "dunning_max_date": fields.Date.to_string(
                today + timedelta(days=company.dunning_portal_promise_days)
            ),
        }

    # == A page listing the invoices of a reminder ==
    @api.model
    def _statement_token(self, partner_id, move_ids):
        """The signature of the page listing ``move_ids`` for ``partner_id``: only the
        link of the reminder opens it, for those invoices only."""
        return hmac(self.env(su=True), STATEMENT_SCOPE, (partner_id, sorted(move_ids)))

    @api.model
    def _statement_link(self, partner, moves):
        """The paragraph of a reminder of several invoices linking to the page that
        lists them (in the mail's language), or nothing for one invoice."""
        moves = self.env["account.move"].union(*moves) if moves else self.env["account.move"]
        if len(moves) < 2:
            return Markup("")
        return self.env["ir.qweb"]._render(
            "account_dunning_plans.mail_dunning_statement_link",
            {"url": self._portal_url(partner, moves)},
        )

    @api.model
    def _portal_url(self, partner, moves):
        """Where the customer ``partner`` acts on ``moves`` online: an invoice's own
        page, or the signed page listing several."""
        if len(moves) == 1:
            moves._portal_ensure_token()
            return moves.get_base_url() + moves.get_portal_url()
        ids = sorted(moves.ids)
        return "{}/my/dunning/statement/{}?invoices={}&token={}".format(
            moves[:1].get_base_url(),
            partner.id,
            "-".join(map(str, ids)),
            self._statement_token(partner.id, ids),
        )

    @api.model
    def _statement_moves(self, partner_id, invoices, token):
        """The invoices of the page ``/my/dunning/statement`` (sudo), once its
        signature is checked; empty for a wrong or tampered link."""
        Move = self.env["account.move"].sudo()
        try:
            ids = sorted(int(part) for part in (invoices or "").split("-") if part)
        except ValueError:
            return Move
        if not ids or not token or not consteq(str(token), self._statement_token(partner_id, ids)):
            return Move
        moves = Move.browse(ids).exists()
        return moves.filtered(
            lambda move: move.commercial_partner_id.id == partner_id
            and move.move_type == "out_invoice"
            and move.state == "posted"
        )

    @api.model
    def _statement_lines(self, moves):
        """What the page shows of each invoice: nothing internal, its own link."""
        for move in moves:
            move._portal_ensure_token()
        return [
            {
                "move": move,
                "url": move.get_portal_url(),
                "paid": move.payment_state in ("paid", "in_payment", "reversed"),
            }
            for move in moves.sorted(lambda move: (move.invoice_date_due or move.date, move.id))
        ]

    @api.model
    def _can_plan(self, invoice, today):
        """Whether the customer may propose a payment plan for ``invoice`` from the
        portal: the company allows it, the invoice is overdue, neither disputed nor in
        a payment plan already, and no plan of the portal was agreed for it before."""
        company = invoice.company_id
        return portal_plan_open(
            company.dunning_portal_payment_plan,
            company.dunning_portal_installments,
            invoice.invoice_date_due or invoice.invoice_date,
            today,
            disputed=invoice.dunning_disputed,
            in_plan=bool(invoice.dunning_payment_plan_id),
            proposed_before=bool(
                invoice.dunning_payment_plan_ids.filtered(lambda p: p.origin == "portal")
            ),
        )

    @api.model
    def _promises_left(self, invoice):
        """How many more promises the customer may make from the portal."""
        made = invoice.dunning_promise_ids.filtered(lambda p: p.origin == "portal")
        return 1 + invoice.company_id.dunning_portal_promise_extensions - len(made)

    @api.model
    def _check(self, invoice):
        """The invoice is open to the customer's action, and not acted on a moment ago."""
        if not self._page_values(invoice)["dunning_open"]:
            raise UserError(self.env._("This invoice is not awaiting payment."))
        last = invoice.dunning_portal_date
        if last and fields.Datetime.now() - last < timedelta(minutes=1):
            raise UserError(self.env._("Please wait a minute before trying again."))

    @api.model
    def _promise(self, invoice, date, amount=None):
        """Record the customer's promise to pay ``amount`` (default: all that is due)
        on ``date`` (texts from the form)."""
        self._check(invoice)
        if invoice.dunning_disputed:
            raise UserError(self.env._("This invoice is disputed: we will contact you."))
        if self._promises_left(invoice) <= 0:
            raise UserError(
                self.env._("You have already moved your payment date: please contact us.")
            )
        company = invoice.company_id
        today = company._dunning_today()
        try:
            day = fields.Date.to_date(date)
        except ValueError:
            day = None
        if not day or not today < day <= today + timedelta(
            days=company.dunning_portal_promise_days
        ):
            raise UserError(
                self.env._(
                    "Choose a payment date within the next %(days)s days.",
                    days=company.dunning_portal_promise_days,
                )
            )
        due = invoice.amount_residual
        try:
            value = float(amount) if amount not in (None, "") else due
        except ValueError:
            value = -1.0
        if float_compare(value, 0.0, precision_rounding=invoice.currency_id.rounding) <= 0 or (
            float_compare(value, due, precision_rounding=invoice.currency_id.rounding) > 0
        ):
            raise UserError(
                self.env._("The amount must be more than zero and at most the amount due.")
            )
        promise = (
            self.env["account.dunning.promise"]
            .sudo()
            .create(
                {
                    "move_id": invoice.id,
                    "date": day,
                    "amount": value,
                    "origin": "portal",
                    "note": self.env._("From the customer portal"),
                }
            )
        )
        self._done(
            invoice,
            self.env._(
                "The customer promised on the portal to pay %(amount)s by %(date)s.",
                amount=promise.amount,
                date=day,
            ),
        )
        return promise

    @api.model
    def _payment_plan(self, invoice, count, first_date):
        """Agree the customer's payment plan of ``invoice``: ``count`` monthly
        installments from ``first_date`` (texts from the form), within the company's
        limits (:meth:`account.dunning.payment.plan._check_schedule`)."""
        self._check(invoice)
        company = invoice.company_id
        today = company._dunning_today()
        if not self._can_plan(invoice, today):
            raise UserError(self.env._("A payment plan cannot be chosen here: please contact us."))
        try:
            count = int(count)
        except (TypeError, ValueError):
            count = None
        try:
            day = fields.Date.to_date(first_date) or None
        except (TypeError, ValueError):
            day = None
        error = portal_plan_error(
            count,
            day,
            today,
            company.dunning_portal_installments,
            company.dunning_portal_payment_plan_days,
        )
        if error == FIRST_DATE:
            raise UserError(
                self.env._(
                    "Choose a first payment date within the next %(days)s days.",
                    days=company.dunning_portal_payment_plan_days,
                )
            )
        if error == INSTALLMENT_COUNT:
            raise UserError(
                self.env._(
                    "Choose between 2 and %(count)s installments.",
                    count=company.dunning_portal_installments,
                )
            )
        # Nothing is kept of a plan refused (the controller shows the message).
        with self.env.cr.savepoint():
            plan = (
                self.env["account.dunning.payment.plan"]
                .sudo()
                .with_company(company)
                .create(
                    {
                        "partner_id": invoice.commercial_partner_id.id,
                        "company_id": company.id,
                        "currency_id": invoice.currency_id.id,
                        "move_ids": [fields.Command.set(invoice.ids)],
                        "origin": "portal",
                        "installment_count": count,
                        "first_date": day,
                        "interval_months": 1,
                        "note": self.env._("From the customer portal"),
                    }
                )
            )
            plan.action_split()
            last_by = today + timedelta(days=company.dunning_portal_payment_plan_days)
            plan._check_schedule(company.dunning_portal_installments, last_by)
            plan.action_confirm()
        self._done(
            invoice,
            self.env._(
                "The customer chose on the portal to pay in %(count)s installments: "
                "%(schedule)s.",
                count=count,
                schedule=plan._schedule_text(),
            ),
        )
        return plan

    @api.model
    def _dispute(self, invoice, reason_id, comment=None):
        """Record the customer's dispute, with a reason of the company's list."""
        self._check(invoice)
        if invoice.dunning_disputed:
            raise UserError(self.env._("This invoice is already disputed: we will contact you."))
        try:
            reason = self.env["account.dunning.dispute.reason"].sudo().browse(int(reason_id))
        except (TypeError, ValueError):
            reason = self.env["account.dunning.dispute.reason"]
        if not reason.exists():
            raise UserError(self.env._("Choose the reason of your dispute."))
        comment = (comment or "").strip()[:500]
        invoice.sudo().write(
            {
                "dunning_disputed": True,
                "dunning_dispute_reason_id": reason.id,
                "dunning_dispute_note": self.env._(
                    "From the customer portal: %(comment)s", comment=comment or "-"
                ),
            }
        )
        self._done(
            invoice,
            self.env._(
                "The customer disputed the invoice on the portal (%(reason)s): %(comment)s",
                reason=reason.name,
                comment=comment or "-",
            ),
        )

    @api.model
    def _done(self, invoice, text):
        """Note ``text`` on the invoice and give its responsible an activity."""
        invoice = invoice.sudo()
        invoice.dunning_portal_date = fields.Datetime.now()
        invoice.message_post(body=Markup("<p>%s</p>") % text, subtype_xmlid="mail.mt_note")
        user = (
            invoice.invoice_user_id or invoice.commercial_partner_id.user_id or invoice.create_uid
        )
        invoice.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Customer portal: %(invoice)s", invoice=invoice.name),
            note=Markup("<p>%s</p>") % text,
            user_id=user.id,
        )
