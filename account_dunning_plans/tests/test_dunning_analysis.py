# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Analytics: which reminder gets paid, and where the money is stuck."""

from datetime import date

from odoo.tests import freeze_time, tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningAnalysis(DunningCommon):
    def test_recovery_per_step(self):
        """Paid 400 after 5 days and the rest after 20: recovered within 30 days, not
        within 7; the other invoice never paid; a reminder too young counts nowhere."""
        paid = self.create_invoice(date(2026, 3, 1), date(2026, 3, 10), 1000.0)
        unpaid = self.create_invoice(
            date(2026, 3, 1),
            date(2026, 3, 10),
            500.0,
            partner=self.env["res.partner"].create({"name": "Beta", "email": "b@example.com"}),
        )
        self.run_job(date(2026, 3, 20))  # the first reminder of both (step 2 of the plan)
        self.pay(paid, 400, date(2026, 3, 25))
        self.pay(paid, 600, date(2026, 4, 9))
        self.enterContext(freeze_time("2026-05-01"))
        Analysis = self.env["account.dunning.analysis"]
        rows = Analysis.search([("move_id", "in", (paid | unpaid).ids)])
        self.assertEqual(len(rows), 2)
        row = rows.filtered(lambda r: r.move_id == paid)
        self.assertRecordValues(
            row,
            [
                {
                    "date": date(2026, 3, 20),
                    "step_id": self.plan.step_ids[1].id,
                    "amount_reminded": 1000.0,
                    "paid_7": 400.0,
                    "paid_14": 400.0,
                    "paid_30": 1000.0,
                    "recovered_7": 0.0,
                    "recovered_30": 1.0,
                    "reminders": 1.0,
                }
            ],
        )
        groups = Analysis.read_group(
            [("move_id", "in", (paid | unpaid).ids)],
            ["reminders:sum", "amount_reminded:sum", "paid_30:sum", "recovered_30:avg"],
            ["step_id"],
        )
        self.assertEqual(len(groups), 1)
        self.assertEqual(groups[0]["reminders"], 2.0)
        self.assertEqual(groups[0]["amount_reminded"], 1500.0)
        self.assertEqual(groups[0]["paid_30"], 1000.0)
        self.assertEqual(groups[0]["recovered_30"], 0.5)  # one of the two paid in full

        # Seen on 04/01: the 30 days are not over, the share is not known yet.
        with freeze_time("2026-04-01"):
            self.env.invalidate_all()
            row = self.env["account.dunning.analysis"].search([("move_id", "=", paid.id)])
            self.assertEqual(row.recovered_7, 0.0)
            self.assertFalse(row.recovered_30)
            groups = self.env["account.dunning.analysis"].read_group(
                [("move_id", "in", (paid | unpaid).ids)], ["recovered_30:avg"], []
            )
            self.assertFalse(groups[0]["recovered_30"])

    def test_statement_counts_once(self):
        """A customer-level statement listing two invoices is one reminder."""
        plan = self.create_plan([(10, "customer")], name="Grouped", scope="customer")
        group = self.env["res.partner"].create(
            {
                "name": "Group",
                "email": "g@example.com",
                "dunning_plan_mode": "custom",
                "dunning_plan_id": plan.id,
            }
        )
        invoices = self.create_invoice(
            date(2026, 3, 1), date(2026, 3, 10), 100.0, partner=group
        ) | self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), 200.0, partner=group)
        self.run_job(date(2026, 3, 20))
        groups = self.env["account.dunning.analysis"].read_group(
            [("move_id", "in", invoices.ids)], ["reminders:sum", "amount_reminded:sum"], []
        )
        self.assertEqual((groups[0]["reminders"], groups[0]["amount_reminded"]), (1.0, 300.0))

    def test_overdue_by_level_and_age(self):
        self.enterContext(freeze_time("2026-06-15"))
        not_due = self.create_invoice(date(2026, 6, 1), date(2026, 7, 1), 100.0)
        recent = self.create_invoice(date(2026, 5, 1), date(2026, 6, 1), 200.0)
        old = self.create_invoice(date(2026, 1, 1), date(2026, 2, 1), 300.0)
        old.dunning_level = 3
        Aging = self.env["account.dunning.aging"]
        rows = Aging.search([("move_id", "in", (not_due | recent | old).ids)])
        self.assertEqual(
            {row.move_id: (row.age, row.days_overdue, row.level) for row in rows},
            {not_due: ("0_not_due", 0, 0), recent: ("1_30", 14, 0), old: ("4_older", 134, 3)},
        )
        groups = Aging.read_group(
            [("move_id", "in", rows.move_id.ids), ("age", "!=", "0_not_due")],
            ["amount_due:sum"],
            ["level"],
        )
        self.assertEqual({g["level"]: g["amount_due"] for g in groups}, {0: 200.0, 3: 300.0})
