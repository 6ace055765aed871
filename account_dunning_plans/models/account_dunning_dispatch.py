# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import uuid
from collections import defaultdict

import psycopg2
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY

from ..engine import level_reached, needs_activity
from ..engine import reasons as r
from ..tools.statement import invoice_lines
from ..tools.wording import labels

_logger = logging.getLogger(__name__)

# Left in a subject or body, these mean a template was not rendered: never sent.
PLACEHOLDERS = ("{{", "[[", "${")


class AccountDunningDispatch(models.AbstractModel):
    """Acts on the engine's decisions: queues the mails (one per customer and run),
    creates the actions and activities, and writes the invoices' dunning state.

    ``dues`` are :class:`..tools.action_due.ActionDue` s: a communication or to-do
    due, for an invoice-level step (one invoice) or a customer-level step (the
    invoices it lists). It decides nothing; ``account.dunning.delivery`` completes
    the mails.
    """

    _name = "account.dunning.dispatch"
    _description = "Dunning dispatch"

    @api.model
    def _execute(self, statuses, dues, today, origin="auto", details=None, holds=()):
        """Record ``statuses`` (``[(move, plan, decision)]``) and execute ``dues``.

        A customer gets at most one e-mail per run: its invoice-level and
        customer-level steps due together are merged into one mail. ``origin``
        "manual": sent by hand (no send window), despite ``holds`` (reason codes the
        person confirmed, noted on the action). ``details``: per move id, what its
        status refers to.
        """
        details = details or {}
        move_vals = {}
        for move, plan, decision in statuses:
            vals = {
                "dunning_checked_date": today,
                "dunning_reason": decision.reason,
                "dunning_reason_detail": details.get(move.id, False),
                "dunning_next_date": decision.next_date or False,
            }
            if plan and decision.restart:
                # The invoice changed level or plan: it starts afresh in this one.
                vals.update(dunning_level=0, dunning_last_date=False, dunning_level_plan_id=plan.id)
            move_vals[move] = vals
        action_vals = []
        mails = defaultdict(list)
        todos = []
        note = self._holds_note(holds)
        for due in dues:
            if due.decision.outcome == r.SEND:
                mails[due.partner, due.moves.company_id].append(due)
                continue
            todos.append(due)
            for move in due.moves:
                move_vals[move]["dunning_next_date"] = False
                move_vals[move]["dunning_promise_broken"] = False
        activities = self.env["account.dunning.delivery"]._schedule_activities(
            [due for due in todos if needs_activity(self._step(due).channel, due.decision.reason)],
            today,
        )
        for due in todos:
            vals = self._action_vals(due, today, origin, note)
            if id(due) in activities:
                vals["activity_id"] = activities[id(due)].id
            action_vals.append(vals)
        single = defaultdict(list)
        merged = []
        for partner_dues in mails.values():
            if len(partner_dues) == 1 and partner_dues[0].scope == "invoice":
                due = partner_dues[0]
                single[self._template(due)].append(due)
            else:
                merged.append(partner_dues)
        sent = []
        recorder = _Recorder(self, today, origin, note, action_vals, move_vals)
        for template, template_dues in single.items():
            sent += self._send(template, template_dues, recorder)
        if merged:
            sent += self._send_to_customers(merged, recorder)
        self.env["account.dunning.delivery"]._complete_mails(sent, origin)
        if action_vals:
            self.env["account.dunning.action"].sudo().create(action_vals)
        self.env["account.move"]._dunning_write(move_vals)

    @api.model
    def _holds_note(self, holds):
        """The note of an action sent by hand despite ``holds``."""
        if not holds:
            return False
        reasons = labels(self.env)[0]
        return self.env._(
            "Sent by hand despite: %(holds)s.",
            holds="; ".join(reasons.get(hold, hold) for hold in holds),
        )

    @api.model
    def _step(self, due):
        return due.plan.step_ids[due.decision.step_index]

    @api.model
    def _template(self, due):
        return self._step(due)._dunning_template(
            due.moves.sorted(lambda m: (m.invoice_date_due, m.id))
        )

    # == Mails ==
    @api.model
    def _prepare_links(self, moves):
        """Date-dependent merge fields and payment links of ``moves``, for the run's day."""
        moves.invalidate_recordset(
            ["dunning_days_overdue", "dunning_reminder_date", "dunning_amount_due"]
        )
        # The payment link needs an access token: create the missing ones in one go.
        missing = moves.filtered(lambda move: not move.access_token)
        moves._dunning_write({move: {"access_token": str(uuid.uuid4())} for move in missing})

    @api.model
    def _mail_context(self, dues_of, day=None):
        """The context the templates read through ``dunning_mail_value`` (see
        ``account.dunning.delivery._mail_value``) for mails rendered on the records
        of ``dues_of`` (``{record: [dues]}``, several for a merged mail)."""
        Delivery = self.env["account.dunning.delivery"]
        delivery, statements, companies = {}, {}, {}
        for record, dues in dues_of.items():
            delivery[record._name, record.id] = Delivery._mail_values(record, dues)
            partner = dues[0].partner
            companies[partner.id] = dues[0].moves.company_id
            for due in dues:
                if due.scope == "customer":
                    statements[partner.id] = self._statement_values(due)
        context = {
            "dunning_delivery": delivery,
            "dunning_statements": statements,
            "dunning_companies": companies,
            # Each template body is compiled once, not once per mail (mail_template.py).
            "dunning_render_cache": True,
        }
        if day:
            context["dunning_date"] = str(day)
        return context

    @api.model
    def _send(self, template, dues, recorder):
        """Queue one invoice template's mails in a batch; returns ``[(due, mail)]``.

        A failure of the batch is narrowed down to the customers it comes from: each
        mail is then queued in its own savepoint, and only the failing ones are
        recorded failed (:meth:`_isolated`)."""
        moves = self.env["account.move"].browse([due.moves.id for due in dues])
        self._prepare_links(moves)
        context = self._mail_context({due.moves: [due] for due in dues}, recorder.today)
        try:
            with self.env.cr.savepoint():
                mails = template.with_context(**context).send_mail_batch(moves.ids)
        except Exception as error:  # noqa: BLE001 - a rendering error stays with its mail
            return self._isolated(
                dues, error, template, lambda due: self._send(template, [due], recorder), recorder
            )
        return self._queued(list(zip(dues, mails, strict=True)), recorder)

    @api.model
    def _send_to_customers(self, mails, recorder):
        """Queue one mail per customer for ``mails`` (a list of each customer's dues).

        A customer-level step alone is its plan's template rendered on the customer.
        Several steps due together are merged: each is rendered as a part (without
        greeting and signature), in one mail built on the merge template. Returns
        ``[(due, mail)]``. A failure stays with the customer it comes from.
        """
        dues = [due for partner_dues in mails for due in partner_dues]
        self._prepare_links(self.env["account.move"].union(*(due.moves for due in dues)))
        context = self._mail_context(
            {partner_dues[0].partner: partner_dues for partner_dues in mails}, recorder.today
        )
        alone = defaultdict(list)
        parts = defaultdict(list)
        for partner_dues in mails:
            if len(partner_dues) == 1:
                alone[self._template(partner_dues[0])].append(partner_dues[0])
            else:
                for due in partner_dues:
                    parts[self._template(due)].append(due)
        try:
            with self.env.cr.savepoint():
                sent = []
                for template, template_dues in alone.items():
                    partners = self.env["res.partner"].union(
                        *(due.partner for due in template_dues)
                    )
                    queued = template.with_context(**context).send_mail_batch(partners.ids)
                    sent += list(zip(template_dues, queued, strict=True))
                sent += self._send_merged(mails, parts, context)
        except Exception as error:  # noqa: BLE001 - a rendering error stays with its mail
            return self._isolated(
                mails,
                error,
                None,
                lambda partner_dues: self._send_to_customers([partner_dues], recorder),
                recorder,
            )
        return self._queued(sent, recorder)

    @api.model
    def _isolated(self, groups, error, template, send_one, recorder):
        """After a batch failed with ``error``: send each of ``groups`` (one customer's
        dues, or one due) on its own with ``send_one``; a group alone that fails is
        recorded failed. Concurrency errors are not rendering failures: re-raised."""
        if isinstance(error, psycopg2.Error) and error.pgcode in PG_CONCURRENCY_ERRORS_TO_RETRY:
            raise error
        if len(groups) > 1:
            sent = []
            for group in groups:
                sent += send_one(group)
            return sent
        dues = groups[0] if isinstance(groups[0], list) else groups
        _logger.warning(
            "Dunning: the mail to %s could not be rendered",
            dues[0].partner.display_name,
            exc_info=error,
        )
        recorder.failed(dues, self._failure_reason(error, template or self._template(dues[0])))
        return []

    @api.model
    def _failure_reason(self, error, template):
        """One line a person understands: the template, and the root cause of
        ``error`` (the traceback goes to the server log)."""
        cause = error
        while cause.__cause__ is not None or (
            cause.__context__ is not None and not cause.__suppress_context__
        ):
            cause = cause.__cause__ or cause.__context__
        message = next(
            (line.strip() for line in str(cause).splitlines() if line.strip()),
            type(cause).__name__,
        )
        return self.env._(
            "The template %(template)s could not be rendered: %(error)s",
            template=template.name,
            error=message[:300],
        )

    @api.model
    def _queued(self, sent, recorder):
        """Record ``sent`` (``[(due, mail)]``); a mail still holding a placeholder or
        with nobody to send to is deleted, unsent, and its dues recorded failed."""
        good, bad = [], defaultdict(list)
        for due, mail in sent:
            reason = self._unsendable(mail)
            if reason:
                bad[mail, reason].append(due)
            else:
                good.append((due, mail))
        for (mail, reason), dues in bad.items():
            _logger.warning("Dunning: mail %s not sent: %s", mail.id, reason)
            mail.sudo().unlink()
            recorder.failed(dues, reason)
        for due, mail in good:
            recorder.sent(due, mail)
        return good

    @api.model
    def _unsendable(self, mail):
        """Why ``mail`` must not leave, or None."""
        for text in (mail.subject or "", mail.body_html or ""):
            for placeholder in PLACEHOLDERS:
                if placeholder in text:
                    return self.env._(
                        "The mail still holds an unrendered placeholder (%(placeholder)s): "
                        "check the template.",
                        placeholder=placeholder,
                    )
        if not mail.recipient_ids and not mail.email_to:
            return self.env._("The mail has no recipient.")
        return None

    @api.model
    def _send_merged(self, mails, parts, context):
        """Render the parts of merged mails and queue one mail per customer."""
        if not parts:
            return []
        bodies = {}
        for template, template_dues in parts.items():
            records = (
                self.env["res.partner"].union(*(due.partner for due in template_dues))
                if template.model == "res.partner"
                else self.env["account.move"].browse([due.moves.id for due in template_dues])
            )
            rendered = template.with_context(dunning_part=True, **context)._render_field(
                "body_html", records.ids, compute_lang=True
            )
            for due in template_dues:
                record_id = due.partner.id if template.model == "res.partner" else due.moves.id
                bodies[id(due)] = Markup(rendered[record_id])
        merged = [partner_dues for partner_dues in mails if len(partner_dues) > 1]
        wrapper = self.env.ref("account_dunning_plans.mail_template_dunning_merged")
        partners = self.env["res.partner"].union(*(dues[0].partner for dues in merged))
        parts_of = {dues[0].partner.id: [bodies[id(due)] for due in dues] for dues in merged}
        queued = wrapper.with_context(dunning_parts=parts_of, **context).send_mail_batch(
            partners.ids
        )
        mail_of = dict(zip(partners.ids, queued, strict=True))
        return [(due, mail_of[dues[0].partner.id]) for dues in merged for due in dues]

    @api.model
    def _render(self, due, day):
        """``(subject, body, recipients)`` of the mail ``due`` (an e-mail step) would
        send on ``day``, rendered in the customer's language; nothing is sent."""
        moves = due.moves.with_context(dunning_date=str(day))
        due = due._replace(moves=moves)
        template = self._template(due)
        record = due.partner if template.model == "res.partner" else moves
        template = template.with_context(**self._mail_context({record: [due]}, day))
        subject = template._render_field("subject", record.ids, compute_lang=True)[record.id]
        body = template._render_field("body_html", record.ids, compute_lang=True)[record.id]
        recipients = self.env["account.dunning.facts"]._action_recipients(
            due.scope, due.moves, due.partner
        )
        return subject, body, recipients

    @api.model
    def _statement_values(self, due):
        """What a customer-level template shows: the invoices listed, each with its own
        level and days overdue, and the total due per currency."""
        lines, totals = invoice_lines(due.moves)
        for line in lines:
            line["level"] = due.own_levels.get(line["move"].id, due.decision.level)
        return {
            "lines": lines,
            "totals": totals,
            "level": due.decision.level,
            "step": self._step(due),
        }

    @api.model
    def _action_vals(self, due, today, origin, note=False):
        """Values of the action recording ``due`` (state to do)."""
        step = self._step(due)
        moves = due.moves
        currencies = moves.currency_id
        single = len(currencies) == 1
        return {
            "company_id": moves.company_id.id,
            "plan_id": due.plan.id,
            "step_id": step.id,
            "partner_id": due.partner.id,
            "move_ids": [Command.set(moves.ids)],
            "level": due.decision.level,
            "channel": step.channel,
            "state": "todo",
            "origin": origin,
            "date": today,
            "reason": due.decision.reason,
            "note": note,
            # Amounts in several currencies do not add up: the list shows none then.
            "amount_residual": sum(moves.mapped("dunning_amount_due")) if single else 0.0,
            "currency_id": currencies.id if single else moves.company_id.currency_id.id,
        }


