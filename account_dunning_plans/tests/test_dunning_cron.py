# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The nightly job over several weeks, on a real database (time travel)."""

from datetime import date

from odoo.tests import freeze_time, tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningCron(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seed_plan = cls.create_plan(
            [(1, "first"), (7, "first"), (14, "second"), (30, "final")],
            name="Seed 003",
            business_days_only=True,
            min_contact_delay=5,
        )

    def test_seed_003_catch_up_day_by_day(self):
        """Entering a standard plan 17 days late: every past step, 5 business days apart."""
        self.company.dunning_enabled = False
        invoice = self.create_invoice(date(2026, 2, 2), date(2026, 3, 2))
        invoice.dunning_plan_id = self.seed_plan
        # Stand-by until the 19th (17 days after the due date): nothing goes out.
        self.assertEqual(self.run_days(date(2026, 3, 2), date(2026, 3, 18), invoice), [])
        self.assertEqual(invoice.dunning_reason, "standby")
        self.assertFalse(self.mails_of(invoice))
        with freeze_time("2026-03-19"):
            self.company.dunning_enabled = True
        sent = self.run_days(date(2026, 3, 19), date(2026, 4, 30), invoice)
        self.assertEqual(
            sent,
            [
                (date(2026, 3, 19), 0),
                (date(2026, 3, 26), 1),
                (date(2026, 4, 2), 2),
                (date(2026, 4, 13), 3),
            ],
        )
        self.assertEqual(invoice.dunning_level, 4)
        self.assertEqual(invoice.dunning_last_date, date(2026, 4, 13))
        self.assertEqual(invoice.dunning_reason, "plan_completed")
        self.assertFalse(invoice.dunning_next_date)
        self.assertEqual(len(self.mails_of(invoice)), 4)
        actions = invoice.dunning_action_ids
        self.assertEqual(sorted(actions.mapped("level")), [1, 2, 3, 4])
        self.assertEqual(set(actions.mapped("state")), {"done"})
        self.assertEqual(actions.mail_message_id, self.mails_of(invoice).mail_message_id)

    def test_contextual_entry(self):
        """Contextual logic: an invoice entering late starts at the step matching its age."""
        self.seed_plan.logic = "contextual"
        invoice = self.create_invoice(date(2026, 2, 2), date(2026, 3, 2))
        invoice.dunning_plan_id = self.seed_plan
        decision = self.run_job(date(2026, 3, 19))[invoice]
        self.assertEqual((decision.outcome, decision.step_index), ("send", 1))
        self.assertEqual(invoice.dunning_level, 2)
        self.assertEqual(invoice.dunning_next_date, date(2026, 3, 26))
        self.assertEqual(invoice.dunning_action_ids.step_id, self.seed_plan.step_ids[1])

    def test_standard_entry_starts_at_first_step(self):
        invoice = self.create_invoice(date(2026, 2, 2), date(2026, 3, 2))
        invoice.dunning_plan_id = self.seed_plan
        self.assertEqual(self.run_job(date(2026, 3, 19))[invoice].step_index, 0)
        self.assertEqual(invoice.dunning_level, 1)

    def test_negative_delay_courtesy_then_reminders(self):
        """Default-like plan: -3 courtesy, +10, +30, +45 (calendar days)."""
        invoice = self.create_invoice(date(2026, 3, 4), date(2026, 4, 3))
        sent = self.run_days(date(2026, 3, 28), date(2026, 5, 25), invoice)
        self.assertEqual(
            sent,
            [
                (date(2026, 3, 31), 0),
                (date(2026, 4, 13), 1),
                (date(2026, 5, 3), 2),
                (date(2026, 5, 18), 3),
            ],
        )

    def test_courtesy_skipped_once_due(self):
        """Posted after its courtesy date but entering once due: no 'due soon' mail."""
        invoice = self.create_invoice(date(2026, 3, 4), date(2026, 4, 3))
        self.assertEqual(self.run_job(date(2026, 4, 3))[invoice].reason, "not_due")
        self.assertEqual(invoice.dunning_next_date, date(2026, 4, 13))
        self.assertEqual(
            self.run_days(date(2026, 4, 4), date(2026, 4, 13), invoice), [(date(2026, 4, 13), 1)]
        )

    def test_previous_step_and_invoice_date_references(self):
        plan = self.create_plan(
            [
                (40, "first", {"delay_reference": "invoice_date"}),
                (7, "second", {"delay_reference": "previous_step"}),
            ],
            min_contact_delay=0,
        )
        invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 2), dunning_plan_id=plan.id)
        sent = self.run_days(date(2026, 4, 1), date(2026, 4, 30), invoice)
        self.assertEqual(sent, [(date(2026, 4, 11), 0), (date(2026, 4, 18), 1)])

    def test_week_ends(self):
        """Business days only: a step falling on a Saturday goes out on Monday."""
        plan = self.create_plan([(0, "first")], business_days_only=True)
        invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 7), dunning_plan_id=plan.id)
        self.assertEqual(self.run_job(date(2026, 3, 7))[invoice].reason, "weekend")
        self.assertEqual(invoice.dunning_next_date, date(2026, 3, 9))
        self.assertFalse(self.run_job(date(2026, 3, 8))[invoice].acts)
        self.assertTrue(self.run_job(date(2026, 3, 9))[invoice].acts)

    def test_idempotent_rerun(self):
        """Running the job twice the same day sends nothing twice."""
        invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10))
        self.run_job(date(2026, 3, 20))
        self.assertEqual(len(self.mails_of(invoice)), 1)
        self.assertNotIn(invoice, self.run_job(date(2026, 3, 20)))
        # Even when forced to look at the invoice again the same day.
        invoice.dunning_checked_date = False
        decision = self.run_job(date(2026, 3, 20))[invoice]
        self.assertEqual((decision.outcome, decision.reason), ("wait", "not_due"))
        self.assertEqual(decision.next_date, date(2026, 4, 9))
        self.assertEqual(len(self.mails_of(invoice)), 1)
        self.assertEqual(invoice.dunning_level, 2)

    def test_one_step_a_day_even_without_contact_delay(self):
        self.company.dunning_reminder_interval = 0
        plan = self.create_plan([(0, "first"), (0, "second")], min_contact_delay=0)
        invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), dunning_plan_id=plan.id)
        self.assertTrue(self.run_job(date(2026, 3, 12))[invoice].acts)
        invoice.dunning_checked_date = False
        decision = self.run_job(date(2026, 3, 12))[invoice]
        self.assertEqual((decision.outcome, decision.reason), ("wait", "already_today"))
        self.assertEqual(decision.next_date, date(2026, 3, 13))
        self.assertTrue(self.run_job(date(2026, 3, 13))[invoice].acts)
        self.assertEqual(len(self.mails_of(invoice)), 2)

    def test_partial_payment_stays_in_plan(self):
        invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), amount=1000)
        self.pay(invoice, 400, date(2026, 3, 15))
        self.assertEqual(invoice.payment_state, "partial")
        self.assertTrue(self.run_job(date(2026, 3, 20))[invoice].acts)
        self.assertIn("600.00", self.mails_of(invoice).body_html)
        self.pay(invoice, 600, date(2026, 3, 25))
        # The test company's bank journal has no outstanding account: paid at once, and
        # its status says so at once; the night has nothing left to clear.
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual((invoice.dunning_reason, invoice.dunning_next_date), ("paid", False))
        self.assertNotIn(invoice, self.run_job(date(2026, 4, 9)))
        self.assertEqual(len(self.mails_of(invoice)), 1)

    def test_cron_record_runs_the_job(self):
        cron = self.env.ref("account_dunning_plans.ir_cron_dunning_process")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10))
        with freeze_time("2026-03-20"):
            cron.method_direct_trigger()
        self.assertEqual(invoice.dunning_level, 2)
        self.assertEqual(len(self.mails_of(invoice)), 1)

    def test_batches(self):
        invoices = [
            self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), amount=100 + i)
            for i in range(5)
        ]
        results = self.run_job(date(2026, 3, 20), batch_size=2)
        self.assertEqual(set(invoices), set(results) & set(invoices))
        # The courtesy step is passed over (already due): the first reminder is level 2.
        self.assertEqual({inv.dunning_level for inv in invoices}, {2})

    def _count_job_queries(self, count, day, batch_size=100):
        """Queries of one run over ``count`` new customers' invoices all sending their
        first step."""
        invoices = self.env["account.move"]
        customers = self.env["res.partner"].create(
            [{"name": f"Customer {i}", "email": f"c{i}@example.com"} for i in range(count)]
        )
        waiting = self.env["account.move"]
        for i, customer in enumerate(customers):
            invoices |= self.create_invoice(
                date(2026, 3, 2), date(2026, 3, 10), amount=100 + i, partner=customer
            )
            # Not due yet, in the same batch: the mails must not touch it (a token).
            waiting |= self.create_invoice(
                date(2026, 3, 2), date(2026, 6, 10), amount=100 + i, partner=customer
            )
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        results = self.run_job(day, batch_size=batch_size)
        self.env.flush_all()
        queries = self.env.cr.sql_log_count - before
        self.assertEqual([results[invoice].outcome for invoice in invoices], ["send"] * count)
        self.assertFalse(any(waiting.mapped("access_token")))
        invoices |= waiting
        self.assertEqual(len(self.env["mail.mail"].search([("res_id", "in", invoices.ids)])), count)
        invoices.button_draft()  # out of the next measures
        return queries

    def test_query_count_does_not_grow_with_invoices(self):
        """The SQL query count depends on the number of batches, not of invoices."""
        self._count_job_queries(2, date(2026, 3, 20))  # warm caches (templates, views)
        few = self._count_job_queries(3, date(2026, 3, 23))
        many = self._count_job_queries(12, date(2026, 3, 24))
        self.assertEqual(few, many)
        three_batches = self._count_job_queries(12, date(2026, 3, 25), batch_size=5)
        self.assertGreater(three_batches, many)
