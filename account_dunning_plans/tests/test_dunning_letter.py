# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Postal letters: printed from the To do list, kept in the chatter, real PDFs."""

import base64
import re
import subprocess
import tempfile
from datetime import date

from odoo.exceptions import UserError
from odoo.tests import freeze_time, new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon

from .common import DunningCommon

# See TestDunningLetterPdf.
SYSTEM_FONT_CSS = '* { font-family: "DejaVu Sans", sans-serif !important; }'


class LetterCommon(DunningCommon):
    """An invoice-level and a customer-level plan whose only step is a letter."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {"name": "Dunning Test Co", "street": "1 Main Street", "zip": "1000", "city": "Town"}
        )
        cls.letter_plan = cls.create_plan(
            [(10, False, {"channel": "letter", "name": "Letter 1"})], name="Letters"
        )
        cls.group_plan = cls.create_plan(
            [(10, False, {"channel": "letter", "name": "Customer letter"})],
            name="Grouped letters",
            scope="customer",
        )
        cls.customer.write(
            {
                "street": "42 Paper Road",
                "zip": "4242",
                "city": "Letterville",
                "title": cls.env.ref("base.res_partner_title_madam").id,
            }
        )

    def letter_todo(self, partner=None, amount=1000.0, day=date(2026, 3, 20)):
        """A letter to-do for one invoice (due on March 10th), made by the job on ``day``."""
        invoice = self.create_invoice(
            date(2026, 3, 2),
            date(2026, 3, 10),
            amount,
            partner=partner,
            dunning_plan_id=self.letter_plan.id,
        )
        self.run_job(day)
        action = invoice.dunning_action_ids
        self.assertRecordValues(action, [{"channel": "letter", "state": "todo", "level": 1}])
        return invoice, action

    def letter_messages(self, record):
        return record.message_ids.filtered("attachment_ids")


@tagged("post_install", "-at_install")
class TestDunningLetter(LetterCommon):
    """The printing flow; in tests the report renders HTML (no wkhtmltopdf)."""

    def test_print_a_letter_marks_it_done_and_keeps_it_on_the_invoice(self):
        invoice, action = self.letter_todo()
        self.assertEqual(invoice.dunning_level, 0)
        with freeze_time("2026-03-23"):
            result = action.action_print_letter()
        self.assertEqual(result["type"], "ir.actions.report")
        self.assertEqual(result["report_name"], "account_dunning_plans.report_dunning_letter")
        self.assertRecordValues(
            action, [{"state": "done", "date": date(2026, 3, 23), "user_id": self.env.uid}]
        )
        self.assertEqual(invoice.dunning_level, 1)
        self.assertEqual(invoice.dunning_last_date, date(2026, 3, 23))
        message = self.letter_messages(invoice)
        self.assertEqual(len(message), 1)
        self.assertEqual(message.preview, "Dunning letter 'Letter 1' printed.")
        self.assertEqual(message.author_id, self.env.user.partner_id)
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_note"))
        self.assertEqual(action.mail_message_id, message)
        self.assertEqual(message.attachment_ids.name, "Reminder - Alpha Customer.html")
        self.assertFalse(
            invoice.message_main_attachment_id, "the letter is not the invoice's document"
        )
        self.assertFalse(self.letter_messages(self.customer))
        html = message.attachment_ids.raw.decode()
        for expected in (
            "Dunning Test Co - 1 Main Street - 1000 Town",  # return address
            "42 Paper Road",
            "Letterville",
            "Letter 1",
            "Dear Sir or Madam,",
            "Unless we are mistaken, the invoices below are still unpaid.",
            "If you have paid in the meantime, please disregard this letter.",
            "To pay online, to tell us when you will pay, or to dispute an invoice:",
            invoice.name,
            "03/02/2026",  # invoice date
            "03/10/2026",  # due date
            "03/23/2026",  # date of the letter
            "1,000.00",
            "Kind regards,",
        ):
            self.assertIn(expected, html)
        self.assertIn(invoice.get_portal_url().replace("&", "&amp;"), html)  # its own page
        # 13 days overdue on the day of the letter, level 1.
        self.assertRegex(html, r">\s*13\s*<")

    def test_step_text_replaces_the_standard_text(self):
        self.letter_plan.step_ids.letter_text = "<p>Please pay <b>today</b>.</p>"
        invoice, action = self.letter_todo()
        action.action_print_letter()
        html = self.letter_messages(invoice).attachment_ids.raw.decode()
        self.assertIn("<p>Please pay <b>today</b>.</p>", html)
        self.assertNotIn("Unless we are mistaken", html)

    def test_letter_in_the_customer_language(self):
        """The shipped French, Dutch and German: texts, dates and amounts."""
        expected = {
            "fr_FR": (
                "Madame, Monsieur,",
                "Jours de retard",
                "Cordialement",
                "10/03/2026",
                "1 234,50",
            ),
            "nl_NL": (
                "Geachte heer, mevrouw,",
                "Dagen",
                "Met vriendelijke",
                "10-03-2026",
                "1.234,50",
            ),
            "de_DE": (
                "Sehr geehrte Damen und Herren,",
                "Tage",
                "Mit freundlichen",
                "10.03.2026",
                "1.234,50",
            ),
        }
        for lang in expected:
            self.env["res.lang"]._activate_lang(lang)
        self.env["ir.module.module"]._load_module_terms(
            ["account_dunning_plans"], list(expected), overwrite=True
        )
        for lang, texts in expected.items():
            with self.subTest(lang=lang):
                client = self.env["res.partner"].create({"name": f"Client {lang}", "lang": lang})
                invoice, action = self.letter_todo(client, 1234.5)
                with freeze_time("2026-03-20"):
                    action.action_print_letter()
                html = self.letter_messages(invoice).attachment_ids.raw.decode()
                html = re.sub(r"&nbsp;|[\xa0\u202f]", " ", html)
                for text in texts:
                    self.assertIn(text, html)
                for english in (
                    "Dear",
                    "Days overdue",
                    "Kind regards",
                    "disregard",
                    "Unless we are mistaken",
                    "03/10/2026",
                    "1,234.50",
                ):
                    self.assertNotIn(english, html)

    def test_customer_level_letter_is_kept_on_the_customer(self):
        self.customer.write({"dunning_plan_mode": "custom", "dunning_plan_id": self.group_plan.id})
        invoices = self.create_invoice(
            date(2026, 3, 2), date(2026, 3, 10), 1000.0
        ) | self.create_invoice(date(2026, 3, 3), date(2026, 3, 8), 234.5)
        self.run_job(date(2026, 3, 20))
        action = invoices.dunning_action_ids
        self.assertRecordValues(action, [{"channel": "letter", "state": "todo"}])
        self.assertEqual(action.move_ids, invoices)
        action.action_print_letter()
        self.assertEqual(action.state, "done")
        self.assertEqual(invoices.mapped("dunning_level"), [1, 1])
        self.assertFalse(self.letter_messages(invoices[0]) | self.letter_messages(invoices[1]))
        message = self.letter_messages(self.customer)
        self.assertEqual(message.preview, "Dunning letter 'Customer letter' printed.")
        html = message.attachment_ids.raw.decode()
        # Oldest due first, and the total.
        self.assertLess(html.index(invoices[1].name), html.index(invoices[0].name))
        self.assertIn("1,234.50", html)
        # The page listing both invoices, signed for them.
        url = re.search(r"http\S*/my/dunning/statement/\S+", html).group(0).replace("&amp;", "&")
        ids = "-".join(map(str, sorted(invoices.ids)))
        self.assertIn(f"/my/dunning/statement/{self.customer.id}?invoices={ids}&token=", url)

    def test_totals_per_currency(self):
        self.customer.write({"dunning_plan_mode": "custom", "dunning_plan_id": self.group_plan.id})
        euro = self.setup_other_currency("EUR")
        self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), 1000.0)
        self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), 300.0, currency_id=euro.id)
        self.create_invoice(date(2026, 3, 3), date(2026, 3, 10), 20.0, currency_id=euro.id)
        self.run_job(date(2026, 3, 20))
        action = self.env["account.dunning.action"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(action.move_ids), 3)
        action.action_print_letter()
        html = self.letter_messages(self.customer).attachment_ids.raw.decode()
        self.assertEqual(html.count("Total due"), 2)
        self.assertIn("1,000.00", html)
        self.assertIn("320.00", html)

    def test_invoicing_user_prints_a_customer_letter(self):
        """An invoicing user (no right to edit customers) prints and signs the letter."""
        clerk = new_test_user(
            self.env,
            "letter_clerk",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=self.company.ids,
        )
        self.customer.write({"dunning_plan_mode": "custom", "dunning_plan_id": self.group_plan.id})
        self.create_invoice(date(2026, 3, 2), date(2026, 3, 10))
        self.run_job(date(2026, 3, 20))
        action = self.env["account.dunning.action"].search([("partner_id", "=", self.customer.id)])
        self.assertFalse(self.customer.with_user(clerk).has_access("write"))
        action.with_user(clerk).action_print_letter()
        self.assertRecordValues(action, [{"state": "done", "user_id": clerk.id}])
        message = self.letter_messages(self.customer)
        self.assertEqual(message.author_id, clerk.partner_id)
        self.assertEqual(message.create_uid, clerk)

    def test_only_letters_to_print(self):
        invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10))
        self.run_job(date(2026, 3, 20))
        mailed = invoice.dunning_action_ids
        self.assertRecordValues(mailed, [{"channel": "email", "state": "done"}])
        with self.assertRaisesRegex(UserError, "Select postal letters to print."):
            mailed.action_print_letter()
        _invoice, letter = self.letter_todo(
            self.env["res.partner"].create({"name": "Cancelled Co"})
        )
        letter.action_cancel()
        with self.assertRaisesRegex(UserError, "Select postal letters to print."):
            letter.action_print_letter()
        self.assertFalse(self.letter_messages(invoice))

    def test_batch_print_and_reprint(self):
        mailed = self.create_invoice(
            date(2026, 3, 2),
            date(2026, 3, 10),
            partner=self.env["res.partner"].create({"name": "Gamma", "email": "g@example.com"}),
        )
        first, action1 = self.letter_todo()
        second, action2 = self.letter_todo(self.env["res.partner"].create({"name": "Beta"}))
        email = mailed.dunning_action_ids
        self.assertEqual(email.channel, "email")
        actions = action1 | action2 | email
        with freeze_time("2026-03-21"):
            result = actions.action_print_letter()
        self.assertEqual(result["type"], "ir.actions.report")
        self.assertEqual(result["context"]["active_ids"], (action1 | action2).ids)
        self.assertEqual((action1 | action2).mapped("state"), ["done", "done"])
        self.assertEqual((first | second).mapped("dunning_level"), [1, 1])
        self.assertEqual(len(self.letter_messages(first)), 1)
        self.assertEqual(len(self.letter_messages(second)), 1)
        # A reprint: one more copy in the chatter, same date, nothing else moves.
        with freeze_time("2026-03-25"):
            action1.action_print_letter()
        self.assertRecordValues(action1, [{"state": "done", "date": date(2026, 3, 21)}])
        self.assertEqual(first.dunning_level, 1)
        reprints = self.letter_messages(first)
        self.assertEqual(len(reprints), 2)
        self.assertEqual(action1.mail_message_id, reprints[-1], "the first print is kept")
        self.assertIn("03/21/2026", reprints[0].attachment_ids.raw.decode())


@tagged("post_install", "-at_install")
class TestDunningLetterPdf(LetterCommon, AccountTestInvoicingHttpCommon):
    """Real PDFs by wkhtmltopdf: an HttpCase, as wkhtmltopdf loads the report's CSS
    from Odoo's HTTP server (a TransactionCase would deadlock).

    Qt's PDF engine (wkhtmltopdf 0.12.6, unpatched Qt 5.15) draws text in web fonts,
    such as the document layouts' Lato, as outlines: the page looks right but holds no
    text for ``pdftotext``. The tests add a user style sheet with a system font, so
    the text can be read back; the rest of the rendering is the real one.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(
            ["account_dunning_plans"], ["fr_FR"], overwrite=True
        )
        cls.client = cls.env["res.partner"].create(
            {
                "name": "Boulangerie Lumière",
                "street": "12 rue des Lilas",
                "zip": "75011",
                "city": "Paris",
                "country_id": cls.env.ref("base.fr").id,
                "lang": "fr_FR",
            }
        )

    def setUp(self):
        super().setUp()
        report_class = type(self.env["ir.actions.report"])
        build_args = report_class._build_wkhtmltopdf_args
        style_sheet = (
            "data:text/css;charset=utf-8;base64,"
            + base64.b64encode(SYSTEM_FONT_CSS.encode()).decode()
        )

        def build_args_with_system_font(report, *args, **kwargs):
            return ["--user-style-sheet", style_sheet, *build_args(report, *args, **kwargs)]

        self.patch(report_class, "_build_wkhtmltopdf_args", build_args_with_system_font)

    def pdf_text(self, content):
        """The text of the PDF ``content`` by ``pdftotext -layout``, blanks normalised."""
        self.assertEqual(content[:5], b"%PDF-")
        with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
            pdf.write(content)
            pdf.flush()
            text = subprocess.run(
                ["pdftotext", "-layout", pdf.name, "-"],
                capture_output=True,
                check=True,
                text=True,
                timeout=60,
            ).stdout
        return re.sub(r"[\xa0\u202f]", " ", text)

    def download(self, result):
        """The attachment a print action downloads."""
        self.assertEqual(result["type"], "ir.actions.client")
        self.assertEqual(result["tag"], "account_dunning_plans.download_letters")
        url = result["params"]["url"]
        match = re.fullmatch(r"/web/content/(\d+)\?download=true", url)
        self.assertTrue(match, url)
        return self.env["ir.attachment"].browse(int(match.group(1)))

    def test_letter_pdf_in_french(self):
        step = self.letter_plan.step_ids
        step.with_context(lang="fr_FR").write(
            {
                "name": "Première lettre",
                "letter_text": "<p>Sauf erreur de notre part, ces factures sont impayées.</p>",
            }
        )
        invoice, action = self.letter_todo(self.client, 1234.5)
        with freeze_time("2026-03-20"):
            action.action_done()
        # A reprint, outside freeze_time: the HTTP server serves the report's CSS.
        result = action.with_context(force_report_rendering=True).action_print_letter()
        attachment = self.download(result)
        self.assertEqual(attachment, self.letter_messages(invoice).attachment_ids)
        self.assertEqual(attachment.name, "Reminder - Boulangerie Lumière.pdf")
        self.assertEqual(attachment.mimetype, "application/pdf")
        text = self.pdf_text(attachment.raw)
        for expected in (
            "Boulangerie Lumière",
            "12 rue des Lilas",
            "75011 Paris",
            "Première lettre",
            "Sauf erreur de notre part, ces factures sont impayées.",
            invoice.name,
            "02/03/2026",  # invoice date, dd/mm/yyyy
            "10/03/2026",  # due date
            "20/03/2026",  # date of the letter
            "1 234,50",
        ):
            self.assertIn(expected, text)
        self.assertNotIn("1,234.50", text)
        self.assertNotIn("03/10/2026", text)
        # The invoice line: 10 days overdue on the letter's date, level 1.
        self.assertRegex(
            text, rf"{re.escape(invoice.name)}\s+02/03/2026\s+10/03/2026\s+10\s+1\s+\S+ 1 234,50"
        )

    def test_batch_print_downloads_one_pdf(self):
        _first, action1 = self.letter_todo()
        _second, action2 = self.letter_todo(self.client, 500.0)
        actions = (action1 | action2).with_context(force_report_rendering=True)
        result = actions.action_print_letter()
        self.assertEqual((action1 | action2).mapped("state"), ["done", "done"])
        attachment = self.download(result)
        self.assertRegex(attachment.name, r"^Dunning letters \d{4}-\d{2}-\d{2}\.pdf$")
        self.assertEqual((attachment.res_model, attachment.res_id), (action1._name, action1.id))
        text = self.pdf_text(attachment.raw)
        self.assertIn("Alpha Customer", text)
        self.assertIn("42 Paper Road", text)
        self.assertIn("Boulangerie Lumière", text)
        self.assertIn("500,00", text)
        self.assertLess(text.index("Alpha Customer"), text.index("Boulangerie Lumière"))

    def test_simulation_pdf(self):
        self.create_invoice(date(2026, 3, 2), date(2026, 3, 10))  # first reminder on the 20th
        simulation = self.env["account.dunning.simulation"].create({"date": date(2026, 3, 20)})
        simulation._fill_lines()
        content, fmt = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                "account_dunning_plans.account_dunning_simulation_report", simulation.ids
            )
        )
        self.assertEqual(fmt, "pdf")
        text = self.pdf_text(content)
        self.assertIn("Alpha Customer", text)
        self.assertRegex(text, r"Alpha Customer.*Yes")
