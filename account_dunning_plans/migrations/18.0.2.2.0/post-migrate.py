# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""From 18.0.2.1.0: once the new version is loaded.

Steps can claim late interest and recovery costs; the mails show them through
``dunning_mail_value('claim')``, right after their first table (the amounts, or the
statement of invoices), as on a fresh install. The shipped templates (``noupdate``)
get that line in every language they hold, unless they have it already; a template
without a table is left alone.
"""

from psycopg2.extras import Json

from odoo import SUPERUSER_ID, api

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
CLAIM = "dunning_mail_value('claim')"
LINE = "\n    <t t-out=\"object.dunning_mail_value('claim')\"/>"


def with_claim(body):
    """``body`` with the claim line after its first table (unchanged if it has the
    line already, or no table)."""
    if not body or CLAIM in body or "</table>" not in body:
        return body
    end = body.index("</table>") + len("</table>")
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
        updated = {lang: with_claim(body) for lang, body in bodies.items()}
        if updated != bodies:
            cr.execute(
                "UPDATE mail_template SET body_html = %s WHERE id = %s",
                [Json(updated), template.id],
            )
    env.invalidate_all()
