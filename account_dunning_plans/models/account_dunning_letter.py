# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools.pdf import merge_pdf
from odoo.tools.safe_eval import safe_eval, time

from ..tools.statement import invoice_lines

LETTER_REPORT = "account_dunning_plans.account_dunning_letter_report"


class AccountDunningLetter(models.AbstractModel):
    """Postal letters of dunning steps: render, attach to the chatter, mark done."""

    _name = "account.dunning.letter"
    _description = "Dunning letters"

    # == Printing ==
    @api.model
    def _print(self, actions):
        """Print the letters of ``actions`` (letter to-dos, or done ones to reprint).

        Other actions are left out; :class:`UserError` if none is left. To-dos are
        marked done first (their invoices reach the action's level), so a letter is
        dated the day it is printed, and a reprint shows the same date. Each letter is
        posted as a note, with its file, in the chatter of its invoice (an
        invoice-level action) or of its customer.

        Returns the download of all letters in one PDF (a client action that then
        reloads the list), or the report action over ``actions`` when the report
        renders HTML (test mode).
        """
        letters = actions.filtered(
            lambda action: action.channel == "letter" and action.state in ("todo", "done")
        )
        if not letters:
            raise UserError(self.env._("Select postal letters to print."))
        letters.filtered(lambda action: action.state == "todo").action_done()
        report = self.env["ir.actions.report"]._get_report(LETTER_REPORT)
        documents = []
        for action in letters:
            content, fmt = self.env["ir.actions.report"]._render_qweb_pdf(LETTER_REPORT, action.ids)
            filename = "{}.{}".format(
                safe_eval(report.print_report_name, {"object": action, "time": time}), fmt
            )
            message = self._post_letter(action, content, filename)
            documents.append((content, fmt, message.attachment_ids))
        if any(fmt != "pdf" for _content, fmt, _attachment in documents):
            # config=False: print even when the company's document layout was never set.
            return report.report_action(letters, config=False)
        if len(documents) == 1:
            attachment = documents[0][2]
        else:
            attachment = self.env["ir.attachment"].create(
                {
                    "name": self.env._(
                        "Dunning letters %(date)s.pdf", date=letters[0].company_id._dunning_today()
                    ),
                    "raw": merge_pdf([content for content, _fmt, _attachment in documents]),
                    "mimetype": "application/pdf",
                    "res_model": letters._name,
                    "res_id": letters[0].id,
                }
            )
        # Downloaded, then the list that printed them reloads (static/src/js).
        return {
            "type": "ir.actions.client",
            "tag": "account_dunning_plans.download_letters",
            "params": {"url": f"/web/content/{attachment.id}?download=true"},
        }

    @api.model
    def _letter_thread(self, action):
        """The record whose chatter keeps the letter of ``action``: its invoice for an
        invoice-level action, else its customer."""
        if action.plan_id.scope != "customer" and len(action.move_ids) == 1:
            return action.move_ids
        return action.partner_id

    @api.model
    def _post_letter(self, action, content, filename):
        """Post the letter ``content`` of ``action`` as a note with the file
        ``filename`` in the chatter of :meth:`_letter_thread`; returns the message.

        The author is the current user, who needs read access to the record only.
        The record's main attachment (an invoice's own PDF) is left as it was.
        """
        thread = self._letter_thread(action)
        thread.check_access("read")
        # sudo: posting on a customer needs write access to it, which printing does not.
        thread = thread.sudo().with_context(tracking_disable=True)
        has_main = "message_main_attachment_id" in thread._fields
        main = thread.message_main_attachment_id if has_main else None
        message = thread.message_post(
            body=self.env._("Dunning letter '%(step)s' printed.", step=action.step_id.name or ""),
            attachments=[(filename, content)],
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        if has_main and thread.message_main_attachment_id != main:
            thread.message_main_attachment_id = main
        if not action.mail_message_id:
            action.mail_message_id = message.id
        return message

    # == Content ==
    @api.model
    def _letter_values(self, action):
        """What the letter of ``action`` shows besides the action's own fields, in the
        language of ``action``'s context.

        ``recipient``: the address on the envelope (the invoice's partner for one
        invoice, else the customer's invoice address); ``sender``: the company's
        return address in one line, above the recipient's; ``lines``: per invoice,
        oldest due first, its days overdue and amount due as of the letter's date;
        ``totals``: ``(currency, amount due)`` sorted by currency; ``portal_url``:
        where the customer pays, promises or disputes online (the invoice's page, or the
        page listing the letter's invoices).
        """
        moves = action.move_ids.with_context(dunning_date=str(action.date))
        if len(moves) == 1 and action.plan_id.scope != "customer":
            recipient = moves.partner_id
        else:
            partner = action.partner_id
            recipient = partner.browse(partner.address_get(["invoice"])["invoice"])
        lines, totals = invoice_lines(moves)
        company = action.company_id
        sender = " - ".join(
            filter(
                None,
                [
                    company.name,
                    company.street,
                    company.street2,
                    " ".join(filter(None, [company.zip, company.city])),
                    # The country for mail from abroad only.
                    company.country_id != recipient.country_id and company.country_id.name,
                ],
            )
        )
        return {
            "recipient": recipient.with_env(action.env),
            "sender": sender,
            "lines": lines,
            "totals": totals,
            "portal_url": moves
            and self.env["account.dunning.portal"]
            .sudo()
            ._portal_url(action.partner_id.commercial_partner_id, moves.sudo()),
        }
