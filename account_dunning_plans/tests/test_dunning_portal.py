# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer's side, on the portal page of an invoice opened with its access token
(no account): promise to pay, dispute, the limits, and nothing internal shown."""

import re
from datetime import date, timedelta

from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon

from .common import UNTIL_JS, DunningCommon

# Success once every portal page on screen (the page and the frame the form posted to)
# has loaded its chatter: the browser closing while it loads would log an error.
PORTAL_JS = (
    UNTIL_JS
    + """
// Every window of the page, frames within frames (the page a form opened in a frame
// shows the invoice in a frame of its own).
const windows = (win = window) => [win, ...[...win.document.querySelectorAll('iframe')]
    .map((frame) => frame.contentWindow)
    .filter((frameWindow) => frameWindow && frameWindow.document)
    .flatMap((frameWindow) => windows(frameWindow))];
// Loaded, scripts and widgets started, and frames loaded: the browser may close then
// without cutting a page's scripts short (an error "after termination" fails the run).
const settled = () => windows().every((win) => win.document.readyState === 'complete'
    && !(win.document.body && win.document.body.classList.contains('o_lazy_js_waiting'))
    && (!win.document.querySelector('iframe#invoice_html')
        || win.document.querySelector('iframe#invoice_html').contentDocument
            .querySelector('div#wrapwrap')));
const done = () => until(settled, () => {
    const chatters = windows().filter((win) => win.odoo && win.odoo.portalChatterReady
        && win.document.querySelector('.o_portal_chatter'));
    Promise.all(chatters.map((win) => win.odoo.portalChatterReady))
        .then(() => setTimeout(() => console.log('test successful'), 500));
}, 'the pages to settle');
"""
)

PROMISE_IN_THE_BROWSER = (
    PORTAL_JS
    + """
