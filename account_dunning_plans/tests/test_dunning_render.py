# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The dunning mails' compiled-once rendering gives exactly what Odoo's normal path
gives, for every shipped template and language."""

from datetime import date
from unittest.mock import patch

from markupsafe import Markup

from odoo import fields
from odoo.tests import tagged

from ..models import mail_template
from .common import DunningCommon

LANGUAGES = ("en_US", "fr_FR", "nl_NL", "de_DE")


@tagged("post_install", "-at_install")
class TestDunningRender(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lang in LANGUAGES[1:]:
            cls.env["res.lang"]._activate_lang(lang)
        cls.env["ir.module.module"]._load_module_terms(
            ["account_dunning_plans"], list(LANGUAGES[1:]), overwrite=True
        )

    def render(self, template, records, lang, cached):
        dispatch = self.env["account.dunning.dispatch"]
        context = {"lang": lang}
        if cached:
            context["dunning_render_cache"] = True
        template = template.with_context(dispatch._mail_context({}, date(2026, 3, 20)), **context)
        if not cached:
            template = template.with_context(dunning_render_cache=False)
        return {
            field: template._render_field(field, records.ids) for field in ("subject", "body_html")
        }

    def test_identical_to_odoo_for_every_template_and_language(self):
        customers = self.env["res.partner"].create(
            [{"name": f"Render {i}", "email": f"r{i}@example.com"} for i in range(3)]
        )
        invoices = self.env["account.move"].union(
            *(
                self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), 1234.5 + i, partner=c)
                for i, c in enumerate(customers)
            )
        )
        templates = self.env["mail.template"].search(
            [("id", "in", [self.env.ref(xmlid).id for xmlid in self._shipped()])]
        )
        self.assertEqual(len(templates), 7)
        mail_template.COMPILED.clear()
        for template in templates:
            records = customers if template.model == "res.partner" else invoices
            for lang in LANGUAGES:
                with self.subTest(template=template.name, lang=lang):
                    normal = self.render(template, records, lang, cached=False)
                    cached = self.render(template, records, lang, cached=True)
                    self.assertEqual(cached, normal)
                    self.assertTrue(all(normal["body_html"].values()))
        # Compiled once per template and language, whatever the number of records.
        self.assertEqual(len(mail_template.COMPILED), len(templates) * len(LANGUAGES))

    def test_chatter_copy_stored_as_odoo_stores_it(self):
        """A dunning mail's message body is the template's body without the layout,
        sanitised once, and stored exactly as the ORM stores that body (three
        sanitisations) on the normal path; the mail itself keeps its layout."""
        invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), 99.0)
        template = self.env.ref("account_dunning_plans.mail_template_dunning_first")
        context = self.env["account.dunning.dispatch"]._mail_context({}, date(2026, 3, 20))
        hostile = (
            '<p style="color: red; position: fixed" onclick="steal()">Hello <b>you</b></p>'
            '<script>alert(1)</script><form action="/x"><input name="y"/></form>'
        )
        Mail = self.env["mail.mail"].sudo()
        for label, values in (
            ("rendered template", None),
            ("hostile body", {"body": hostile, "body_html": hostile, "subject": "x"}),
        ):
            with self.subTest(label):
                mails, sanitised = [], []
                for cached in (False, True):
                    ctx = {**context, "dunning_render_cache": cached}
                    # Counted, not replaced: the ORM's html_sanitize still runs.
                    with patch.object(fields, "html_sanitize", wraps=fields.html_sanitize) as orm:
                        if values is None:
                            # Odoo's path without the layout stores the body as it is.
                            layout = template.email_layout_xmlid
                            template.email_layout_xmlid = cached and layout
                            mail_id = template.with_context(**ctx).send_mail(invoice.id)
                            template.email_layout_xmlid = layout
                            mails.append(Mail.browse(mail_id))
                        else:
                            mails.append(Mail.with_context(**ctx).create(dict(values)))
                        self.env.flush_all()
                    sanitised.append(sum(1 for call in orm.call_args_list if call.args[0]))
                self.assertEqual(sanitised, [3, 1], "sanitised three times by the ORM, once here")
                self.env.flush_all()
                self.env.invalidate_all()
                normal, cached = mails
                self.assertTrue(normal.mail_message_id.body)
                self.assertEqual(cached.mail_message_id.body, normal.mail_message_id.body)
                if values is None:
                    self.assertIn("Payment reminder", cached.body_html)  # the layout
                    self.assertNotIn("Payment reminder", str(cached.mail_message_id.body))
                else:
                    self.assertEqual(cached.body_html, normal.body_html)
                self.assertNotIn("script", str(cached.mail_message_id.body))

    def test_notes_on_invoices_stored_as_odoo_stores_them(self):
        """The notes a statement logs on each invoice, copied in one query from the
        first one Odoo logs, hold exactly what ``_message_log_batch`` stores, column by
        column, each with its own invoice and sanitised body."""
        invoices = self.env["account.move"].union(
            *(
                self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), amount)
                for amount in (1, 2, 3)
            )
        )
        hostile = Markup('<p onclick="steal()">Hello</p><script>alert(1)</script>')
        bodies = {
            invoices[0].id: Markup("<p>Reminded (level 1)</p>"),
            invoices[1].id: hostile,
            invoices[2].id: Markup("<p>Reminded (level 1)</p>"),
        }
        Message = self.env["mail.message"].sudo()
        invoices.mapped("message_ids")  # in the cache: must be read again
        notes = Message._dunning_log_notes(self.env["account.move"], bodies)
        odoo = invoices._message_log_batch(bodies)
        self.assertEqual(len(notes), 3)
        for invoice, note in zip(invoices, notes.sorted("res_id"), strict=True):
            self.assertIn(note, invoice.message_ids)
        self.env.flush_all()
        columns = [
            name
            for name, field in Message._fields.items()
            if field.store
            and field.column_type
            and name not in ("id", "date", "create_date", "write_date", "message_id")
        ]
        for ours, theirs in zip(notes.sorted("res_id"), odoo.sorted("res_id"), strict=True):
            ours_row, theirs_row = ours.read(columns)[0], theirs.read(columns)[0]
            ours_row.pop("id"), theirs_row.pop("id")
            self.assertEqual(ours_row, theirs_row)
        # One Message-Id for the whole batch, as Odoo gives.
        self.assertEqual(len(set(notes.mapped("message_id"))), 1)
        self.assertNotIn("script", notes.filtered(lambda n: n.res_id == invoices[1].id).body)

    def _shipped(self):
        return [
            f"account_dunning_plans.mail_template_dunning_{key}"
            for key in (
                "courtesy",
                "first",
                "second",
                "final",
                "customer",
                "customer_final",
                "merged",
            )
        ]
