# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import csv
import io

import xlsxwriter
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError


class AccountDunningHandover(models.AbstractModel):
    """Invoices handed over to a collection agency or a bailiff (a plan's last step,
    marked "Hand over for collection"): they are never reminded again, and the agency
    gets a file with only what it needs to collect them (data minimisation, GDPR art.
    5 (1) c): the debtor's identity and address, the invoices with their dates and
    amounts, and the reminders already sent. Nothing internal (pause or dispute
    reasons, notes, plans) is in it. Payments still reconcile as usual."""

    _name = "account.dunning.handover"
    _description = "Dunning handover for collection"

    @api.model
    def _hand_over(self, actions):
        """Hand over the invoices of ``actions`` (done to-dos of handover steps; the
        others are left out): mark them, and keep the file in each customer's
        discussion. Returns the handed-over invoices."""
        handing = actions.step_id.filtered("handover")
        if not handing:
            return self.env["account.move"]
        actions = actions.filtered(
            lambda action: action.state == "done" and action.step_id in handing
        )
        handed = self.env["account.move"]
        for (partner, day), group in actions.grouped(lambda a: (a.partner_id, a.date)).items():
            moves = group.move_ids.filtered(lambda move: not move.dunning_in_collection)
            if not moves:
                continue
            moves.sudo()._dunning_write(
                dict.fromkeys(
                    moves, {"dunning_in_collection": True, "dunning_collection_date": day}
                )
            )
            self._post_file(partner, moves, day)
            handed |= moves
        return handed

    @api.model
    def _post_file(self, partner, moves, day):
        """Post the handover file of ``moves`` (CSV and Excel) as a note on ``partner``."""
        rows = self._rows(moves)
        name = self.env._("Collection %(customer)s %(date)s", customer=partner.name, date=day)
        partner.sudo().message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Handed over for collection: %(invoices)s.",
                invoices=", ".join(moves.mapped("name")),
            ),
            attachments=[(f"{name}.csv", self._csv(rows)), (f"{name}.xlsx", self._xlsx(rows))],
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    @api.model
    def _columns(self):
        return [
            ("debtor", self.env._("Debtor")),
            ("company_number", self.env._("Company or VAT number")),
            ("street", self.env._("Street")),
            ("zip", self.env._("Zip")),
            ("city", self.env._("City")),
            ("country", self.env._("Country")),
            ("email", self.env._("E-mail")),
            ("invoice", self.env._("Invoice")),
            ("invoice_date", self.env._("Invoice date")),
            ("due_date", self.env._("Due date")),
            ("currency", self.env._("Currency")),
            ("amount_total", self.env._("Amount")),
            ("amount_due", self.env._("Amount due")),
            ("reminders", self.env._("Reminders sent")),
        ]

    @api.model
    def _rows(self, moves):
        """One row per invoice: only what an agency needs to collect it."""
        rows = []
        for move in moves.sorted(lambda m: (m.commercial_partner_id.name or "", m.name)):
            debtor = move.commercial_partner_id
            address = move.partner_id if move.partner_id.street else debtor
            sent = move.dunning_action_ids.filtered(
                lambda action: action.state == "done" and action.channel in ("email", "letter")
            ).sorted("date")
            rows.append(
                {
                    "debtor": debtor.name or "",
                    "company_number": debtor.company_registry or debtor.vat or "",
                    "street": " ".join(filter(None, [address.street, address.street2])),
                    "zip": address.zip or "",
                    "city": address.city or "",
                    "country": address.country_id.code or "",
                    "email": debtor.email or "",
                    "invoice": move.name,
                    "invoice_date": fields.Date.to_string(move.invoice_date) or "",
                    "due_date": fields.Date.to_string(move.invoice_date_due) or "",
                    "currency": move.currency_id.name,
                    "amount_total": move.amount_total,
                    "amount_due": move.amount_residual,
                    "reminders": "; ".join(
                        f"{fields.Date.to_string(action.date)} {action.channel}" for action in sent
                    ),
                }
            )
        return rows

    @api.model
    def _csv(self, rows):
        out = io.StringIO()
        columns = self._columns()
        writer = csv.writer(out)
        writer.writerow([label for _key, label in columns])
        for row in rows:
            writer.writerow([row[key] for key, _label in columns])
        return out.getvalue().encode()

    @api.model
    def _xlsx(self, rows):
        out = io.BytesIO()
        book = xlsxwriter.Workbook(out, {"in_memory": True})
        sheet = book.add_worksheet(self.env._("Invoices"))
        columns = self._columns()
        bold = book.add_format({"bold": True})
        for col, (_key, label) in enumerate(columns):
            sheet.write(0, col, label, bold)
        for line, row in enumerate(rows, start=1):
            for col, (key, _label) in enumerate(columns):
                sheet.write(line, col, row[key])
        book.close()
        return out.getvalue()

    @api.model
    def _export(self, moves):
        """The download of the handover file (Excel) of ``moves``, handed over already."""
        moves = moves.filtered("dunning_in_collection")
        if not moves:
            raise UserError(self.env._("Select invoices handed over for collection."))
        attachment = self.env["ir.attachment"].create(
            {
                "name": self.env._(
                    "Collection %(date)s.xlsx", date=fields.Date.context_today(self)
                ),
                "raw": self._xlsx(self._rows(moves)),
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        return {
            "type": "ir.actions.client",
            "tag": "account_dunning_plans.download_letters",
            "params": {"url": f"/web/content/{attachment.id}?download=true"},
        }
