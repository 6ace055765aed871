# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A customer on dunning credit hold: its quotations are not confirmed, but by a sales
manager giving a reason; the hold lifts once nothing is overdue."""

from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon
from odoo.addons.account_dunning_plans.tests.common import UNTIL_JS, DunningCommon

CONFIRM = (
    UNTIL_JS
    + """
until(() => document.querySelector('button[name=action_confirm]'), (button) => {
    button.click();
    until(() => %(expect)s, () => console.log('test successful'), %(what)s);
}, 'the Confirm button');
"""
)


@tagged("post_install", "-at_install")
class TestSaleCreditHold(DunningCommon, AccountTestInvoicingHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan.step_ids[1].credit_hold = True
        cls.product = cls.env["product.product"].create({"name": "Widget", "list_price": 50.0})

    def quotation(self):
        return self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [Command.create({"product_id": self.product.id})],
            }
        )

    def hold(self):
        invoice = self.create_invoice(date(2026, 1, 5), date(2026, 2, 5), 1000.0)
        # The whole run, not the scheduled job (which may enqueue its work instead
        # when account_dunning_plans_queue is installed too).
        with freeze_time("2026-02-15"):
            self.env["account.dunning.run"]._run(date=date(2026, 2, 15))
        self.assertTrue(self.customer.dunning_credit_hold)
        return invoice

    def test_held_customer_orders_wait_for_a_manager(self):
        invoice = self.hold()
        order = self.quotation()
        self.assertTrue(order.dunning_credit_hold)
        with self.assertRaisesRegex(UserError, "on credit hold"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")
        salesman = new_test_user(self.env, "salesman", groups="sales_team.group_sale_salesman")
        wizard = (
            self.env["sale.order.credit.hold"]
            .with_user(salesman)
            .sudo()
            .create({"order_ids": [Command.set(order.ids)], "reason": "Paid cash"})
        )
        with self.assertRaises(AccessError):
            wizard.with_user(salesman).action_confirm()
        result = order.action_dunning_confirm_despite_hold()
        wizard = (
            self.env["sale.order.credit.hold"]
            .with_context(**result["context"])
            .create({"reason": "Prepaid by bank transfer"})
        )
        wizard.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertIn("Prepaid by bank transfer", order.message_ids[0].body)
        # Paid: the hold lifts, the next order goes through.
        self.pay(invoice, 1000.0, date(2026, 2, 20))
        self.assertFalse(self.customer.dunning_credit_hold)
        self.quotation().action_confirm()

    def test_the_hold_blocks_then_releases_in_the_browser(self):
        invoice = self.hold()
        order = self.quotation()
        url = f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}"
        self.browser_js(
            url,
            CONFIRM
            % {
                "expect": "[...document.querySelectorAll('.modal')].find("
                "(m) => m.textContent.includes('is on credit hold'))",
                "what": "'the credit hold message'",
            },
            ready="!!document.querySelector('.o_form_view .o_form_statusbar')",
            login=self.env.user.login,
            timeout=120,
        )
        self.assertEqual(order.state, "draft")
        with freeze_time("2026-02-20"):
            self.pay(invoice, 1000.0, date(2026, 2, 20))
        self.assertFalse(self.customer.dunning_credit_hold)
        self.browser_js(
            url,
            CONFIRM
            % {
                "expect": "document.querySelector('.o_statusbar_status "
                "button.o_arrow_button_current[data-value=sale]')",
                "what": "'the confirmed order'",
            },
            ready="!!document.querySelector('.o_form_view .o_form_statusbar')",
            login=self.env.user.login,
            timeout=120,
        )
        self.assertEqual(order.state, "sale")
