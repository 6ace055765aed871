# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Customer-level plans, merged mails, contact delay across levels and safety checks,
through the nightly job with time travel."""

from datetime import date

from lxml import html

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import freeze_time, tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningCustomerLevel(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_plan = cls.create_plan(
            [(10, "customer"), (30, "customer"), (45, "customer_final")],
            name="Grouped",
            scope="customer",
        )
        cls.grouped = cls.create_grouped_customer(cls.customer_plan)

    # == helpers ==
    def customer_mails(self, partner):
        return self.env["mail.mail"].search(
            [("model", "=", "res.partner"), ("res_id", "=", partner.id)], order="id"
        )

    def table_rows(self, mail):
        """The invoice rows of a grouped mail: ``{invoice name: [cells]}`` and totals."""
        rows, totals = {}, []
        for row in html.fromstring(mail.body_html).iter("tr"):
            cells = [cell.text_content().strip() for cell in row.iter("td")]
            if not cells:
                continue
            if cells[0] == "Total due":
                totals.append(cells[-1])
            elif len(cells) == 6:  # not a row of the layout around the statement
                rows[cells[0]] = cells
        return rows, totals

    def grouped_invoice(self, invoice_date, due_date, amount=1000.0, **vals):
        invoice = self.create_invoice(invoice_date, due_date, amount, partner=self.grouped, **vals)
        self.assertFalse(invoice.dunning_plan_id, "a customer-level customer gets no invoice plan")
        self.assertEqual(invoice.dunning_customer_plan_id, self.customer_plan)
        return invoice

    # == tests ==
    def test_grouped_mail_lists_each_invoice_with_its_level(self):
        """Seed 002: an invoice at level 1 and a new one are both sent level 2."""
        first = self.grouped_invoice(date(2026, 2, 1), date(2026, 3, 1), 1000.0)
        self.run_job(date(2026, 3, 11))
        self.assertEqual(first.dunning_level, 1)
        mail = self.customer_mails(self.grouped)
        self.assertEqual(len(mail), 1)
        self.assertIn("overdue invoices", mail.subject)
        rows, _totals = self.table_rows(mail)
        self.assertEqual(list(rows), [first.name])

        second = self.grouped_invoice(date(2026, 3, 5), date(2026, 3, 20), 250.0)
        results = self.run_job(date(2026, 3, 25))
        self.assertEqual(results[second].reason, "not_due")  # the group waits for step 2
        results = self.run_job(date(2026, 3, 31))
        self.assertEqual(results[first].outcome, "send")
        self.assertEqual((first.dunning_level, second.dunning_level), (2, 2))
        mail = self.customer_mails(self.grouped)[-1]
        rows, totals = self.table_rows(mail)
        self.assertEqual(set(rows), {first.name, second.name})
        # Columns: invoice, date, due date, days overdue, own level, amount due.
        self.assertEqual(rows[first.name][3:5], ["30", "2"])
        self.assertEqual(rows[second.name][3:5], ["11", "1"])
        self.assertEqual(len(totals), 1)
        self.assertIn("1,250.00", totals[0])
        action = first.dunning_action_ids.filtered(lambda a: a.level == 2)
        self.assertEqual(action.move_ids, first | second)
        self.assertEqual(action.mail_id, mail)
        self.assertEqual(action.plan_id, self.customer_plan)
        self.assertEqual(self.grouped.dunning_action_count, 2)
        history = self.grouped.action_view_dunning_actions()
        self.assertEqual(
            self.env["account.dunning.action"].search(history["domain"]), first.dunning_action_ids
        )

    def test_reference_invoice_changes(self):
        reference = self.grouped_invoice(date(2026, 2, 1), date(2026, 3, 1), 800.0)
        other = self.grouped_invoice(date(2026, 2, 20), date(2026, 3, 8), 900.0)
        self.run_job(date(2026, 3, 11))  # step 1 by the reference; lists both
        self.assertEqual((reference.dunning_level, other.dunning_level), (1, 1))
        self.pay(reference, reference.amount_residual, date(2026, 3, 12))
        # Paid: its status says so at once (nothing left for the night to clear).
        self.assertEqual((reference.dunning_reason, reference.dunning_next_date), ("paid", False))
        # The next oldest takes over, level kept: step 2 counts from its due date.
        results = self.run_job(date(2026, 3, 31))
        self.assertEqual(results[other].reason, "not_due")
        self.assertEqual(other.dunning_next_date, date(2026, 4, 7))
        self.assertNotIn(reference, results)
        # A newly posted invoice due earlier becomes the reference: step 2 is due now.
        older = self.grouped_invoice(date(2026, 2, 1), date(2026, 3, 2), 100.0)
        self.assertEqual(older.dunning_entry_date, date(2026, 2, 1))
        results = self.run_job(date(2026, 4, 2))
        self.assertEqual(results[other].outcome, "send")
        self.assertEqual((older.dunning_level, other.dunning_level), (2, 2))
        rows, _totals = self.table_rows(self.customer_mails(self.grouped)[-1])
        self.assertEqual(list(rows), [older.name, other.name])

    def test_catch_up_and_contact_delay_at_customer_level(self):
        self.company.dunning_reminder_interval = 0  # the plan's contact delay alone
        late = self.grouped_invoice(date(2026, 1, 1), date(2026, 1, 15))
        sent = self.run_days(date(2026, 3, 2), date(2026, 3, 20), late)
        self.assertEqual(
            sent, [(date(2026, 3, 2), 0), (date(2026, 3, 7), 1), (date(2026, 3, 12), 2)]
        )
        self.customer_plan.logic = "contextual"
        fresh = self.create_invoice(
            date(2026, 1, 1),
            date(2026, 1, 15),
            partner=self.env["res.partner"].create(
                {
                    "name": "Delta",
                    "email": "delta@example.com",
                    "dunning_plan_mode": "custom",
                    "dunning_plan_id": self.customer_plan.id,
                }
            ),
        )
        self.assertEqual(self.run_job(date(2026, 3, 2))[fresh].step_index, 2)

    def test_one_mail_per_customer_per_run(self):
        """Invoice-level steps and a customer-level step due together: one merged mail."""
        own_a = self.grouped_invoice(date(2026, 3, 1), date(2026, 3, 10), 300.0)
        own_b = self.grouped_invoice(date(2026, 3, 1), date(2026, 3, 10), 400.0)
        (own_a | own_b).dunning_plan_id = self.plan
        covered = self.grouped_invoice(date(2026, 3, 1), date(2026, 3, 10), 500.0)
        # The most advanced step (level 2, the invoice plan's) says what the mail is about.
        self.plan.step_ids[1].letter_text = "<p>Our own words for this step.</p>"
        results = self.run_job(date(2026, 3, 20))
        self.assertTrue(all(results[move].outcome == "send" for move in own_a | own_b | covered))
        mails = self.customer_mails(self.grouped)
        self.assertEqual(len(mails), 1)
        self.assertFalse(self.mails_of(own_a) | self.mails_of(own_b))
        mail = mails
        self.assertIn("payment reminders", mail.subject)
        # One statement: one greeting, one table of every invoice, one closing.
        content = self.mail_content(mail)
        self.assertEqual(content.count("Dear Sir or Madam,"), 1)
        self.assertEqual(content.count("Kind regards"), 1)
        self.assertNotIn("Unless we are mistaken, invoice", mail.body_html)
        self.assertEqual(content.count("Our own words for this step."), 1)
        rows, totals = self.table_rows(mail)
        self.assertEqual(set(rows), {own_a.name, own_b.name, covered.name})
        # Each invoice with its own level: the invoice plan's second step, the group's first.
        self.assertEqual([rows[move.name][4] for move in own_a | own_b | covered], ["2", "2", "1"])
        self.assertEqual(len(totals), 1)
        self.assertIn("1,200.00", totals[0])
        # Logged on each invoice's discussion as well as on the customer's.
        for move in own_a | own_b | covered:
            note = move.message_ids.filtered(lambda m: "in the mail to Gamma Group" in m.body)
            self.assertEqual(len(note), 1, move.name)
            self.assertIn(mail.subject, note.body)
        actions = (own_a | own_b | covered).dunning_action_ids
        self.assertEqual(len(actions), 3)
        self.assertEqual(actions.mail_id, mail)
        self.assertEqual(
            sorted(action.plan_id.scope for action in actions), ["customer", "invoice", "invoice"]
        )
        # Same day again: nothing more.
        self.run_job(date(2026, 3, 20))
        self.assertEqual(len(self.customer_mails(self.grouped)), 1)

    def test_contact_delay_across_levels_postpones(self):
        own = self.grouped_invoice(date(2026, 3, 1), date(2026, 3, 10))
        own.dunning_plan_id = self.plan
        covered = self.grouped_invoice(date(2026, 3, 1), date(2026, 3, 13))
        sent_days = {}
        day = date(2026, 3, 18)
        while day <= date(2026, 3, 27):
            results = self.run_job(day)
            for move in own | covered:
                if results[move].acts:
                    sent_days.setdefault(move, day)
            if day == date(2026, 3, 23):
                self.assertEqual(results[covered].reason, "contact_delay")
                self.assertEqual(covered.dunning_next_date, date(2026, 3, 25))
            day = date.fromordinal(day.toordinal() + 1)
        self.assertEqual(sent_days, {own: date(2026, 3, 20), covered: date(2026, 3, 25)})
        self.assertEqual(len(self.mails_of(own)), 1)
        self.assertEqual(len(self.customer_mails(self.grouped)), 1)

    def test_switch_from_customer_to_invoice_level(self):
        """Seed 003: back to step 1 of the invoice plan, or the step of its age if contextual."""
        moved = self.grouped_invoice(date(2026, 1, 20), date(2026, 2, 1))
        kept = self.grouped_invoice(date(2026, 1, 20), date(2026, 2, 1))
        self.run_job(date(2026, 2, 11))
        self.run_job(date(2026, 3, 3))
        self.assertEqual(moved.dunning_level, 2)
        contextual = self.create_plan(
            [(-3, "courtesy"), (10, "first"), (30, "second"), (45, "final")],
            name="Contextual",
            logic="contextual",
        )
        moved.dunning_plan_id = self.plan
        kept.dunning_plan_id = contextual
        results = self.run_job(date(2026, 3, 10))  # 37 days overdue, 7 days after the last mail
        # Standard: the first step after the (obsolete) courtesy reminder.
        self.assertEqual(results[moved].step_index, 1)
        self.assertEqual(moved.dunning_level, 2)
        self.assertEqual(moved.dunning_level_plan_id, self.plan)
        # Contextual: the step matching its age (+30), merged in the same mail.
        self.assertEqual(results[kept].step_index, 2)
        self.assertEqual(kept.dunning_level, 3)
        self.assertEqual(len(self.customer_mails(self.grouped)), 3)

    def test_switch_waits_for_the_contact_delay(self):
        """Moved to another plan, the invoice starts afresh, but the reminders it got
        still space the next one: seven days for the invoice, the plan's contact delay
        (five) for the customer."""
        moved = self.grouped_invoice(date(2026, 1, 20), date(2026, 2, 1))
        self.run_job(date(2026, 3, 3))
        moved.dunning_plan_id = self.plan
        results = self.run_job(date(2026, 3, 5))
        self.assertEqual(results[moved].reason, "recent_reminder")
        self.assertEqual(moved.dunning_level, 0)  # starts afresh in the invoice plan
        self.assertEqual(results[moved].next_date, date(2026, 3, 10))
        self.company.dunning_reminder_interval = 0
        moved.dunning_checked_date = False
        results = self.run_job(date(2026, 3, 5))
        self.assertEqual(results[moved].reason, "contact_delay")
        self.assertEqual(results[moved].next_date, date(2026, 3, 8))

    def test_switch_to_a_manual_step(self):
        moved = self.grouped_invoice(date(2026, 1, 20), date(2026, 2, 1))
        self.run_job(date(2026, 2, 11))
        self.run_job(date(2026, 3, 3))
        self.assertEqual(moved.dunning_level, 2)
        call = self.create_plan([(10, None, {"channel": "manual"})], name="Call")
        moved.dunning_plan_id = call
        self.assertEqual(self.run_job(date(2026, 3, 10))[moved].outcome, "todo")
        self.assertEqual((moved.dunning_level, moved.dunning_level_plan_id), (0, call))
        todo = moved.dunning_action_ids.filtered(lambda action: action.state == "todo")
        self.assertEqual(todo.plan_id, call)
        with freeze_time("2026-03-10"):
            todo.action_done()
        self.assertEqual((moved.dunning_level, moved.dunning_last_date), (1, date(2026, 3, 10)))
        self.assertEqual(self.run_job(date(2026, 3, 11))[moved].reason, "plan_completed")

    def test_customer_without_email_gets_one_todo(self):
        self.grouped.email = False
        contact = self.env["res.partner"].create(
            {"name": "Ann", "email": "ann@example.com", "parent_id": self.grouped.id}
        )
        first = self.create_invoice(date(2026, 3, 1), date(2026, 3, 10), partner=contact)
        second = self.grouped_invoice(date(2026, 3, 1), date(2026, 3, 10))
        results = self.run_job(date(2026, 3, 20))
        self.assertEqual(results[first].reason, "no_email")
        todo = first.dunning_action_ids
        self.assertEqual((todo.state, todo.move_ids), ("todo", first | second))
        self.assertFalse(self.customer_mails(self.grouped))

    def test_customer_plan_is_per_company(self):
        other = self.setup_other_company()["company"]
        self.env.user.company_ids |= other
        other.write({"dunning_enabled": True, "dunning_activation_date": date(2026, 1, 1)})
        other.dunning_bank_max_age = 0
        other_plan = self.create_plan([(10, "first")], company_id=other.id, is_default=True)
        self.assertFalse(self.grouped.with_company(other).dunning_plan_id)
        theirs = self.create_invoice(
            date(2026, 3, 1), date(2026, 3, 10), partner=self.grouped, company_id=other.id
        )
        self.assertEqual(theirs.dunning_plan_id, other_plan)
        mine = self.grouped_invoice(date(2026, 3, 1), date(2026, 3, 10))
        results = self.run_job(date(2026, 3, 20))
        self.assertEqual((results[mine].outcome, results[theirs].outcome), ("send", "send"))
        # Each company writes on its own behalf: one mail from each.
        self.assertEqual(len(self.customer_mails(self.grouped)), 1)
        self.assertEqual(len(self.mails_of(theirs)), 1)
        self.assertEqual(mine.dunning_action_ids.company_id, self.company)
        self.assertEqual(theirs.dunning_action_ids.company_id, other)

    def test_multi_currency_totals(self):
        eur = self.setup_other_currency("EUR", rates=[("2026-01-01", 2.0)])
        main_invoice = self.grouped_invoice(date(2026, 3, 1), date(2026, 3, 10), 100.0)
        eur_a = self.grouped_invoice(date(2026, 3, 1), date(2026, 3, 10), 50.0, currency_id=eur.id)
        eur_b = self.grouped_invoice(date(2026, 3, 1), date(2026, 3, 11), 70.0, currency_id=eur.id)
        self.run_job(date(2026, 3, 20))
        mail = self.customer_mails(self.grouped)
        rows, totals = self.table_rows(mail)
        self.assertEqual(set(rows), {main_invoice.name, eur_a.name, eur_b.name})
        self.assertEqual(len(totals), 2)
        self.assertTrue(any("120.00" in total for total in totals))
        self.assertTrue(any("100.00" in total for total in totals))
        action = main_invoice.dunning_action_ids
        self.assertFalse(action.amount_residual)  # several currencies: no single total

    def test_no_customer_plan_and_default_customer_plan(self):
        self.grouped.dunning_plan_mode = "none"
        invoice = self.create_invoice(date(2026, 3, 1), date(2026, 3, 10), partner=self.grouped)
        self.assertEqual(invoice.dunning_plan_id, self.plan)  # back to the default invoice plan
        invoice.dunning_plan_id = False
        self.assertFalse(invoice.dunning_customer_plan_id)
        self.assertEqual(self.run_job(date(2026, 3, 20))[invoice].reason, "no_plan")
        self.grouped.dunning_plan_mode = "default"
        self.customer_plan.is_default = True
        invoice.invalidate_recordset(["dunning_customer_plan_id"])
        self.assertEqual(invoice.dunning_customer_plan_id, self.customer_plan)
        self.assertEqual(self.run_job(date(2026, 3, 23))[invoice].outcome, "send")
        with self.assertRaises(UserError):
            invoice.action_dunning_send_now()

    def test_plans_of_the_wrong_level_are_refused(self):
        invoice = self.grouped_invoice(date(2026, 3, 1), date(2026, 3, 10))
        with self.assertRaises(ValidationError):
            invoice.dunning_plan_id = self.customer_plan
        with self.assertRaises(ValidationError):
            self.customer.dunning_plan_id = self.plan
        with self.assertRaises(ValidationError):
            self.customer_plan.scope = "invoice"  # its templates are customer templates

    def test_bulk_assignment_on_customers(self):
        others = self.env["res.partner"].create(
            [{"name": "Epsilon", "is_company": True}, {"name": "Zeta", "is_company": True}]
        )
        contact = self.env["res.partner"].create({"name": "Eve", "parent_id": others[0].id})
        wizard = (
            self.env["account.dunning.plan.assign"]
            .with_context(active_model="res.partner", active_ids=(others[1] | contact).ids)
            .create({"mode": "custom", "plan_id": self.customer_plan.id})
        )
        self.assertEqual(wizard.record_count, 2)
        wizard.action_apply()
        self.assertEqual(others.mapped("dunning_plan_id"), self.customer_plan)
        self.assertEqual(set(others.mapped("dunning_plan_mode")), {"custom"})
        self.assertEqual(contact._dunning_customer_plan(), self.customer_plan)
        wizard = (
            self.env["account.dunning.plan.assign"]
            .with_context(active_model="res.partner", active_ids=others.ids)
            .create({"mode": "none"})
        )
        wizard.action_apply()
        self.assertEqual(set(others.mapped("dunning_plan_mode")), {"none"})
        self.assertFalse(others[0]._dunning_customer_plan())
        with self.assertRaises(UserError):
            self.env["account.dunning.plan.assign"].with_context(
                active_model="res.partner", active_ids=others.ids
            ).create({"mode": "custom"}).action_apply()

    def test_bulk_assignment_on_invoices(self):
        invoices = self.grouped_invoice(date(2026, 3, 1), date(2026, 3, 10)) | self.grouped_invoice(
            date(2026, 3, 1), date(2026, 3, 10)
        )
        self.env["account.dunning.plan.assign"].with_context(
            active_model="account.move", active_ids=invoices.ids
        ).create({"mode": "default"}).action_apply()
        self.assertEqual(invoices.dunning_plan_id, self.plan)
        self.env["account.dunning.plan.assign"].with_context(
            active_model="account.move", active_ids=invoices.ids
        ).create({"mode": "none"}).action_apply()
        self.assertFalse(invoices.dunning_plan_id)
        bill = self.init_invoice("in_invoice", amounts=[10.0], post=True)
        with self.assertRaises(UserError):
            self.env["account.dunning.plan.assign"].with_context(
                active_model="account.move", active_ids=bill.ids
            ).create({"mode": "custom", "plan_id": self.plan.id}).action_apply()

    def test_query_count_does_not_grow_with_customers(self):
        def measure(count, day):
            partners = self.env["res.partner"].create(
                [
                    {
                        "name": f"Group {i}",
                        "email": f"g{i}@example.com",
                        "dunning_plan_mode": "custom",
                        "dunning_plan_id": self.customer_plan.id,
                    }
                    for i in range(count)
                ]
            )
            moves = waiting = self.env["account.move"]
            for partner in partners:
                for amount in (100.0, 200.0):
                    moves |= self.create_invoice(
                        date(2026, 3, 1), date(2026, 3, 5), amount, partner=partner
                    )
                # Not due yet: not in the mail, and not touched (no access token).
                waiting |= self.create_invoice(
                    date(2026, 3, 1), date(2026, 6, 5), 50.0, partner=partner
                )
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            results = self.run_job(day)
            self.env.flush_all()
            queries = self.env.cr.sql_log_count - before
            self.assertEqual({results[move].outcome for move in moves}, {"send"})
            self.assertFalse(any(waiting.mapped("access_token")))
            moves |= waiting
            self.assertEqual(
                len(
                    self.env["mail.mail"].search(
                        [("model", "=", "res.partner"), ("res_id", "in", partners.ids)]
                    )
                ),
                count,
            )
            moves.button_draft()
            return queries

        measure(2, date(2026, 3, 16))
        self.assertEqual(measure(3, date(2026, 3, 17)), measure(10, date(2026, 3, 18)))

    def test_a_run_for_another_day_states_that_day(self):
        """The command line's ``--date``: a statement of a run for the 11th of March,
        made on another day, lists the days overdue as of the 11th."""
        first = self.grouped_invoice(date(2026, 2, 1), date(2026, 3, 1), 1000.0)
        with freeze_time("2026-04-20"):
            self.env["account.dunning.run"]._run(date=date(2026, 3, 11))
        self.assertEqual(first.dunning_level, 1)
        rows, _totals = self.table_rows(self.customer_mails(self.grouped))
        self.assertEqual(rows[first.name][3], "10")  # not 50


@tagged("post_install", "-at_install")
class TestDunningSafetyChecks(DunningCommon):
    def test_stale_bank_data_holds_every_reminder(self):
        self.company.dunning_bank_max_age = 14
        invoice = self.create_invoice(date(2026, 3, 1), date(2026, 3, 10))
        results = self.run_job(date(2026, 3, 20))
        self.assertEqual(results[invoice].reason, "stale_bank_data")
        self.assertEqual(invoice.dunning_reason_detail, "No bank statement line")
        self.assertFalse(self.mails_of(invoice))
        bank = self.company_data["default_journal_bank"]
        with freeze_time("2026-03-01"):
            self.env["account.bank.statement.line"].create(
                {"journal_id": bank.id, "date": date(2026, 3, 1), "payment_ref": "x", "amount": 5}
            )
        results = self.run_job(date(2026, 3, 21))
        self.assertEqual(results[invoice].reason, "stale_bank_data")
        self.assertEqual(invoice.dunning_reason_detail, "Newest bank statement line: 2026-03-01")
        with freeze_time("2026-03-10"):
            self.env["account.bank.statement.line"].create(
                {"journal_id": bank.id, "date": date(2026, 3, 10), "payment_ref": "y", "amount": 5}
            )
        results = self.run_job(date(2026, 3, 22))
        self.assertEqual(results[invoice].outcome, "send")
        self.assertEqual(len(self.mails_of(invoice)), 1)
        self.assertFalse(invoice.dunning_reason_detail)
        # Off: no check at all.
        other = self.create_invoice(date(2026, 3, 1), date(2026, 3, 10))
        self.company.dunning_bank_max_age = 0
        self.assertEqual(self.run_job(date(2026, 4, 20))[other].outcome, "send")

    def test_unmatched_credit_holds_the_customer(self):
        invoice = self.create_invoice(date(2026, 3, 1), date(2026, 3, 10))
        with freeze_time("2026-03-12"):
            refund = self.env["account.move"].create(
                {
                    "move_type": "out_refund",
                    "partner_id": self.customer.id,
                    "invoice_date": date(2026, 3, 12),
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Credit", "quantity": 1, "price_unit": 30.0, "tax_ids": []}
                        )
                    ],
                }
            )
            refund.action_post()
        results = self.run_job(date(2026, 3, 20))
        self.assertEqual(results[invoice].reason, "unmatched_payments")
        self.assertEqual(invoice.dunning_reason_detail, refund.name)
        self.assertFalse(self.mails_of(invoice))
        # Another customer is not held.
        other = self.create_invoice(
            date(2026, 3, 1),
            date(2026, 3, 10),
            partner=self.env["res.partner"].create({"name": "Other", "email": "o@example.com"}),
        )
        self.assertEqual(self.run_job(date(2026, 3, 21))[other].outcome, "send")
        # Matched: the reminder goes out.
        lines = (invoice | refund).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        lines.reconcile()
        self.assertEqual(self.run_job(date(2026, 3, 23))[invoice].outcome, "send")
        self.assertEqual(len(self.mails_of(invoice)), 1)

    def test_unmatched_check_can_be_switched_off(self):
        invoice = self.create_invoice(date(2026, 3, 1), date(2026, 3, 10))
        with freeze_time("2026-03-12"):
            self.init_invoice(
                "out_refund",
                partner=self.customer,
                amounts=[30.0],
                post=True,
                invoice_date="2026-03-12",
            )
        self.company.dunning_block_unmatched_payments = False
        self.assertEqual(self.run_job(date(2026, 3, 20))[invoice].outcome, "send")

    def test_two_companies_with_their_own_safety_settings(self):
        other = self.setup_other_company()["company"]
        self.env.user.company_ids |= other
        other.write({"dunning_enabled": True, "dunning_activation_date": date(2026, 1, 1)})
        self.create_plan([(10, "first")], company_id=other.id, is_default=True)
        self.assertEqual(other.dunning_bank_max_age, 14)
        self.assertTrue(other.dunning_block_unmatched_payments)
        mine = self.create_invoice(date(2026, 3, 1), date(2026, 3, 10))
        theirs = self.create_invoice(date(2026, 3, 1), date(2026, 3, 10), company_id=other.id)
        results = self.run_job(date(2026, 3, 20))
        self.assertEqual(results[mine].outcome, "send")
        self.assertEqual(results[theirs].reason, "stale_bank_data")
