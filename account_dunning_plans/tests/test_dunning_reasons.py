# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every reason not to send, through the real job on a real database."""

from datetime import date

from odoo import Command
from odoo.tests import freeze_time, tagged

from ..engine import reasons
from ..tools.wording import REASON_SELECTION
from .common import DunningCommon

DAY = date(2026, 3, 20)  # first reminder (+10) of invoices due on 2026-03-10


@tagged("post_install", "-at_install")
class TestDunningReasons(DunningCommon):
    def invoice(self, **vals):
        return self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), **vals)

    def assertReason(self, invoice, outcome, reason):
        """The job of DAY looks at ``invoice``, decides so and records the reason."""
        decision = self.run_job(DAY)[invoice]
        self.assertEqual((decision.outcome, decision.reason), (outcome, reason))
        self.assertEqual(invoice.dunning_reason, reason)
        self.assertFalse(self.mails_of(invoice))
        return decision

    def test_every_reason_is_worded(self):
        """Each code the shell can record is the engine's, and is worded."""
        worded = {code for code, _label in REASON_SELECTION}
        self.assertEqual(worded, set(reasons.ALL_REASONS))

    def test_reference_sends(self):
        invoice = self.invoice()
        self.assertEqual(self.run_job(DAY)[invoice].outcome, "send")
        self.assertEqual(len(self.mails_of(invoice)), 1)

    def test_below_min_amount(self):
        self.company.dunning_min_amount = 50
        invoice = self.invoice(amount=49.99)
        self.assertReason(invoice, "skip", "below_min_amount")
        self.assertEqual(invoice.dunning_reason, "below_min_amount")

    def test_below_min_percentage(self):
        """Seed 000: 2 % of 1,000 is 20: less than 20 due, no reminder."""
        self.company.dunning_min_percentage = 2
        invoice = self.invoice(amount=1000)
        self.pay(invoice, 980.01, date(2026, 3, 12))
        self.assertReason(invoice, "skip", "below_min_percentage")

    def test_invoice_blocked(self):
        self.assertReason(self.invoice(dunning_blocked=True), "skip", "invoice_blocked")

    def test_customer_blocked(self):
        self.customer.dunning_blocked = True
        contact = self.env["res.partner"].create(
            {"name": "Billing", "parent_id": self.customer.id, "email": "billing@example.com"}
        )
        self.assertTrue(contact.dunning_blocked, "contacts follow their company")
        self.assertReason(self.invoice(partner=contact), "skip", "customer_blocked")

    def test_recent_manual_reminder(self):
        """A reminder sent by hand: no automatic one for the company's 7 days."""
        plan = self.create_plan([(0, "first"), (3, "second")], min_contact_delay=2)
        invoice = self.invoice(dunning_plan_id=plan.id)
        with freeze_time("2026-03-10"):
            self.env["account.dunning.run"]._send_now(invoice)
        mail = self.mails_of(invoice)
        self.assertEqual(len(mail), 1)
        decision = self.run_job(date(2026, 3, 13))[invoice]
        self.assertEqual((decision.outcome, decision.reason), ("wait", "recent_reminder"))
        self.assertEqual(decision.next_date, date(2026, 3, 17))
        self.assertEqual(self.mails_of(invoice), mail)
        self.assertTrue(self.run_job(date(2026, 3, 17))[invoice].acts)

    def test_contact_delay(self):
        """The plan's contact delay and seed 000's seven days between two reminders of
        an invoice, sent by hand or not: the larger spacing applies."""
        plan = self.create_plan([(0, "first"), (1, "second")], min_contact_delay=5)
        invoice = self.invoice(dunning_plan_id=plan.id)
        self.assertTrue(self.run_job(date(2026, 3, 10))[invoice].acts)
        decision = self.run_job(date(2026, 3, 12))[invoice]
        self.assertEqual(
            (decision.reason, decision.next_date), ("recent_reminder", date(2026, 3, 17))
        )
        self.company.dunning_reminder_interval = 0
        invoice.dunning_checked_date = False
        decision = self.run_job(date(2026, 3, 12))[invoice]
        self.assertEqual(
            (decision.reason, decision.next_date), ("contact_delay", date(2026, 3, 15))
        )
        self.assertEqual(len(self.mails_of(invoice)), 1)

    def test_too_old_at_activation(self):
        with freeze_time("2026-03-19"):
            self.company.dunning_enabled = False
            self.company.dunning_enabled = True
        self.assertEqual(self.company.dunning_activation_date, date(2026, 3, 19))
        old = self.create_invoice(date(2025, 12, 1), date(2026, 3, 10))
        self.assertReason(old, "skip", "too_old")

    def test_post_factum(self):
        """Invoice entered after its due date."""
        invoice = self.create_invoice(date(2026, 3, 15), date(2026, 3, 10))
        self.assertReason(invoice, "skip", "post_factum")

    def test_opening_balance_is_seen_and_skipped(self):
        """An opening balance (a receivable of a miscellaneous entry) is looked at by the
        job, which records why it is never reminded; a refund and a draft are not
        receivables to remind, and the job does not look at them."""
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": "2026-01-01",
                "journal_id": self.company_data["default_journal_misc"].id,
                "line_ids": [
                    Command.create(
                        {
                            "account_id": self.company_data["default_account_receivable"].id,
                            "partner_id": self.customer.id,
                            "debit": 500,
                        }
                    ),
                    Command.create(
                        {
                            "account_id": self.company_data["default_account_revenue"].id,
                            "credit": 500,
                        }
                    ),
                ],
            }
        )
        entry.action_post()
        self.assertReason(entry, "skip", "opening_balance")
        self.assertFalse(entry.dunning_action_ids)
        refund = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), move_type="out_refund")
        draft = self.env["account.move"].create(
            {"move_type": "out_invoice", "partner_id": self.customer.id}
        )
        results = self.run_job(date(2026, 3, 21))
        self.assertEqual(results[entry].reason, "opening_balance")
        self.assertNotIn(refund, results)
        self.assertNotIn(draft, results)
        self.assertFalse(refund.dunning_reason or draft.dunning_reason)

    def test_no_plan(self):
        invoice = self.invoice()
        invoice.dunning_plan_id = False
        self.assertReason(invoice, "skip", "no_plan")

    def test_standby(self):
        self.company.dunning_enabled = False
        decision = self.assertReason(self.invoice(), "skip", "standby")
        self.assertEqual(decision.details["would"], "send")
        self.assertFalse(
            self.env["account.dunning.action"].search([("company_id", "=", self.company.id)])
        )

    def test_no_email_creates_a_todo_once(self):
        customer = self.env["res.partner"].create({"name": "No Mail"})
        invoice = self.invoice(partner=customer)
        decision = self.run_job(DAY)[invoice]
        self.assertEqual((decision.outcome, decision.reason), ("todo", "no_email"))
        todo = invoice.dunning_action_ids
        self.assertRecordValues(
            todo, [{"state": "todo", "reason": "no_email", "channel": "email", "level": 2}]
        )
        self.assertEqual(invoice.dunning_level, 0, "the level moves when the to-do is done")
        later = self.run_job(date(2026, 3, 23))[invoice]
        self.assertEqual(later.reason, "todo_pending")
        self.assertEqual(invoice.dunning_action_ids, todo)
        with freeze_time("2026-03-23"):
            todo.action_done()
        self.assertEqual((invoice.dunning_level, invoice.dunning_last_date), (2, date(2026, 3, 23)))
        self.assertEqual(todo.user_id, self.env.user)

    def test_manual_step_todo_cancel(self):
        plan = self.create_plan([(0, None, {"channel": "manual"}), (3, "first")])
        invoice = self.invoice(dunning_plan_id=plan.id)
        self.assertEqual(self.run_job(date(2026, 3, 10))[invoice].reason, "manual_step")
        invoice.dunning_action_ids.action_cancel()
        self.assertEqual((invoice.dunning_level, invoice.dunning_last_date), (1, False))
        self.assertTrue(self.run_job(date(2026, 3, 13))[invoice].acts)
        self.assertEqual(len(self.mails_of(invoice)), 1)

    def test_send_failure_is_recorded(self):
        broken = self.templates["first"].copy({"body_html": "<p t-out='object.no_such_field'/>"})
        plan = self.create_plan([(0, "first")])
        plan.step_ids.mail_template_id = broken
        invoice = self.invoice(dunning_plan_id=plan.id)
        decision = self.run_job(date(2026, 3, 10))[invoice]
        self.assertEqual(decision.outcome, "send")
        action = invoice.dunning_action_ids
        self.assertRecordValues(action, [{"state": "failed", "reason": "send_failed"}])
        self.assertIn("no_such_field", action.note)
        self.assertEqual(invoice.dunning_level, 0)
        self.assertEqual(invoice.dunning_reason, "send_failed")
        self.assertFalse(self.mails_of(invoice))
