# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One customer's fault stays with that customer; bad configuration is refused when
saved and can never crash the run."""

import json
from contextlib import contextmanager
from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from .common import DunningCommon

DISPATCH_LOG = "odoo.addons.account_dunning_plans.models.account_dunning_dispatch"
PLAN_LOG = "odoo.addons.account_dunning_plans.models.account_dunning_plan"


@tagged("post_install", "-at_install")
class TestDunningFaults(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = cls.env["res.partner"].create(
            [{"name": f"Customer {i}", "email": f"c{i}@example.com"} for i in range(3)]
        )

    def broken_copy(self, key, body_extra):
        """A copy of the shipped template ``key`` that fails for some records."""
        template = self.templates[key]
        body = str(template.body_html)  # not Markup: its replace() would escape
        return template.copy({"body_html": body.replace("</div>", body_extra + "</div>", 1)})

    @contextmanager
    def refused(self, pattern):
        """A ValidationError matching ``pattern``, rolled back (Odoo's assertRaises)."""
        with self.assertRaises(ValidationError) as caught:
            yield
        self.assertRegex(str(caught.exception), pattern)

    def assertFailedOnly(self, action, words):
        self.assertEqual((action.state, action.reason), ("failed", "send_failed"))
        self.assertNotIn("Traceback", action.note)
        self.assertEqual(len(action.note.splitlines()), 1, action.note)
        for word in words:
            self.assertIn(word, action.note)

    # == Fault isolation ==
    def test_a_broken_template_fails_that_customer_only(self):
        """Rendering fails for the invoice without a customer reference; the two
        other customers' mails of the same batch and template go out."""
        broken = self.broken_copy("first", '<p t-out="object.ref.upper()"/>')
        plan = self.create_plan([(10, "first")], name="Referenced")
        plan.step_ids.mail_template_id = broken
        invoices = [
            self.create_invoice(
                date(2026, 3, 2),
                date(2026, 3, 10),
                partner=customer,
                ref=ref,
                dunning_plan_id=plan.id,
            )
            for customer, ref in zip(self.customers, ("PO-1", False, "PO-3"), strict=True)
        ]
        with mute_logger(DISPATCH_LOG):
            results = self.run_job(date(2026, 3, 20))
        self.assertEqual({results[invoice].outcome for invoice in invoices}, {"send"})
        good, bad, other = invoices
        for invoice in (good, other):
            self.assertEqual(invoice.dunning_level, 1)
            self.assertEqual(len(self.mails_of(invoice)), 1)
            self.assertEqual(invoice.dunning_action_ids.state, "done")
        self.assertEqual((bad.dunning_level, bad.dunning_reason), (0, "send_failed"))
        self.assertFalse(self.mails_of(bad))
        self.assertFailedOnly(bad.dunning_action_ids, [broken.name, "upper"])
        # The manager sees it on the plan and in the report.
        self.assertIn("Step 1", plan.failure_warning)
        self.assertIn("upper", plan.failure_warning)
        values = self.env["account.dunning.report"]._values(
            self.company, date(2026, 3, 20), date(2026, 3, 20)
        )
        self.assertTrue(any("Referenced" in line for line in values["failing"]))
        # Once the template is fixed and a mail goes out, the warning goes.
        plan.step_ids.mail_template_id = self.templates["first"]
        bad.dunning_checked_date = False
        self.run_job(date(2026, 3, 23))
        self.assertEqual(bad.dunning_level, 1)
        plan.invalidate_recordset(["failure_warning"])
        self.assertFalse(plan.failure_warning)

    def test_a_broken_customer_template_fails_that_customer_only(self):
        broken = self.broken_copy("customer", '<p t-out="object.ref.upper()"/>')
        grouped = self.create_plan([(10, "customer")], name="Grouped", scope="customer")
        grouped.step_ids.mail_template_id = broken
        self.customers.write({"dunning_plan_id": grouped.id})
        self.customers[0].ref = "C-0"
        self.customers[2].ref = "C-2"
        invoices = [
            self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), partner=customer)
            for customer in self.customers
        ]
        for invoice in invoices:
            invoice.dunning_plan_id = False
        with mute_logger(DISPATCH_LOG):
            self.run_job(date(2026, 3, 20))
        sent = self.env["mail.mail"].search(
            [("model", "=", "res.partner"), ("res_id", "in", self.customers.ids)]
        )
        self.assertEqual(
            sorted(sent.mapped("res_id")), [self.customers[0].id, self.customers[2].id]
        )
        self.assertEqual([invoice.dunning_level for invoice in invoices], [1, 0, 1])
        self.assertFailedOnly(invoices[1].dunning_action_ids, ["upper"])

    def test_unrendered_placeholders_are_never_sent(self):
        literal = self.broken_copy("first", "<p>{{ object.name }}</p>")
        unclosed = self.templates["first"].copy({"subject": "Reminder {{ object.name"})
        for template, customer in zip((literal, unclosed), self.customers, strict=False):
            with self.subTest(template=template.subject):
                plan = self.create_plan([(10, "first")])
                plan.step_ids.mail_template_id = template
                invoice = self.create_invoice(
                    date(2026, 3, 2), date(2026, 3, 10), partner=customer, dunning_plan_id=plan.id
                )
                with mute_logger(DISPATCH_LOG):
                    self.run_job(date(2026, 3, 20))
                self.assertFalse(self.mails_of(invoice))
                self.assertFalse(
                    self.env["mail.message"].search(
                        [("model", "=", "account.move"), ("res_id", "=", invoice.id)]
                        + [("message_type", "=", "email_outgoing")]
                    )
                )
                self.assertEqual(invoice.dunning_level, 0)
                self.assertFailedOnly(invoice.dunning_action_ids, [])

    # == Bad configuration ==
    def test_a_rule_comparing_a_number_with_text_is_refused(self):
        plan = self.create_plan([(10, "first")], name="Big invoices")
        with self.refused("compare the number"):
            plan.assign_domain = "[('amount_total', '>', '1000')]"
        with self.refused("not valid"):
            plan.assign_domain = "[('no_such_field', '=', 1)]"
        plan.assign_domain = "[('amount_total', '>', 1000)]"
        # Broken anyway (written by SQL): posting works and the rule is skipped.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE account_dunning_plan SET assign_domain = %s WHERE id = %s",
            ("[('no_such_field', '=', 1)]", plan.id),
        )
        plan.invalidate_recordset(["assign_domain"])
        with mute_logger(PLAN_LOG):
            invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), amount=5000)
            self.assertEqual(invoice.dunning_plan_id, self.plan)
            self.assertTrue(self.run_job(date(2026, 3, 20))[invoice].acts)

    def test_delays_are_bounded_and_a_huge_one_crashes_nothing(self):
        with self.refused("between -3650 and 3650"):
            self.create_plan([(10_000_000, "first")])
        with self.refused("between 0 and"):
            self.create_plan([(10, "first")], min_contact_delay=100_000)
        with self.refused("ten years"):
            self.company.dunning_reminder_interval = 100_000
        huge = self.create_plan([(10, "first"), (20, "second")], name="Huge")
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE account_dunning_plan_step SET delay = %s WHERE id = %s",
            (10_000_000, huge.step_ids[1].id),
        )
        huge.step_ids.invalidate_recordset(["delay"])
        victim = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), dunning_plan_id=huge.id)
        other = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), partner=self.customers[0])
        results = self.run_job(date(2026, 3, 20))
        self.assertEqual(results[victim].outcome, "send")
        self.assertEqual(results[other].outcome, "send")
        self.assertGreater(results[victim].next_date, date(2100, 1, 1))  # a century at most

    def test_customer_plan_of_another_company(self):
        other = self.setup_other_company()["company"]
        foreign = self.create_plan([(10, "customer")], scope="customer", company_id=other.id)
        with self.refused("cannot remind the customers"):
            self.customers[0].dunning_plan_id = foreign
        # Set anyway (by SQL): the job reminds nobody under another company's plan.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET dunning_plan_id = %s, dunning_plan_mode = %s WHERE id = %s",
            (
                json.dumps({str(self.company.id): foreign.id}),
                json.dumps({str(self.company.id): "custom"}),
                self.customers[0].id,
            ),
        )
        self.customers[0].invalidate_recordset(["dunning_plan_id", "dunning_plan_mode"])
        invoice = self.create_invoice(
            date(2026, 3, 2), date(2026, 3, 10), partner=self.customers[0]
        )
        invoice.dunning_plan_id = False
        with mute_logger(PLAN_LOG):
            decision = self.run_job(date(2026, 3, 20))[invoice]
        self.assertEqual((decision.outcome, decision.reason), ("skip", "no_plan"))
        self.assertFalse(invoice.dunning_action_ids)

    def test_an_archived_plan_stops_and_resumes(self):
        invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10))
        result = self.plan.action_archive()
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn("1 open invoice(s)", result["params"]["message"])
        decision = self.run_job(date(2026, 3, 20))[invoice]
        self.assertEqual((decision.outcome, decision.reason), ("skip", "plan_archived"))
        self.assertEqual(invoice.dunning_reason, "plan_archived")
        self.assertFalse(self.mails_of(invoice))
        self.plan.action_unarchive()
        self.assertTrue(self.run_job(date(2026, 3, 21))[invoice].acts)

    def test_field_writes_get_the_dialogs_checks(self):
        invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10))
        with freeze_time("2026-03-12"):
            with self.refused("must be positive"):
                invoice.write(
                    {"dunning_promise_date": date(2026, 4, 1), "dunning_promise_amount": -5.0}
                )
            with self.refused("cannot be in the past"):
                invoice.write(
                    {"dunning_promise_date": date(2026, 3, 1), "dunning_promise_amount": 50.0}
                )
            with self.refused("after today"):
                invoice.write({"dunning_paused": True, "dunning_pause_until": date(2026, 3, 5)})
            with self.refused("cannot be negative"):
                invoice.dunning_level = -1
            invoice.write(
                {"dunning_promise_date": date(2026, 4, 1), "dunning_promise_amount": 50.0}
            )
        promises = self.env["account.dunning.promise"].search([("move_id", "=", invoice.id)])
        self.assertEqual(promises.mapped("amount"), [50.0])
