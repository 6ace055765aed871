# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A customer answering a reminder, through Odoo's mail gateway with real MIME
messages: a reply pauses dunning and notifies the responsible; an out-of-office or a
bounce changes nothing."""

from datetime import date

from odoo.tests import freeze_time, tagged

from .common import DunningCommon

REPLY = """Return-Path: <alpha@example.com>
From: Alpha Customer <alpha@example.com>
To: {to}
Subject: Re: {subject}
Message-ID: <reply-{n}@customer.example.com>
In-Reply-To: {parent}
References: {parent}
Date: Mon, 16 Mar 2026 09:00:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
{headers}
{body}
"""

BOUNCE = """Return-Path: <>
From: Mail Delivery System <MAILER-DAEMON@mx.example.com>
To: {to}
Subject: Undelivered Mail Returned to Sender
Message-ID: <bounce-1@mx.example.com>
Date: Mon, 16 Mar 2026 09:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: text/plain

This is the mail system: your message could not be delivered to alpha@example.com.

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.com
Final-Recipient: rfc822; alpha@example.com
Action: failed
Status: 5.1.1

--b
Content-Type: text/rfc822-headers

Message-ID: {parent}
Subject: {subject}

--b--
"""


@tagged("post_install", "-at_install")
class TestDunningReply(DunningCommon):
    def setUp(self):
        super().setUp()
        self.invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), 500.0)
        self.run_job(date(2026, 3, 20))  # the first reminder, 10 days after the due date
        self.action = self.invoice.dunning_action_ids.filtered(lambda a: a.state == "done")
        self.assertTrue(self.action.mail_message_id)
        self.message = self.action.mail_message_id

    def receive(self, body="I will pay on Friday.", headers="", subject=None, n=1):
        raw = REPLY.format(
            to=self.message.reply_to or self.company.email or "accounts@example.com",
            subject=subject or self.message.subject,
            n=n,
            parent=self.message.message_id,
            headers=headers,
            body=body,
        )
        with freeze_time("2026-03-23"):
            self.env["mail.thread"].message_process(False, raw.encode())

    def activities(self):
        return self.invoice.activity_ids.filtered(lambda a: "replied" in (a.summary or ""))

    def test_a_reply_pauses_and_notifies(self):
        self.receive()
        self.assertTrue(self.invoice.dunning_paused)
        self.assertEqual(self.invoice.dunning_pause_until, date(2026, 3, 30))
        self.assertEqual(self.invoice.dunning_pause_reason, "Customer replied")
        activity = self.activities()
        self.assertEqual(len(activity), 1)
        self.assertIn("I will pay on Friday.", activity.note)
        # The reply is in the invoice's discussion, as Odoo routes it.
        self.assertIn("I will pay on Friday.", self.invoice.message_ids[0].body)
        self.assertEqual(self.run_job(date(2026, 3, 25))[self.invoice].reason, "paused")

    def test_out_of_office_changes_nothing(self):
        self.receive("I am away until April.", headers="Auto-Submitted: auto-replied\n")
        self.receive("Je suis absent.", subject="Réponse automatique : absent", n=2)
        self.assertFalse(self.invoice.dunning_paused)
        self.assertFalse(self.activities())

    def test_notify_only_or_nothing(self):
        self.company.dunning_reply_action = "activity"
        self.receive()
        self.assertFalse(self.invoice.dunning_paused)
        self.assertEqual(len(self.activities()), 1)
        self.company.dunning_reply_action = "none"
        self.receive(n=2)
        self.assertEqual(len(self.activities()), 1)

    def test_a_bounce_is_not_a_reply(self):
        raw = BOUNCE.format(
            to=self.message.reply_to or "accounts@example.com",
            parent=self.message.message_id,
            subject=self.message.subject,
        )
        with freeze_time("2026-03-23"):
            self.env["mail.thread"].message_process(False, raw.encode())
        self.assertFalse(self.invoice.dunning_paused)
        self.assertFalse(self.activities())

    def test_a_reply_to_a_statement_pauses_the_customer(self):
        plan = self.create_plan([(10, "customer")], name="Grouped", scope="customer")
        grouped = self.create_grouped_customer(plan)
        invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), partner=grouped)
        self.run_job(date(2026, 3, 20))
        action = self.env["account.dunning.action"].search([("partner_id", "=", grouped.id)])
        self.message = action.mail_message_id
        self.assertEqual(self.message.model, "res.partner")
        self.receive(n=3)
        self.assertTrue(grouped.dunning_paused)
        self.assertEqual(grouped.dunning_pause_reason, "Customer replied")
        self.assertTrue(invoice.dunning_paused)
        self.assertTrue(grouped.activity_ids.filtered(lambda a: "replied" in a.summary))
