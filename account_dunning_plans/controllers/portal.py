# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from werkzeug.urls import url_encode

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.account.controllers.portal import PortalAccount


class DunningPortal(PortalAccount):
    """On the customer's page of an invoice (with its access token, no account
    needed): "I will pay on…", "I will pay in installments" and "I dispute this
    invoice" (``account.dunning.portal`` holds the rules). CSRF-protected forms; only
    the invoice's own customer."""

    def _invoice_get_page_view_values(self, invoice, access_token, **kwargs):
        # A visitor with the link of a reminder reads the page in the customer's language.
        lang = invoice.partner_id.lang
        if request.env.user._is_public() and lang and request.env["res.lang"]._get_data(code=lang):
            request.update_context(lang=lang)
        values = super()._invoice_get_page_view_values(invoice, access_token, **kwargs)
        values.update(request.env["account.dunning.portal"]._page_values(invoice))
        values["dunning_done"] = kwargs.get("dunning_done")
        values["dunning_error"] = kwargs.get("dunning_error")
        values["dunning_token"] = access_token or ""
        return values

    @http.route("/my/dunning/statement/<int:partner_id>", type="http", auth="public", website=True)
    def dunning_statement(self, partner_id, invoices=None, token=None, **kw):
        """The invoices of a reminder of several, on one page: each with what it owes
        and its own page (to pay, promise or dispute). Only with the reminder's link."""
        Portal = request.env["account.dunning.portal"]
        moves = Portal._statement_moves(partner_id, invoices, token)
        if not moves:
            return request.redirect("/my")
        lang = moves[:1].partner_id.lang
        if request.env.user._is_public() and lang and request.env["res.lang"]._get_data(code=lang):
            request.update_context(lang=lang)
        return request.render(
            "account_dunning_plans.portal_dunning_statement",
            {
                "customer": moves[:1].commercial_partner_id,
                "company": moves[:1].company_id,
                "lines": Portal._statement_lines(moves),
            },
        )

    def _dunning_back(self, invoice, **params):
        """Back to the invoice's page, with ``params`` (its outcome) in the URL."""
        return request.redirect(invoice.get_portal_url(query_string="&" + url_encode(params)))

    def _dunning_act(self, invoice_id, access_token, done, act):
        """The customer's action ``act(Portal, invoice)`` on the invoice its token opens,
        then back to the invoice's page saying ``done`` (or why not)."""
        try:
            invoice = self._document_check_access("account.move", invoice_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        try:
            act(request.env["account.dunning.portal"], invoice)
        except UserError as error:
            return self._dunning_back(invoice, dunning_error=error.args[0])
        return self._dunning_back(invoice, dunning_done=done)

    @http.route(
        "/my/invoices/<int:invoice_id>/dunning/promise",
        type="http",
        auth="public",
        methods=["POST"],
    )
    def dunning_promise(self, invoice_id, access_token=None, promise_date=None, **kw):
        return self._dunning_act(
            invoice_id,
            access_token,
            "promise",
            lambda portal, invoice: portal._promise(
                invoice, promise_date, kw.get("promise_amount")
            ),
        )

    @http.route(
        "/my/invoices/<int:invoice_id>/dunning/payment_plan",
        type="http",
        auth="public",
        methods=["POST"],
    )
    def dunning_payment_plan(
        self, invoice_id, access_token=None, count=None, first_date=None, **kw
    ):
        return self._dunning_act(
            invoice_id,
            access_token,
            "payment_plan",
            lambda portal, invoice: portal._payment_plan(invoice, count, first_date),
        )

    @http.route(
        "/my/invoices/<int:invoice_id>/dunning/dispute",
        type="http",
        auth="public",
        methods=["POST"],
    )
    def dunning_dispute(self, invoice_id, access_token=None, reason_id=None, comment=None, **kw):
        return self._dunning_act(
            invoice_id,
            access_token,
            "dispute",
            lambda portal, invoice: portal._dispute(invoice, reason_id, comment),
        )
