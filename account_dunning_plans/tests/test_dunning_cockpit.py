# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The accountant's cockpit: the customers to chase and a customer's follow-up
statement, in the customer's language and amounts."""

from datetime import date

from odoo.tests import Form, freeze_time, tagged

from .common import DunningCommon

TODAY = date(2026, 3, 20)


@tagged("post_install", "-at_install")
class TestDunningCockpit(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.beta = cls.env["res.partner"].create(
            {"name": "Beta Bakery", "email": "beta@example.com", "user_id": cls.env.uid}
        )

    def setUp(self):
        super().setUp()
        # Alpha: one overdue (first reminder due today), one not due yet.
        self.overdue = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), 500.0)
        self.not_due = self.create_invoice(date(2026, 3, 2), date(2026, 4, 10), 300.0)
        # Beta: one invoice overdue since 01/03, paused.
        self.beta_invoice = self.create_invoice(
            date(2026, 2, 1), date(2026, 3, 1), 250.0, partner=self.beta
        )
        self.enterContext(freeze_time(TODAY))
        self.beta_invoice.write({"dunning_paused": True, "dunning_pause_until": date(2026, 4, 1)})
        # Alpha's status as of today (posting decided it on 02/03).
        self.env["account.dunning.run"]._refresh_status(self.overdue)

    def rows(self, domain=()):
        Customer = self.env["account.dunning.customer"]
        self.env.flush_all()
        return {
            row.partner_id: row
            for row in Customer.search([("company_id", "=", self.company.id), *domain])
        }

    def test_customers_to_chase(self):
        rows = self.rows()
        alpha, beta = rows[self.customer], rows[self.beta]
        self.assertEqual((alpha.invoice_count, alpha.overdue_count), (2, 1))
        self.assertEqual((alpha.amount_due, alpha.amount_overdue), (800.0, 500.0))
        self.assertEqual((alpha.days_overdue, alpha.next_date), (10, TODAY))
        self.assertEqual(alpha.next_reason, "step_due")
        self.assertEqual(alpha.held_count, 0)
        self.assertEqual((beta.days_overdue, beta.held_count, beta.held_reason), (19, 1, "paused"))
        self.assertEqual(beta.user_id, self.env.user)
        # The filters of the screen.
        today = TODAY.isoformat()
        self.assertEqual(set(self.rows([("next_date", "<=", today)])), {self.customer})
        self.assertEqual(set(self.rows([("held_count", ">", 0)])), {self.beta})
        # Paid: the customer leaves the list.
        self.pay(self.beta_invoice, 250.0, TODAY)
        self.assertNotIn(self.beta, self.rows())

    def test_manual_actions_are_counted(self):
        self.overdue.dunning_plan_id = self.create_plan([(10, "first", {"channel": "manual"})])
        self.run_job(TODAY)
        row = self.rows()[self.customer]
        self.assertEqual(row.todo_count, 1)
        self.assertEqual(row.level, 0, "a to-do not done yet moves no level")
        statement = self.customer.with_company(self.company)
        self.assertEqual(len(statement.dunning_todo_action_ids), 1)
        statement.dunning_todo_action_ids.action_done()
        self.assertEqual(self.rows()[self.customer].todo_count, 0)
        self.assertEqual(self.rows()[self.customer].level, 1)

    def test_statement_from_the_list_the_customer_and_the_invoice(self):
        view = self.env.ref("account_dunning_plans.res_partner_view_form_dunning_statement")
        for action in (
            self.rows()[self.customer].action_open_statement(),
            self.customer.action_dunning_statement(),
            self.overdue.action_dunning_statement(),
        ):
            self.assertEqual(
                (action["res_model"], action["res_id"]), ("res.partner", self.customer.id)
            )
            self.assertEqual(action["views"], [(view.id, "form")])
        statement = self.customer.with_company(self.company)
        self.assertEqual(statement.dunning_open_invoice_ids, self.overdue | self.not_due)
        self.assertEqual(statement.dunning_statement_totals, "$\xa0800.00")
        # The screen opens with its buttons and lists (its view is valid for this user).
        form = Form(statement, view=view)
        self.assertEqual(len(form.dunning_open_invoice_ids), 2)
        # Block and unblock from the statement: the status follows at once.
        statement.action_dunning_block()
        self.assertEqual(self.overdue.dunning_reason, "customer_blocked")
        statement.action_dunning_unblock()
        self.assertEqual(self.overdue.dunning_reason, "step_due")

    def test_statement_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), 1234.5, currency_id=eur.id)
        statement = self.customer.with_company(self.company).with_context(lang="fr_FR")
        totals = statement.dunning_statement_totals
        self.assertIn("1\xa0234,50\xa0€", totals)
        self.assertIn("800,00", totals)
        # The screens speak French too (labels and statuses of the new views' fields).
        self.env["ir.module.module"]._load_module_terms(
            ["account_dunning_plans"], ["fr_FR"], overwrite=True
        )
        Customer = self.env["account.dunning.customer"].with_context(lang="fr_FR")
        described = Customer.fields_get(["held_reason", "user_id"])
        self.assertEqual(described["held_reason"]["string"], "Retenu par")
        self.assertIn(("paused", "Relances en pause"), described["held_reason"]["selection"])
        self.assertEqual(described["user_id"]["string"], "Responsable")

    def test_invoice_list_status_cell_and_groupings(self):
        self.assertEqual(self.overdue.dunning_status, "Step due")
        mute = self.env["res.partner"].create({"name": "No Mail Ltd"})
        invoice = self.create_invoice(date(2026, 3, 2), date(2026, 4, 10), 90.0, partner=mute)
        self.env["account.dunning.run"]._refresh_status(invoice)
        self.assertEqual(invoice.dunning_reason, "not_due")
        self.assertEqual(invoice.dunning_status, "Next step not due yet · no e-mail")
        due = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), 90.0, partner=mute)
        self.env["account.dunning.run"]._refresh_status(due)
        self.assertEqual(due.dunning_reason, "no_email", "said once, not twice")
        self.assertNotIn("·", due.dunning_status)
        # The list shows level, next reminder and status by default; group by plan, level.
        Move = self.env["account.move"]
        arch = Move.get_views([(False, "list"), (False, "search")])["views"]
        list_arch, search_arch = arch["list"]["arch"], arch["search"]["arch"]
        for name in ("dunning_level", "dunning_next_date", "dunning_status"):
            self.assertIn(f'name="{name}" optional="show"', list_arch.replace("\n", ""))
        self.assertNotIn('string="No e-mail"', list_arch)
        self.assertIn("group_dunning_plan", search_arch)
        groups = Move.read_group(
            [("id", "in", (self.overdue | self.not_due | invoice | due).ids)],
            ["dunning_plan_id"],
            ["dunning_plan_id", "dunning_level"],
            lazy=False,
        )
        self.assertEqual(sum(group["__count"] for group in groups), 4)

    def test_customer_list_actions_and_the_pause_dialog(self):
        customers = self.customer | self.beta
        # The pause dialog says how many it pauses.
        action = customers.action_dunning_pause()
        form = Form(self.env[action["res_model"]].with_context(**action["context"]))
        self.assertEqual(form.record_count, 2)
        # Block and Resume sit in the customer list's actions beside Pause and Unblock.
        bound = self.env["ir.actions.server"].search(
            [("binding_model_id.model", "=", "res.partner"), ("state", "=", "code")]
        )
        names = set(bound.mapped("name"))
        self.assertTrue({"Pause dunning", "Resume dunning", "Block reminders"} <= names)
        block = self.env.ref("account_dunning_plans.action_server_dunning_block_partners")
        block.with_context(active_model="res.partner", active_ids=customers.ids).run()
        self.assertTrue(all(customers.mapped("dunning_blocked")))
        self.assertEqual(self.overdue.dunning_reason, "customer_blocked")
        customers.write({"dunning_paused": True})
        resume = self.env.ref("account_dunning_plans.action_server_dunning_resume_partners")
        resume.with_context(active_model="res.partner", active_ids=customers.ids).run()
        self.assertFalse(any(customers.mapped("dunning_paused")))

    def test_no_plan_warns_about_overdue_invoices(self):
        self.overdue.dunning_plan_id = False  # reminded by the customer's plan
        Assign = self.env["account.dunning.plan.assign"]
        for model, records, expected in (
            ("res.partner", self.customer, "1 overdue invoices of these customers"),
            ("account.move", self.overdue | self.not_due, "1 of these invoices are overdue"),
        ):
            with Form(Assign.with_context(active_model=model, active_ids=records.ids)) as form:
                self.assertFalse(form.overdue_warning)
                form.mode = "none"
                self.assertIn(expected, form.overdue_warning)
                form.mode = "default"
                self.assertFalse(form.overdue_warning)

    def test_customer_plan_changes_are_logged(self):
        plan = self.create_plan([(10, "customer")], name="Grouped", scope="customer")
        customer = self.beta.with_company(self.company)
        customer.write({"dunning_plan_mode": "custom", "dunning_plan_id": plan.id})
        customer.write({"dunning_plan_mode": "none"})
        notes = customer.message_ids.filtered(
            lambda message: "Customer-level dunning" in str(message.body)
        ).sorted("id")
        self.assertEqual(len(notes), 2)
        self.assertIn(f"Company default → {plan.display_name}", str(notes[0].body))
        self.assertIn(f"{plan.display_name} → No customer-level dunning", str(notes[1].body))
        self.assertEqual(notes.subtype_id, self.env.ref("mail.mt_note"))