until(() => document.querySelector('#dunning_promise_form'), (form) => {
    // The page the form leads to opens in a frame, where the script can see it.
    const frame = document.createElement('iframe');
    frame.name = 'dunning_result';
    document.body.appendChild(frame);
    form.target = 'dunning_result';
    form.querySelector('input[name=promise_date]').value = '%(day)s';
    form.querySelector('button[type=submit]').click();
    const alerts = () => frame.contentDocument
        ? [...frame.contentDocument.querySelectorAll('.alert-success')] : [];
    until(() => alerts().find((alert) => alert.textContent.includes('payment date is recorded')),
        done, 'the confirmation');
}, 'the promise form');
"""
)


@tagged("post_install", "-at_install")
class TestDunningPortal(DunningCommon, AccountTestInvoicingHttpCommon):
    def setUp(self):
        super().setUp()
        self.invoice = self.create_invoice(date(2026, 1, 5), date(2026, 2, 5), 1000.0)
        self.invoice._portal_ensure_token()
        self.invoice.write(
            {
                "dunning_paused": True,
                "dunning_pause_until": self.company._dunning_today() + timedelta(days=3),
                "dunning_pause_reason": "Secret internal reason",
            }
        )
        self.today = self.company._dunning_today()
        self.reason = self.env["account.dunning.dispute.reason"].search([], limit=1)

    def page(self, invoice=None, token=None):
        invoice = invoice or self.invoice
        response = self.url_open(
            f"/my/invoices/{invoice.id}?access_token={token or invoice.access_token}"
        )
        self.assertEqual(response.status_code, 200)
        return response.text

    def post(self, action, data, invoice=None, token=None):
        invoice = invoice or self.invoice
        html = self.page(self.invoice)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        return self.url_open(
            f"/my/invoices/{invoice.id}/dunning/{action}",
            data={"csrf_token": csrf, "access_token": token or invoice.access_token, **data},
        )

    def test_the_page_offers_both_and_shows_nothing_internal(self):
        html = self.page()
        self.assertIn("dunning_promise_form", html)
        self.assertIn("dunning_dispute_form", html)
        self.assertIn(self.reason.name, html)
        for secret in ("Secret internal reason", self.plan.name, "Dunning paused"):
            self.assertNotIn(secret, html)

    def test_promise_then_one_new_date_then_no_more(self):
        day = self.today + timedelta(days=10)
        response = self.post("promise", {"promise_date": str(day)})
        self.assertIn("payment date is recorded", response.text)
        promise = self.invoice.dunning_promise_ids
        self.assertRecordValues(
            promise, [{"origin": "portal", "date": day, "amount": 1000.0, "state": "open"}]
        )
        activity = self.invoice.activity_ids.filtered(lambda a: "Customer portal" in a.summary)
        self.assertEqual(len(activity), 1)
        self.assertIn("You promised to pay", self.page())
        # One new date is allowed (after a minute), then no more.
        self.invoice.dunning_portal_date -= timedelta(minutes=2)
        self.post(
            "promise", {"promise_date": str(day + timedelta(days=5)), "promise_amount": "400"}
        )
        self.assertEqual(
            self.invoice.dunning_promise_ids.filtered(lambda p: p.state == "open").amount, 400.0
        )
        self.invoice.dunning_portal_date -= timedelta(minutes=2)
        response = self.post("promise", {"promise_date": str(day + timedelta(days=6))})
        self.assertIn("already moved your payment date", response.text)
        self.assertEqual(len(self.invoice.dunning_promise_ids), 2)

    def test_bad_input_gets_a_clear_message(self):
        for data, message in (
            ({"promise_date": str(self.today)}, "within the next 30 days"),
            ({"promise_date": str(self.today + timedelta(days=31))}, "within the next 30 days"),
            ({"promise_date": "not a date"}, "within the next 30 days"),
            (
                {"promise_date": str(self.today + timedelta(days=5)), "promise_amount": "5000"},
                "at most the amount due",
            ),
            (
                {"promise_date": str(self.today + timedelta(days=5)), "promise_amount": "abc"},
                "at most the amount due",
            ),
        ):
            with self.subTest(data=data):
                response = self.post("promise", data)
                self.assertIn(message, response.text)
        self.assertFalse(self.invoice.dunning_promise_ids)
        response = self.post("dispute", {"reason_id": "0"})
        self.assertIn("Choose the reason", response.text)

    def test_too_fast(self):
        day = str(self.today + timedelta(days=10))
        self.post("promise", {"promise_date": day})
        response = self.post("promise", {"promise_date": day})
        self.assertIn("wait a minute", response.text)

    def test_dispute(self):
        response = self.post(
            "dispute", {"reason_id": str(self.reason.id), "comment": "Wrong quantity"}
        )
        self.assertIn("Your dispute is recorded", response.text)
        self.assertTrue(self.invoice.dunning_disputed)
        self.assertEqual(self.invoice.dunning_dispute_reason_id, self.reason)
        self.assertIn("Wrong quantity", self.invoice.dunning_dispute_note)
        self.assertIn("disputed the invoice on the portal", self.invoice.message_ids[0].body)
        self.assertNotIn("dunning_dispute_form", self.page())

    def test_a_token_opens_only_its_own_invoice(self):
        other = self.create_invoice(date(2026, 1, 5), date(2026, 2, 5), 300.0)
        other._portal_ensure_token()
        day = str(self.today + timedelta(days=10))
        # Another invoice's token: the action goes nowhere, nothing is recorded.
        self.post("promise", {"promise_date": day}, invoice=other, token=self.invoice.access_token)
        self.assertFalse(other.dunning_promise_ids)
        response = self.url_open(
            f"/my/invoices/{other.id}?access_token={self.invoice.access_token}"
        )
        self.assertNotIn("dunning_promise_form", response.text)

    def test_promise_in_the_browser(self):
        day = self.today + timedelta(days=7)
        self.browser_js(
            f"/my/invoices/{self.invoice.id}?access_token={self.invoice.access_token}",
            PROMISE_IN_THE_BROWSER % {"day": day.isoformat()},
            ready="!!document.querySelector('#dunning_promise_form')",
            timeout=60,
        )
        self.assertEqual(self.invoice.dunning_promise_ids.date, day)

    def test_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["account_dunning_plans"], ["fr_FR"], overwrite=True
        )
        self.customer.lang = "fr_FR"
        html = self.page()
        self.assertIn("Je paierai le", html)
        self.assertIn("Je conteste cette facture", html)

    def test_dispute_in_the_browser(self):
        code = (
            PORTAL_JS
            + """
