# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every reason not to send, through the real job on a real database."""

from datetime import date

from odoo import Command
from odoo.tests import freeze_time, tagged

from ..engine import reasons
from ..models.dunning_reasons import REASON_SELECTION
from .common import DunningCommon

DAY = date(2026, 3, 20)  # first reminder (+10) of invoices due on 2026-03-10


@tagged("post_install", "-at_install")
class TestDunningReasons(DunningCommon):
    def invoice(self, **vals):
        return self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), **vals)

    def assertReason(self, invoice, outcome, reason):
        decision = self.run_job(DAY).get(invoice)
        if decision is None:  # not looked at by the job: explain it directly
            decision = invoice._dunning_decide(DAY)[0][2]
        self.assertEqual((decision.outcome, decision.reason), (outcome, reason))
        self.assertFalse(self.mails_of(invoice))
        return decision

    def test_every_reason_is_worded(self):
        """Each code the engine can return has its wording in the shared selection."""
        worded = {code for code, _label in REASON_SELECTION}
        self.assertEqual(worded, set(reasons.ALL_REASONS) | {"send_failed"})

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
            invoice.action_dunning_send_now()
        mail = self.mails_of(invoice)
        self.assertEqual(len(mail), 1)
        decision = self.run_job(date(2026, 3, 13))[invoice]
        self.assertEqual((decision.outcome, decision.reason), ("wait", "recent_reminder"))
        self.assertEqual(decision.next_date, date(2026, 3, 17))
        self.assertEqual(self.mails_of(invoice), mail)
        self.assertTrue(self.run_job(date(2026, 3, 17))[invoice].acts)

    def test_contact_delay(self):
        plan = self.create_plan([(0, "first"), (1, "second")], min_contact_delay=5)
        invoice = self.invoice(dunning_plan_id=plan.id)
        self.assertTrue(self.run_job(date(2026, 3, 10))[invoice].acts)
        decision = self.run_job(date(2026, 3, 12))[invoice]
        self.assertEqual(
            (decision.reason, decision.next_date), ("contact_delay", date(2026, 3, 15))
        )

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

    def test_opening_balance_and_not_invoice(self):
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": "2026-01-01",
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
        self.assertEqual(entry._dunning_decide(DAY)[0][2].reason, "opening_balance")
        refund = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), move_type="out_refund")
        self.assertFalse(refund.dunning_plan_id)
        self.assertEqual(refund._dunning_decide(DAY)[0][2].reason, "not_invoice")
        draft = self.env["account.move"].create(
            {"move_type": "out_invoice", "partner_id": self.customer.id}
        )
        self.assertEqual(draft._dunning_decide(DAY)[0][2].reason, "not_posted")

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
