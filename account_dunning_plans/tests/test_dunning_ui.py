# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The invoice form's Dunning tab in a real (headless) browser."""

from datetime import date

from odoo.tests import freeze_time, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon

from .common import UNTIL_JS, DunningCommon

CHECK_DUNNING_TAB = """
const tab = [...document.querySelectorAll('.o_notebook .nav-link')]
    .find((link) => link.textContent.trim() === 'Dunning');
if (!tab) {
    console.error('no Dunning tab on the invoice form');
} else {
    tab.click();
    setTimeout(() => {
        const page = document.querySelector('.o_notebook .tab-pane.active');
        const ok = page
            && page.querySelector('button[name=action_dunning_send_now]')
            && page.querySelector('button[name=action_dunning_send_test]')
            && page.querySelector('div[name=dunning_plan_id] input').value === 'Test plan';
        if (ok) {
            console.log('test successful');
        } else {
            console.error('Dunning tab incomplete: ' + (page && page.textContent));
        }
    }, 1000);
}
"""


@tagged("post_install", "-at_install")
class TestDunningUi(DunningCommon, AccountTestInvoicingHttpCommon):
    def test_invoice_form_dunning_tab(self):
        invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10))
        self.browser_js(
            f"/odoo/action-account.action_move_out_invoice_type/{invoice.id}",
            CHECK_DUNNING_TAB,
            ready="!!document.querySelector('.o_form_view .o_notebook')",
            login=self.env.user.login,
            timeout=120,
        )


CHECK_PARTNER_FORM = """
const button = document.querySelector('button[name=action_view_dunning_actions]');
const tab = [...document.querySelectorAll('.o_notebook .nav-link')]
    .find((link) => link.textContent.trim() === 'Sales & Purchase');
if (!button || !tab) {
    console.error('no Reminders button or no Sales & Purchase tab on the customer form');
} else {
    tab.click();
    setTimeout(() => {
        const mode = document.querySelector('div[name=dunning_plan_mode]');
        const plan = document.querySelector('div[name=dunning_plan_id] input');
        if (mode && mode.textContent.includes('Specific plan') && plan && plan.value === 'Grouped'
            && button.textContent.includes('Reminders')) {
            console.log('test successful');
        } else {
            console.error('customer-level dunning not shown: ' + (mode && mode.textContent));
        }
    }, 1000);
}
"""


@tagged("post_install", "-at_install")
class TestDunningPartnerUi(DunningCommon, AccountTestInvoicingHttpCommon):
    def test_customer_form_shows_customer_level(self):
        plan = self.create_plan([(10, "customer")], name="Grouped", scope="customer")
        customer = self.env["res.partner"].create(
            {"name": "Gamma", "is_company": True, "email": "g@example.com"}
        )
        customer.dunning_plan_id = plan
        self.browser_js(
            f"/odoo/action-account.res_partner_action_customer/{customer.id}",
            CHECK_PARTNER_FORM,
            ready="!!document.querySelector('.o_form_view .o_notebook')",
            login=self.env.user.login,
            timeout=120,
        )


CHECK_ACTIVATION = """
const button = document.querySelector('button[name=action_dunning_activation]');
if (!button) {
    console.error('no Activation assistant button in the settings');
} else {
    button.click();
    const started = Date.now();
    const wait = setInterval(() => {
        const dialog = document.querySelector('.modal');
        if (dialog && dialog.querySelector('.o_form_view .o_statusbar_status')
                && dialog.querySelector('div[name=default_plan_id]')
                && dialog.querySelector('button[name=action_plans_next]')) {
            clearInterval(wait);
            console.log('test successful');
        } else if (Date.now() - started > 20000) {
            clearInterval(wait);
            console.error('the activation assistant did not open: '
                + (document.querySelector('.modal') || document.body).textContent.slice(0, 300));
        }
    }, 250);
}
"""

CHECK_PIVOT = """
const cells = document.querySelectorAll('.o_pivot table .o_pivot_header_cell_closed, '
    + '.o_pivot table .o_pivot_header_cell_opened');
if (document.querySelector('.o_pivot table') && cells.length) {
    console.log('test successful');
} else {
    console.error('no dunning analysis: ' + document.body.textContent.slice(0, 300));
}
"""


@tagged("post_install", "-at_install")
class TestDunningCockpitUi(DunningCommon, AccountTestInvoicingHttpCommon):
    def test_activation_assistant_opens_from_the_settings(self):
        # The settings are saved before the button runs: the test company's cash basis
        # taxes need the matching setting.
        self.company.write({"dunning_enabled": False, "tax_exigibility": True})
        self.env.user.groups_id |= self.env.ref("account.group_account_manager")
        self.browser_js(
            "/odoo/action-account.action_account_config",
            CHECK_ACTIVATION,
            ready="!!document.querySelector('button[name=action_dunning_activation]')",
            login=self.env.user.login,
            timeout=120,
        )

    def test_recovery_analysis_renders(self):
        self.create_invoice(date(2026, 3, 1), date(2026, 3, 10), 1000.0)
        self.run_job(date(2026, 3, 20))
        for action in ("account_dunning_analysis_action", "account_dunning_aging_action"):
            with self.subTest(action=action):
                self.browser_js(
                    f"/odoo/action-account_dunning_plans.{action}",
                    CHECK_PIVOT,
                    ready="!!document.querySelector('.o_pivot table')",
                    login=self.env.user.login,
                    timeout=120,
                )


