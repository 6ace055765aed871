# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class MailMail(models.Model):
    """Dunning mails (context ``dunning_render_cache``) store their chatter copy
    sanitised once, not three times.

    A mail created from a template copies its body into its message; the ORM then
    sanitises that copy three times (once for the column, twice for the cache of the
    message and of the mail). The body of a dunning mail comes from a template that only
    accounting managers edit; it is sanitised once here, with the options of the
    message's ``body`` field (its own conversion), and stored as the ORM would store it."""

    _inherit = "mail.mail"

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.context.get("dunning_render_cache"):
            return super().create(vals_list)
        bodies = [
            vals.pop("body") if vals.get("body") and vals["body"] == vals.get("body_html") else None
            for vals in vals_list
        ]
        mails = super().create(vals_list)
        rows = [
            (mail.mail_message_id.id, self._dunning_sanitized(body))
            for mail, body in zip(mails, bodies, strict=True)
            if body
        ]
        if rows:
            Message = self.env["mail.message"]
            Message.flush_model(["body"])
            self.env.cr.execute_values(
                "UPDATE mail_message SET body = rows.body FROM (VALUES %s) AS rows(id, body) "
                "WHERE mail_message.id = rows.id",
                rows,
                page_size=1000,
            )
            Message.browse([row[0] for row in rows]).invalidate_recordset(["body"])
        return mails

    @api.model
    def _dunning_sanitized(self, body):
        """``body`` as the ORM stores it in ``mail.message.body`` (the field's own
        conversion, hence its own sanitising options)."""
        Message = self.env["mail.message"]
        return Message._fields["body"].convert_to_cache(body, Message, validate=True)
