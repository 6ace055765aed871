# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""French, Dutch and German are complete: every term of the addon, as Odoo exports it
from this database, is in the template and translated in each language file."""

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationModuleReader

LANGUAGES = ("fr", "nl", "de")


@tagged("post_install", "-at_install")
class TestDunningTranslations(TransactionCase):
    def test_every_term_is_translated(self):
        terms = {
            row[4]
            for row in TranslationModuleReader(self.env.cr, modules=["account_dunning_plans"])
            if row[4]
        }
        self.assertGreater(len(terms), 500)
        template = polib.pofile(file_path("account_dunning_plans/i18n/account_dunning_plans.pot"))
        self.assertEqual(
            terms - {entry.msgid for entry in template},
            set(),
            "terms missing from the .pot: export it again",
        )
        for lang in LANGUAGES:
            with self.subTest(lang=lang):
                po = polib.pofile(file_path(f"account_dunning_plans/i18n/{lang}.po"))
                translated = {entry.msgid for entry in po if entry.msgstr and not entry.obsolete}
                self.assertEqual(terms - translated, set(), f"untranslated in {lang}.po")
