# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Explanations, the periodic report, stand-by, the simulation's PDF and mail, and
"Test this plan", on a real database with time travel."""

from datetime import date, timedelta

from lxml import html

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import DunningCommon


def text(value):
    """The visible text of an HTML value, spaces normalised."""
    return " ".join(html.fromstring(str(value)).text_content().split())


@tagged("post_install", "-at_install")
class TestDunningReport(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.controller = new_test_user(
            cls.env,
            login="credit_controller",
            email="cc@example.com",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.no_mail = cls.env["res.partner"].create({"name": "No Mail Co"})
        cls.blocked = cls.env["res.partner"].create(
            {"name": "Blocked Co", "email": "blocked@example.com", "dunning_blocked": True}
        )
        cls.env.user.email = "me@example.com"

    def explanation(self, record, day):
        with freeze_time(day):
            record.invalidate_recordset(["dunning_explanation"])
            return text(record.dunning_explanation)

    def report_mails(self):
        return self.env["mail.mail"].search(
            [("recipient_ids", "in", self.controller.partner_id.ids)], order="id"
        )

    # == Explanations ==
    def test_invoice_explanation_names_step_date_and_rule(self):
        invoice = self.create_invoice(date(2026, 2, 1), date(2026, 3, 1))
        why = self.explanation(invoice, date(2026, 3, 5))
        self.assertIn("Plan Test plan: level 0 of 4.", why)
        self.assertIn("Next: step 'Step 2' (E-mail) on 03/11/2026.", why)
        self.assertIn("Its delay: 10 days after the due date (03/01/2026), so 03/11/2026.", why)

        self.run_job(date(2026, 3, 11))
        why = self.explanation(invoice, date(2026, 3, 12))
        self.assertIn("level 2 of 4", why)
        self.assertIn("Next: step 'Step 3' (E-mail) on 03/31/2026.", why)

        with freeze_time(date(2026, 4, 12)):
            self.env["account.dunning.run"]._send_now(invoice)
        why = self.explanation(invoice, date(2026, 4, 13))
        self.assertIn("Next: step 'Step 4' (E-mail) on 04/19/2026.", why)
        self.assertIn("Its delay: 45 days after the due date (03/01/2026), so 04/15/2026.", why)
        self.assertIn(
            "Not before 04/19/2026: the invoice was last reminded on 04/12/2026 and the "
            "company waits 7 days between two reminders of an invoice.",
            why,
        )
        # The explanation and the job agree on the date.
        self.assertEqual(self.run_job(date(2026, 4, 18))[invoice].next_date, date(2026, 4, 19))

    def test_explanation_of_a_hold_and_a_pause(self):
        invoice = self.create_invoice(date(2026, 2, 1), date(2026, 3, 1))
        with freeze_time("2026-03-02"):
            invoice.write({"dunning_paused": True, "dunning_pause_until": date(2026, 3, 20)})
        why = self.explanation(invoice, date(2026, 3, 12))
        self.assertIn("Paused until 03/20/2026.", why)
        self.assertIn("Next: step 'Step 2' (E-mail) on 03/20/2026.", why)
        invoice.dunning_paused = False
        self.company.dunning_bank_max_age = 14
        why = self.explanation(invoice, date(2026, 3, 12))
        self.assertIn("Step 'Step 2' (E-mail) is due today but held: bank data too old", why)
        self.assertNotIn("held: Held", why)
        self.assertIn("No bank statement line", why)

    def test_customer_explanation(self):
        plan = self.create_plan([(10, "customer"), (30, "customer")], scope="customer")
        plan.name = "Grouped"
        grouped = self.env["res.partner"].create({"name": "Grouped Co", "email": "g@example.com"})
        grouped.write({"dunning_plan_mode": "custom", "dunning_plan_id": plan.id})
        first = self.create_invoice(date(2026, 2, 1), date(2026, 3, 1), partner=grouped)
        second = self.create_invoice(date(2026, 2, 5), date(2026, 3, 10), 500.0, partner=grouped)
        disputed = self.create_invoice(date(2026, 2, 5), date(2026, 3, 2), 70.0, partner=grouped)
        disputed.dunning_disputed = True
        why = self.explanation(grouped, date(2026, 3, 5))
        self.assertIn(
            f"Customer-level plan Grouped: one communication for the overdue invoices of "
            f"Grouped Co, timed by the reference invoice {first.name} (the oldest due).",
            why,
        )
        self.assertIn("Next: step 'Step 1' (E-mail) on 03/11/2026.", why)
        self.assertIn(
            f"{disputed.name}: Plan Grouped: level 0 of 2. Disputed: not reminded until the "
            "dispute is closed.",
            why,
        )
        self.assertNotIn("Not reminded: Disputed", why)
        self.assertNotIn(f"{second.name}:", why)
        self.assertIn(
            "Reminded with the other overdue invoices of Grouped Co.",
            self.explanation(second, date(2026, 3, 5)),
        )

    # == Stand-by and the periodic report ==
    def test_standby_records_what_would_be_sent_and_reports_it(self):
        self.company.write(
            {
                "dunning_enabled": False,
                "dunning_report_frequency": "daily",
                "dunning_report_user_ids": [Command.set(self.controller.ids)],
            }
        )
        invoice = self.create_invoice(date(2026, 2, 1), date(2026, 3, 1))
        self.run_job(date(2026, 3, 11))
        self.assertFalse(self.mails_of(invoice), "nothing goes to the customer in stand-by")
        self.assertEqual(invoice.dunning_reason, "standby")
        self.assertEqual(
            invoice.dunning_reason_detail, "Would have executed step 'Step 2' (level 2)."
        )
        self.assertIn(
            "Step 'Step 2' (E-mail) is due today, but the company is in stand-by",
            self.explanation(invoice, date(2026, 3, 11)),
        )
        report = self.report_mails()
        self.assertEqual(len(report), 1)
        body = text(report.body_html)
        self.assertIn("Stand-by: dunning is not enabled for this company", body)
        self.assertIn("Would have been sent today (1)", body)
        rows = html.fromstring(report.body_html).xpath("//table[1]//tr[td]")
        self.assertEqual(
            [cell.text_content().strip() for cell in rows[0].iter("td")][:6],
            ["Alpha Customer", "2", "Step 2", invoice.name, "E-mail", "alpha@example.com"],
        )
        self.assertEqual(report.subject, f"{self.company.name}: dunning report of 03/11/2026")

    def test_report_lists_sent_todo_and_not_sent_with_links(self):
        self.company.write(
            {
                "dunning_report_frequency": "daily",
                "dunning_report_user_ids": [Command.set(self.controller.ids)],
            }
        )
        sent = self.create_invoice(date(2026, 2, 1), date(2026, 3, 1))
        todo = self.create_invoice(date(2026, 2, 1), date(2026, 3, 1), partner=self.no_mail)
        held = self.create_invoice(date(2026, 2, 1), date(2026, 3, 1), partner=self.blocked)
        self.run_job(date(2026, 3, 11))
        report = self.report_mails()
        self.assertEqual(len(report), 1)
        self.assertEqual(report.recipient_ids, self.controller.partner_id)
        body = text(report.body_html)
        self.assertIn("Sent (1)", body)
        self.assertIn("To do (1)", body)
        self.assertIn("Customer blocked from dunning (1)", body)
        self.assertIn("No e-mail address for the customer (1)", body)
        links = html.fromstring(report.body_html).xpath("//a/@href")
        for invoice in sent | todo | held:
            self.assertTrue(
                any(link.endswith(f"/odoo/account.move/{invoice.id}") for link in links)
            )
        self.assertTrue(any("account_dunning_action_action_todo" in link for link in links))

        # Once a day; the next day's report covers that day only.
        self.run_job(date(2026, 3, 11))
        self.assertEqual(len(self.report_mails()), 1)
        self.run_job(date(2026, 3, 12))
        second = self.report_mails()[-1]
        self.assertIn("Nothing was sent in this period.", text(second.body_html))
        self.assertIn("To do (1)", text(second.body_html))

        # Weekly: every seven days.
        self.company.dunning_report_frequency = "weekly"
        self.run_job(date(2026, 3, 13))
        self.assertEqual(len(self.report_mails()), 2)
        self.run_job(date(2026, 3, 19))
        self.assertEqual(len(self.report_mails()), 3)
        self.assertIn("from 03/13/2026 to 03/19/2026", text(self.report_mails()[-1].body_html))

    def test_report_needs_recipients(self):
        self.company.dunning_report_frequency = "daily"
        settings = self.env["res.config.settings"].create({})
        with self.assertRaises(UserError):
            settings.action_dunning_send_report()
        # The nightly job does not fail for it: it reminds, and reports to nobody.
        invoice = self.create_invoice(date(2026, 2, 1), date(2026, 3, 1))
        self.run_job(date(2026, 3, 11))
        self.assertEqual(len(self.mails_of(invoice)), 1)
        self.assertFalse(self.company.dunning_report_last_date)

    # == Simulation: PDF, mail, seed examples ==
    def test_simulation_pdf_and_mail_customer_by_customer_level_by_level(self):
        beta = self.env["res.partner"].create({"name": "Beta Customer", "email": "b@example.com"})
        alpha_new = self.create_invoice(date(2026, 2, 20), date(2026, 3, 8), 200.0)
        alpha_old = self.create_invoice(date(2026, 1, 1), date(2026, 2, 1), 300.0)
        alpha_old.dunning_level = 2
        alpha_old.dunning_level_plan_id = self.plan
        beta_invoice = self.create_invoice(date(2026, 2, 1), date(2026, 3, 1), partner=beta)
        blocked = self.create_invoice(date(2026, 2, 1), date(2026, 3, 1))
        blocked.dunning_blocked = True
        wizard = self.env["account.dunning.simulation"].create({"date": date(2026, 3, 11)})
        action = wizard.action_print()
        self.assertEqual(action["report_name"], "account_dunning_plans.report_dunning_simulation")
        content, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "account_dunning_plans.report_dunning_simulation", wizard.ids
        )
        rows = [
            [cell.text_content().strip() for cell in row.iter("td")]
            for row in html.fromstring(content).xpath("//table//tr[td]")
        ]
        # Customer, level, step, invoices, channel, recipient, amount, reminded?
        self.assertEqual(
            [(row[0], row[1], row[3], row[-1]) for row in rows],
            [
                ("Alpha Customer", "0", alpha_new.name, "No: Next step not due yet"),
                (
                    "Alpha Customer",
                    "0",
                    blocked.name,
                    "No: Invoice set to 'do not remind automatically'",
                ),
                ("Alpha Customer", "3", alpha_old.name, "Yes"),
                ("Beta Customer", "2", beta_invoice.name, "Yes"),
            ],
        )
        # The same from the list's header button, by e-mail to me only.
        lines = self.env["account.dunning.simulation.line"].with_context(
            dunning_simulation_id=wizard.id
        )
        lines.action_send_by_email()
        mail = self.env["mail.mail"].search(
            [("recipient_ids", "in", self.env.user.partner_id.ids)], order="id desc", limit=1
        )
        self.assertIn("dunning simulation from 03/11/2026", mail.subject)
        self.assertIn("Beta Customer", text(mail.body_html))
        self.assertIn("Nothing was sent to any customer.", text(mail.body_html))
        self.assertFalse(self.mails_of(beta_invoice))
        self.assertFalse((alpha_old | beta_invoice).dunning_action_ids)
        wizard.unlink()
        with self.assertRaises(UserError):
            lines.action_print()

    def test_simulation_words_seed_000_reasons(self):
        self.company.dunning_min_amount = 100.0
        small = self.create_invoice(date(2026, 2, 1), date(2026, 3, 1), 50.0)
        late = self.create_invoice(date(2026, 3, 5), date(2026, 3, 1))
        old = self.create_invoice(date(2025, 9, 1), date(2025, 10, 1))
        held = self.create_invoice(date(2026, 2, 1), date(2026, 3, 1), partner=self.blocked)
        disputed = self.create_invoice(date(2026, 2, 1), date(2026, 3, 1))
        disputed.dunning_disputed = True
        rows = self.env["account.dunning.forecast"]._simulate(date(2026, 3, 11))
        reasons = {row["invoices"][0]: row["reason_label"] for row in rows if not row["acts"]}
        self.assertEqual(
            [reasons[invoice.name] for invoice in (small, late, old, held, disputed)],
            [
                "Amount due below the company minimum",
                "Invoice entered after its due date (post factum)",
                "Invoice too old when dunning was enabled",
                "Customer blocked from dunning",
                "Disputed: not reminded until the dispute is closed",
            ],
        )

    def test_forecast_across_a_week_end_and_a_pause_end(self):
        plan = self.create_plan(
            [(5, "first"), (10, "second")], business_days_only=True, min_contact_delay=3
        )
        gamma = self.env["res.partner"].create({"name": "Gamma", "email": "c@example.com"})
        # Due Friday 27 Feb: step 1 five business days later, Friday 6 March.
        friday = self.create_invoice(date(2026, 2, 1), date(2026, 2, 27), dunning_plan_id=plan.id)
        # Step 1 due on 27 Feb, but paused until Tuesday 10 March.
        paused = self.create_invoice(
            date(2026, 2, 1), date(2026, 2, 20), partner=gamma, dunning_plan_id=plan.id
        )
        with freeze_time("2026-03-02"):
            paused.write({"dunning_paused": True, "dunning_pause_until": date(2026, 3, 10)})
        self.company.dunning_reminder_interval = 0  # the plan's spacing alone
        rows = self.env["account.dunning.forecast"]._simulate(date(2026, 3, 6), 10)
        acted = sorted(
            (row["date"], row["invoices"][0], row["step"]) for row in rows if row["acts"]
        )
        self.assertEqual(
            acted,
            sorted(
                [
                    (date(2026, 3, 6), friday.name, "Step 1"),
                    (date(2026, 3, 10), paused.name, "Step 1"),
                    # Step 2 of the paused invoice was due on 6 March: three business
                    # days after its first reminder.
                    (date(2026, 3, 13), paused.name, "Step 2"),
                    (date(2026, 3, 13), friday.name, "Step 2"),
                ]
            ),
        )
        for day in (date(2026, 3, 7), date(2026, 3, 8), date(2026, 3, 14), date(2026, 3, 15)):
            self.assertNotIn(day, {row["date"] for row in rows if row["acts"]})

    # == Test this plan ==
    def test_plan_test_shows_every_step_and_sends_nothing(self):
        invoice = self.create_invoice(date(2026, 2, 1), date(2026, 3, 1))
        action = self.plan.action_test_plan()
        wizard = (
            self.env[action["res_model"]]
            .with_context(**action["context"])
            .create({"move_id": invoice.id, "date": date(2026, 2, 20)})
        )
        result = wizard.action_test()
        # Wide enough for its columns, before and after the test.
        self.assertEqual(action["context"]["dialog_size"], "extra-large")
        self.assertEqual(result["context"]["dialog_size"], "extra-large")
        self.assertEqual(
            [(line.date, line.step_id.name, line.level) for line in wizard.line_ids],
            [
                (date(2026, 2, 26), "Step 1", 1),
                (date(2026, 3, 11), "Step 2", 2),
                (date(2026, 3, 31), "Step 3", 3),
                (date(2026, 4, 15), "Step 4", 4),
            ],
        )
        second, final = wizard.line_ids[1], wizard.line_ids[3]
        self.assertEqual(second.recipient, "alpha@example.com")
        self.assertIn(invoice.name, second.subject)
        self.assertIn("is still unpaid, 10 days after its due date", text(second.body_html))
        self.assertIn("is now 45 days overdue", text(final.body_html))
        self.assertFalse(self.mails_of(invoice))
        self.assertFalse(invoice.dunning_action_ids)
        wizard.action_send_to_me()
        tests = self.env["mail.mail"].search(
            [("recipient_ids", "in", self.env.user.partner_id.ids), ("subject", "like", "[Test")]
        )
        self.assertEqual(len(tests), 4)
        self.assertFalse(self.mails_of(invoice))

    def test_plan_test_on_a_customer_and_when_nothing_would_be_sent(self):
        plan = self.create_plan(
            [(10, "customer"), (20, False, {"channel": "letter"})], scope="customer"
        )
        grouped = self.env["res.partner"].create(
            {"name": "Grouped Co", "email": "g@example.com", "is_company": True}
        )
        first = self.create_invoice(date(2026, 2, 1), date(2026, 3, 1), partner=grouped)
        second = self.create_invoice(date(2026, 2, 1), date(2026, 3, 5), 300.0, partner=grouped)
        wizard = self.env["account.dunning.plan.test"].create(
            {"plan_id": plan.id, "partner_id": grouped.id, "date": date(2026, 3, 1)}
        )
        wizard.action_test()
        self.assertEqual(
            [(line.date, line.channel, line.invoices) for line in wizard.line_ids],
            [
                (date(2026, 3, 11), "email", f"{first.name}, {second.name}"),
                (date(2026, 3, 21), "letter", f"{first.name}, {second.name}"),
            ],
        )
        body = text(wizard.line_ids[0].body_html)
        self.assertIn(first.name, body)
        self.assertIn(second.name, body)
        self.assertFalse(wizard.line_ids[1].body_html)

        self.pay(first, first.amount_residual, date(2026, 2, 10))
        test = self.env["account.dunning.plan.test"].create(
            {"plan_id": self.plan.id, "move_id": first.id, "date": date(2026, 3, 1)}
        )
        test.action_test()
        self.assertFalse(test.line_ids)
        self.assertEqual(test.message, "Nothing would be sent: Paid.")
        with self.assertRaises(UserError):
            self.env["account.dunning.plan.test"].create({"plan_id": self.plan.id}).action_test()

    def test_plan_test_week_days_only(self):
        """Dates in the test follow the plan's week-end rule like the job."""
        self.plan.business_days_only = True
        invoice = self.create_invoice(date(2026, 2, 1), date(2026, 3, 6))
        wizard = self.env["account.dunning.plan.test"].create(
            {"plan_id": self.plan.id, "move_id": invoice.id, "date": date(2026, 3, 1)}
        )
        wizard.action_test()
        for line in wizard.line_ids:
            self.assertLess(line.date.weekday(), 5)
        self.assertEqual(wizard.line_ids[0].date, date(2026, 3, 3))  # 3 business days before
        self.assertEqual(wizard.line_ids[1].date, date(2026, 3, 6) + timedelta(days=14))
