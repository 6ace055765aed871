# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Status that is true now: every change that moves an invoice's dunning status (a
plan, a pause, a promise, a dispute, a block, a payment, a to-do handled, a level) is
decided again by the engine at once, without waiting for the night, and without
sending anything nor keeping the nightly job from checking the invoice."""

from datetime import date

from odoo.tests import freeze_time, tagged

from .common import DunningCommon

TODAY = date(2026, 3, 20)


@tagged("post_install", "-at_install")
class TestDunningLiveStatus(DunningCommon):
    def setUp(self):
        super().setUp()
        # Due on 10/03: the first reminder (+10) is due on 20/03, today.
        self.invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), 500.0)
        self.other = self.create_invoice(date(2026, 3, 2), date(2026, 4, 10), 300.0)
        self.enterContext(freeze_time(TODAY))

    def status(self, move):
        move.invalidate_recordset(["dunning_reason", "dunning_next_date", "dunning_reason_detail"])
        return move.dunning_reason, move.dunning_next_date

    def assertNothingSent(self):
        self.assertFalse(self.env["mail.mail"].search([("res_id", "in", self.invoice.ids)]))
        self.assertFalse(self.invoice.dunning_action_ids)
        self.assertFalse(self.invoice.dunning_checked_date, "the night still checks it")

    def test_posting_decides_at_once(self):
        with freeze_time(date(2026, 3, 2)):
            fresh = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), 100.0)
        # Posted on 02/03: the courtesy reminder (-3) comes on 07/03... a Saturday, so
        # the plan's first sendable day.
        reason, next_date = self.status(fresh)
        self.assertEqual(reason, "not_due")
        self.assertTrue(next_date)

    def test_pause_and_resume(self):
        # Decided when posted (on 02/03): stale now, until a change or the night.
        self.assertEqual(self.status(self.invoice), ("not_due", date(2026, 3, 7)))
        self.invoice.write({"dunning_paused": True, "dunning_pause_until": date(2026, 4, 1)})
        self.assertEqual(self.status(self.invoice), ("paused", date(2026, 4, 1)))
        self.invoice.action_dunning_resume()
        self.assertEqual(self.status(self.invoice), ("step_due", TODAY))
        self.assertNothingSent()

    def test_dispute_block_and_plan(self):
        reason = self.env["account.dunning.dispute.reason"].search([], limit=1)
        self.invoice.write({"dunning_disputed": True, "dunning_dispute_reason_id": reason.id})
        self.assertEqual(self.status(self.invoice), ("disputed", False))
        self.invoice.write({"dunning_disputed": False})
        self.invoice.dunning_blocked = True
        self.assertEqual(self.status(self.invoice), ("invoice_blocked", False))
        self.invoice.dunning_blocked = False
        self.invoice.dunning_plan_id = False
        self.assertEqual(self.status(self.invoice)[0], "no_plan")
        self.invoice.dunning_plan_id = self.plan
        self.assertEqual(self.status(self.invoice), ("step_due", TODAY))
        self.assertNothingSent()

    def test_customer_block_and_pause_move_all_their_invoices(self):
        self.customer.write({"dunning_blocked": True})
        self.assertEqual(self.status(self.invoice)[0], "customer_blocked")
        self.assertEqual(self.status(self.other)[0], "customer_blocked")
        self.customer.write({"dunning_blocked": False})
        self.assertEqual(self.status(self.invoice), ("step_due", TODAY))
        self.assertNothingSent()

    def test_promise(self):
        self.invoice.write(
            {"dunning_promise_date": date(2026, 3, 25), "dunning_promise_amount": 500}
        )
        reason, next_date = self.status(self.invoice)
        self.assertEqual(reason, "promised")
        self.assertGreater(next_date, date(2026, 3, 25))
        self.invoice.dunning_promise_ids.action_cancel()
        self.assertEqual(self.status(self.invoice), ("step_due", TODAY))

    def test_payment(self):
        self.pay(self.invoice, 200.0, TODAY)
        self.assertEqual(self.status(self.invoice), ("step_due", TODAY), "partly paid")
        payment = self.pay(self.invoice, 300.0, TODAY)
        reason, next_date = self.status(self.invoice)
        self.assertIn(reason, ("paid", "in_payment"))
        self.assertFalse(next_date)
        # The payment unmatched from the invoice: due again, but an unmatched payment
        # of the customer holds its reminders (the safety check).
        payment.move_id.line_ids.remove_move_reconcile()
        self.assertEqual(self.status(self.invoice), ("unmatched_payments", False))

    def test_a_handled_todo_moves_the_next_date(self):
        plan = self.create_plan([(10, "first", {"channel": "manual"}), (30, "second")])
        self.invoice.dunning_plan_id = plan
        self.run_job(TODAY)
        todo = self.invoice.dunning_action_ids.filtered(lambda action: action.state == "todo")
        self.assertEqual(self.status(self.invoice), ("manual_step", False))
        todo.action_done()
        reason, next_date = self.status(self.invoice)
        self.assertEqual(reason, "not_due")
        self.assertEqual(next_date, date(2026, 4, 9), "the second step, 30 days after the due date")

    def test_the_night_still_runs_after_a_refresh(self):
        self.invoice.write({"dunning_paused": True})
        self.invoice.action_dunning_resume()
        results = self.run_job(TODAY)
        self.assertEqual(results[self.invoice].reason, "step_due")
        self.assertEqual(len(self.mails_of(self.invoice)), 1)
