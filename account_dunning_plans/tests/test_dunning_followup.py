# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Pause, payment promises, disputes, installments and assignment rules through the job."""

from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, freeze_time, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningFollowup(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        common = {"company_id": cls.company.id, "company_ids": [cls.company.id]}
        cls.billing = new_test_user(
            cls.env, "followup_billing", groups="account.group_account_invoice", **common
        )
        cls.salesman = new_test_user(cls.env, "followup_sales", groups="base.group_user", **common)

    def messages(self, record):
        return record.message_ids.mapped(lambda message: message.body and message.preview)

    # == Pause ==
    def pause(self, records, until=None, reason=None, **vals):
        action = records.with_user(self.billing).action_dunning_pause()
        with freeze_time("2026-03-12"):
            wizard = (
                self.env[action["res_model"]]
                .with_user(self.billing)
                .with_context(**action["context"])
                .create({"until": until, "reason": reason, **vals})
            )
            wizard.action_apply()

    def test_pause_with_end_date_resumes_by_itself(self):
        invoice = self.create_invoice(date(2026, 2, 1), date(2026, 2, 10))
        self.pause(invoice, until=date(2026, 4, 1), reason="Waiting for the PO")
        self.assertTrue(invoice.dunning_paused)
        self.assertIn(
            "Dunning paused until 2026-04-01. Reason: Waiting for the PO", self.messages(invoice)
        )
        self.assertEqual(invoice.message_ids[0].author_id, self.billing.partner_id)
        results = self.run_job(date(2026, 3, 20))
        self.assertEqual(results[invoice].reason, "paused")
        self.assertEqual(invoice.dunning_next_date, date(2026, 4, 1))
        self.assertFalse(self.mails_of(invoice))
        # On its end date: resumed, one step, then spaced by the larger of the contact
        # delay (5 days) and the company's interval between reminders (7): no burst.
        sent = self.run_days(date(2026, 4, 1), date(2026, 4, 16), invoice)
        self.assertEqual(
            sent, [(date(2026, 4, 1), 1), (date(2026, 4, 8), 2), (date(2026, 4, 15), 3)]
        )
        self.assertFalse(invoice.dunning_paused)
        self.assertIn("Dunning resumed: the pause reached its end date.", self.messages(invoice))

    def test_pause_until_resumed_and_resume_button(self):
        invoice = self.create_invoice(date(2026, 2, 1), date(2026, 2, 10))
        self.pause(invoice)
        self.assertEqual(self.run_job(date(2026, 6, 1))[invoice].reason, "paused")
        invoice.with_user(self.billing).action_dunning_resume()
        self.assertFalse(invoice.dunning_paused)
        self.assertIn("Dunning resumed.", self.messages(invoice))
        self.assertEqual(self.run_job(date(2026, 6, 2))[invoice].outcome, "send")
        with self.assertRaises(UserError):
            invoice.action_dunning_resume()
        with self.assertRaises(UserError):
            self.pause(invoice, until=date(2026, 3, 1))  # before today

    def test_pause_written_by_an_import(self):
        invoice = self.create_invoice(date(2026, 2, 1), date(2026, 2, 10))
        with freeze_time("2026-03-02"):
            invoice.write({"dunning_paused": True, "dunning_pause_until": date(2026, 3, 25)})
        self.assertIn("Dunning paused until 2026-03-25.", self.messages(invoice))
        self.assertEqual(self.run_job(date(2026, 3, 20))[invoice].reason, "paused")
        self.assertEqual(self.run_job(date(2026, 3, 25))[invoice].outcome, "send")

    def test_bulk_pause_and_resume_on_the_invoice_list(self):
        invoices = self.create_invoice(date(2026, 2, 1), date(2026, 2, 10)) | self.create_invoice(
            date(2026, 2, 1), date(2026, 2, 12)
        )
        self.pause(invoices, reason="Holidays")
        self.assertEqual(set(invoices.mapped("dunning_paused")), {True})
        action = self.env.ref("account_dunning_plans.action_server_dunning_resume_moves")
        action.with_user(self.billing).with_context(
            active_model="account.move", active_ids=invoices.ids
        ).run()
        self.assertEqual(set(invoices.mapped("dunning_paused")), {False})

    def test_customer_pause_leaves_invoice_plans_unless_asked(self):
        group_plan = self.create_plan([(10, "customer")], name="Grouped", scope="customer")
        covered = self.create_invoice(date(2026, 2, 1), date(2026, 2, 10))
        own = self.create_invoice(date(2026, 2, 1), date(2026, 2, 10))
        covered.dunning_plan_id = False
        self.customer.write({"dunning_plan_mode": "custom", "dunning_plan_id": group_plan.id})
        self.pause(self.customer, until=date(2026, 4, 1))
        self.assertEqual(self.customer.dunning_invoice_plan_count, 1)
        self.assertIn("Dunning paused until 2026-04-01.", self.messages(self.customer))
        results = self.run_job(date(2026, 3, 20))
        self.assertEqual(results[covered].reason, "paused")
        self.assertEqual(results[own].outcome, "send")
        self.customer.action_dunning_resume()
        self.pause(self.customer, include_invoices=True)
        self.assertTrue(own.dunning_paused)
        self.assertEqual(self.run_job(date(2026, 3, 30))[own].reason, "paused")

    # == Promises ==
    def promise(self, invoice, day, amount, note="Called: pays next week"):
        action = invoice.with_user(self.billing).action_dunning_promise()
        with freeze_time("2026-03-12"):
            form = Form(
                self.env[action["res_model"]]
                .with_user(self.billing)
                .with_context(**action["context"])
            )
            self.assertEqual(form.amount, invoice.amount_residual)
            form.date = day
            form.amount = amount
            form.note = note
            form.save().action_apply()
        return invoice.dunning_promise_ids[:1]

    def test_promise_kept(self):
        invoice = self.create_invoice(date(2026, 2, 1), date(2026, 2, 10), 1000.0)
        promise = self.promise(invoice, date(2026, 3, 20), 1000.0)
        self.assertEqual((promise.state, promise.residual_at_promise), ("open", 1000.0))
        self.assertIn(
            "Payment promise: $ 1,000.00 by 2026-03-20. Called: pays next week",
            self.messages(invoice),
        )
        self.assertEqual(self.run_job(date(2026, 3, 13))[invoice].reason, "promised")
        self.assertEqual(invoice.dunning_next_date, date(2026, 3, 22))  # date + 1 grace day + 1
        self.pay(invoice, 1000.0, date(2026, 3, 18))
        self.run_job(date(2026, 3, 19))
        self.assertEqual(promise.state, "kept")
        self.assertFalse(invoice.dunning_promise_date)
        self.assertEqual(self.customer.dunning_promise_kept_count, 1)

    def test_promise_partly_kept_then_dunning_resumes(self):
        invoice = self.create_invoice(date(2026, 2, 1), date(2026, 2, 10), 1000.0)
        invoice.invoice_user_id = self.billing
        promise = self.promise(invoice, date(2026, 3, 20), 600.0)
        self.pay(invoice, 200.0, date(2026, 3, 19))
        results = self.run_job(date(2026, 3, 21))  # grace day
        self.assertEqual((results[invoice].reason, promise.state), ("promised", "open"))
        results = self.run_job(date(2026, 3, 22))
        self.assertEqual((promise.state, promise.amount_paid), ("partial", 200.0))
        self.assertEqual(results[invoice].outcome, "send")
        self.assertEqual(self.customer.dunning_promise_broken_count, 1)
        activity = invoice.activity_ids
        self.assertEqual(
            (activity.user_id, activity.summary), (self.billing, "Payment promise broken")
        )

    def test_broken_promise_runs_the_plan_step_for_it(self):
        self.plan.step_ids = [
            Command.create(
                {
                    "name": "You did not keep your promise",
                    "delay": 0,
                    "broken_promise": True,
                    "mail_template_id": self.templates["final"].id,
                    "sequence": 99,
                }
            )
        ]
        invoice = self.create_invoice(date(2026, 2, 1), date(2026, 2, 10), 1000.0)
        self.run_job(date(2026, 3, 2))
        self.assertEqual(invoice.dunning_level, 2)
        promise = self.promise(invoice, date(2026, 3, 20), 1000.0)
        results = self.run_job(date(2026, 3, 22))
        self.assertEqual(promise.state, "broken")
        self.assertEqual(
            (results[invoice].reason, results[invoice].step_index), ("broken_promise", 4)
        )
        self.assertEqual(invoice.dunning_level, 2)  # the level does not move
        self.assertFalse(invoice.dunning_promise_broken)
        self.assertEqual(len(self.mails_of(invoice)), 2)
        self.assertTrue(invoice.activity_ids)
        # Then the normal sequence: the second reminder at its date (+30).
        self.assertEqual(self.run_job(date(2026, 3, 27))[invoice].step_index, 2)

    def test_promise_written_by_an_import_and_cancelled(self):
        invoice = self.create_invoice(date(2026, 2, 1), date(2026, 2, 10), 1000.0)
        with freeze_time("2026-03-02"):
            invoice.write(
                {"dunning_promise_date": date(2026, 4, 1), "dunning_promise_amount": 300.0}
            )
            promise = invoice.dunning_promise_ids
            self.assertEqual((promise.state, promise.amount), ("open", 300.0))
            invoice.write(
                {"dunning_promise_date": date(2026, 4, 5), "dunning_promise_amount": 300.0}
            )
            self.assertEqual(promise.state, "cancel")  # replaced by the new one
            self.assertEqual(len(invoice.dunning_promise_ids), 2)
            invoice.write({"dunning_promise_date": False, "dunning_promise_amount": 0.0})
        self.assertEqual(set(invoice.dunning_promise_ids.mapped("state")), {"cancel"})

    def test_promise_input_is_checked(self):
        invoice = self.create_invoice(date(2026, 2, 1), date(2026, 2, 10), 1000.0)
        with self.assertRaises(UserError):
            self.promise(invoice, date(2026, 3, 1), 100.0)  # in the past
        with self.assertRaises(UserError):
            self.promise(invoice, date(2026, 3, 20), 5000.0)  # more than due
        with self.assertRaises(UserError):
            self.promise(invoice, date(2026, 3, 20), 0.0)
        self.pay(invoice, 1000.0, date(2026, 3, 1))
        with self.assertRaises(UserError):
            invoice.write(
                {"dunning_promise_date": date(2026, 4, 1), "dunning_promise_amount": 10.0}
            )

    # == Disputes and blocking ==
    def test_dispute_stops_reminders_until_closed(self):
        invoice = self.create_invoice(date(2026, 2, 1), date(2026, 2, 10))
        reason = self.env.ref("account_dunning_plans.dispute_reason_quality")
        action = invoice.with_user(self.billing).action_dunning_dispute()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.billing)
            .with_context(**action["context"])
            .create({"reason_id": reason.id, "note": "Broken pallet"})
        )
        wizard.action_apply()
        self.assertEqual(
            (invoice.dunning_disputed, invoice.dunning_dispute_reason_id), (True, reason)
        )
        self.assertIn("Disputed: Quality issue Broken pallet", self.messages(invoice))
        self.assertEqual(self.run_job(date(2026, 3, 20))[invoice].reason, "disputed")
        invoice.with_user(self.billing).action_dunning_close_dispute()
        self.assertFalse(invoice.dunning_dispute_reason_id)
        self.assertIn("Dispute closed: dunning resumes.", self.messages(invoice))
        self.assertEqual(self.run_job(date(2026, 3, 21))[invoice].outcome, "send")

    def test_blocked_customers_list_and_unblock(self):
        self.customer.write({"is_company": True, "dunning_blocked": True})
        action = self.env.ref("account_dunning_plans.res_partner_action_dunning_blocked")
        blocked = self.env["res.partner"].search(safe_eval(action.domain))
        self.assertIn(self.customer, blocked)
        self.customer.with_user(self.billing).action_dunning_unblock()
        self.assertFalse(self.customer.dunning_blocked)

    # == Installments ==
    def test_installments_reminded_on_overdue_part_only(self):
        term = self.env["account.payment.term"].create(
            {
                "name": "Half now, half in 60 days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 10}),
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 60}),
                ],
            }
        )
        with freeze_time("2026-02-01"):
            invoice = self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "invoice_date": date(2026, 2, 1),
                    "invoice_payment_term_id": term.id,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "S", "quantity": 1, "price_unit": 1000.0, "tax_ids": []}
                        )
                    ],
                }
            )
            invoice.action_post()
        results = self.run_job(date(2026, 2, 21))  # first installment due 2026-02-11
        self.assertEqual((results[invoice].outcome, results[invoice].step_index), ("send", 1))
        mail = self.mails_of(invoice)
        self.assertIn("500.00", mail.body_html)
        self.assertIn("<strong>10</strong> days", mail.body_html)
        self.assertEqual(invoice.dunning_action_ids.amount_residual, 500.0)
        self.pay(invoice, 500.0, date(2026, 2, 22))
        # Nothing overdue now: the second installment (2026-04-02) drives the plan.
        results = self.run_job(date(2026, 3, 2))
        self.assertEqual(results[invoice].reason, "not_due")

    # == Assignment rules ==
    def test_assignment_rules(self):
        big = self.create_plan([(5, "first")], name="Big invoices", sequence=1)
        big.assign_domain = "[('amount_total', '>', 5000)]"
        large = self.create_invoice(date(2026, 3, 1), date(2026, 3, 10), 8000.0)
        small = self.create_invoice(date(2026, 3, 1), date(2026, 3, 10), 100.0)
        self.assertEqual((large.dunning_plan_id, small.dunning_plan_id), (big, self.plan))
        big.assign_domain = "[('amount_total', '>', 50)]"
        action = self.env.ref("account_dunning_plans.action_server_dunning_apply_rules")
        action.with_user(self.billing).with_context(
            active_model="account.move", active_ids=small.ids
        ).run()
        self.assertEqual(small.dunning_plan_id, big)
        with self.assertRaises(ValidationError):
            big.assign_domain = "[('no_such_field', '=', 1)]"
        with self.assertRaises(ValidationError):
            big.assign_domain = "[("

    def test_customer_plan_conditions(self):
        belgium = self.env.ref("base.be")
        grouped = self.create_plan([(10, "customer")], name="Belgian customers", scope="customer")
        grouped.assign_domain = f"[('country_id', '=', {belgium.id})]"
        self.customer.country_id = belgium
        self.assertEqual(self.customer._dunning_customer_plan(), grouped)
        other = self.env["res.partner"].create(
            {"name": "Dutch", "country_id": self.env.ref("base.nl").id}
        )
        self.assertFalse(other._dunning_customer_plan())

    # == Access ==
    def test_access_per_group_and_company(self):
        invoice = self.create_invoice(date(2026, 2, 1), date(2026, 2, 10))
        self.promise(invoice, date(2026, 3, 20), 100.0)
        promise = invoice.dunning_promise_ids
        self.assertEqual(promise.with_user(self.billing).read(["state"])[0]["state"], "open")
        promise.with_user(self.billing).action_cancel()
        with self.assertRaises(AccessError):
            promise.with_user(self.billing).unlink()
        with self.assertRaises(AccessError):
            promise.with_user(self.salesman).read(["state"])
        with self.assertRaises(AccessError):
            self.env["account.dunning.pause"].with_user(self.salesman).create(
                {"res_model": "account.move"}
            )
        reason = self.env.ref("account_dunning_plans.dispute_reason_other")
        with self.assertRaises(AccessError):
            reason.with_user(self.billing).name = "Changed"
        other = self.setup_other_company()["company"]
        self.env.user.company_ids |= other
        self.create_plan([(10, "first")], company_id=other.id, is_default=True)
        theirs = self.create_invoice(date(2026, 2, 1), date(2026, 2, 10), company_id=other.id)
        with freeze_time("2026-03-02"):
            theirs.write({"dunning_promise_date": date(2026, 4, 1), "dunning_promise_amount": 10.0})
        visible = self.env["account.dunning.promise"].with_user(self.billing).search([])
        self.assertNotIn(theirs.dunning_promise_ids, visible)
        self.assertIn(promise, visible)
