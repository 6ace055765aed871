# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""From 18.0.2.0.0: once the new version is loaded.

- Several reminders due the same day to one customer are now one statement: the
  shipped statement template (``noupdate``) is reloaded from the data file when it
  still glues rendered parts (``dunning_mail_value('parts')``, now always empty) in
  any language, with its shipped translations; an edited copy that no longer does is
  left alone.
- The shipped templates without a layout get the dunning layout (company logo and
  details), as on a fresh install.
"""

from lxml import etree

from odoo import SUPERUSER_ID, api
from odoo.tools import file_path
from odoo.tools.convert import xml_import

MODULE = "account_dunning_plans"
TEMPLATES = (
    "mail_template_dunning_courtesy",
    "mail_template_dunning_first",
    "mail_template_dunning_second",
    "mail_template_dunning_final",
    "mail_template_dunning_customer",
    "mail_template_dunning_customer_final",
    "mail_template_dunning_merged",
)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    statement = env.ref(f"{MODULE}.mail_template_dunning_merged", raise_if_not_found=False)
    if statement:
        cr.execute(
            "SELECT 1 FROM mail_template WHERE id = %s AND body_html::text LIKE %s",
            [statement.id, "%dunning_mail_value('parts')%"],
        )
        if cr.fetchone():
            _reload(env, "mail_template_dunning_merged")
            # Its translations glued parts too: the shipped ones replace them.
            cr.execute(
                "UPDATE mail_template SET body_html = jsonb_build_object('en_US', "
                "body_html->'en_US') WHERE id = %s",
                [statement.id],
            )
            env.invalidate_all()
            langs = [code for code, _name in env["res.lang"].get_installed() if code != "en_US"]
            if langs:
                env["ir.module.module"]._load_module_terms([MODULE], langs)
    for xmlid in TEMPLATES:
        template = env.ref(f"{MODULE}.{xmlid}", raise_if_not_found=False)
        if template and not template.email_layout_xmlid:
            template.email_layout_xmlid = f"{MODULE}.mail_layout_dunning"


def _reload(env, xmlid):
    """Write the record ``xmlid`` of the mail template data file again (it stays
    ``noupdate``), and nothing else of that file."""
    tree = etree.parse(file_path(f"{MODULE}/data/mail_template_data.xml"))
    record = tree.find(f".//record[@id='{xmlid}']")
    root = etree.fromstring('<odoo><data noupdate="1"/></odoo>')
    root[0].append(record)
    xml_import(env, MODULE, {}, mode="init", noupdate=True).parse(root)
