# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Plan assignment and the invoice form's buttons."""

from datetime import date

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, freeze_time, tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestAccountMoveDunning(DunningCommon):
    def test_default_plan_on_post(self):
        invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10))
        self.assertEqual(invoice.dunning_plan_id, self.plan)
        self.assertEqual(invoice.dunning_entry_date, date(2026, 3, 2))
        other = self.create_plan([(5, "first")], name="Other")
        kept = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), dunning_plan_id=other.id)
        self.assertEqual(kept.dunning_plan_id, other)
        self.assertFalse(kept.is_manually_modified)
        bill = self.init_invoice("in_invoice", invoice_date="2026-03-02", post=True, amounts=[10])
        self.assertFalse(bill.dunning_plan_id)

    def test_single_default_plan(self):
        with self.assertRaises(ValidationError):
            self.create_plan([(5, "first")], is_default=True)
        customer_plan = self.create_plan([(5, "customer")], is_default=True, scope="customer")
        self.assertTrue(customer_plan.is_default)

    def test_default_plans_from_the_settings(self):
        other = self.create_plan([(5, "first")], name="Other")
        grouped = self.create_plan([(5, "customer")], name="Grouped", scope="customer")
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.dunning_default_plan_id, self.plan)
        self.assertFalse(settings.dunning_default_customer_plan_id)
        settings.write(
            {"dunning_default_plan_id": other.id, "dunning_default_customer_plan_id": grouped.id}
        )
        settings.execute()
        self.assertEqual(
            (self.plan.is_default, other.is_default, grouped.is_default), (False, True, True)
        )

    def test_email_step_needs_template(self):
        with self.assertRaises(ValidationError):
            self.create_plan([(5, None)])

    def test_level_editable_by_hand(self):
        invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10))
        with Form(invoice) as form:
            form.dunning_level = 3
        self.assertEqual(invoice.dunning_level, 3)
        decision = self.run_job(date(2026, 4, 24))[invoice]
        self.assertEqual((decision.outcome, decision.step_index), ("send", 3))

    def test_send_now(self):
        invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10))
        with freeze_time("2026-03-04"):
            invoice.action_dunning_send_now()
        mail = self.mails_of(invoice)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertIn("due soon", mail.subject)
        self.assertRecordValues(
            invoice.dunning_action_ids,
            [{"origin": "manual", "state": "done", "level": 1, "user_id": self.env.user.id}],
        )
        self.assertEqual((invoice.dunning_level, invoice.dunning_last_date), (1, date(2026, 3, 4)))
        self.assertIn(mail.mail_message_id, invoice.message_ids)

    def test_send_now_errors(self):
        invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10))
        invoice.dunning_plan_id = False
        with self.assertRaisesRegex(UserError, "no dunning plan"):
            invoice.action_dunning_send_now()
        paid = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), amount=100)
        self.pay(paid, 100, date(2026, 3, 3))
        with self.assertRaisesRegex(UserError, "paid"):
            paid.action_dunning_send_now()
        no_mail = self.create_invoice(
            date(2026, 3, 2),
            date(2026, 3, 10),
            partner=self.env["res.partner"].create({"name": "X"}),
        )
        with self.assertRaisesRegex(UserError, "no e-mail"):
            no_mail.action_dunning_send_now()
        done = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10))
        done.dunning_level = 4
        with self.assertRaisesRegex(UserError, "already executed"):
            done.action_dunning_send_now()

    def test_send_test_to_me(self):
        self.env.user.email = "accountant@example.com"
        invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10))
        with freeze_time("2026-03-20"):
            result = invoice.action_dunning_send_test()
        self.assertEqual(result["params"]["type"], "success")
        mail = self.env["mail.mail"].search([("email_to", "like", "accountant@example.com")])
        self.assertEqual(len(mail), 1)
        self.assertFalse(mail.recipient_ids)
        self.assertTrue(mail.subject.startswith("[Test]"))
        self.assertIn(invoice.name, mail.body_html)
        self.assertIn("10", mail.body_html)  # days overdue on the 20th
        self.assertFalse(invoice.dunning_action_ids)
        self.assertEqual(invoice.dunning_level, 0)
        self.assertFalse(self.mails_of(invoice))
        self.env.user.email = False
        with self.assertRaisesRegex(UserError, "e-mail address on your user"):
            invoice.action_dunning_send_test()

    def test_plan_invoices_button(self):
        invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10))
        action = self.plan.action_view_invoices()
        self.assertEqual(self.env["account.move"].search(action["domain"]), invoice)
        self.assertEqual(self.plan.invoice_count, 1)

    def test_views_show_dunning(self):
        """The invoice form, invoice list, partner form and settings carry the dunning UI."""
        form = self.env["account.move"].get_views([(False, "form")])["views"]["form"]["arch"]
        for name in ("action_dunning_send_now", "action_dunning_send_test", "dunning_level"):
            self.assertIn(name, form)
        lists = self.env.ref("account.view_out_invoice_tree")
        arch = self.env["account.move"].get_view(lists.id, "list")["arch"]
        self.assertIn("dunning_next_date", arch)
        partner = self.env["res.partner"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("dunning_blocked", partner)
        settings = self.env["res.config.settings"].get_views([(False, "form")])
        self.assertIn("dunning_min_percentage", settings["views"]["form"]["arch"])
