# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""From 18.0.1.0.0: before the new version's models and data are loaded.

- Mail templates (the shipped ones and any copy) call the template API
  ``dunning_mail_value(key)`` instead of a private method and context keys: every
  language of every template is rewritten, so that no template breaks.
- (The shipped templates are reloaded from the new data file by the post-migration.)
- A plan's "Default plan" flag becomes the company's default plan fields: the flag's
  column is kept aside for the post-migration.
"""

import logging

_logger = logging.getLogger(__name__)

# Template expressions of 18.0.1 and their 18.0.2 equivalent (the stable template API).
TEMPLATE_REWRITES = [
    ("object._dunning_mail_value(", "object.dunning_mail_value("),
    ("ctx.get('dunning_groups', {}).get(object.id, {})", "object.dunning_mail_value('statement')"),
    (
        "ctx.get('dunning_companies', {}).get(object.id, user.company_id)",
        "object.dunning_mail_value('company')",
    ),
    ("not ctx.get('dunning_part')", "not object.dunning_mail_value('part')"),
    ("ctx.get('dunning_parts', {}).get(object.id, [])", "object.dunning_mail_value('parts')"),
]


def _column_type(cr, table, column):
    cr.execute(
        "SELECT data_type FROM information_schema.columns WHERE table_name = %s "
        "AND column_name = %s",
        (table, column),
    )
    row = cr.fetchone()
    return row[0] if row else None


def rewrite_templates(cr):
    for column in ("subject", "body_html", "email_from", "reply_to", "partner_to"):
        kind = _column_type(cr, "mail_template", column)
        if not kind:
            continue
        for old, new in TEMPLATE_REWRITES:
            if kind == "jsonb":
                # Every language at once: the JSON text holds them all.
                cr.execute(
                    f"UPDATE mail_template SET {column} = "  # noqa: S608 - fixed names
                    f"replace({column}::text, %s, %s)::jsonb "
                    f"WHERE {column}::text LIKE %s",
                    (old, new, f"%{old}%"),
                )
            else:
                cr.execute(
                    f"UPDATE mail_template SET {column} = replace({column}, %s, %s) "  # noqa: S608
                    f"WHERE {column} LIKE %s",
                    (old, new, f"%{old}%"),
                )
            if cr.rowcount:
                _logger.info("dunning: %s templates rewritten (%s)", cr.rowcount, column)


def migrate(cr, version):
    if not version:
        return
    rewrite_templates(cr)
    if _column_type(cr, "account_dunning_plan", "is_default"):
        cr.execute("ALTER TABLE account_dunning_plan RENAME COLUMN is_default TO legacy_is_default")
