# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Payment plans through the job: installments replace reminders while honoured."""

from datetime import date

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, freeze_time, new_test_user, tagged
from odoo.tools import mute_logger

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningPaymentPlan(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing = new_test_user(
            cls.env,
            "payment_plan_billing",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.plan.step_ids = [
            Command.create(
                {
                    "name": "You did not keep your word",
                    "delay": 0,
                    "broken_promise": True,
                    "mail_template_id": cls.templates["final"].id,
                    "sequence": 99,
                }
            )
        ]

    def agree(self, invoices, day, count=3, first=date(2026, 3, 10), **vals):
        """A payment plan of ``invoices`` agreed by the billing user on ``day``, split
        into ``count`` monthly installments from ``first``."""
        action = invoices[:1].with_user(self.billing).action_dunning_payment_plan()
        with freeze_time(day):
            form = Form(
                self.env[action["res_model"]]
                .with_user(self.billing)
                .with_context(**action["context"])
            )
            form.move_ids.clear()
            for invoice in invoices:
                form.move_ids.add(invoice)
            form.installment_count = count
            form.first_date = first
            for name, value in vals.items():
                setattr(form, name, value)
            payment_plan = form.save()
            payment_plan.action_split()
            payment_plan.action_confirm()
        return payment_plan

    def courtesy_mails(self, payment_plan):
        return self.env["mail.mail"].search(
            [("model", "=", payment_plan._name), ("res_id", "=", payment_plan.id)], order="id"
        )

    def test_honoured_plan_replaces_reminders_then_a_missed_installment_breaks_it(self):
        invoice = self.create_invoice(date(2026, 2, 1), date(2026, 2, 10), 900.0)
        invoice.invoice_user_id = self.billing
        self.run_job(date(2026, 2, 20))
        self.assertEqual(invoice.dunning_level, 2)  # courtesy obsolete, first reminder sent
        payment_plan = self.agree(invoice, date(2026, 3, 1))
        self.assertEqual(
            [(line.date, line.amount) for line in payment_plan.installment_ids],
            [(date(2026, 3, 10), 300.0), (date(2026, 4, 10), 300.0), (date(2026, 5, 10), 300.0)],
        )
        self.assertEqual((payment_plan.state, payment_plan.residual_at_agreement), ("open", 900))
        self.assertEqual(invoice.dunning_payment_plan_id, payment_plan)
        self.assertEqual(invoice.dunning_reason, "payment_plan")
        self.assertEqual(invoice.dunning_next_date, date(2026, 3, 14))  # 10 March + 3 days
        self.assertIn("Payment plan agreed", invoice.message_ids[0].preview)
        # The second reminder (+30: 12 March) does not go; a courtesy reminder 3 days
        # before the installment does, once.
        for day in range(2, 13):
            self.run_job(date(2026, 3, day))
        self.assertEqual(len(self.mails_of(invoice)), 1)
        courtesy = self.courtesy_mails(payment_plan)
        self.assertEqual(len(courtesy), 1)
        self.assertIn("your installment of 03/10/2026", courtesy.subject)
        content = self.mail_content(courtesy)
        self.assertIn("installment of <strong>$&nbsp;300.00</strong> is due on", content)
        self.assertIn(invoice.get_portal_url(), content.replace("&amp;", "&"))
        self.assertEqual(courtesy.recipient_ids, self.customer)
        self.assertEqual(payment_plan.installment_ids[0].reminder_date, date(2026, 3, 7))
        self.pay(invoice, 300.0, date(2026, 3, 9))
        self.assertEqual(payment_plan.installment_ids.mapped("status"), ["paid", "due", "due"])
        self.assertEqual(self.run_job(date(2026, 3, 14))[invoice].reason, "payment_plan")
        self.assertEqual(invoice.dunning_next_date, date(2026, 4, 14))
        self.run_job(date(2026, 4, 7))
        self.assertEqual(len(self.courtesy_mails(payment_plan)), 2)
        # The second installment is not paid: on 14 April the plan breaks and dunning
        # resumes with the broken-promise step, without moving the level.
        self.assertEqual(self.run_job(date(2026, 4, 13))[invoice].reason, "payment_plan")
        results = self.run_job(date(2026, 4, 14))
        self.assertEqual(payment_plan.state, "broken")
        self.assertEqual(
            (results[invoice].reason, results[invoice].step_index), ("broken_promise", 4)
        )
        self.assertEqual(invoice.dunning_level, 2)
        self.assertEqual(len(self.mails_of(invoice)), 2)
        self.assertEqual(payment_plan.installment_ids.mapped("status"), ["paid", "missed", "due"])
        activity = payment_plan.activity_ids
        self.assertEqual(
            (activity.user_id, activity.summary), (self.billing, "Payment plan broken")
        )
        self.assertFalse(invoice.dunning_payment_plan_id)
        self.assertEqual(self.customer.dunning_payment_plan_broken_count, 1)

    def test_kept_plan_closes_itself(self):
        first = self.create_invoice(date(2026, 2, 1), date(2026, 2, 10), 500.0)
        second = self.create_invoice(date(2026, 2, 5), date(2026, 2, 15), 300.0)
        payment_plan = self.agree(first | second, date(2026, 3, 1), count=2)
        self.assertEqual(payment_plan.installment_ids.mapped("amount"), [400.0, 400.0])
        self.pay(first, 500.0, date(2026, 3, 9))
        self.assertEqual(self.run_job(date(2026, 3, 20))[second].reason, "payment_plan")
        self.pay(second, 300.0, date(2026, 4, 9))
        self.run_job(date(2026, 4, 10))
        self.assertEqual(
            (payment_plan.state, payment_plan.closed_date), ("kept", date(2026, 4, 10))
        )
        self.assertEqual(payment_plan.amount_paid, 800.0)
        self.assertEqual(self.customer.dunning_payment_plan_kept_count, 1)
        self.assertFalse(self.mails_of(first) | self.mails_of(second))

    def test_schedule_is_checked_when_agreed(self):
        invoice = self.create_invoice(date(2026, 2, 1), date(2026, 2, 10), 900.0)
        Plan = self.env["account.dunning.payment.plan"].with_user(self.billing)
        with freeze_time("2026-03-01"):
            draft = Plan.create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(invoice.ids)],
                    "installment_ids": [
                        Command.create({"date": date(2026, 3, 10), "amount": 500.0}),
                        Command.create({"date": date(2026, 4, 10), "amount": 300.0}),
                    ],
                }
            )
            with self.assertRaisesRegex(UserError, "add up to the amount due, \\$\xa0900.00"):
                draft.action_confirm()
            draft.installment_ids[1].amount = 400.0
            draft.installment_ids[0].date = date(2026, 2, 27)
            with self.assertRaisesRegex(UserError, "cannot be in the past"):
                draft.action_confirm()
            draft.installment_ids[0].date = date(2026, 3, 10)
            other = self.env["res.partner"].create({"name": "Other"})
            foreign = self.create_invoice(date(2026, 2, 1), date(2026, 2, 10), 10.0, other)
            draft.move_ids = [Command.link(foreign.id)]
            with self.assertRaisesRegex(UserError, "open invoices of its customer"):
                draft.action_confirm()
            draft.move_ids = [Command.unlink(foreign.id)]
            draft.action_confirm()
            again = draft.copy({"installment_ids": False})
            again.action_split()
            with self.assertRaisesRegex(UserError, "already in a running payment plan"):
                again.action_confirm()
            with self.assertRaisesRegex(UserError, "kept for the record"):
                draft.unlink()
            again.unlink()

    def test_reminder_by_hand_asks_to_confirm_the_payment_plan(self):
        invoice = self.create_invoice(date(2026, 2, 1), date(2026, 2, 10), 900.0)
        self.agree(invoice, date(2026, 3, 1))
        with freeze_time("2026-03-02"):
            _plan, answer = self.env["account.dunning.run"]._manual_check(invoice)
        self.assertIn("payment_plan", answer.holds)

    def test_customer_level_reminder_leaves_out_the_invoices_in_a_plan(self):
        grouped = self.create_grouped_customer(
            self.create_plan([(10, "customer")], name="Grouped", scope="customer")
        )
        in_plan = self.create_invoice(date(2026, 2, 1), date(2026, 2, 10), 900.0, grouped)
        other = self.create_invoice(date(2026, 2, 1), date(2026, 2, 10), 100.0, grouped)
        self.agree(in_plan, date(2026, 2, 19))
        results = self.run_job(date(2026, 2, 20))
        self.assertEqual(results[in_plan].reason, "payment_plan")
        self.assertEqual(results[other].outcome, "send")
        action = self.env["account.dunning.action"].search([("partner_id", "=", grouped.id)])
        self.assertEqual(action.move_ids, other)

    def test_cancelled_plan_resumes_dunning_without_broken_step(self):
        invoice = self.create_invoice(date(2026, 2, 1), date(2026, 2, 10), 900.0)
        payment_plan = self.agree(invoice, date(2026, 3, 1))
        with freeze_time("2026-03-02"):
            payment_plan.with_user(self.billing).action_cancel()
        self.assertEqual(payment_plan.state, "cancel")
        self.assertFalse(invoice.dunning_promise_broken)
        self.assertNotEqual(invoice.dunning_reason, "payment_plan")
        self.assertIn("Payment plan cancelled", invoice.message_ids[0].preview)

    def test_statement_offers_a_plan_of_the_overdue_invoices(self):
        overdue = self.create_invoice(date(2026, 2, 1), date(2026, 2, 10), 900.0)
        self.create_invoice(date(2026, 2, 20), date(2026, 3, 20), 50.0)  # not due yet
        with freeze_time("2026-03-01"):
            action = self.customer.with_user(self.billing).action_dunning_payment_plan()
            form = Form(
                self.env[action["res_model"]]
                .with_user(self.billing)
                .with_context(**action["context"])
            )
            self.assertEqual(form.amount_due, 900.0)
            payment_plan = form.save()
        self.assertEqual(payment_plan.move_ids, overdue)
        self.assertEqual(self.customer.dunning_payment_plan_ids, payment_plan)

    def test_a_broken_courtesy_template_fails_that_plan_only_and_is_tried_again(self):
        template = self.env.ref("account_dunning_plans.mail_template_dunning_installment")
        body = str(template.body_html)
        template.body_html = body.replace("</div>", '<p t-out="object.note.upper()"/></div>', 1)
        other = self.env["res.partner"].create({"name": "Beta", "email": "beta@example.com"})
        noted = self.agree(
            self.create_invoice(date(2026, 2, 1), date(2026, 2, 10), 900.0),
            date(2026, 3, 1),
            note="Called on 1 March",
        )
        bare = self.agree(
            self.create_invoice(date(2026, 2, 1), date(2026, 2, 10), 600.0, other),
            date(2026, 3, 1),
        )
        late = self.create_invoice(date(2026, 2, 1), date(2026, 2, 20), 50.0, other)
        with mute_logger("odoo.addons.account_dunning_plans.models.account_dunning_payment_plan"):
            results = self.run_job(date(2026, 3, 7))
        self.assertEqual(len(self.courtesy_mails(noted)), 1)
        self.assertFalse(self.courtesy_mails(bare))
        self.assertFalse(bare.installment_ids[0].reminder_date)
        self.assertIn("tried again on the next run", bare.message_ids[0].preview)
        self.assertEqual(results[late].outcome, "send", "the run went on for everyone else")
        template.body_html = body
        self.run_job(date(2026, 3, 8))
        self.assertEqual(len(self.courtesy_mails(bare)), 1)
        self.run_job(date(2026, 3, 8))  # a second run the same day sends nothing more
        self.assertEqual(len(self.courtesy_mails(bare) | self.courtesy_mails(noted)), 2)

    def test_courtesy_reminder_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["account_dunning_plans"], ["fr_FR"], overwrite=True
        )
        self.customer.lang = "fr_FR"
        payment_plan = self.agree(
            self.create_invoice(date(2026, 2, 1), date(2026, 2, 10), 900.0), date(2026, 3, 1)
        )
        self.run_job(date(2026, 3, 8))
        mail = self.courtesy_mails(payment_plan)
        self.assertIn("votre échéance du 10/03/2026", mail.subject)
        self.assertIn("votre prochaine échéance de", self.mail_content(mail))
        self.assertIn("Cordialement", self.mail_content(mail))

    def test_simulation_shows_the_courtesy_reminders_and_the_break(self):
        invoice = self.create_invoice(date(2026, 2, 1), date(2026, 2, 10), 900.0)
        self.run_job(date(2026, 2, 20))
        self.agree(invoice, date(2026, 3, 1))
        with freeze_time("2026-03-01"):
            rows = self.env["account.dunning.forecast"]._simulate(date(2026, 3, 1), 30)
        acting = [(row["date"], row["reason"]) for row in rows if row["acts"]]
        # Nothing paid in a forecast: the reminder of the first installment, then the
        # plan breaks and the broken-promise step goes.
        self.assertEqual(
            acting[:2],
            [(date(2026, 3, 7), "installment_due"), (date(2026, 3, 14), "broken_promise")],
        )
        courtesy = next(row for row in rows if row["reason"] == "installment_due")
        self.assertEqual(
            (courtesy["recipient"], courtesy["amount"], courtesy["channel"]),
            ("alpha@example.com", 300.0, "email"),
        )
        self.assertIn("Payment plan of Alpha Customer", courtesy["plan"])
        waiting = next(row for row in rows if not row["acts"])
        self.assertEqual(
            (waiting["reason"], waiting["next_date"]), ("payment_plan", date(2026, 3, 14))
        )
        self.assertFalse(self.courtesy_mails(invoice.dunning_payment_plan_id), "nothing sent")