SEND_FROM_THE_DUNNING_TAB = (
    UNTIL_JS
    + """
const tab = [...document.querySelectorAll('.o_notebook .nav-link')]
    .find((link) => link.textContent.trim() === 'Dunning');
tab.click();
until(() => document.querySelector('button[name=action_dunning_send_now]'), (button) => {
    button.click();
    until(() => {
        const subject = document.querySelector('.modal div[name=subject] input');
        return subject && subject.value.includes('reminder for invoice') && subject;
    }, () => {
        document.querySelector('.modal button.o_mail_send').click();
        until(() => !document.querySelector('.modal'), () => console.log('test successful'),
            'the composer to close');
    }, "the step's mail in the composer");
}, 'the Send reminder now button');
"""
)


@tagged("post_install", "-at_install")
class TestDunningSendUi(DunningCommon, AccountTestInvoicingHttpCommon):
    def test_send_reminder_now_through_the_composer(self):
        """The invoice's Dunning tab: Send reminder now opens the step's mail in the
        composer; Send records the reminder."""
        invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10))
        # Eleven days overdue on the 21st: the first reminder, nothing holding it.
        self.env["account.dunning.run"]._refresh_status(invoice)
        with freeze_time("2026-03-21"):
            self.browser_js(
                f"/odoo/action-account.action_move_out_invoice_type/{invoice.id}",
                SEND_FROM_THE_DUNNING_TAB,
                ready="!!document.querySelector('.o_form_view .o_notebook')",
                login=self.env.user.login,
                timeout=120,
            )
        action = invoice.dunning_action_ids
        self.assertEqual((action.state, action.origin, action.level), ("done", "manual", 2))
        self.assertIn("reminder for invoice", action.mail_message_id.subject)


SEND_THE_STATEMENT = (
    UNTIL_JS
    + """
until(() => [...document.querySelectorAll('.o_data_row')]
    .find((row) => row.textContent.includes('Gamma Group')), (row) => {
    row.querySelector('td.o_data_cell').click();
    until(() => document.querySelector('button[name=action_dunning_send_statement]'), (button) => {
        button.click();
        until(() => {
            const subject = document.querySelector('.modal div[name=subject] input');
            return subject && subject.value.includes('overdue invoices') && subject;
        }, () => {
            const body = document.querySelector('.modal div[name=body]').textContent;
            if (!body.includes('INV/2026/00001') || !body.includes('INV/2026/00002')) {
                console.error('the statement does not list both invoices: ' + body.slice(0, 300));
                return;
            }
            document.querySelector('.modal button.o_mail_send').click();
            until(() => !document.querySelector('.modal'), () => console.log('test successful'),
                'the composer to close');
        }, 'the statement in the composer');
    }, 'the Send by e-mail button of the statement');
}, "the customer's line in Customers to chase");
"""
)


@tagged("post_install", "-at_install")
class TestDunningStatementUi(DunningCommon, AccountTestInvoicingHttpCommon):
    def test_send_the_statement_from_customers_to_chase(self):
        """Customers to chase ▸ the customer's statement ▸ Send by e-mail: the composer
        shows the customer-level statement of both invoices; Send records it."""
        plan = self.create_plan(
            [(10, "customer"), (30, "customer")], name="Grouped", scope="customer"
        )
        grouped = self.create_grouped_customer(plan)
        invoices = self.create_invoice(
            date(2026, 2, 1), date(2026, 3, 1), partner=grouped
        ) | self.create_invoice(date(2026, 2, 5), date(2026, 3, 5), partner=grouped)
        self.env["account.dunning.run"]._refresh_status(invoices)
        with freeze_time("2026-03-16"):
            self.env["account.dunning.run"]._refresh_status(invoices)
            self.browser_js(
                "/odoo/action-account_dunning_plans.account_dunning_customer_action",
                SEND_THE_STATEMENT,
                ready="!!document.querySelector('.o_list_view')",
                login=self.env.user.login,
                timeout=120,
            )
        action = self.env["account.dunning.action"].search([("partner_id", "=", grouped.id)])
        self.assertEqual((action.state, action.origin, action.plan_id), ("done", "manual", plan))
        self.assertEqual(action.move_ids, invoices)


@tagged("post_install", "-at_install")
class TestDunningDownloadLettersUi(DunningCommon, AccountTestInvoicingHttpCommon):
    def test_print_letters_downloads_then_reloads(self):
        """The client action "Print letters" returns downloads the PDF, then closes as a
        dialog does: the list that printed the letters reloads (its onClose runs)."""
        attachment = self.env["ir.attachment"].create(
            {"name": "letters.pdf", "raw": b"%PDF-1.4 letters", "mimetype": "application/pdf"}
        )
        code = f"""
        const action = odoo.__WOWL_DEBUG__.root.env.services.action;
        action.doAction(
            {{
                type: 'ir.actions.client',
                tag: 'account_dunning_plans.download_letters',
                params: {{url: '/web/content/{attachment.id}?download=true'}},
            }},
            {{onClose: () => console.log('test successful')}},
        ).catch((error) => console.error('download failed: ' + error));
        """
        self.browser_js(
            "/odoo/action-account_dunning_plans.account_dunning_action_action_todo",
            code,
            ready="!!document.querySelector('.o_action_manager .o_view_controller')",
            login=self.env.user.login,
            timeout=60,
        )
