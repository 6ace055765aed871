# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dataclasses import replace

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..engine import Customer, forecast_events
from ..engine import reasons as r
from ..tools.action_due import ActionDue
from ..tools.notify import dialog, success
from ..tools.wording import labels

# Days the test looks ahead: a plan's last step rarely comes later.
HORIZON = 400


class AccountDunningPlanTest(models.TransientModel):
    """ "Test this plan": every step a plan would run for one invoice or customer, with
    its date and the mail it would send, sending nothing to the customer (seed 004).

    The invoice's (or customer's) real facts are used, as if it had this plan, dunning
    were enabled and no safety check held it; nothing is paid and nobody acts.
    """

    _name = "account.dunning.plan.test"
    _description = "Test a dunning plan"

    plan_id = fields.Many2one("account.dunning.plan", required=True, ondelete="cascade")
    scope = fields.Selection(related="plan_id.scope")
    company_id = fields.Many2one(related="plan_id.company_id")
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('company_id', '=', company_id)]",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        domain="[('is_company', '=', True)]",
    )
    date = fields.Date(
        string="From", required=True, default=lambda self: self.env.company._dunning_today()
    )
    line_ids = fields.One2many("account.dunning.plan.test.line", "test_id", readonly=True)
    message = fields.Char(readonly=True)

    @api.model
    def _open_for(self, plan):
        # Wide: its lines have many columns.
        return dialog(
            self.env._("Test %(plan)s", plan=plan.name),
            self._name,
            {"default_plan_id": plan.id, "dialog_size": "extra-large"},
        )

    def action_test(self):
        """Forecast the plan on the chosen invoice or customer and show each step."""
        self.ensure_one()
        moves, customer = self._facts()
        self.line_ids.unlink()
        by_id = {move.id: move for move in moves}
        partner = moves.commercial_partner_id[:1]
        lines = []
        first_reason = None
        for day, statuses, actions in forecast_events(customer, self.date, HORIZON):
            if first_reason is None:
                first_reason = next(iter(statuses.values()))[1] if statuses else None
            for action in actions:
                lines.append(self._line_values(day, partner, action, by_id))
            if all(decision.outcome in (r.SKIP, r.DONE) for _p, decision in statuses.values()):
                break
        self.message = False
        if not lines and first_reason is not None:
            reasons = labels(self.env)[0]
            self.message = self.env._(
                "Nothing would be sent: %(reason)s.",
                reason=reasons.get(first_reason.reason, first_reason.reason),
            )
        self.env["account.dunning.plan.test.line"].create(lines)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Test %(plan)s", plan=self.plan_id.name),
            "context": {"dialog_size": "extra-large"},
        }

    def action_send_to_me(self):
        """Queue the test's mails to the current user only, marked as tests."""
        self.ensure_one()
        user = self.env.user
        if not user.email:
            raise UserError(self.env._("Set an e-mail address on your user to receive tests."))
        mails = self.line_ids.filtered("body_html")
        if not mails:
            raise UserError(self.env._("Run the test first: no e-mail step to send."))
        self.env["mail.mail"].sudo().create(
            [
                {
                    "subject": self.env._(
                        "[Test %(date)s] %(subject)s", date=line.date, subject=line.subject
                    ),
                    "body_html": line.body_html,
                    "email_from": user.email_formatted,
                    "recipient_ids": [(6, 0, user.partner_id.ids)],
                }
                for line in mails
            ]
        )
        return success(
            self.env._(
                "%(count)s test mail(s) queued for %(email)s.",
                count=len(mails),
                email=user.email,
            )
        )

    # == Business helpers ==
    def _facts(self):
        """The open invoices concerned and the engine's customer under this plan."""
        plan = self.plan_id
        Facts = self.env["account.dunning.facts"]
        if plan.scope == "invoice":
            if not self.move_id:
                raise UserError(self.env._("Choose an invoice to test this plan on."))
            moves = self.move_id
        else:
            if not self.partner_id:
                raise UserError(self.env._("Choose a customer to test this plan on."))
            moves = Facts._customer_open_moves(self.partner_id, plan.company_id)
            if not moves:
                raise UserError(
                    self.env._(
                        "%(customer)s has no open invoice in %(company)s.",
                        customer=self.partner_id.display_name,
                        company=plan.company_id.name,
                    )
                )
        company = moves.company_id
        stats = Facts._action_stats(moves, self.date)
        customer_facts = Facts._customer_stats(moves)[(moves.commercial_partner_id.id, company.id)]
        facts = [
            # The test ignores safety checks: they hold a plan, they do not change it.
            replace(
                Facts._invoice(move, self.date, stats, plan, customer_facts),
                unmatched_payments=False,
            )
            for move in moves
        ]
        policy = replace(
            self.env["account.dunning.policy"]._policy(company), enabled=True, bank_max_age=0
        )
        engine_plan = self.env["account.dunning.policy"]._plan(plan)
        partner = moves.commercial_partner_id
        if plan.scope == "invoice":
            customer = Customer(policy=policy, own=((engine_plan, facts[0]),))
        else:
            customer = Customer(
                policy=policy,
                plan=engine_plan,
                covered=tuple(facts),
                paused=partner.dunning_paused,
                pause_until=partner.dunning_pause_until or None,
            )
        return moves, customer

    def _line_values(self, day, partner, action, by_id):
        plan = self.plan_id
        step = plan.step_ids[action.decision.step_index]
        moves = (
            self.env["account.move"]
            .union(*(by_id[key] for key in action.keys))
            .sorted(lambda move: (move.invoice_date_due or move.date, move.id))
        )
        due = ActionDue(partner, plan, action.decision, moves, action.own_levels, action.scope)
        values = {
            "test_id": self.id,
            "date": day,
            "step_id": step.id,
            "channel": step.channel,
            "level": action.decision.level,
            "outcome": action.decision.outcome,
            "invoices": ", ".join(moves.mapped("name")),
        }
        if action.decision.outcome == r.SEND:
            subject, body, recipients = self.env["account.dunning.dispatch"]._render(due, day)
            values.update(
                subject=subject,
                body_html=Markup(body),
                recipient=", ".join(filter(None, recipients.mapped("email"))),
            )
        return values
