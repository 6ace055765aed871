# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the customer receives: content, merge fields, language, companies."""

import re
from datetime import date

from lxml import html

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
            "Dear Sir or Madam,",
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
            "fr_FR": ("relance", "Madame, Monsieur,", "Cordialement", "20/03/2026"),
            "nl_NL": ("herinnering", "Geachte heer, mevrouw,", "Met vriendelijke", "20-03-2026"),
            "de_DE": (
                "erinnerung",
                "Sehr geehrte Damen und Herren,",
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
        self.assertIn("Dear Sir or Madam,", self.mails_of(english).body_html)

    def test_greeting_by_name(self):
        """The company may greet by the title and name of the contact, in their language."""
        self.company.dunning_greeting = "name"
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["account_dunning_plans"], ["fr_FR"], overwrite=True
        )
        english = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10))
        french = self.create_invoice(
            date(2026, 3, 2),
            date(2026, 3, 10),
            partner=self.customer.copy({"lang": "fr_FR", "name": "Client Français"}),
        )
        self.run_job(date(2026, 3, 20))
        self.assertIn("Dear Madam Alpha Customer,", self.mails_of(english).body_html)
        self.assertIn("Bonjour Madam Client Français,", self.mails_of(french).body_html)

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

    def test_statement_mail_in_french_and_dutch(self):
        """An invoice-level and a customer-level step due together: one statement, wholly
        in the customer's language and formats, with every invoice, its level and the
        total due."""
        expected = {
            "fr_FR": {
                "subject": "Dunning Test Co : relances de paiement",
                "greeting": "Madame, Monsieur,",
                "text": "Sauf erreur de notre part, les factures ci-dessous restent impayées.",
                "closing": "Cordialement",
                "words": ("Jours de retard", "Date d'échéance", "Relance de paiement"),
                "dates": ("02/03/2026", "10/03/2026"),
                "amounts": ("$\xa01\xa0234,50", "$\xa02\xa0000,00", "$\xa03\xa0234,50"),
            },
            "nl_NL": {
                "subject": "Dunning Test Co: betalingsherinneringen",
                "greeting": "Geachte heer, mevrouw,",
                "text": "Tenzij wij ons vergissen, zijn onderstaande facturen nog niet betaald.",
                "closing": "Met vriendelijke groet",
                "words": ("Dagen na vervaldatum", "Vervaldatum", "Betalingsherinnering"),
                "dates": ("02-03-2026", "10-03-2026"),
                "amounts": ("$\xa01.234,50", "$\xa02.000,00", "$\xa03.234,50"),
            },
        }
        for lang in expected:
            self.env["res.lang"]._activate_lang(lang)
        self.env["ir.module.module"]._load_module_terms(
            ["account_dunning_plans"], list(expected), overwrite=True
        )
        group_plan = self.create_plan(
            [(10, "customer"), (30, "customer_final")], name="Grouped", scope="customer"
        )
        for lang, texts in expected.items():
            with self.subTest(lang=lang):
                client = self.env["res.partner"].create(
                    {"name": f"Client {lang}", "email": "compta@client.example.com", "lang": lang}
                )
                client.dunning_plan_id = group_plan
                own = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), 1234.5, client)
                own.dunning_plan_id = self.plan
                covered = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), 2000.0, client)
                self.run_job(date(2026, 3, 20))
                mail = self.env["mail.mail"].search(
                    [("model", "=", "res.partner"), ("res_id", "=", client.id)]
                )
                self.assertEqual(len(mail), 1)
                self.assertEqual(mail.subject, texts["subject"])
                body = self.mail_content(mail)
                self.assertEqual(body.count(texts["greeting"]), 1)
                self.assertEqual(body.count(texts["text"]), 1)
                self.assertEqual(body.count(texts["closing"]), 1)
                for text in texts["words"] + texts["dates"]:
                    self.assertIn(text, mail.body_html)
                # One table: both invoices, 10 days overdue, each at its level (the
                # invoice plan's second step, the group's first), and the total due.
                rows = {
                    cells[0]: cells
                    for cells in self.statement_rows(body)
                    if cells[0] in (own.name, covered.name)
                }
                self.assertEqual(
                    [rows[own.name][3:], rows[covered.name][3:]],
                    [["10", "2", texts["amounts"][0]], ["10", "1", texts["amounts"][1]]],
                )
                self.assertIn(texts["amounts"][2], self.statement_rows(body)[-1][-1])
                for english in (
                    "Dear",
                    "Kind regards",
                    "Days overdue",
                    "Total due",
                    "Amount still due",
                    "Unless",
                ):
                    self.assertNotIn(english, body)

    @staticmethod
    def statement_rows(body):
        """The cells of the rows of a statement's table (six cells, or the totals)."""
        rows = []
        for row in html.fromstring(body).iter("tr"):
            cells = [cell.text_content().strip() for cell in row.iter("td")]
            if len(cells) == 6 or (len(cells) == 2 and row.find("td[@colspan]") is not None):
                rows.append(cells)
        return rows
