# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The accountant's daily tools, clicked through in headless Chromium (Odoo tours)."""

from datetime import date, timedelta

from odoo.tests import freeze_time, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon

from .common import DunningCommon

# Tours run on a fixed day: the server (the test's process) is frozen at it, so that
# what the screens compute (defaults, due steps, explanations) does not depend on the
# day the tests run. The browser's own clock is not used by these tours.
TODAY = date(2026, 3, 20)


@tagged("post_install", "-at_install")
@freeze_time("2026-03-20 09:00:00")
class TestDunningTours(DunningCommon, AccountTestInvoicingHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tour_customer = cls.env["res.partner"].create(
            {"name": "Tour Customer", "email": "tour@example.com"}
        )

    def invoice_url(self, invoice):
        return f"/odoo/action-account.action_move_out_invoice_type/{invoice.id}"

    def test_pause_button_on_the_invoice_form(self):
        invoice = self.create_invoice(
            date(2026, 3, 2), date(2026, 3, 10), partner=self.tour_customer
        )
        self.start_tour(
            self.invoice_url(invoice), "account_dunning_pause_invoice", login=self.env.user.login
        )
        self.assertFalse(invoice.dunning_paused)
        bodies = invoice.message_ids.mapped("preview")
        self.assertIn("Dunning paused until resumed by hand. Reason: Customer on holiday", bodies)
        self.assertIn("Dunning resumed.", bodies)

    def test_promise_wizard(self):
        invoice = self.create_invoice(
            date(2026, 3, 2), date(2026, 3, 10), partner=self.tour_customer
        )
        self.start_tour(
            self.invoice_url(invoice), "account_dunning_promise_invoice", login=self.env.user.login
        )
        promise = invoice.dunning_promise_ids
        self.assertEqual(
            (promise.state, promise.date, promise.amount, promise.note),
            ("open", date(2030, 12, 31), 400.0, "Promised on the phone"),
        )
        self.assertEqual(invoice.dunning_promise_date, date(2030, 12, 31))

    def test_payment_plan_from_the_invoice(self):
        invoice = self.create_invoice(
            date(2026, 2, 2), date(2026, 3, 10), partner=self.tour_customer
        )
        self.start_tour(
            self.invoice_url(invoice),
            "account_dunning_payment_plan_invoice",
            login=self.env.user.login,
        )
        plan = invoice.dunning_payment_plan_id
        self.assertEqual(plan.state, "open")
        self.assertEqual(
            [(line.date, line.amount) for line in plan.installment_ids],
            [(date(2026, 4, 15), 500.0), (date(2026, 5, 15), 500.0)],
        )
        self.assertEqual(invoice.dunning_reason, "payment_plan")

    def test_bulk_assign_plan_on_the_invoice_list(self):
        tour_plan = self.create_plan([(10, "first")], name="Tour plan")
        invoices = self.create_invoice(
            date(2026, 3, 2), date(2026, 3, 10), partner=self.tour_customer
        ) | self.create_invoice(date(2026, 3, 3), date(2026, 3, 11), partner=self.tour_customer)
        self.assertEqual(invoices.dunning_plan_id, self.plan)
        self.start_tour(
            "/odoo/action-account.action_move_out_invoice_type",
            "account_dunning_assign_plan_list",
            login=self.env.user.login,
        )
        self.assertEqual(invoices.dunning_plan_id, tour_plan)

    def test_execute_a_todo(self):
        customer = self.env["res.partner"].create({"name": "Tour No Mail"})
        invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), partner=customer)
        self.run_job(date(2026, 3, 20))
        todo = invoice.dunning_action_ids
        self.assertEqual(todo.state, "todo")
        self.start_tour(
            "/odoo/action-account_dunning_plans.account_dunning_action_action_todo",
            "account_dunning_execute_todo",
            login=self.env.user.login,
        )
        self.assertEqual(todo.state, "done")
        self.assertEqual(invoice.dunning_level, 2)

    def recent_invoice(self, **vals):
        """An invoice 15 days overdue today."""
        return self.create_invoice(
            TODAY - timedelta(days=40), TODAY - timedelta(days=15), partner=self.tour_customer
        )

    def test_simulation_screen_sends_me_the_simulation(self):
        self.recent_invoice()
        self.env.user.email = "tour-user@example.com"
        self.start_tour(
            "/odoo/action-account_dunning_plans.account_dunning_simulation_action",
            "account_dunning_simulation",
            login=self.env.user.login,
        )
        mail = self.env["mail.mail"].search(
            [("recipient_ids", "in", self.env.user.partner_id.ids)], order="id desc", limit=1
        )
        self.assertIn("dunning simulation", mail.subject)
        self.assertIn("Tour Customer", mail.body_html)

    def test_test_this_plan(self):
        self.create_invoice(TODAY, TODAY + timedelta(days=20), partner=self.tour_customer)
        self.env.user.email = "tour-user@example.com"
        self.start_tour(
            f"/odoo/action-account_dunning_plans.account_dunning_plan_action/{self.plan.id}",
            "account_dunning_plan_test",
            login=self.env.user.login,
        )
        tests = self.env["mail.mail"].search(
            [("recipient_ids", "in", self.env.user.partner_id.ids), ("subject", "like", "[Test")]
        )
        self.assertEqual(len(tests), 4)

    def test_invoice_says_why(self):
        invoice = self.create_invoice(
            TODAY - timedelta(days=10), TODAY - timedelta(days=2), partner=self.tour_customer
        )
        self.start_tour(self.invoice_url(invoice), "account_dunning_why", login=self.env.user.login)

    def test_step_channels_on_the_plan_form(self):
        self.start_tour(
            f"/odoo/action-account_dunning_plans.account_dunning_plan_action/{self.plan.id}",
            "account_dunning_step_channels",
            login=self.env.user.login,
        )
        step = self.plan.step_ids.filtered(lambda step: step.name == "Step 2")
        self.assertEqual((step.channel, step.attach_invoice_pdf), ("letter", True))
        self.assertEqual(self.plan.window_type, "custom")
