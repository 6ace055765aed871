# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..tools.notify import dialog, success, warning
from ..tools.wording import labels


class AccountDunningSendBatch(models.TransientModel):
    """Send the statements of several customers by e-mail now (the list action of
    the customers to chase): each customer's next e-mail steps, as its statement's
    "Send by e-mail" would, rendered from their templates.

    A customer whose statement something would normally hold (pause, dispute,
    promise, spacing, safety check) is listed with the reasons and left out unless
    the user ticks it, which confirms them; one that has nothing to send says why.
    """

    _name = "account.dunning.send.batch"
    _description = "Send statements by e-mail"

    line_ids = fields.One2many("account.dunning.send.batch.line", "batch_id", string="Customers")

    @api.model
    def _open_for(self, customers):
        """The dialog for ``customers`` (``[(commercial partner, company)]``)."""
        run = self.env["account.dunning.run"]
        reasons = labels(self.env)[0]
        lines = []
        for partner, company in customers:
            vals = {"partner_id": partner.id, "company_id": company.id}
            try:
                sends = run.with_company(company)._manual_statement(partner, company)
            except UserError as error:
                vals.update(error=error.args[0], send=False)
            else:
                vals.update(
                    steps=", ".join(
                        dict.fromkeys(
                            due.plan.step_ids[due.decision.step_index].name for due in sends.dues
                        )
                    ),
                    hold_codes=",".join(sends.holds),
                    holds="; ".join(reasons.get(hold, hold) for hold in sends.holds),
                    send=not sends.holds,
                )
            lines.append(Command.create(vals))
        batch = self.create({"line_ids": lines})
        return dialog(self.env._("Send statements by e-mail"), self._name, res_id=batch.id)

    def action_send(self):
        """Send the ticked customers' statements (a ticked customer's holds are
        confirmed); one that fails is reported and the others still go."""
        self.ensure_one()
        chosen = self.line_ids.filtered(lambda line: line.send and not line.error)
        if not chosen:
            raise UserError(self.env._("Tick the customers whose statement goes out now."))
        run = self.env["account.dunning.run"]
        sent, failed = 0, []
        for line in chosen:
            confirmed = tuple(filter(None, (line.hold_codes or "").split(",")))
            try:
                with self.env.cr.savepoint():
                    run.with_company(line.company_id)._send_statement_now(
                        line.partner_id, line.company_id, confirmed
                    )
            except UserError as error:
                failed.append(f"{line.partner_id.display_name}: {error.args[0]}")
            else:
                sent += 1
        message = self.env._("%(count)s statements sent by e-mail.", count=sent)
        if failed:
            return warning(
                "\n".join([message, self.env._("Not sent:"), *failed]),
                close=True,
            )
        return success(message, close=True)


class AccountDunningSendBatchLine(models.TransientModel):
    """One customer of a batch of statements sent by hand."""

    _name = "account.dunning.send.batch.line"
    _description = "Statement sent by hand in a batch"

    batch_id = fields.Many2one(
        "account.dunning.send.batch", required=True, ondelete="cascade", readonly=True
    )
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    steps = fields.Char(readonly=True)
    holds = fields.Char(string="Would be held by", readonly=True)
    hold_codes = fields.Char(readonly=True)
    error = fields.Char(string="Nothing to send", readonly=True)
    send = fields.Boolean(
        help="Ticked: the statement goes out, despite what would hold it.",
    )
