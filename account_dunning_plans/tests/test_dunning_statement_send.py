# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A customer's statement sent by hand ("Send by e-mail" on the statement): the next
e-mail step of the customer-level plan and of each invoice with its own plan, in one
mail written in the composer, through the engine's holds."""

from datetime import date

from odoo.exceptions import UserError
from odoo.tests import freeze_time, tagged

from .common import DunningCommon

TODAY = date(2026, 3, 20)


@tagged("post_install", "-at_install")
class TestStatementSend(DunningCommon):
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
    def send(self, partner, edit=None, confirm=False):
        """Click "Send by e-mail" on ``partner``'s statement today, tick every hold of
        the dialog if ``confirm``, and send the composer after ``edit(composer)``.
        Returns the composer."""
        with freeze_time(TODAY):
            result = partner.action_dunning_send_statement()
            if result["res_model"] == "account.dunning.send":
                dialog = self.env["account.dunning.send"].browse(result["res_id"])
                if confirm:
                    dialog.hold_ids.confirmed = True
                result = dialog.action_send()
            return self.send_composed(result, edit)

    def sent_to(self, partner, model="res.partner"):
        """Messages sent by e-mail to ``partner`` on its own thread (or ``model``'s)."""
        return self.env["mail.message"].search(
            [
                ("model", "=", model),
                ("message_type", "=", "comment"),
                ("partner_ids", "in", partner.ids),
            ]
        )

    def actions_of(self, partner):
        return self.env["account.dunning.action"].search([("partner_id", "=", partner.id)])

    # == customer-level plan ==
    def test_customer_level_statement_is_composed_then_recorded(self):
        """A customer-level customer can be reminded by hand: the plan's next step for
        every invoice due, in the composer; Send records it like the nightly job."""
        first = self.create_invoice(
            date(2026, 1, 10), date(2026, 2, 10), 700.0, partner=self.grouped
        )
        second = self.create_invoice(
            date(2026, 3, 1), date(2026, 3, 15), 300.0, partner=self.grouped
        )
        later = self.create_invoice(
            date(2026, 3, 15), date(2026, 4, 15), 100.0, partner=self.grouped
        )
        with freeze_time(TODAY):
            result = self.grouped.action_dunning_send_statement()
            composer = self.env["mail.compose.message"].browse(result["res_id"])
            self.assertEqual((composer.model, composer.partner_ids), ("res.partner", self.grouped))
            self.assertIn(first.name, composer.body)
            self.assertIn(second.name, composer.body)
            self.assertNotIn(later.name, composer.body, "not due yet: not listed")
            self.assertFalse(self.sent_to(self.grouped), "nothing leaves before Send")
        self.send(self.grouped)
        message = self.sent_to(self.grouped)
        self.assertEqual(len(message), 1)
        action = self.actions_of(self.grouped)
        self.assertRecordValues(
            action,
            [{"plan_id": self.customer_plan.id, "origin": "manual", "state": "done", "level": 1}],
        )
        self.assertEqual(action.move_ids, first | second)
        self.assertEqual(action.mail_message_id, message)
        self.assertEqual(
            (first.dunning_level, second.dunning_level, later.dunning_level), (1, 1, 0)
        )
        self.assertEqual(first.dunning_last_date, TODAY)
        # Noted on each invoice it reminds, and the status is true at once.
        for invoice in first | second:
            notes = invoice.message_ids.filtered(lambda m: "Reminded (level 1)" in (m.body or ""))
            self.assertEqual(len(notes), 1, invoice.name)
        # Step 2 is past due: next after the company's 7 days between two reminders.
        self.assertEqual(first.dunning_next_date, date(2026, 3, 27))

    def test_holds_of_the_group_and_of_its_invoices_are_confirmed(self):
        """The customer's pause and an invoice's dispute hold the statement: a dialog
        lists them; it goes out only once each is ticked, and its action notes them."""
        disputed = self.create_invoice(date(2026, 1, 10), date(2026, 2, 10), partner=self.grouped)
        other = self.create_invoice(date(2026, 2, 1), date(2026, 3, 1), partner=self.grouped)
        with freeze_time(TODAY):
            disputed.dunning_disputed = True
            self.grouped.write({"dunning_paused": True, "dunning_pause_until": date(2026, 4, 30)})
            result = self.grouped.action_dunning_send_statement()
            dialog = self.env["account.dunning.send"].browse(result["res_id"])
            self.assertEqual(dialog.partner_id, self.grouped)
            self.assertEqual(set(dialog.hold_ids.mapped("reason")), {"disputed", "paused"})
            dialog.hold_ids[0].confirmed = True
            with self.assertRaisesRegex(UserError, "Tick each reason"):
                dialog.action_send()
        self.send(self.grouped, confirm=True)
        action = self.actions_of(self.grouped)
        self.assertEqual(action.move_ids, disputed | other)
        self.assertIn("Sent by hand despite", action.note)
        self.assertEqual(len(self.sent_to(self.grouped)), 1)

    def test_a_payment_while_composing_is_caught(self):
        invoice = self.create_invoice(
            date(2026, 1, 10), date(2026, 2, 10), 400.0, partner=self.grouped
        )
        with freeze_time(TODAY):
            result = self.grouped.action_dunning_send_statement()
        self.pay(invoice, 400.0, TODAY)
        composer = (
            self.env["mail.compose.message"]
            .browse(result["res_id"])
            .with_context(**result["context"])
        )
        with freeze_time(TODAY), self.assertRaisesRegex(UserError, "no open invoice"):
            composer.action_send_mail()
        self.assertFalse(self.sent_to(self.grouped))
        self.assertFalse(self.actions_of(self.grouped))

    # == invoice-level plans ==
    def test_invoice_level_steps_leave_as_one_statement(self):
        """Two invoices with their own plan: one statement, each invoice's own step
        recorded with the message the person wrote."""
        first = self.create_invoice(date(2026, 1, 10), date(2026, 2, 10), 700.0)
        second = self.create_invoice(date(2026, 2, 1), date(2026, 3, 12), 300.0)

        def edit(composer):
            self.assertIn(first.name, composer.body)
            self.assertIn(second.name, composer.body)
            composer.body = "<p>Please settle both invoices.</p>"

        self.send(self.customer, edit)
        message = self.sent_to(self.customer)
        self.assertEqual(len(message), 1)
        self.assertIn("Please settle both invoices.", message.body)
        actions = (first | second).dunning_action_ids
        self.assertRecordValues(
            actions.sorted(lambda action: action.move_ids.id),
            [
                {
                    "plan_id": self.plan.id,
                    "origin": "manual",
                    "level": 2,
                    "mail_message_id": message.id,
                }
            ]
            * 2,
        )
        # The courtesy step (before the due date) is past: each goes to "first", level 2.
        self.assertEqual((first.dunning_level, second.dunning_level), (2, 2))

    def test_one_invoice_alone_is_its_own_reminder(self):
        invoice = self.create_invoice(date(2026, 1, 10), date(2026, 2, 10))
        with freeze_time(TODAY):
            result = self.customer.action_dunning_send_statement()
        self.assertEqual(result["context"]["dunning_send_move_id"], invoice.id)
        self.send(self.customer)
        self.assertEqual(len(self.sent_to(self.customer, "account.move")), 1)
        self.assertEqual(invoice.dunning_action_ids.origin, "manual")

    def test_nothing_to_send_says_why(self):
        with freeze_time(TODAY), self.assertRaisesRegex(UserError, "no open invoice"):
            self.customer.action_dunning_send_statement()
        invoice = self.create_invoice(date(2026, 1, 10), date(2026, 2, 10))
        invoice.dunning_level = 4
        with freeze_time(TODAY), self.assertRaisesRegex(UserError, "Every step of the plan"):
            self.customer.action_dunning_send_statement()
        # A letter step next: the statement sends no e-mail for it.
        invoice.dunning_level = 0
        self.plan.step_ids.channel = "letter"
        with freeze_time(TODAY), self.assertRaisesRegex(UserError, "letters or manual tasks"):
            self.customer.action_dunning_send_statement()

    # == several customers at once ==
    def test_statements_of_several_customers(self):
        """The list action of the customers to chase: a customer held by something is
        left out unless ticked, one with nothing to send says why, the others' statements
        are queued from their templates and recorded as sent by hand."""
        paused = self.env["res.partner"].create({"name": "Delta Paused", "email": "d@example.com"})
        settled = self.env["res.partner"].create(
            {"name": "Epsilon Settled", "email": "e@example.com"}
        )
        alpha = self.create_invoice(date(2026, 1, 10), date(2026, 2, 10))
        gamma = self.create_invoice(date(2026, 1, 10), date(2026, 2, 10), partner=self.grouped)
        held = self.create_invoice(date(2026, 1, 10), date(2026, 2, 10), partner=paused)
        done = self.create_invoice(date(2026, 1, 10), date(2026, 2, 10), partner=settled)
        done.dunning_level = 4
        with freeze_time(TODAY):
            held.write({"dunning_paused": True, "dunning_pause_until": date(2026, 4, 30)})
            self.env.flush_all()
            rows = self.env["account.dunning.customer"].search(
                [("partner_id", "in", (self.customer | self.grouped | paused | settled).ids)]
            )
            result = rows.action_send_statements()
            batch = self.env["account.dunning.send.batch"].browse(result["res_id"])
            lines = {line.partner_id: line for line in batch.line_ids}
            self.assertEqual(len(lines), 4)
            self.assertTrue(lines[self.customer].send and lines[self.grouped].send)
            self.assertFalse(lines[paused].send)
            self.assertEqual(lines[paused].holds, "Dunning paused")
            self.assertFalse(lines[settled].send)
            self.assertIn("Every step of the plan", lines[settled].error)
            result = batch.action_send()
            self.assertEqual(result["params"]["type"], "success")
            self.assertIn("2 statements", result["params"]["message"])
        self.assertEqual(alpha.dunning_action_ids.origin, "manual")
        self.assertEqual(self.actions_of(self.grouped).move_ids, gamma)
        self.assertFalse(held.dunning_action_ids)
        # Queued from their templates: the invoice's step, the customer-level statement.
        self.assertEqual(len(self.mails_of(alpha)), 1)
        self.assertEqual(
            self.env["mail.mail"].search_count(
                [("model", "=", "res.partner"), ("res_id", "=", self.grouped.id)]
            ),
            1,
        )
        # Ticked: the paused customer's statement goes out, its action noting the pause.
        with freeze_time(TODAY):
            result = rows.filtered(lambda row: row.partner_id == paused).action_send_statements()
            batch = self.env["account.dunning.send.batch"].browse(result["res_id"])
            with self.assertRaisesRegex(UserError, "Tick the customers"):
                batch.action_send()
            batch.line_ids.send = True
            batch.action_send()
        self.assertIn("Sent by hand despite: Dunning paused", held.dunning_action_ids.note)