class _Recorder:
    """Collects, for one dispatch, the actions and the invoice state of the mails
    queued or failed."""

    def __init__(self, dispatch, today, origin, note, action_vals, move_vals):
        self.dispatch = dispatch
        self.today = today
        self.origin = origin
        self.note = note
        self.action_vals = action_vals
        self.move_vals = move_vals

    def sent(self, due, mail):
        """``due``'s mail was queued: its action, and its invoices' new level."""
        vals = self.dispatch._action_vals(due, self.today, self.origin, self.note)
        vals.update(
            state="done",
            mail_id=mail.id,
            mail_message_id=mail.mail_message_id.id,
            user_id=self.dispatch.env.uid if self.origin == "manual" else False,
            # Restored if the mail fails for good.
            previous_levels={
                str(move.id): [
                    move.dunning_level,
                    move.dunning_level_plan_id.id,
                    fields.Date.to_string(move.dunning_last_date),
                ]
                for move in due.moves
            },
        )
        self.action_vals.append(vals)
        for move in due.moves:
            vals = self.move_vals.setdefault(move, {})
            # Restarted in this plan by this run (see _execute), or already in it.
            restarted = vals.get("dunning_level_plan_id") == due.plan.id
            same_plan = restarted or not (
                move.dunning_level_plan_id and move.dunning_level_plan_id != due.plan
            )
            level = 0 if restarted else move.dunning_level
            vals.update(
                dunning_checked_date=self.today,
                dunning_reason=due.decision.reason,
                dunning_reason_detail=False,
                dunning_level=level_reached(level, same_plan, due.decision.level),
                dunning_level_plan_id=due.plan.id,
                dunning_last_date=self.today,
                dunning_next_date=due.decision.next_date or False,
                dunning_promise_broken=False,
            )

    def failed(self, dues, reason):
        """``dues``' mail failed for ``reason`` (one line): nothing moves."""
        for due in dues:
            vals = self.dispatch._action_vals(due, self.today, self.origin)
            vals.update(state="failed", reason=r.SEND_FAILED, note=reason)
            self.action_vals.append(vals)
            for move in due.moves:
                self.move_vals.setdefault(move, {}).update(
                    dunning_checked_date=self.today, dunning_reason=r.SEND_FAILED
                )
