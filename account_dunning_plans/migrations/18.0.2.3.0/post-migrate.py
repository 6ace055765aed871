# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""From 18.0.2.2.0: once the new version is loaded.

A reminder of several invoices links to one page listing them
(``dunning_mail_value('statement_link')``), right after what the law lets claim, as on a
fresh install. The shipped templates of customer-level and merged reminders
(``noupdate``) get that line in every language they hold, unless they have it already;
a template without the claim line is left alone.
"""

from psycopg2.extras import Json

from odoo import SUPERUSER_ID, api

MODULE = "account_dunning_plans"
TEMPLATES = (
    "mail_template_dunning_customer",
    "mail_template_dunning_customer_final",
    "mail_template_dunning_merged",
)
CLAIM = "<t t-out=\"object.dunning_mail_value('claim')\"/>"
LINK = "dunning_mail_value('statement_link')"
LINE = "\n    <t t-out=\"object.dunning_mail_value('statement_link')\"/>"


def with_link(body):
    """``body`` with the link line after the claim line (unchanged if it has the link
    already, or no claim line)."""
    if not body or LINK in body or CLAIM not in body:
        return body
    end = body.index(CLAIM) + len(CLAIM)
    return body[:end] + LINE + body[end:]


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid in TEMPLATES:
        template = env.ref(f"{MODULE}.{xmlid}", raise_if_not_found=False)
        if not template:
            continue
        cr.execute("SELECT body_html FROM mail_template WHERE id = %s", [template.id])
        bodies = cr.fetchone()[0] or {}
        updated = {lang: with_link(body) for lang, body in bodies.items()}
        if updated != bodies:
            cr.execute(
                "UPDATE mail_template SET body_html = %s WHERE id = %s",
                [Json(updated), template.id],
            )
    env.invalidate_all()
