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
    def _execute(self, statuses, dues, today, origin="auto", details=None, holds=(), composed=None):
        """Record ``statuses`` (``[(move, plan, decision)]``) and execute ``dues``.

        A customer gets at most one e-mail per run: its invoice-level and
        customer-level steps due together are merged into one mail. ``origin``
        "manual": sent by hand (no send window), despite ``holds`` (reason codes the
        person confirmed, noted on the action); ``composed``: the message the person
        wrote in the mail composer, recorded as the mail of the e-mail dues (none is
        rendered). ``details``: per move id, what its status refers to.
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
        dated = self.with_context(dunning_date=str(today))
        for due in todos:
            vals = self._action_vals(due, today, origin, note, dated)
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
        if composed is not None:
            mail = self.env["mail.mail"].sudo().search([("mail_message_id", "=", composed.id)])
            for partner_dues in mails.values():
                for due in partner_dues:
                    recorder.sent(due, mail[:1], composed)
                    sent.append((due, mail[:1]))
        else:
            for template, template_dues in single.items():
                sent += self._send(template, template_dues, recorder)
            if merged:
                sent += self._send_to_customers(merged, recorder)
        self.env["account.dunning.delivery"]._complete_mails(sent, origin, attach=composed is None)
        self._log_on_invoices(sent, composed)
        if action_vals:
            actions = self.env["account.dunning.action"].sudo().create(action_vals)
            self.env["account.dunning.fee"]._post_fees(actions)
            self.env["account.dunning.credit.hold"]._apply(actions)
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

    @api.model
    def _customer_template(self, dues, statement=None):
        """The template of one customer's mail for ``dues``: the step's, or the
        statement template (``statement``, when already known) when several steps
        are due together."""
        if len(dues) > 1:
            return statement or self.env.ref("account_dunning_plans.mail_template_dunning_merged")
        return self._template(dues[0])

    # == Mails ==
    @api.model
    def _prepare_links(self, moves):
        """Date-dependent merge fields and payment links of ``moves``, for the run's day."""
        moves.invalidate_recordset(
            ["dunning_days_overdue", "dunning_reminder_date", "dunning_amount_due"]
        )
        # The payment link needs an access token: the missing ones are created in one
        # query (a token is a plain column nothing depends on; a write per invoice
        # would cost the ORM's whole write path each).
        missing = moves.filtered(lambda move: not move.access_token)
        if missing:
            tokens = [str(uuid.uuid4()) for _move in missing]
            self.env.cr.execute_values(
                "UPDATE account_move SET access_token = rows.token "
                "FROM (VALUES %s) AS rows(id, token) WHERE account_move.id = rows.id",
                list(zip(missing.ids, tokens, strict=True)),
                page_size=1000,
            )
            # The cache holds what was just stored (no query to read it back).
            self.env.cache.update(missing, missing._fields["access_token"], tokens)

    @api.model
    def _mail_context(self, dues_of, day=None):
        """The context the templates read through ``dunning_mail_value`` (see
        ``account.dunning.delivery._mail_value``) for mails rendered on the records
        of ``dues_of`` (``{record: [dues]}``, several for a merged mail)."""
        Delivery = self.env["account.dunning.delivery"]
        # The statements' lines as of the run's day, as the mails render them (and
        # the actions then read them: computed once).
        dated = self.with_context(dunning_date=str(day)) if day else self
        delivery, statements, companies = {}, {}, {}
        # Every invoice read in one go, whichever statement lists it.
        prefetch = [
            move_id for dues in dues_of.values() for due in dues for move_id in due.moves.ids
        ]
        for record, dues in dues_of.items():
            delivery[record._name, record.id] = Delivery._mail_values(record, dues)
            partner = dues[0].partner
            companies[partner.id] = dues[0].moves.company_id
            if len(dues) > 1 or dues[0].scope == "customer":
                statements[partner.id] = dated._statement_values(dues, prefetch)
        context = {
            "dunning_delivery": delivery,
            "dunning_statements": statements,
            "dunning_companies": companies,
            # Each template body is compiled once, not once per mail (mail_template.py).
            "dunning_render_cache": True,
            # The bodies before the layout, for the chatter copies (mail_mail.py).
            "dunning_bodies": {},
        }
        if day:
            context["dunning_date"] = str(day)
        return context

    @api.model
    def _log_on_invoices(self, sent, composed=None):
        """A mail sent to the customer (a statement: ``sent`` is ``[(due, mail)]``;
        ``composed``: the message a person wrote instead, its mail maybe gone) is
        logged on the discussion of each invoice it reminds, beside the customer's."""
        bodies = {}
        for due, mail in sent:
            if composed:
                mail = composed
            if mail.model != "res.partner":
                continue
            for move in due.moves:
                bodies[move.id] = Markup("<p>%s</p>") % self.env._(
                    "Reminded (level %(level)s) in the mail to %(customer)s: %(subject)s",
                    level=due.own_levels.get(move.id, due.decision.level),
                    customer=due.partner.display_name,
                    subject=mail.subject,
                )
        # Thousands in a night: logged in two queries (mail_message.py).
        self.env["mail.message"].sudo()._dunning_log_notes(self.env["account.move"], bodies)

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
        Several steps due together make one statement: every invoice they remind, in
        one table, under the text of the most advanced step (the statement template).
        Returns ``[(due, mail)]``. A failure stays with the customer it comes from.
        """
        dues = [due for partner_dues in mails for due in partner_dues]
        self._prepare_links(self.env["account.move"].union(*(due.moves for due in dues)))
        context = self._mail_context(
            {partner_dues[0].partner: partner_dues for partner_dues in mails}, recorder.today
        )
        by_template = defaultdict(list)
        statement = self.env.ref("account_dunning_plans.mail_template_dunning_merged")
        for partner_dues in mails:
            by_template[self._customer_template(partner_dues, statement)].append(partner_dues)
        try:
            with self.env.cr.savepoint():
                sent = []
                for template, template_mails in by_template.items():
                    partners = self.env["res.partner"].union(
                        *(partner_dues[0].partner for partner_dues in template_mails)
                    )
                    queued = template.with_context(**context).send_mail_batch(partners.ids)
                    for partner_dues, mail in zip(template_mails, queued, strict=True):
                        sent += [(due, mail) for due in partner_dues]
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
        template = template or self._customer_template(dues)
        recorder.failed(dues, self._failure_reason(error, template))
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
    def _statement_values(self, dues, prefetch=()):
        """What a statement (a customer-level step, or several steps due together to
        one customer) shows: the invoices of ``dues``, each with the level it reaches,
        the total due per currency, and the most advanced step (whose ``text`` the
        mail shows, in its language: see ``account.dunning.delivery._mail_value``).
        ``prefetch``: the ids of every invoice of the run's batch, read together."""
        levels = {}
        for due in dues:
            for move in due.moves:
                levels[move.id] = due.own_levels.get(move.id, due.decision.level)
        moves = self.env["account.move"].union(*(due.moves for due in dues))
        lines, totals = invoice_lines(moves.with_prefetch(prefetch or moves.ids))
        for line in lines:
            line["level"] = levels[line["move"].id]
        lead = max(dues, key=lambda due: (due.decision.level, due.scope == "customer"))
        return {
            "lines": lines,
            "totals": totals,
            "level": lead.decision.level,
            "step": self._step(lead),
        }

    @api.model
    def _action_vals(self, due, today, origin, note=False, dated=None):
        """Values of the action recording ``due`` (state to do). ``dated``: this
        model in the environment of the run's day (context ``dunning_date``), when
        already made."""
        step = self._step(due)
        # As of the run's day: the amounts its mails rendered (no second computation).
        dated = dated or self.with_context(dunning_date=str(today))
        moves = due.moves.with_env(dated.env)
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
        self.dated = dispatch.with_context(dunning_date=str(today))

    def sent(self, due, mail, message=None):
        """``due``'s mail was queued (``message``: the one a person composed, its
        ``mail`` already gone if sent at once): its action, and its invoices' new
        level."""
        vals = self.dispatch._action_vals(due, self.today, self.origin, self.note, self.dated)
        vals.update(
            state="done",
            mail_id=mail.id,
            mail_message_id=(message or mail.mail_message_id).id,
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
            vals = self.dispatch._action_vals(due, self.today, self.origin, dated=self.dated)
            vals.update(state="failed", reason=r.SEND_FAILED, note=reason)
            self.action_vals.append(vals)
            for move in due.moves:
                self.move_vals.setdefault(move, {}).update(
                    dunning_checked_date=self.today, dunning_reason=r.SEND_FAILED
                )
