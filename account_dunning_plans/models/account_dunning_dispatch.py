# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import uuid
from collections import defaultdict

from markupsafe import Markup

from odoo import Command, api, models

from ..engine import reasons as r


class AccountDunningDispatch(models.AbstractModel):
    """Acts on the engine's decisions: queues the mails (one per customer and run),
    creates the actions and activities, and writes the invoices' dunning state.

    ``units`` are ``account_move.Unit`` tuples: a communication or to-do due, for an
    invoice-level step (one invoice) or a customer-level step (the invoices it lists).
    """

    _name = "account.dunning.dispatch"
    _description = "Dunning dispatch"

    @api.model
    def _execute(self, statuses, units, today, origin="auto"):
        """Record ``statuses`` (``[(move, plan, decision)]``) and execute ``units``.

        A customer gets at most one e-mail per run: its invoice-level and
        customer-level steps due together are merged into one mail. ``origin``
        "manual": sent by hand (no send window).
        """
        Move = self.env["account.move"]
        move_vals = {}
        details = Move._dunning_reason_details(statuses)
        for move, plan, decision in statuses:
            vals = {
                "dunning_checked_date": today,
                "dunning_reason": decision.reason,
                "dunning_reason_detail": details.get(move.id, False),
                "dunning_next_date": decision.next_date or False,
            }
            switched = move.dunning_level_plan_id and move.dunning_level_plan_id != plan
            if plan and switched and decision.outcome != r.SKIP:
                # The invoice changed level or plan: it starts afresh in this one.
                vals.update(dunning_level=0, dunning_last_date=False, dunning_level_plan_id=plan.id)
            move_vals[move] = vals
        action_vals = []
        mails = defaultdict(list)
        todos = []
        for unit in units:
            if unit.decision.outcome == r.SEND:
                mails[unit.partner, unit.moves.company_id].append(unit)
                continue
            todos.append(unit)
            for move in unit.moves:
                move_vals[move]["dunning_next_date"] = False
                move_vals[move]["dunning_promise_broken"] = False
        activities = self.env["account.dunning.delivery"]._schedule_activities(
            [unit for unit in todos if self._needs_activity(unit)], today
        )
        for unit in todos:
            vals = self._unit_action_vals(unit, today, origin)
            if id(unit) in activities:
                vals["activity_id"] = activities[id(unit)].id
            action_vals.append(vals)
        single = defaultdict(list)
        merged = []
        for partner_units in mails.values():
            if len(partner_units) == 1 and partner_units[0].scope == "invoice":
                unit = partner_units[0]
                single[self._template(unit)].append(unit)
            else:
                merged.append(partner_units)
        sent = []
        for template, template_units in single.items():
            sent += self._send(template, template_units, today, origin, action_vals, move_vals)
        if merged:
            sent += self._send_to_customers(merged, today, origin, action_vals, move_vals)
        self.env["account.dunning.delivery"]._complete_mails(sent, origin)
        if action_vals:
            self.env["account.dunning.action"].sudo().create(action_vals)
        Move._dunning_write(move_vals)

    @api.model
    def _needs_activity(self, unit):
        """Manual work for a person gets an activity: manual steps and e-mail steps in
        manual mode; letters wait in To do to be printed, missing e-mails to be fixed."""
        step = unit.plan.step_ids[unit.decision.step_index]
        return step.channel != "letter" and unit.decision.reason != r.NO_EMAIL

    @api.model
    def _template(self, unit):
        step = unit.plan.step_ids[unit.decision.step_index]
        return step._dunning_template(unit.moves.sorted(lambda m: (m.invoice_date_due, m.id)))

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
    def _delivery(self, units_of):
        """``dunning_delivery`` context: per ``(model, id)`` of the records the mails are
        rendered on, their recipients, sender, reply-to and salutation. ``units_of``:
        ``{record: [units]}``, several units for a merged mail."""
        Delivery = self.env["account.dunning.delivery"]
        values = {}
        for record, units in units_of.items():
            values[record._name, record.id] = Delivery._mail_values(record, units)
        return values

    @api.model
    def _sent(self, unit, mail, today, origin, action_vals, move_vals):
        """Record a unit whose mail was queued: its action and its invoices' new state."""
        vals = self._unit_action_vals(unit, today, origin)
        vals.update(
            state="done",
            mail_id=mail.id,
            mail_message_id=mail.mail_message_id.id,
            user_id=self.env.uid if origin == "manual" else False,
        )
        action_vals.append(vals)
        for move in unit.moves:
            move_vals.setdefault(move, {}).update(
                dunning_checked_date=today,
                dunning_reason=unit.decision.reason,
                dunning_reason_detail=False,
                dunning_level=unit.decision.level,
                dunning_level_plan_id=unit.plan.id,
                dunning_last_date=today,
                dunning_next_date=unit.decision.next_date or False,
                dunning_promise_broken=False,
            )

    @api.model
    def _failed(self, units, error, today, origin, action_vals, move_vals):
        for unit in units:
            vals = self._unit_action_vals(unit, today, origin)
            vals.update(state="failed", reason="send_failed", note=str(error))
            action_vals.append(vals)
            for move in unit.moves:
                move_vals.setdefault(move, {}).update(
                    dunning_checked_date=today, dunning_reason="send_failed"
                )

    @api.model
    def _send(self, template, units, today, origin, action_vals, move_vals):
        """Queue one invoice template's mails in a batch; a failure marks them failed.
        Returns ``[(unit, mail)]``."""
        moves = self.env["account.move"].browse([unit.moves.id for unit in units])
        self._prepare_links(moves)
        delivery = self._delivery({unit.moves: [unit] for unit in units})
        try:
            with self.env.cr.savepoint():
                mails = template.with_context(dunning_delivery=delivery).send_mail_batch(moves.ids)
        except Exception as error:  # noqa: BLE001 - any rendering error is reported
            self._failed(units, error, today, origin, action_vals, move_vals)
            return []
        sent = list(zip(units, mails, strict=True))
        for unit, mail in sent:
            self._sent(unit, mail, today, origin, action_vals, move_vals)
        return sent

    @api.model
    def _send_to_customers(self, mails, today, origin, action_vals, move_vals):
        """Queue one mail per customer for ``mails`` (a list of each customer's units).

        A customer-level step alone is its plan's template rendered on the customer.
        Several steps due together are merged: each is rendered as a part (without
        greeting and signature), in one mail built on the merge template. Returns
        ``[(unit, mail)]``.
        """
        units = [unit for partner_units in mails for unit in partner_units]
        self._prepare_links(self.env["account.move"].union(*(unit.moves for unit in units)))
        groups = {
            unit.partner.id: self._group_values(unit, today)
            for unit in units
            if unit.scope == "customer"
        }
        companies = {unit.partner.id: unit.moves.company_id for unit in units}
        delivery = self._delivery(
            {partner_units[0].partner: partner_units for partner_units in mails}
        )
        alone = defaultdict(list)
        parts = defaultdict(list)
        for partner_units in mails:
            if len(partner_units) == 1:
                alone[self._template(partner_units[0])].append(partner_units[0])
            else:
                for unit in partner_units:
                    parts[self._template(unit)].append(unit)
        context = {
            "dunning_groups": groups,
            "dunning_companies": companies,
            "dunning_delivery": delivery,
        }
        try:
            with self.env.cr.savepoint():
                sent = []
                for template, template_units in alone.items():
                    partners = self.env["res.partner"].union(
                        *(unit.partner for unit in template_units)
                    )
                    queued = template.with_context(**context).send_mail_batch(partners.ids)
                    sent += [
                        (unit, mail) for unit, mail in zip(template_units, queued, strict=True)
                    ]
                sent += self._send_merged(mails, parts, context)
        except Exception as error:  # noqa: BLE001 - any rendering error is reported
            self._failed(units, error, today, origin, action_vals, move_vals)
            return []
        for unit, mail in sent:
            self._sent(unit, mail, today, origin, action_vals, move_vals)
        return sent

    @api.model
    def _send_merged(self, mails, parts, context):
        """Render the parts of merged mails and queue one mail per customer."""
        if not parts:
            return []
        bodies = {}
        for template, template_units in parts.items():
            records = (
                self.env["res.partner"].union(*(unit.partner for unit in template_units))
                if template.model == "res.partner"
                else self.env["account.move"].browse([unit.moves.id for unit in template_units])
            )
            rendered = template.with_context(dunning_part=True, **context)._render_field(
                "body_html", records.ids, compute_lang=True
            )
            for unit in template_units:
                record_id = unit.partner.id if template.model == "res.partner" else unit.moves.id
                bodies[id(unit)] = Markup(rendered[record_id])
        merged = [partner_units for partner_units in mails if len(partner_units) > 1]
        wrapper = self.env.ref("account_dunning_plans.mail_template_dunning_merged")
        partners = self.env["res.partner"].union(*(units[0].partner for units in merged))
        parts_of = {units[0].partner.id: [bodies[id(unit)] for unit in units] for units in merged}
        queued = wrapper.with_context(dunning_parts=parts_of, **context).send_mail_batch(
            partners.ids
        )
        mail_of = dict(zip(partners.ids, queued, strict=True))
        return [(unit, mail_of[units[0].partner.id]) for units in merged for unit in units]

    @api.model
    def _render_unit(self, unit, day):
        """``(subject, body, recipients)`` of the mail ``unit`` (an e-mail step) would
        send on ``day``, rendered in the customer's language; nothing is sent."""
        template = self._template(unit).with_context(dunning_date=str(day))
        moves = unit.moves.with_context(dunning_date=str(day))
        record = unit.partner if template.model == "res.partner" else moves
        delivery = self._delivery({record: [unit]})
        template = template.with_context(
            dunning_delivery=delivery,
            dunning_groups={unit.partner.id: self._group_values(unit._replace(moves=moves), day)},
            dunning_companies={unit.partner.id: moves.company_id},
        )
        subject = template._render_field("subject", record.ids, compute_lang=True)[record.id]
        body = template._render_field("body_html", record.ids, compute_lang=True)[record.id]
        recipients = self.env["account.dunning.delivery"]._unit_recipients(
            unit.scope, unit.moves, unit.partner
        )
        return subject, body, recipients

    @api.model
    def _group_values(self, unit, today):
        """What a customer-level template shows: the invoices listed, each with its own
        level and days overdue, and the total due per currency."""
        lines, totals = self._invoice_lines(unit.moves)
        for line in lines:
            line["level"] = unit.own_levels.get(line["move"].id, unit.decision.level)
        return {
            "lines": lines,
            "totals": totals,
            "level": unit.decision.level,
            "step": unit.plan.step_ids[unit.decision.step_index],
        }

    @api.model
    def _invoice_lines(self, moves):
        """``(lines, totals)`` of a list of invoices in a mail or a letter: per invoice,
        oldest due first, its days overdue and amount due (as of the context's
        ``dunning_date``, else today); ``totals``: ``(currency, amount due)`` sorted by
        currency."""
        lines = []
        totals = defaultdict(float)
        for move in moves.sorted(lambda m: (m.invoice_date_due or m.date, m.id)):
            lines.append(
                {
                    "move": move,
                    "days_overdue": move.dunning_days_overdue,
                    "amount_due": move.dunning_amount_due,
                }
            )
            totals[move.currency_id] += move.dunning_amount_due
        return lines, sorted(totals.items(), key=lambda item: item[0].name)

    @api.model
    def _unit_action_vals(self, unit, today, origin):
        """Values of the action recording ``unit`` (state to do)."""
        step = unit.plan.step_ids[unit.decision.step_index]
        moves = unit.moves
        currencies = moves.currency_id
        single = len(currencies) == 1
        return {
            "company_id": moves.company_id.id,
            "plan_id": unit.plan.id,
            "step_id": step.id,
            "partner_id": unit.partner.id,
            "move_ids": [Command.set(moves.ids)],
            "level": unit.decision.level,
            "channel": step.channel,
            "state": "todo",
            "origin": origin,
            "date": today,
            "reason": unit.decision.reason,
            # Amounts in several currencies do not add up: the list shows none then.
            "amount_residual": sum(moves.mapped("dunning_amount_due")) if single else 0.0,
            "currency_id": currencies.id if single else moves.company_id.currency_id.id,
        }
