# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The activation assistant: from stand-by on a database that already has invoices to
dunning enabled, after review."""

from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningActivation(DunningCommon):
    def setUp(self):
        super().setUp()
        self.enterContext(freeze_time("2026-06-15"))
        # Installed on a database with invoices: stand-by, never enabled, no plan yet.
        self.company.write(
            {
                "dunning_enabled": False,
                "dunning_activation_date": False,
                "dunning_default_plan_id": False,
                "dunning_bank_max_age": 14,
                "dunning_max_age_at_activation": 90,
            }
        )
        self.silent = self.env["res.partner"].create({"name": "No Mail SARL"})
        self.recent = self.create_invoice(date(2026, 5, 1), date(2026, 5, 31), 700.0)
        self.old = self.create_invoice(date(2025, 11, 2), date(2025, 12, 2), 300.0)
        self.silent_invoice = self.create_invoice(
            date(2026, 5, 2), date(2026, 6, 1), 200.0, partner=self.silent
        )
        self.invoices = self.recent | self.old | self.silent_invoice
        self.invoices._dunning_write(dict.fromkeys(self.invoices, {"dunning_plan_id": False}))

    def open_assistant(self):
        action = self.env["res.config.settings"].create({}).action_dunning_activation()
        return self.env["account.dunning.activation"].browse(action["res_id"])

    def test_activation_walks_plans_checks_and_the_first_run(self):
        wizard = self.open_assistant()
        self.assertEqual(wizard.state, "plans")
        self.assertEqual(
            (wizard.open_count, wizard.planless_count, wizard.too_old_count), (3, 3, 1)
        )
        wizard.default_plan_id = False
        with self.assertRaisesRegex(UserError, "at least one default plan"):
            wizard.action_plans_next()
        wizard.default_plan_id = self.plan
        wizard.action_plans_next()
        self.assertEqual(wizard.state, "checks")
        self.assertEqual(self.company.dunning_default_plan_id, self.plan)
        # Plans for the open invoices, except the one already too old.
        self.assertEqual(self.recent.dunning_plan_id, self.plan)
        self.assertEqual(self.silent_invoice.dunning_plan_id, self.plan)
        self.assertFalse(self.old.dunning_plan_id)
        self.assertFalse(self.company.dunning_enabled, "still in stand-by")

        # No bank statement: everything would be held, and the assistant says so.
        self.assertFalse(wizard.bank_date)
        self.assertIn("No bank statement line yet", wizard.bank_warning)
        self.assertEqual(wizard.no_email_partner_ids, self.silent)
        self.assertFalse(wizard.unmatched_partner_ids)
        wizard.bank_max_age = 0
        self.assertFalse(wizard.bank_warning)
        wizard.action_checks_next()
        self.assertEqual(self.company.dunning_bank_max_age, 0)
        self.assertEqual(wizard.state, "run")
        # The first run as if enabled: the recent invoice's first reminder (15 days
        # overdue), a to-do for the customer without e-mail, the old one left out.
        self.assertEqual((wizard.mail_count, wizard.todo_count), (1, 1))
        self.assertIn("No dunning plan: 1", wizard.held_summary)
        self.assertFalse(self.env["mail.mail"].search([("model", "=", "account.move")]))

        wizard.action_activate()
        self.assertTrue(self.company.dunning_enabled)
        self.assertEqual(self.company.dunning_activation_date, date(2026, 6, 15))
        results = self.run_job(date(2026, 6, 15))
        self.assertEqual(results[self.recent].outcome, "send")
        self.assertEqual(results[self.silent_invoice].outcome, "todo")
        self.assertEqual(len(self.mails_of(self.recent)), 1)

    def test_held_by_stale_bank_data_and_unmatched_payments(self):
        """What would hold the first run is shown before activating."""
        bank = self.company_data["default_journal_bank"]
        self.env["account.bank.statement.line"].create(
            {"journal_id": bank.id, "date": date(2026, 5, 1), "payment_ref": "old", "amount": 1}
        )
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.customer.id,
                "amount": 50.0,
                "date": date(2026, 6, 10),
                "journal_id": bank.id,
            }
        )
        payment.action_post()
        wizard = self.open_assistant()
        wizard.default_plan_id = self.plan
        wizard.action_plans_next()
        self.assertEqual(wizard.bank_date, date(2026, 5, 1))
        self.assertIn("45 days old (more than 14)", wizard.bank_warning)
        self.assertEqual(wizard.unmatched_partner_ids, self.customer)
        wizard.action_checks_next()
        self.assertEqual(wizard.mail_count, 0)
        self.assertFalse(self.company.dunning_enabled)
        wizard.action_back()
        self.assertEqual(wizard.state, "checks")

    def test_simulation_of_a_company_never_enabled_leaves_out_old_invoices(self):
        """As if enabled today: invoices already too old today are left out, as the job
        will do once enabled (the activation date is today)."""
        self.invoices._dunning_write(
            dict.fromkeys(self.invoices, {"dunning_plan_id": self.plan.id})
        )
        self.company.dunning_bank_max_age = 0
        rows = self.env["account.dunning.forecast"]._simulate(
            date(2026, 6, 15), 1, self.company, assume_enabled=True
        )
        reasons = {tuple(row["invoices"]): row["reason"] for row in rows}
        self.assertEqual(reasons[(self.old.name,)], "too_old")
        self.assertTrue(any(row["acts"] for row in rows if row["invoices"] == [self.recent.name]))

    def test_only_managers_activate(self):
        user = self.env["res.users"].create(
            {
                "name": "Billing clerk",
                "login": "clerk@example.com",
                "groups_id": [Command.set(self.env.ref("account.group_account_invoice").ids)],
            }
        )
        with self.assertRaises(AccessError):
            self.env["account.dunning.activation"].with_user(user).create({})
