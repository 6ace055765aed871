# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class MailMessage(models.Model):
    _inherit = "mail.message"

    @api.model
    def _dunning_log_notes(self, records, bodies):
        """Log ``bodies`` (record id -> HTML) as internal notes on ``records`` (a
        ``mail.thread`` model), exactly as ``records._message_log_batch`` would, but in
        two queries for thousands of notes (a statement is noted on each invoice it
        reminds).

        The first note is logged by ``_message_log_batch`` itself; the others are
        copies of its row with their own record and body, each body sanitised once
        per distinct body as the ORM stores it. Every column is therefore what Odoo
        (and any module extending it) stores for such a note: a test compares them.
        Returns the notes."""
        if not bodies:
            return self.browse()
        ids = list(bodies)
        first = records.browse(ids[0])._message_log_batch({ids[0]: bodies[ids[0]]})
        rest = ids[1:]
        if not rest:
            return first
        first.flush_recordset()
        field = self._fields["body"]
        stored = {}
        for res_id in rest:
            body = bodies[res_id]
            if body not in stored:
                stored[body] = field.convert_to_column(body, self)
        columns = [
            name
            for name, fld in self._fields.items()
            if fld.store and fld.column_type and name not in ("id", "res_id", "body")
        ]
        copied = ", ".join(f'm."{name}"' for name in columns)
        self.env.cr.execute(
            f"""
            INSERT INTO mail_message (res_id, body, {", ".join(f'"{name}"' for name in columns)})
            SELECT notes.res_id, notes.body, {copied}
              FROM mail_message m,
                   unnest(%s::int[], %s::text[]) WITH ORDINALITY AS notes(res_id, body, n)
             WHERE m.id = %s
             ORDER BY notes.n
            RETURNING id
            """,
            (rest, [stored[bodies[res_id]] for res_id in rest], first.id),
        )
        notes = first | self.browse([row[0] for row in self.env.cr.fetchall()])
        # As creating them would: the discussions of the records are read again.
        records.browse(rest).invalidate_recordset(
            ["message_ids", "message_needaction", "message_needaction_counter"]
        )
        return notes
