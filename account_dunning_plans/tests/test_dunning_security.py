# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who may see and change plans and actions."""

from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningSecurity(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        common = {"company_id": cls.company.id, "company_ids": [cls.company.id]}
        cls.billing = new_test_user(
            cls.env, "dunning_billing", groups="account.group_account_invoice", **common
        )
        cls.manager = new_test_user(
            cls.env, "dunning_manager", groups="account.group_account_manager", **common
        )
        cls.salesman = new_test_user(cls.env, "dunning_sales", groups="base.group_user", **common)

    def test_plans(self):
        self.assertEqual(self.plan.with_user(self.billing).name, "Test plan")
        with self.assertRaises(AccessError):
            self.plan.with_user(self.billing).name = "Changed"
        self.plan.with_user(self.manager).name = "Changed"
        with self.assertRaises(AccessError):
            self.plan.with_user(self.salesman).read(["name"])

    def test_billing_user_runs_todos(self):
        customer = self.env["res.partner"].create({"name": "No Mail"})
        invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), partner=customer)
        self.run_job(date(2026, 3, 20))
        todo = invoice.dunning_action_ids.with_user(self.billing)
        todo.action_done()
        self.assertEqual(todo.state, "done")
        with self.assertRaises(AccessError):
            todo.unlink()
        with self.assertRaises(AccessError):
            todo.with_user(self.salesman).read(["state"])

    def test_companies_never_see_each_other(self):
        other = self.setup_other_company()["company"]
        other_plan = self.create_plan([(0, "first")], company_id=other.id)
        plans = self.env["account.dunning.plan"].with_user(self.manager).search([])
        self.assertIn(self.plan, plans)
        self.assertNotIn(other_plan, plans)
