# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class MailMail(models.Model):
    """Dunning mails (context ``dunning_render_cache``) store their chatter copy
    sanitised once, not three times, and without the mail layout.

    A mail created from a template copies its body, layout included, into its message;
    the ORM then sanitises that copy three times (once for the column, twice for the
    cache of the message and of the mail). The chatter copy of a dunning mail is the
    template's body as rendered (context ``dunning_bodies``, see mail_template.py), as
    ``message_post`` stores a message whose e-mail gets a layout; it comes from a
    template that only accounting managers edit and is sanitised once here, with the
    options of the message's ``body`` field (its own conversion), and stored as the ORM
    would store that body."""

    _inherit = "mail.mail"

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.context.get("dunning_render_cache"):
            return super().create(vals_list)
        rendered = self.env.context.get("dunning_bodies") or {}
        bodies = []
        for vals in vals_list:
            body = None
            if vals.get("body") and vals["body"] == vals.get("body_html"):
                sent = vals.pop("body")
                body = rendered.get((vals.get("model"), vals.get("res_id"))) or sent
            bodies.append(body)
        mails = super().create(vals_list)
        self._dunning_store_bodies(
            [(mail.mail_message_id, body) for mail, body in zip(mails, bodies, strict=True) if body]
        )
        return mails

    @api.model
    def _dunning_store_bodies(self, bodies):
        """Store ``bodies`` (``[(message, body)]``, messages created without one) as
        the ORM stores a message's body: sanitised with the options of the field's own
        conversion, once per distinct body."""
        if not bodies:
            return
        Message = self.env["mail.message"]
        field = Message._fields["body"]
        sanitized = {}
        rows = []
        for message, body in bodies:
            if body not in sanitized:
                sanitized[body] = field.convert_to_cache(body, Message, validate=True)
            rows.append((message.id, sanitized[body]))
        Message.flush_model(["body"])
        self.env.cr.execute_values(
            "UPDATE mail_message SET body = rows.body FROM (VALUES %s) AS rows(id, body) "
            "WHERE mail_message.id = rows.id",
            rows,
            page_size=1000,
        )
        Message.browse([row[0] for row in rows]).invalidate_recordset(["body"])
