# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Internal notes stay internal: pause and dispute reasons, block flags, statuses and
actions are for accounting users; a customer on the portal sees none of them."""

from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import freeze_time, new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon

from .common import DunningCommon

SECRET = "INTERNAL: legal action being prepared"
INTERNAL_FIELDS = (
    "dunning_pause_reason",
    "dunning_dispute_note",
    "dunning_dispute_reason_id",
    "dunning_disputed",
    "dunning_blocked",
    "dunning_reason",
    "dunning_reason_detail",
    "dunning_action_ids",
    "dunning_explanation",
)


@tagged("post_install", "-at_install")
class TestDunningAccess(DunningCommon, AccountTestInvoicingHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal = new_test_user(
            cls.env, login="dunning_portal", groups="base.group_portal", email="p@example.com"
        )
        cls.portal.partner_id.write({"parent_id": cls.customer.id, "type": "invoice"})
        cls.employee = new_test_user(
            cls.env,
            login="dunning_employee",
            groups="base.group_user",
            company_ids=[(6, 0, cls.company.ids)],
            company_id=cls.company.id,
        )
        cls.invoice = cls.create_invoice(cls, date(2026, 3, 2), date(2026, 3, 10))
        with freeze_time("2026-03-12"):
            cls.invoice.write(
                {
                    "dunning_paused": True,
                    "dunning_pause_until": date(2026, 4, 1),
                    "dunning_pause_reason": SECRET,
                    "dunning_disputed": True,
                    "dunning_dispute_reason_id": cls.env.ref(
                        "account_dunning_plans.dispute_reason_other"
                    ).id,
                    "dunning_dispute_note": SECRET,
                }
            )
        cls.customer.write({"dunning_blocked": True, "dunning_pause_reason": SECRET})

    def test_fields_are_for_accounting_users(self):
        invoice = self.invoice.with_user(self.portal)
        self.assertEqual(invoice.read(["name"])[0]["name"], self.invoice.name)
        for user in (self.portal, self.employee):
            for field in INTERNAL_FIELDS:
                with self.subTest(user=user.login, field=field):
                    with self.assertRaises(AccessError):
                        self.invoice.with_user(user).read([field])
            with self.assertRaises(AccessError):
                self.customer.with_user(user).read(["dunning_pause_reason"])
        billing = new_test_user(
            self.env,
            login="dunning_billing_reader",
            groups="account.group_account_invoice",
            company_ids=[(6, 0, self.company.ids)],
            company_id=self.company.id,
        )
        self.assertEqual(
            self.invoice.with_user(billing).read(["dunning_pause_reason"])[0][
                "dunning_pause_reason"
            ],
            SECRET,
        )
        with self.assertRaises(AccessError):
            self.env["account.dunning.action"].with_user(self.portal).search([])

    def test_other_users_still_work_with_customers_and_invoices(self):
        """Restricted fields do not get in the way of users without accounting rights:
        a contact added to a blocked customer follows it, an invoice page opens."""
        self.employee.groups_id |= self.env.ref("base.group_partner_manager")
        contact = (
            self.env["res.partner"]
            .with_user(self.employee)
            .create({"name": "New contact", "parent_id": self.customer.id})
        )
        self.assertTrue(contact.sudo().dunning_blocked, "contacts follow their company")
        self.customer.with_user(self.employee).write({"phone": "+32 2 555 00 00"})
        self.assertTrue(self.invoice.with_user(self.portal).name)

    def test_nobody_acts_on_another_company_s_invoice(self):
        other = self.setup_other_company()["company"]
        self.env.user.company_ids |= other
        self.create_plan([(10, "first")], company_id=other.id, is_default=True)
        theirs = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), company_id=other.id)
        billing = new_test_user(
            self.env,
            login="dunning_billing_one_company",
            groups="account.group_account_invoice",
            company_ids=[(6, 0, self.company.ids)],
            company_id=self.company.id,
        )
        for method in ("action_dunning_send_now", "action_dunning_send_test"):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(theirs.with_user(billing), method)()
        with self.assertRaises(AccessError):
            theirs.with_user(billing).write({"dunning_blocked": True})
        self.assertFalse(theirs.dunning_action_ids)

    def test_notes_in_the_chatter_are_internal(self):
        notes = self.invoice.message_ids.filtered(lambda message: SECRET in (message.body or ""))
        self.assertEqual(len(notes), 2)  # the pause and the dispute
        self.assertTrue(all(note.subtype_id.internal for note in notes))
        visible = (
            self.env["mail.message"]
            .with_user(self.portal)
            .search([("model", "=", "account.move"), ("res_id", "=", self.invoice.id)])
        )
        self.assertFalse(visible.filtered(lambda message: SECRET in (message.body or "")))

    def test_the_portal_page_in_a_browser(self):
        """The customer's browser, its chatter loaded: nothing internal on the page."""
        code = """
            setTimeout(() => {
                const text = document.body.innerText;
                if (!text.includes(%(name)r)) {
                    console.error("the invoice is not shown");
                } else if (text.includes(%(secret)r) || text.includes("Dunning paused")) {
                    console.error("an internal note is shown");
                } else {
                    console.log("test successful");
                }
            }, 2000);
        """ % {"name": self.invoice.name, "secret": SECRET}
        self.browser_js(
            f"/my/invoices/{self.invoice.id}",
            code,
            ready="document.readyState === 'complete'",
            login=self.portal.login,
        )

    def test_the_portal_page_shows_nothing_internal(self):
        """What the customer's browser gets: the invoice page and its chatter."""
        self.authenticate(self.portal.login, self.portal.login)
        page = self.url_open(f"/my/invoices/{self.invoice.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.invoice.name, page.text)
        self.assertNotIn(SECRET, page.text)
        self.assertNotIn("Disputed", page.text)
        chatter = self.make_jsonrpc_request(
            "/mail/chatter_fetch",
            {
                "thread_model": "account.move",
                "thread_id": self.invoice.id,
                "token": self.invoice._portal_ensure_token(),
            },
        )
        self.assertNotIn(SECRET, str(chatter))
        response = self.url_open(
            "/web/dataset/call_kw/account.move/read",
            data=(
                '{"jsonrpc": "2.0", "method": "call", "params": {"model": "account.move", '
                f'"method": "read", "args": [[{self.invoice.id}], ["dunning_pause_reason"]], '
                '"kwargs": {}}}'
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertNotIn(SECRET, response.text)
        self.assertIn("error", response.json())