until(() => document.querySelector('#dunning_dispute_form'), (form) => {
    const frame = document.createElement('iframe');
    frame.name = 'dunning_result';
    document.body.appendChild(frame);
    form.target = 'dunning_result';
    const select = form.querySelector('select[name=reason_id]');
    select.value = select.options[1].value;
    form.querySelector('input[name=comment]').value = 'Goods never arrived';
    form.querySelector('button[type=submit]').click();
    const alerts = () => frame.contentDocument
        ? [...frame.contentDocument.querySelectorAll('.alert-info')] : [];
    until(() => alerts().find((alert) => alert.textContent.includes('dispute is recorded')),
        done, 'the confirmation');
}, 'the dispute form');
"""
        )
        self.browser_js(
            f"/my/invoices/{self.invoice.id}?access_token={self.invoice.access_token}",
            code,
            ready="!!document.querySelector('#dunning_dispute_form')",
            timeout=60,
        )
        self.assertTrue(self.invoice.dunning_disputed)
        self.assertIn("Goods never arrived", self.invoice.dunning_dispute_note)

    # == Payment plans ==
    def allow_payment_plans(self):
        self.company.write(
            {
                "dunning_portal_payment_plan": True,
                "dunning_portal_installments": 3,
                "dunning_portal_payment_plan_days": 90,
            }
        )

    def test_payment_plan_only_where_the_company_allows_it(self):
        self.assertNotIn("dunning_payment_plan_form", self.page())
        response = self.post(
            "payment_plan", {"count": "2", "first_date": str(self.today + timedelta(days=5))}
        )
        self.assertIn("cannot be chosen here", response.text)
        self.assertFalse(self.invoice.dunning_payment_plan_ids)

    def test_payment_plan_from_the_portal(self):
        self.allow_payment_plans()
        self.invoice.write({"invoice_user_id": self.env.user.id, "dunning_paused": False})
        html = self.page()
        self.assertIn("dunning_payment_plan_form", html)
        first = self.today + timedelta(days=10)
        response = self.post("payment_plan", {"count": "3", "first_date": str(first)})
        self.assertIn("your payment plan is recorded", response.text)
        plan = self.invoice.dunning_payment_plan_id
        self.assertRecordValues(plan, [{"origin": "portal", "state": "open"}])
        self.assertEqual(plan.installment_ids.mapped("amount"), [333.33, 333.33, 333.34])
        self.assertEqual(plan.installment_ids[0].date, first)
        self.assertEqual(self.invoice.dunning_reason, "payment_plan")
        activity = self.invoice.activity_ids.filtered(lambda a: "Customer portal" in a.summary)
        self.assertIn("to pay in 3 installments", activity.note)
        # The page shows the installments, and offers no other plan nor a promise.
        html = self.page()
        self.assertIn("Your payment plan", html)
        self.assertIn("333.34", html)
        self.assertNotIn("dunning_payment_plan_form", html)
        self.assertNotIn("dunning_promise_form", html)
        self.assertNotIn("From the customer portal", html)  # the plan's internal note

    def test_payment_plan_limits(self):
        self.allow_payment_plans()
        for data, message in (
            ({"count": "4", "first_date": str(self.today + timedelta(days=5))}, "between 2 and 3"),
            # An unreadable count.
            ({"count": "x", "first_date": str(self.today + timedelta(days=5))}, "between 2 and 3"),
            ({"count": "2", "first_date": str(self.today)}, "within the next 90 days"),
            ({"count": "2", "first_date": str(self.today + timedelta(days=91))}, "next 90 days"),
            ({"count": "3", "first_date": str(self.today + timedelta(days=80))}, "at the latest"),
        ):
            with self.subTest(data=data):
                self.invoice.dunning_portal_date = False
                response = self.post("payment_plan", data)
                self.assertIn(message, response.text)
        self.assertFalse(self.invoice.dunning_payment_plan_ids)

    def test_payment_plan_in_the_browser_from_the_reminders_link(self):
        self.allow_payment_plans()
        self.invoice.dunning_paused = False
        self.env["account.dunning.run"]._run()
        mail = self.mails_of(self.invoice)[-1:]
        self.assertTrue(mail, "a reminder was sent")
        link = re.search(r'href="([^"]*/my/invoices/[^"]+)"', mail.body_html).group(1)
        link = link.replace("&amp;", "&")
        self.assertIn(self.invoice.access_token, link)
        first = self.today + timedelta(days=14)
        code = (
            PORTAL_JS
            + """
