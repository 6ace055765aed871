# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from lxml import html

from odoo import Command
from odoo.tests import freeze_time

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

# Browser checks: ``until(check, then, what)`` calls ``then(found)`` once ``check()``
# finds something, or logs an error (failing the test) after 20 seconds.
UNTIL_JS = """
const until = (check, then, what) => {
    const started = Date.now();
    const timer = setInterval(() => {
        const found = check();
        if (found) {
            clearInterval(timer);
            then(found);
        } else if (Date.now() - started > 20000) {
            clearInterval(timer);
            console.error('timed out waiting for ' + what + ': '
                + (document.querySelector('.modal') || document.body).textContent.slice(0, 300));
        }
    }, 250);
};
"""


class DunningCommon(AccountTestInvoicingCommon):
    """A company with dunning enabled, a default invoice plan and customers with e-mail.

    Dates are explicit everywhere: invoices are created and posted at a frozen date
    (their entry date) and the job is run at frozen dates with :meth:`run_job`.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company.write(
            {
                "dunning_enabled": True,
                "dunning_activation_date": date(2026, 1, 1),
                # Tests travel in time: bank data age is tested on its own.
                "dunning_bank_max_age": 0,
            }
        )
        cls.templates = {
            key: cls.env.ref(f"account_dunning_plans.mail_template_dunning_{key}")
            for key in (
                "courtesy",
                "first",
                "second",
                "final",
                "customer",
                "customer_final",
                "merged",
            )
        }
        cls.plan = cls.create_plan(
            [(-3, "courtesy"), (10, "first"), (30, "second"), (45, "final")],
            name="Test plan",
            is_default=True,
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Alpha Customer", "email": "alpha@example.com", "lang": "en_US"}
        )

    @classmethod
    def create_plan(cls, steps, **vals):
        """``steps``: ``(delay, template key)`` or ``(delay, template key, {step vals})``."""
        step_commands = []
        for sequence, spec in enumerate(steps):
            delay, key = spec[:2]
            extra = spec[2] if len(spec) > 2 else {}
            step_commands.append(
                Command.create(
                    {
                        "name": f"Step {sequence + 1}",
                        "sequence": sequence,
                        "delay": delay,
                        "mail_template_id": cls.templates[key].id if key else False,
                        **extra,
                    }
                )
            )
        return cls.env["account.dunning.plan"].create(
            {
                "name": "Plan",
                "company_id": cls.company.id,
                "business_days_only": False,
                "min_contact_delay": 5,
                "step_ids": step_commands,
                **vals,
            }
        )

    @classmethod
    def create_grouped_customer(cls, plan, name="Gamma Group", email="gamma@example.com"):
        """A customer reminded at customer level by ``plan``."""
        customer = cls.env["res.partner"].create({"name": name, "email": email, "lang": "en_US"})
        customer.write({"dunning_plan_mode": "custom", "dunning_plan_id": plan.id})
        return customer

    def send_composed(self, result, edit=None):
        """Send the mail composer ``result`` (an action) opened, after ``edit(composer)``."""
        self.assertEqual(result["res_model"], "mail.compose.message")
        composer = (
            self.env["mail.compose.message"]
            .browse(result["res_id"])
            .with_context(**result["context"])
        )
        if edit:
            edit(composer)
        composer.action_send_mail()
        return composer

    def create_invoice(
        self, invoice_date, due_date, amount=1000.0, partner=None, taxes=None, **vals
    ):
        """Create and post a customer invoice on ``invoice_date`` (its entry date)."""
        with freeze_time(invoice_date):
            invoice = self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": (partner or self.customer).id,
                    "invoice_date": invoice_date,
                    "invoice_date_due": due_date,
                    "invoice_payment_term_id": False,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Service",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.set(taxes.ids if taxes else [])],
                            }
                        )
                    ],
                    **vals,
                }
            )
            invoice.action_post()
        return invoice

    def run_job(self, day, **kwargs):
        """Run the nightly job on ``day``; returns ``{move: decision}``."""
        with freeze_time(day):
            results = self.env["account.dunning.run"]._cron_process_dunning(**kwargs)
        return {move: decision for move, _plan, decision in results}

    def run_days(self, start, end, invoice):
        """Run the job every day from ``start`` to ``end``; the days ``invoice`` got a step."""
        sent = []
        day = start
        while day <= end:
            decision = self.run_job(day).get(invoice)
            if decision and decision.acts:
                sent.append((day, decision.step_index))
            day = date.fromordinal(day.toordinal() + 1)
        return sent

    def mails_of(self, invoice):
        return self.env["mail.mail"].search(
            [("model", "=", "account.move"), ("res_id", "=", invoice.id)], order="id"
        )

    @staticmethod
    def mail_content(mail):
        """The body of ``mail`` as its template rendered it, without the layout around
        it (whose hidden preview repeats the first words)."""
        body = html.fromstring(mail.body_html)
        content = body.xpath("//div[@style='margin: 0px; padding: 0px;']")
        return html.tostring(content[0], encoding="unicode") if content else mail.body_html

    def pay(self, invoice, amount, day):
        with freeze_time(day):
            return (
                self.env["account.payment.register"]
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create({"amount": amount, "payment_date": day})
                ._create_payments()
            )
