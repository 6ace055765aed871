# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Delivery: recipients, sender and reply-to, send window across week-ends and public
holidays, activities of manual steps, templates by payment method, attachments,
followers and retries after a mail server outage."""

from datetime import date, datetime, timedelta

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningDelivery(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Facts = cls.env["account.dunning.facts"]
        cls.controller = new_test_user(
            cls.env,
            login="dunning_controller",
            name="Credit Controller",
            email="controller@example.com",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.acme = cls.env["res.partner"].create(
            {"name": "Acme", "is_company": True, "email": "acme@example.com"}
        )
        cls.jane = cls.env["res.partner"].create(
            {
                "name": "Jane Billing",
                "parent_id": cls.acme.id,
                "type": "invoice",
                "email": "jane@example.com",
            }
        )
        cls.boss = cls.env["res.partner"].create(
            {
                "name": "Boss",
                "parent_id": cls.acme.id,
                "email": "boss@example.com",
                "dunning_contact": True,
            }
        )
        cls.john = cls.env["res.partner"].create(
            {"name": "John", "parent_id": cls.acme.id, "email": "john@example.com"}
        )
        # Working hours in Brussels; Monday 9 March 2026 is a public holiday.
        cls.calendar = cls.company.resource_calendar_id
        cls.calendar.tz = "Europe/Brussels"
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": cls.calendar.id,
                "date_from": datetime(2026, 3, 8, 23, 0),  # Monday 00:00 in Brussels
                "date_to": datetime(2026, 3, 9, 22, 59, 59),
            }
        )

    def job_at(self, moment):
        with freeze_time(moment):
            results = self.env["account.dunning.run"]._cron_process_dunning()
        return {move: decision for move, _plan, decision in results}

    # == Recipients ==
    def test_recipient_order(self):
        self.assertEqual(self.Facts._recipients(self.acme), self.jane)
        self.assertEqual(self.Facts._recipients(self.acme, self.john), self.jane)
        self.jane.email = False
        self.assertEqual(self.Facts._recipients(self.acme, self.john), self.boss)
        self.boss.dunning_contact = False
        self.assertEqual(self.Facts._recipients(self.acme, self.john), self.john)
        self.assertEqual(self.Facts._recipients(self.acme, self.acme), self.acme)
        self.acme.email = False
        self.assertFalse(self.Facts._recipients(self.acme, self.acme))

    def test_mail_goes_to_the_billing_contact_else_a_todo(self):
        invoice = self.create_invoice(date(2026, 2, 1), date(2026, 3, 1), partner=self.acme)
        self.company.dunning_greeting = "name"
        self.job_at(datetime(2026, 3, 11, 10, 0))
        mail = self.mails_of(invoice)
        self.assertEqual(mail.recipient_ids, self.jane)
        self.assertIn("Dear Jane Billing,", mail.body_html)

        (self.jane | self.boss | self.john | self.acme).write({"email": False})
        other = self.create_invoice(date(2026, 2, 2), date(2026, 3, 2), partner=self.acme)
        results = self.job_at(datetime(2026, 3, 20, 10, 0))
        self.assertEqual((results[other].outcome, results[other].reason), ("todo", "no_email"))
        self.assertEqual(other.dunning_reason, "no_email")
        self.assertTrue(other.dunning_no_email)

    def test_customer_level_mail_to_the_billing_contact(self):
        plan = self.create_plan([(10, "customer")], scope="customer")
        self.acme.write({"dunning_plan_mode": "custom", "dunning_plan_id": plan.id})
        invoice = self.create_invoice(date(2026, 2, 1), date(2026, 3, 1), partner=self.acme)
        self.job_at(datetime(2026, 3, 11, 10, 0))
        mail = self.env["mail.mail"].search(
            [("model", "=", "res.partner"), ("res_id", "=", self.acme.id)]
        )
        self.assertEqual(mail.recipient_ids, self.jane)
        self.assertIn(invoice.name, mail.body_html)

    # == Sender and reply-to ==
    def test_sender_and_reply_to(self):
        self.env["mail.alias.domain"].create(
            {"name": "example.org", "catchall_alias": "catchall", "bounce_alias": "bounce"}
        )
        self.company.alias_domain_id = self.env["mail.alias.domain"].search(
            [("name", "=", "example.org")]
        )
        self.company.write(
            {
                "dunning_sender_type": "user",
                "dunning_sender_user_id": self.controller.id,
                "dunning_reply_to_type": "address",
                "dunning_reply_to_address": "credit@example.com",
            }
        )
        first = self.create_invoice(date(2026, 2, 1), date(2026, 3, 1))
        self.job_at(datetime(2026, 3, 11, 10, 0))
        mail = self.mails_of(first)
        self.assertEqual(mail.email_from, self.controller.email_formatted)
        self.assertEqual(mail.reply_to, "credit@example.com")

        # A plan's own sender and replies into the invoice's discussion.
        plan = self.create_plan(
            [(10, "first")],
            sender_type="address",
            sender_address="Credit <collect@example.com>",
            reply_to_type="chatter",
        )
        second = self.create_invoice(
            date(2026, 2, 1), date(2026, 3, 1), partner=self.acme, dunning_plan_id=plan.id
        )
        self.job_at(datetime(2026, 3, 11, 10, 0))
        mail = self.mails_of(second)
        self.assertEqual(mail.email_from, "Credit <collect@example.com>")
        self.assertIn("catchall@example.org", mail.reply_to)

        # The salesperson.
        plan.write({"sender_type": "responsible", "reply_to_type": "responsible"})
        third = self.create_invoice(
            date(2026, 2, 1),
            date(2026, 3, 1),
            partner=self.acme,
            dunning_plan_id=plan.id,
            invoice_user_id=self.controller.id,
        )
        self.job_at(datetime(2026, 3, 20, 10, 0))
        mail = self.mails_of(third)
        self.assertEqual(mail.email_from, self.controller.email_formatted)
        self.assertEqual(mail.reply_to, self.controller.email_formatted)

    def test_sender_settings_are_checked(self):
        mute = new_test_user(self.env, login="mute_user", email=False)
        with self.assertRaises(ValidationError):
            self.company.write({"dunning_sender_type": "user", "dunning_sender_user_id": mute.id})
        with self.assertRaises(ValidationError):
            self.plan.write({"sender_type": "address", "sender_address": "not an address"})
        with self.assertRaises(ValidationError):
            self.plan.write({"window_type": "custom", "window_from": 18.0, "window_to": 8.0})

    # == Send window ==
    def test_send_window_across_a_week_end_and_a_public_holiday(self):
        cron = self.env.ref("mail.ir_cron_mail_scheduler_action")
        night = self.create_invoice(date(2026, 2, 1), date(2026, 2, 24))
        # Friday 6 March, 02:00 UTC (03:00 in Brussels): waits for 08:00 Brussels.
        self.job_at(datetime(2026, 3, 6, 2, 0))
        mail = self.mails_of(night)
        self.assertEqual(mail.scheduled_date, datetime(2026, 3, 6, 7, 0))
        self.assertTrue(
            self.env["ir.cron.trigger"].search(
                [("cron_id", "=", cron.id), ("call_at", "=", datetime(2026, 3, 6, 7, 0))]
            )
        )
        # The mail queue honours the date: not before 07:00 UTC, then sent.
        with freeze_time(datetime(2026, 3, 6, 6, 59)):
            self.env["mail.mail"].process_email_queue()
        self.assertEqual(mail.state, "outgoing")
        with freeze_time(datetime(2026, 3, 6, 7, 0)):
            self.env["mail.mail"].process_email_queue()
        self.assertFalse(mail.exists() and mail.state == "outgoing")

        # Friday evening, after closing: not the week-end, not the holiday Monday.
        evening = self.create_invoice(date(2026, 2, 1), date(2026, 2, 24), partner=self.acme)
        self.job_at(datetime(2026, 3, 6, 19, 0))
        self.assertEqual(self.mails_of(evening).scheduled_date, datetime(2026, 3, 10, 7, 0))

        # Inside the window: at once.
        noon = self.create_invoice(date(2026, 2, 1), date(2026, 2, 25), partner=self.john)
        self.job_at(datetime(2026, 3, 10, 11, 0))
        self.assertFalse(self.mails_of(noon).scheduled_date)

    def test_send_window_of_a_plan_and_sent_by_hand(self):
        plan = self.create_plan([(10, "first")], window_type="custom", window_from=13.5)
        plan.window_to = 15.0
        invoice = self.create_invoice(date(2026, 2, 1), date(2026, 2, 24), dunning_plan_id=plan.id)
        self.job_at(datetime(2026, 3, 6, 2, 0))
        self.assertEqual(self.mails_of(invoice).scheduled_date, datetime(2026, 3, 6, 12, 30))
        plan.window_type = "none"
        other = self.create_invoice(
            date(2026, 2, 1), date(2026, 2, 24), partner=self.acme, dunning_plan_id=plan.id
        )
        self.job_at(datetime(2026, 3, 6, 2, 0))
        self.assertFalse(self.mails_of(other).scheduled_date)
        # A reminder sent by hand leaves at once, even at night.
        late = self.create_invoice(date(2026, 1, 1), date(2026, 1, 20), partner=self.john)
        with freeze_time(datetime(2026, 3, 7, 22, 0)):
            run = self.env["account.dunning.run"]
            _plan, answer = run._manual_check(late)
            run._send_now(late, confirmed=answer.holds)
        self.assertEqual(len(self.mails_of(late)), 1)
        self.assertFalse(self.mails_of(late).scheduled_date)

    # == Manual steps become activities ==
    def test_manual_step_is_an_activity_of_its_responsible(self):
        call = self.env.ref("mail.mail_activity_data_call")
        plan = self.create_plan(
            [
                (
                    10,
                    False,
                    {
                        "channel": "manual",
                        "activity_type_id": call.id,
                        "activity_note": "Call the customer about the invoice.",
                        "responsible_type": "user",
                        "responsible_user_id": self.controller.id,
                    },
                ),
                (20, "first"),
            ]
        )
        invoice = self.create_invoice(date(2026, 2, 1), date(2026, 3, 1), dunning_plan_id=plan.id)
        self.job_at(datetime(2026, 3, 11, 2, 0))
        action = invoice.dunning_action_ids
        activity = action.activity_id
        self.assertEqual(action.state, "todo")
        self.assertEqual(
            (activity.res_model, activity.res_id, activity.user_id, activity.activity_type_id),
            ("account.move", invoice.id, self.controller, call),
        )
        self.assertEqual(activity.summary, "Dunning: Step 1 (level 1)")
        self.assertEqual(activity.date_deadline, date(2026, 3, 11))
        with freeze_time(date(2026, 3, 12)):
            activity.with_user(self.controller).action_feedback(feedback="Promised to pay")
        self.assertEqual(action.state, "done")
        self.assertEqual((invoice.dunning_level, invoice.dunning_last_date), (1, date(2026, 3, 12)))

        # Done from the To do list: the activity is done too.
        other = self.create_invoice(
            date(2026, 2, 1), date(2026, 3, 1), partner=self.acme, dunning_plan_id=plan.id
        )
        self.job_at(datetime(2026, 3, 11, 2, 0))
        activity = other.dunning_action_ids.activity_id
        other.dunning_action_ids.action_done()
        self.assertFalse(activity.exists())
        self.assertIn("Done from the dunning To do list.", other.message_ids.mapped("body")[0])
        # Cancelled: the activity goes away.
        third = self.create_invoice(
            date(2026, 2, 1), date(2026, 3, 1), partner=self.john, dunning_plan_id=plan.id
        )
        self.job_at(datetime(2026, 3, 11, 2, 0))
        activity = third.dunning_action_ids.activity_id
        third.dunning_action_ids.action_cancel()
        self.assertFalse(activity.exists())

    def test_salesperson_is_the_default_responsible(self):
        plan = self.create_plan([(10, False, {"channel": "manual"})])
        invoice = self.create_invoice(
            date(2026, 2, 1),
            date(2026, 3, 1),
            dunning_plan_id=plan.id,
            invoice_user_id=self.controller.id,
        )
        self.job_at(datetime(2026, 3, 11, 2, 0))
        activity = invoice.dunning_action_ids.activity_id
        self.assertEqual(activity.user_id, self.controller)
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_todo"))

    # == Templates, attachments, followers ==
    def test_template_by_payment_method_attachment_and_follower(self):
        direct_debit = (
            self.env["account.payment.method"]
            .sudo()
            .create({"name": "Direct debit", "code": "dunning_dd_test", "payment_type": "inbound"})
        )
        line = (
            self.env["account.payment.method.line"]
            .sudo()
            .create(
                {
                    "payment_method_id": direct_debit.id,
                    "journal_id": self.company_data["default_journal_bank"].id,
                }
            )
        )
        debit_template = self.templates["first"].copy(
            {"subject": "Direct debit failed for {{ object.name }}"}
        )
        step = self.plan.step_ids[1]
        step.write(
            {
                "template_ids": [
                    Command.create(
                        {
                            "payment_method_id": direct_debit.id,
                            "mail_template_id": debit_template.id,
                        }
                    )
                ],
                "attach_invoice_pdf": True,
                "add_follower": True,
                "responsible_type": "user",
                "responsible_user_id": self.controller.id,
            }
        )
        debited = self.create_invoice(
            date(2026, 2, 1),
            date(2026, 3, 1),
            partner=self.acme,
            preferred_payment_method_line_id=line.id,
        )
        plain = self.create_invoice(date(2026, 2, 1), date(2026, 3, 1))
        self.job_at(datetime(2026, 3, 11, 2, 0))
        self.assertEqual(self.mails_of(debited).subject, f"Direct debit failed for {debited.name}")
        self.assertIn("reminder for invoice", self.mails_of(plain).subject)
        attachment = self.mails_of(plain).attachment_ids
        self.assertEqual(len(attachment), 1)
        self.assertTrue(attachment.name.startswith(plain._get_report_base_filename()))
        self.assertIn(self.controller.partner_id, plain.message_partner_ids)

    # == Mail server outage ==
    def test_temporary_failures_are_retried_with_growing_delays(self):
        """A server down or greylisting: back in the queue 5, 15, 30 minutes... later,
        for more than a day; then the mail failed for good."""
        first = self.create_invoice(date(2026, 2, 1), date(2026, 3, 1))
        self.job_at(datetime(2026, 3, 11, 10, 0))
        mail = self.mails_of(first)
        action = first.dunning_action_ids
        Delivery = self.env["account.dunning.delivery"]

        def fails(reason, failure_type="unknown"):
            mail.write({"state": "exception", "failure_type": failure_type})
            mail.failure_reason = reason

        fails("{'a@example.com': (451, b'4.7.1 Greylisted, try again later')}")
        start = datetime(2026, 3, 11, 10, 5)
        Delivery._retry_mails(start)
        self.assertEqual(mail.state, "exception", "greylisting wants a delay first")
        self.assertEqual(action.mail_retry_at, start + timedelta(minutes=5))
        Delivery._retry_mails(start + timedelta(minutes=4))
        self.assertEqual(mail.state, "exception")
        Delivery._retry_mails(start + timedelta(minutes=5))
        self.assertEqual((mail.state, action.mail_retries), ("outgoing", 1))
        self.assertEqual(action.mail_retry_at, start + timedelta(minutes=20))
        # The server is down for a day and more: retried ever later, then given up.
        moment = start + timedelta(minutes=5)
        while action.state == "done":
            fails("[Errno 111] Connection refused", "mail_smtp")
            moment = action.mail_retry_at or moment
            Delivery._retry_mails(moment)
        self.assertEqual(moment - start, timedelta(hours=26))  # the last attempt
        self.assertEqual(action.mail_retries, 8)
        self.assertEqual(action.state, "failed")

    def test_a_mail_that_fails_for_good_does_not_count(self):
        """A 5xx reply: the action fails, the invoice goes back to its level, and a
        to-do with an activity asks its responsible to reach the customer."""
        invoice = self.create_invoice(date(2026, 2, 1), date(2026, 3, 1))
        self.job_at(datetime(2026, 3, 11, 10, 0))
        self.assertEqual(invoice.dunning_level, 2)
        mail = self.mails_of(invoice)
        mail.write({"state": "exception", "failure_type": "unknown"})
        mail.failure_reason = "{'alpha@example.com': (550, b'5.1.1 No such user')}"
        with freeze_time("2026-03-11 12:00:00"):
            self.env["account.dunning.action"]._cron_retry_mails()
        sent, todo = invoice.dunning_action_ids.sorted("id")
        self.assertEqual((sent.state, sent.reason), ("failed", "send_failed"))
        self.assertIn("550", sent.note)
        self.assertEqual((mail.state, invoice.dunning_level), ("cancel", 0))
        self.assertFalse(invoice.dunning_last_date)
        self.assertEqual((todo.state, todo.reason, todo.level), ("todo", "send_failed", 2))
        self.assertEqual(todo.activity_id.res_id, invoice.id)
        self.assertIn("550", todo.activity_id.note)
        # The to-do holds the invoice: nothing goes out until a person acts.
        self.assertEqual(self.job_at(datetime(2026, 3, 12, 10, 0))[invoice].reason, "todo_pending")
