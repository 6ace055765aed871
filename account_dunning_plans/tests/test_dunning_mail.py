# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the customer receives: content, merge fields, language, companies."""

import re
from datetime import date

from odoo.tests import freeze_time, tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningMail(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write({"title": cls.env.ref("base.res_partner_title_madam").id})
        cls.company.write({"name": "Dunning Test Co"})

    def test_mail_content(self):
        invoice = self.create_invoice(
            date(2026, 3, 2),
            date(2026, 3, 10),
            amount=1000,
            taxes=self.tax_sale_a,  # 15 %
        )
        self.pay(invoice, 100, date(2026, 3, 12))
        self.run_job(date(2026, 3, 20))
        mail = self.mails_of(invoice)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertEqual(mail.subject, f"Dunning Test Co: reminder for invoice {invoice.name}")
        body = mail.body_html
        for expected in (
            "Dear Madam Alpha Customer",
            f"invoice <strong>{invoice.name}</strong> of 03/02/2026, due on 03/10/2026",
            "Sent on 03/20/2026",  # today
            "<strong>10</strong> days after its due date",
            "Dunning Test Co",
            f"/my/invoices/{invoice.id}?access_token={invoice.access_token}",
        ):
            self.assertIn(expected, body)
        self.assertEqual(
            self.table_values(body),
            {
                "Total excluding taxes": "$\xa01,000.00",
                "Total including taxes": "$\xa01,150.00",
                "Amount still due": "$\xa01,050.00",  # after the 100 payment
            },
        )
        self.assertTrue(invoice.access_token)
        self.assertEqual(mail.state, "outgoing", "queued, never sent inside the job")

    @staticmethod
    def table_values(body):
        """``{label: value}`` of the two-cell rows of a mail's table, tags removed."""
        rows = re.findall(r"<tr><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td></tr>", body)
        return {
            re.sub("<[^>]+>", "", label).strip(): re.sub("<[^>]+>", "", value).strip()
            for label, value in rows
        }

    def test_mail_in_customer_language(self):
        """Subject and whole body in the customer's language, dates formatted for it."""
        expected = {
            "fr_FR": ("relance", "Bonjour Madam Alpha Customer,", "Cordialement", "20/03/2026"),
            "nl_NL": (
                "herinnering",
                "Beste Madam Alpha Customer,",
                "Met vriendelijke",
                "20-03-2026",
            ),
            "de_DE": (
                "erinnerung",
                "Guten Tag Madam Alpha Customer,",
                "Mit freundlichen",
                "20.03.2026",
            ),
        }
        for lang in expected:
            self.env["res.lang"]._activate_lang(lang)
        self.env["ir.module.module"]._load_module_terms(
            ["account_dunning_plans"], list(expected), overwrite=True
        )
        for lang, (subject, greeting, closing, today) in expected.items():
            with self.subTest(lang=lang):
                customer = self.customer.copy({"lang": lang, "name": "Alpha Customer"})
                invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), partner=customer)
                self.run_job(date(2026, 3, 20))
                mail = self.mails_of(invoice)
                self.assertIn(subject, mail.subject.lower())
                for text in (greeting, closing, today):
                    self.assertIn(text, mail.body_html)
                for english in ("Dear", "Kind regards", "Amount still due"):
                    self.assertNotIn(english, mail.body_html)
        english = self.create_invoice(
            date(2026, 3, 2),
            date(2026, 3, 10),
            partner=self.env["res.partner"].create(
                {"name": "Beta", "email": "beta@example.com", "lang": "en_US"}
            ),
        )
        self.run_job(date(2026, 3, 23))
        self.assertIn("Dear Beta,", self.mails_of(english).body_html)

    def test_two_companies_with_their_own_settings(self):
        other = self.setup_other_company()["company"]
        other.write({"dunning_enabled": True, "dunning_min_amount": 5000})
        other_plan = self.create_plan([(0, "first")], company_id=other.id, is_default=True)
        with freeze_time("2026-03-02"):
            other.dunning_activation_date = date(2026, 1, 1)
        mine = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10))
        self.env.user.company_ids |= other
        theirs = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), company_id=other.id)
        self.assertEqual(theirs.dunning_plan_id, other_plan)
        results = self.run_job(date(2026, 3, 20))
        self.assertEqual(results[mine].outcome, "send")
        self.assertEqual(results[theirs].reason, "below_min_amount")
        self.assertEqual(mine.dunning_action_ids.company_id, self.company)

    def test_merged_and_grouped_mail_in_french(self):
        """One mail for both levels, wholly in the customer's language and formats."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["account_dunning_plans"], ["fr_FR"], overwrite=True
        )
        group_plan = self.create_plan(
            [(10, "customer"), (30, "customer_final")], name="Grouped", scope="customer"
        )
        client = self.env["res.partner"].create(
            {"name": "Boulangerie Lumière", "email": "compta@lumiere.example.com", "lang": "fr_FR"}
        )
        client.dunning_plan_id = group_plan
        own = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), 1234.5, partner=client)
        own.dunning_plan_id = self.plan
        covered = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), 2000.0, partner=client)
        self.run_job(date(2026, 3, 20))
        mail = self.env["mail.mail"].search(
            [("model", "=", "res.partner"), ("res_id", "=", client.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.subject, "Dunning Test Co : relances de paiement")
        body = mail.body_html
        self.assertEqual(body.count("Bonjour Boulangerie Lumière"), 1)
        self.assertEqual(body.count("Cordialement"), 1)
        for french in (
            "Jours de retard",
            "Date d'échéance",
            "10/03/2026",
            "1\xa0234,50",
            "2\xa0000,00",
        ):
            self.assertIn(french, body)
        for english in ("Dear", "Kind regards", "Days overdue", "Total due", "Amount still due"):
            self.assertNotIn(english, body)
        self.assertIn(own.name, body)
        self.assertIn(covered.name, body)