until(() => document.querySelector('#dunning_payment_plan_form'), (form) => {
    const frame = document.createElement('iframe');
    frame.name = 'dunning_result';
    document.body.appendChild(frame);
    form.target = 'dunning_result';
    form.querySelector('select[name=count]').value = '2';
    form.querySelector('input[name=first_date]').value = '%s';
    form.querySelector('button[type=submit]').click();
    const table = () => frame.contentDocument
        && frame.contentDocument.querySelector('#dunning_payment_plan');
    until(table, done, 'the installments');
}, 'the payment plan form');
"""
            % first.isoformat()
        )
        self.browser_js(
            link[link.index("/my/") :],
            code,
            ready="!!document.querySelector('#dunning_payment_plan_form')",
            timeout=60,
        )
        plan = self.invoice.dunning_payment_plan_id
        self.assertEqual(plan.installment_ids.mapped("amount"), [500.0, 500.0])

    # == The page of a reminder of several invoices ==
    def test_reminder_of_several_invoices_links_to_one_page_of_them(self):
        grouped = self.create_grouped_customer(
            self.create_plan([(10, "customer")], name="Grouped", scope="customer")
        )
        first = self.create_invoice(date(2026, 1, 5), date(2026, 2, 5), 300.0, grouped)
        second = self.create_invoice(date(2026, 1, 9), date(2026, 2, 9), 200.0, grouped)
        stranger = self.create_invoice(date(2026, 1, 9), date(2026, 2, 9), 50.0)
        self.env["account.dunning.run"]._run()
        mail = self.env["mail.mail"].search(
            [("model", "=", "res.partner"), ("res_id", "=", grouped.id)]
        )
        self.assertEqual(len(mail), 1)
        match = re.search(r'href="([^"]*/my/dunning/statement/[^"]+)"', mail.body_html)
        self.assertTrue(match, "the reminder links to the page of its invoices")
        self.assertIn("see and pay them online", mail.body_html)
        path = match.group(1).replace("&amp;", "&")
        path = path[path.index("/my/") :]
        response = self.url_open(path)
        self.assertEqual(response.status_code, 200)
        self.assertIn("dunning_statement", response.text)
        for invoice in first | second:
            self.assertIn(invoice.name, response.text)
            self.assertIn(invoice.get_portal_url().replace("&", "&amp;"), response.text)
        self.assertNotIn(stranger.name, response.text)
        self.assertNotIn(
            "Grouped", response.text.split("dunning_statement", 1)[1].split("</table>")[0]
        )
        # The link opens those invoices only: another list or another customer, nothing.
        for tampered in (
            path.replace(f"invoices={first.id}-", f"invoices={stranger.id}-"),
            path.replace(f"statement/{grouped.id}", f"statement/{self.customer.id}"),
            path[: path.index("&token=")],
        ):
            with self.subTest(tampered=tampered):
                response = self.url_open(tampered)
                self.assertNotIn("dunning_statement", response.text)
                self.assertNotIn(first.name, response.text)

    def test_reminder_of_one_invoice_has_no_page_of_them(self):
        # A customer-level statement (whose template holds the link) of one invoice.
        grouped = self.create_grouped_customer(
            self.create_plan([(10, "customer")], name="Grouped", scope="customer")
        )
        invoice = self.create_invoice(date(2026, 1, 5), date(2026, 2, 5), 300.0, grouped)
        self.env["account.dunning.run"]._run()
        mail = self.env["mail.mail"].search(
            [("model", "=", "res.partner"), ("res_id", "=", grouped.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertIn(invoice.name, mail.body_html)
        self.assertNotIn("/my/dunning/statement/", mail.body_html)
