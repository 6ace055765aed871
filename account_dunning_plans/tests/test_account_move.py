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
        """One default plan per level, held by the company: ticking another one makes it
        the default instead; a plan of another level cannot be the default."""
        other = self.create_plan([(5, "first")], is_default=True)
        self.assertEqual(self.company.dunning_default_plan_id, other)
        self.assertFalse(self.plan.is_default)
        Plan = self.env["account.dunning.plan"]
        defaults = Plan.search([("is_default", "=", True), ("company_id", "=", self.company.id)])
        self.assertEqual(defaults, other)
        customer_plan = self.create_plan([(5, "customer")], is_default=True, scope="customer")
        self.assertTrue(customer_plan.is_default)
        self.assertEqual(self.company.dunning_default_customer_plan_id, customer_plan)
        with self.assertRaises(ValidationError):
            self.company.dunning_default_plan_id = customer_plan
        other.is_default = False
        self.assertFalse(self.company.dunning_default_plan_id)

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

    def reminders_of(self, invoice):
        """The reminders sent by hand on ``invoice``: messages posted to its customer
        (sent at once, their mails already gone)."""
        return invoice.message_ids.filtered(
            lambda message: message.message_type == "comment" and message.partner_ids
        )

    def test_send_now(self):
        """Send reminder now opens the step's mail in the composer; sending it records
        the reminder like the nightly job would."""
        invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10))
        with freeze_time("2026-03-04"):
            result = invoice.action_dunning_send_now()
            composer = self.env["mail.compose.message"].browse(result["res_id"])
            self.assertIn("due soon", composer.subject)
            self.assertEqual(composer.partner_ids, self.customer)
            self.assertIn("friendly reminder", composer.body)
            self.assertFalse(self.reminders_of(invoice), "nothing leaves before Send")
            self.assertFalse(self.mails_of(invoice))
            self.assertFalse(invoice.dunning_action_ids)
            self.send_composed(result)
        message = self.reminders_of(invoice)
        self.assertEqual(len(message), 1)
        self.assertEqual(message.notification_ids.res_partner_id, self.customer)
        self.assertEqual(message.notification_ids.notification_type, "email")
        self.assertIn("due soon", message.subject)
        self.assertRecordValues(
            invoice.dunning_action_ids,
            [{"origin": "manual", "state": "done", "level": 1, "user_id": self.env.user.id}],
        )
        self.assertEqual(invoice.dunning_action_ids.mail_message_id, message)
        self.assertEqual((invoice.dunning_level, invoice.dunning_last_date), (1, date(2026, 3, 4)))

    def test_the_mail_is_edited_before_it_leaves(self):
        """What leaves is what the person wrote, with the invoice PDF the step attaches;
        the composed message is the reminder's."""
        invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10))
        self.plan.step_ids[0].attach_invoice_pdf = True
        with freeze_time("2026-03-04"):
            result = invoice.action_dunning_send_now()
            composer = self.env["mail.compose.message"].browse(result["res_id"])
            self.assertEqual(len(composer.attachment_ids), 1)
            self.assertIn(invoice._get_report_base_filename(), composer.attachment_ids.name)

            def edit(composer):
                composer.body = "<p>Personal words for a good customer.</p>"

            self.send_composed(result, edit)
        message = self.reminders_of(invoice)
        self.assertIn("Personal words for a good customer.", message.body)
        self.assertNotIn("friendly reminder", message.body)
        action = invoice.dunning_action_ids
        self.assertEqual((action.state, action.origin, action.level), ("done", "manual", 1))
        self.assertEqual(action.mail_message_id, message)
        self.assertEqual(message.attachment_ids, composer.attachment_ids)

    def test_a_change_while_composing_is_caught(self):
        """Disputed (or paid) while the mail was being written: nothing leaves until
        the person confirms the new hold."""
        invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10))
        with freeze_time("2026-03-20"):
            result = invoice.action_dunning_send_now()
            invoice.dunning_disputed = True
            with self.assertRaisesRegex(UserError, "confirm first"):
                self.send_composed(result)
        self.assertFalse(self.reminders_of(invoice))
        self.assertFalse(invoice.dunning_action_ids)
        self.assertEqual(invoice.dunning_level, 0)

    def click_send_now(self, invoice, day, confirm=False):
        """Click "Send reminder now" on ``day`` and send the mail composed; ``confirm``:
        tick every hold of the dialog first. Returns the dialog (None when there was
        none)."""
        with freeze_time(day):
            result = invoice.action_dunning_send_now()
            if result.get("res_model") != "account.dunning.send":
                self.send_composed(result)
                return None
            dialog = self.env["account.dunning.send"].browse(result["res_id"])
            if confirm:
                dialog.hold_ids.confirmed = True
                self.send_composed(dialog.action_send())
            return dialog

    def test_send_now_asks_before_going_through_a_hold(self):
        """A disputed, promised or paused invoice is not reminded by hand without the
        user confirming each reason; the action notes them."""
        invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10))
        invoice.write({"dunning_disputed": True, "dunning_paused": True})
        dialog = self.click_send_now(invoice, "2026-03-20")
        self.assertEqual(dialog.hold_ids.mapped("reason"), ["disputed", "paused"])
        self.assertFalse(self.reminders_of(invoice))
        with freeze_time("2026-03-20"), self.assertRaisesRegex(UserError, "Tick each reason"):
            dialog.hold_ids[0].confirmed = True
            dialog.action_send()
        self.assertFalse(self.reminders_of(invoice))
        # Bypassing the dialog sends nothing either.
        with freeze_time("2026-03-20"), self.assertRaisesRegex(UserError, "confirm first"):
            self.env["account.dunning.run"]._send_now(invoice, confirmed=("disputed",))
        self.click_send_now(invoice, "2026-03-20", confirm=True)
        self.assertEqual(len(self.reminders_of(invoice)), 1)
        action = invoice.dunning_action_ids
        self.assertEqual((action.origin, action.state, action.level), ("manual", "done", 2))
        self.assertIn("Dunning paused", action.note)
        self.assertIn("Disputed", action.note)

    def test_three_clicks_do_not_reach_the_final_notice(self):
        """Clicking again the same day asks first (already reminded today, contact
        delay, seven days between reminders); never the same step twice a day."""
        invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10))
        self.assertIsNone(self.click_send_now(invoice, "2026-03-20"))
        self.assertEqual(invoice.dunning_level, 2)
        dialog = self.click_send_now(invoice, "2026-03-20")
        self.assertEqual(
            dialog.hold_ids.mapped("reason"),
            ["already_today", "contact_delay", "recent_reminder"],
        )
        self.assertEqual(dialog.step, "Step 3")
        self.assertEqual(len(self.reminders_of(invoice)), 1)
        self.assertEqual(invoice.dunning_level, 2)

    def test_same_step_never_twice_a_day(self):
        """A letter to-do created today for a step: sending that step again is refused."""
        plan = self.create_plan([(0, None, {"channel": "letter"}), (5, "first")])
        invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), dunning_plan_id=plan.id)
        self.assertEqual(self.run_job(date(2026, 3, 10))[invoice].outcome, "todo")
        with freeze_time("2026-03-10"), self.assertRaisesRegex(UserError, "already executed"):
            invoice.action_dunning_send_now()
        # The next day, it is a hold (the to-do waits), not a refusal.
        dialog = self.click_send_now(invoice, "2026-03-11")
        self.assertEqual(dialog.hold_ids.mapped("reason"), ["todo_pending"])

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
        # The first reminder, as of the 20th: ten days overdue.
        self.assertIn("<strong>10</strong> days after its due date", mail.body_html)
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
