# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict
from datetime import timedelta

import pytz
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.tools.misc import format_amount, format_date, formatLang

from ..engine import SendWindow, next_retry, temporary_failure
from ..engine import reasons as r
from ..engine.legal import (
    CONSUMER_NOTICE_DAYS,
    claims_reached,
    consumer_claim_start,
    statutory_claim,
)
from ..tools.wording import legal_basis


class AccountDunningDelivery(models.AbstractModel):
    """How a reminder reaches the customer: recipients, sender and reply-to, send
    window, invoice PDFs attached, followers and activities for manual steps.

    The nightly job and "Send reminder now" call it around the mails they queue; it
    holds no decision (the engine decides what is due) and no wording.
    """

    _name = "account.dunning.delivery"
    _description = "Dunning delivery"

    # == Who ==
    @api.model
    def _salesperson(self, scope, moves, customer):
        """The salesperson of a reminder: the invoice's, else the customer's (the other
        way round at customer level)."""
        if scope == "customer":
            return customer.user_id or moves[:1].invoice_user_id
        return moves[:1].invoice_user_id or customer.user_id

    @api.model
    def _responsible(self, step, moves, customer):
        """The user handling ``step`` for ``moves`` of ``customer``: its chosen user,
        else the salesperson, else the invoice's creator."""
        if step.responsible_type == "user" and step.responsible_user_id:
            return step.responsible_user_id
        salesperson = self._salesperson(step.plan_id.scope, moves, customer)
        return salesperson or moves[:1].create_uid

    # == What the templates read ==
    @api.model
    def _mail_values(self, record, dues):
        """Recipients (``partner_to``), ``email_from``, ``reply_to`` and ``salutation``
        of the mail rendered on ``record`` for ``dues`` (several for a merged mail,
        whose sender follows its customer-level plan if any)."""
        customer = dues[0].partner
        # Several invoices of one contact have the same recipients: asked once.
        distinct = {
            (due.scope, due.moves[:1].partner_id if due.scope == "invoice" else None): due
            for due in dues
        }
        recipients = self.env["res.partner"].union(
            *(
                self.env["account.dunning.facts"]._action_recipients(due.scope, due.moves, customer)
                for due in distinct.values()
            )
        )
        lead = next((due for due in dues if due.scope == "customer"), dues[0])
        responsible = self._salesperson(lead.scope, lead.moves, customer)
        sender = self._sender(lead.plan, lead.moves.company_id[:1], responsible)
        values = self._values(record, recipients, *sender, customer)
        # Each invoice's plan and level once this mail is sent: what it may claim.
        values["claim_levels"] = {
            move.id: (due.plan.id, due.own_levels.get(move.id, due.decision.level))
            for due in dues
            for move in due.moves
        }
        return values

    @api.model
    def _record_values(self, record):
        """The same for an invoice or a customer outside a run (a preview): its own plan
        in its (the current) company."""
        customer = record.commercial_partner_id
        if record._name == "account.move":
            plan = record.dunning_plan_id or record.dunning_customer_plan_id
            company = record.company_id
            recipients = self.env["account.dunning.facts"]._recipients(customer, record.partner_id)
            responsible = self._salesperson("invoice", record, customer)
        else:
            company = self.env.company
            plan = self.env["account.dunning.plan"]._customer_plan(customer.with_company(company))
            recipients = self.env["account.dunning.facts"]._recipients(customer)
            responsible = self._salesperson("customer", self.env["account.move"], customer)
        sender = self._sender(plan, company, responsible)
        return self._values(record, recipients, *sender, customer)

    @api.model
    def _values(self, record, recipients, email_from, reply_to, customer):
        if reply_to == "chatter":
            reply_to = record._notify_get_reply_to(default=email_from)[record.id]
        return {
            "partner_to": ",".join(str(partner_id) for partner_id in recipients.ids),
            "email_from": email_from,
            "reply_to": reply_to or "",
            # Worded when rendered, in the mail's language.
            "salutation_id": (recipients[:1] or customer).id,
        }

    @api.model
    def _mail_value(self, record, key):
        """One value of ``record``'s reminder mail (an invoice or a customer), for its
        templates: the stable rendering API behind ``dunning_mail_value(key)``.

        Keys: ``partner_to`` (recipient ids, comma-separated), ``email_from``,
        ``reply_to``, ``greeting`` (the greeting line, as the company chose it, in the
        mail's language), ``salutation`` (civility and name of the contact reminded);
        ``company`` (the company reminding); ``statement`` (customer-level and merged
        reminders: ``lines`` of invoices with their ``move``, ``days_overdue``,
        ``amount_due`` and ``level``, ``totals`` per currency, the ``level``, ``step``
        and its ``text``); ``claim`` (the late interest and recovery costs the mail
        claims, as HTML: see :meth:`_claim`); ``statement_link`` (for a reminder of
        several invoices, the link to one page listing them, as HTML:
        ``account.dunning.portal._statement_link``). As the run prepared them, else as a
        preview for the record alone. ``part`` and ``parts`` (False and [] since mails
        gathering several reminders are one statement) are kept for templates written
        before.
        """
        context = self.env.context
        partner_id = record.id if record._name == "res.partner" else record.commercial_partner_id.id
        if key == "company":
            company = context.get("dunning_companies", {}).get(partner_id)
            if company:
                return company
            return record.company_id if record._name == "account.move" else self.env.company
        if key == "statement":
            statement = context.get("dunning_statements", {}).get(partner_id)
            if not statement:
                return {}
            # The step's text in the language the mail is rendered in.
            return dict(statement, text=statement["step"].with_env(self.env)._statement_text())
        if key == "claim":
            return self._claim(record)
        if key == "statement_link":
            statement = context.get("dunning_statements", {}).get(partner_id) or {}
            moves = [line["move"] for line in statement.get("lines", ())]
            return self.env["account.dunning.portal"]._statement_link(
                self.env["res.partner"].browse(partner_id), moves
            )
        if key == "part":
            return False
        if key == "parts":
            return []
        prepared = (context.get("dunning_delivery") or {}).get((record._name, record.id))
        values = prepared or self._record_values(record)
        if key in ("salutation", "greeting"):
            partner = self.env["res.partner"].browse(values["salutation_id"])
            if key == "greeting":
                return self._greeting(partner, self._mail_value(record, "company"))
            return " ".join(filter(None, [partner.title.name, partner.name]))
        return values.get(key) or ""

    # == Sent by hand ==
    @api.model
    def _composer_action(self, record, template, attached, name, context, render=None):
        """Odoo's mail composer on ``record`` with ``template`` rendered (with the
        ``render`` context: the values of a statement), the PDFs of the invoices
        ``attached``, as a dialog titled ``name`` whose Send sees ``context``."""
        composer = (
            self.env["mail.compose.message"]
            .with_context(
                **(render or {}),
                default_model=record._name,
                default_res_ids=record.ids,
                default_template_id=template.id,
                default_composition_mode="comment",
                default_email_layout_xmlid=template.email_layout_xmlid or False,
            )
            .create({})
        )
        # Computed now, while the context holds the values to render.
        composer.flush_recordset()
        if attached:
            pdfs = self._invoice_pdfs(attached, composer._name, composer.id)
            composer.attachment_ids = [Command.link(pdf.id) for pdf in pdfs]
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": composer._name,
            "res_id": composer.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": context,
        }

    # == What the law lets the company claim ==
    @api.model
    def _claim(self, record):
        """The block of a reminder of ``record`` claiming late interest and recovery
        costs (``account_dunning_plans.mail_dunning_claim``, in the mail's language), or
        nothing. An invoice claims interest once its plan has reached a step that
        claims it (``charge_interest``), recovery costs once it has reached one that
        claims them (``charge_fee``) and until they are posted as their own invoice: as
        of the mail's day, what the law allows (``account.move.dunning_interest_amount``
        / ``dunning_fee_amount``)."""
        prepared = (self.env.context.get("dunning_delivery") or {}).get((record._name, record.id))
        if prepared:
            levels = prepared.get("claim_levels") or {}
        elif record._name == "account.move":
            # A preview (the composer): the invoice once its next step is sent.
            plan = record.dunning_plan_id or record.dunning_customer_plan_id
            levels = {record.id: (plan.id, record.dunning_level + 1)}
        else:
            levels = {}
        return self._claim_block(levels)

    @api.model
    def _letter_claim(self, action):
        """The claim block of the letter of ``action``, as of its date."""
        levels = {move.id: (action.plan_id.id, action.level) for move in action.move_ids}
        return self.with_context(dunning_date=str(action.date))._claim_block(
            levels, "letter", own_fees=action.fee_move_id
        )

    @api.model
    def _claim_block(self, levels, channel="email", own_fees=None):
        """The claim block (see :meth:`_claim`) of the invoices of ``levels`` (move id:
        (plan id, level reached)), or nothing; for a formal notice to a consumer, the
        mentions the law asks (:meth:`_notice_values`), the notice going by ``channel``.
        Recovery costs and interest already posted as invoices are not claimed again,
        but for ``own_fees``: the invoices the reminder being rendered posted (a letter
        printed once its action is done)."""
        lines = []
        totals = {}
        notices = []
        reached_of = {}  # (plan id, level): (claims interest, claims costs, a notice)
        moves = self.env["account.move"].browse(list(levels))  # read together
        for move_id, (plan_id, level) in levels.items():
            if (plan_id, level) not in reached_of:
                steps = self.env["account.dunning.plan"].browse(plan_id).step_ids
                reached_of[plan_id, level] = claims_reached(
                    [
                        (step.charge_interest, step.charge_fee, step.formal_notice)
                        for step in steps
                        if not step.broken_promise
                    ],
                    level,
                )
            claims_interest, claims_costs, notice = reached_of[plan_id, level]
            if not (claims_interest or claims_costs or notice):
                continue
            move = moves.browse(move_id).with_prefetch(moves._prefetch_ids)
            if notice and move.commercial_partner_id.dunning_debtor_type == "consumer":
                notices.append(move)
            # What earlier reminders invoiced is owed as those invoices: not twice.
            interest = move._dunning_interest_to_claim(own_fees) if claims_interest else 0
            invoiced = move._dunning_posted_fees() - (own_fees or move.browse())
            fee = move.dunning_fee_amount if claims_costs and not invoiced else 0
            if not (interest or fee):
                continue
            currency = move.currency_id
            lines.append(
                {
                    "move": move,
                    "interest": format_amount(self.env, interest, currency),
                    "fee": format_amount(self.env, fee, currency),
                }
            )
            due = totals.setdefault(currency, [0.0, 0.0, 0.0])
            due[0] += move.dunning_amount_due
            due[1] += interest
            due[2] += fee
        if not lines and not notices:
            return Markup("")
        first = lines[0]["move"] if lines else notices[0]
        company = first.company_id
        country = company.account_fiscal_country_id or company.country_id
        debtor = first.commercial_partner_id.dunning_debtor_type or "consumer"
        day = first.dunning_reminder_date
        rate = self.env["account.dunning.legal.rate"]._valid(country, debtor, day)
        return self.env["ir.qweb"]._render(
            "account_dunning_plans.mail_dunning_claim",
            {
                **self._notice_values(notices, channel),
                "lines": lines,
                "totals": [
                    {
                        "currency": currency,
                        "total": format_amount(self.env, sum(amounts), currency),
                    }
                    for currency, amounts in sorted(totals.items(), key=lambda i: i[0].name)
                ],
                "rate": rate,
                "rate_label": formatLang(self.env, rate.rate, digits=2) if rate else "",
                "basis": legal_basis(self.env, country.code),
                "day": format_date(self.env, day),
            },
        )

    @api.model
    def _notice_values(self, moves, channel):
        """What a formal notice to a consumer states about ``moves`` (sent today by
        ``channel``), as the laws ask (Code of Economic Law XIX.2 § 3, BW 6:96 lid 6):
        each invoice with what it is for, its due date and the principal; the day by
        which to pay; the exact costs and the interest due if not; the creditor and its
        company number. ``notices`` is empty for none."""
        if not moves:
            return {"notices": []}
        company = moves[0].company_id
        country = company.account_fiscal_country_id or company.country_id
        euro = self.env.ref("base.EUR")
        day = moves[0].dunning_reminder_date
        notice = (day, channel)
        start = consumer_claim_start(country.code, *notice)
        notices = []
        for move in moves:
            amount = move.dunning_amount_due
            principal = move.currency_id._convert(amount, euro, company, day)
            costs = statutory_claim(
                country.code,
                "consumer",
                principal,
                move.invoice_date_due,
                start or day,
                [],
                notice=notice,
                penalty_clause=company.dunning_consumer_penalty_clause,
            )[1]
            notices.append(
                {
                    "move": move,
                    "subject": ", ".join(move.invoice_line_ids.mapped("name")[:3]),
                    "due": format_date(self.env, move.invoice_date_due),
                    "amount": format_amount(self.env, amount, move.currency_id),
                    "costs": format_amount(
                        self.env,
                        euro._convert(float(costs), move.currency_id, company, day),
                        move.currency_id,
                    )
                    if costs
                    else "",
                }
            )
        consumer_rate = self.env["account.dunning.legal.rate"]._valid(
            country, "consumer", start or day
        )
        return {
            "notices": notices,
            # A period the law gives (Belgium, the Netherlands): its last day.
            "notice_deadline": format_date(self.env, start - timedelta(days=1))
            if start and CONSUMER_NOTICE_DAYS.get(country.code)
            else "",
            "notice_start": format_date(self.env, start) if start else "",
            "notice_rate": formatLang(self.env, consumer_rate.rate, digits=2)
            if consumer_rate
            else "",
            "creditor": company,
            "company_number": company.company_registry or company.vat or "",
        }

    @api.model
    def _greeting(self, contact, company):
        """The greeting line of a reminder (mail or letter) to ``contact``, in the
        environment's language: the business greeting, or by name if ``company``
        chose so (and the contact has one)."""
        if company.dunning_greeting == "name" and contact.name:
            return self.env._(
                "Dear %(name)s,",
                name=" ".join(filter(None, [contact.title.name, contact.name])),
            )
        return self.env._("Dear Sir or Madam,")

    # == Sender ==
    @api.model
    def _sender(self, plan, company, responsible):
        """``(email_from, reply_to)`` of a reminder of ``plan`` in ``company``;
        ``responsible``: the invoice's (or customer's) salesperson. ``reply_to`` False:
        replies go to the sender; "chatter": to the document's discussion."""
        sender_type, user, address = plan._dunning_sender_setting(company)
        company_from = company.email_formatted or self.env.user.email_formatted
        if sender_type == "user" and user.email:
            email_from = user.email_formatted
        elif sender_type == "responsible" and responsible.email:
            email_from = responsible.email_formatted
        elif sender_type == "address" and address:
            email_from = address
        else:
            email_from = company_from
        reply_type, reply_address = plan._dunning_reply_to_setting(company)
        if reply_type == "address" and reply_address:
            reply_to = reply_address
        elif reply_type == "responsible" and responsible.email:
            reply_to = responsible.email_formatted
        elif reply_type == "chatter":
            reply_to = "chatter"
        else:
            reply_to = False
        return email_from, reply_to

    # == Send window ==
    @api.model
    def _scheduled_date(self, plan, company, now=None, calendar=None):
        """When a mail of ``plan`` decided at ``now`` may leave: False for at once
        (inside the window, or no window), else the next opening as a naive UTC
        datetime (the mail queue's ``scheduled_date``). The window opens on the
        company's working days (``calendar``, when already known)."""
        hours = plan._dunning_window_hours(company)
        if not hours:
            return False
        now = now or fields.Datetime.now()
        if calendar is None:
            calendar = self.env["account.dunning.policy"]._work_calendar(company)
        resource_calendar = company.resource_calendar_id
        tz = pytz.timezone(resource_calendar.tz or company.partner_id.tz or "UTC")
        local_now = pytz.utc.localize(now).astimezone(tz).replace(tzinfo=None)
        window = SendWindow(hour_from=hours[0], hour_to=hours[1], calendar=calendar)
        opening = window.next_opening(local_now)
        if opening is None or opening == local_now:
            return False
        return tz.localize(opening).astimezone(pytz.utc).replace(tzinfo=None)

    # == After the mails are queued ==
    @api.model
    def _complete_mails(self, sent, origin, attach=True):
        """Finish the mails just queued: ``sent`` is ``[(due, mail)]`` (a merged mail
        appears once per action due). Sets the send window's date (not for reminders sent by
        hand), attaches the invoice PDFs of steps asking for them (unless ``attach`` is
        False: a person chose the attachments) and makes the responsible follow the
        invoices (or customer)."""
        scheduled = defaultdict(lambda: self.env["mail.mail"])
        pdfs = defaultdict(lambda: self.env["account.move"])
        follow = defaultdict(list)  # (follower, model) -> records
        openings = {}
        calendars = {}
        now = fields.Datetime.now()
        for due, mail in sent:
            step = due.plan.step_ids[due.decision.step_index]
            if origin != "manual":
                company = due.moves.company_id
                key = (due.plan, company)
                if key not in openings:
                    if company not in calendars:
                        calendars[company] = self.env["account.dunning.policy"]._work_calendar(
                            company
                        )
                    openings[key] = self._scheduled_date(*key, now=now, calendar=calendars[company])
                if openings[key]:
                    scheduled[openings[key]] |= mail
            if step.attach_invoice_pdf and attach and mail:
                pdfs[mail] |= due.moves
            if step.add_follower:
                record = due.partner if due.scope == "customer" else due.moves
                responsible = self._responsible(step, due.moves, due.partner)
                follow[responsible.partner_id, record._name].append(record)
        cron = self.env.ref("mail.ir_cron_mail_scheduler_action", raise_if_not_found=False)
        for when, mails in scheduled.items():
            mails.write({"scheduled_date": when})
            if cron:
                cron._trigger(when)
        for mail, moves in pdfs.items():
            mail.attachment_ids = [
                Command.link(pdf.id)
                for pdf in self._invoice_pdfs(moves, "mail.message", mail.mail_message_id.id)
            ]
        for (partner, model), records in follow.items():
            if partner:
                self.env[model].union(*records).message_subscribe(partner_ids=partner.ids)

    @api.model
    def _invoice_pdfs(self, moves, res_model, res_id):
        """The PDF of each of ``moves``: the one already generated when the invoice
        was sent, else a fresh rendering kept on ``res_model``/``res_id`` (the mail's
        message, or a composer)."""
        attachments = self.env["ir.attachment"]
        for move in moves:
            pdf = move.invoice_pdf_report_id
            if not pdf:
                content, kind = self.env["ir.actions.report"]._render_qweb_pdf(
                    "account.account_invoices", move.ids
                )
                pdf = self.env["ir.attachment"].create(
                    {
                        "name": f"{move._get_report_base_filename()}.{kind}",
                        "raw": content,
                        "res_model": res_model,
                        "res_id": res_id,
                    }
                )
            attachments |= pdf
        return attachments

    # == Activities of manual steps ==
    @api.model
    def _schedule_activities(self, dues, today):
        """One activity per manual action due, for its step's responsible, on the
        invoice (invoice level) or the customer; returns ``{id(due): activity}``."""
        vals_list, keys = [], []
        models_ = self.env["ir.model"]
        for due in dues:
            step = due.plan.step_ids[due.decision.step_index]
            record = due.partner if due.scope == "customer" else due.moves[:1]
            user = self._responsible(step, due.moves, due.partner)
            vals_list.append(
                {
                    "res_model_id": models_._get_id(record._name),
                    "res_id": record.id,
                    "activity_type_id": (
                        step.activity_type_id or self.env.ref("mail.mail_activity_data_todo")
                    ).id,
                    "summary": self.env._(
                        "Dunning: %(step)s (level %(level)s)",
                        step=step.name,
                        level=due.decision.level,
                    ),
                    "note": step.activity_note or False,
                    "user_id": user.id,
                    "date_deadline": today,
                    "automated": True,
                }
            )
            keys.append(id(due))
        if not vals_list:
            return {}
        activities = (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )
        return dict(zip(keys, activities, strict=True))

    # == Mails that did not go ==
    @api.model
    def _retry_mails(self, now=None):
        """Put back in the mail queue the dunning mails left in error by a temporary
        failure (a server down, greylisting "451", a time-out), after growing delays
        (:func:`..engine.delivery.next_retry`), for at least a day. A mail that failed
        for good (a 5xx reply, an invalid address, or a day of retries) does not count
        as sent: see :meth:`_give_up`. The queue sends each mail once, so nothing is
        sent twice."""
        now = now or fields.Datetime.now()
        actions = (
            self.env["account.dunning.action"]
            .sudo()
            .search([("state", "=", "done"), ("mail_id.state", "=", "exception")])
        )
        retry, give_up = self.env["account.dunning.action"], []
        for action in actions:
            mail = action.mail_id
            if not temporary_failure(mail.failure_type, mail.failure_reason):
                give_up.append(action)
            elif not action.mail_failed_at:
                action.write({"mail_failed_at": now, "mail_retry_at": next_retry(0, now, now)})
            elif not action.mail_retry_at:
                give_up.append(action)
            elif action.mail_retry_at <= now:
                retry |= action
        for action in retry:
            retries = action.mail_retries + 1
            action.write(
                {
                    "mail_retries": retries,
                    "mail_retry_at": next_retry(retries, action.mail_failed_at, now) or False,
                }
            )
        if retry:
            retry.mail_id.mark_outgoing()
            cron = self.env.ref("mail.ir_cron_mail_scheduler_action", raise_if_not_found=False)
            if cron:
                cron._trigger()
        for action in give_up:
            self._give_up(action)

    @api.model
    def _give_up(self, action):
        """``action``'s mail failed for good: the action is failed, its invoices go
        back to where they were (unless they moved on since), and a to-do with an
        activity asks the step's responsible to reach the customer otherwise."""
        mail = action.mail_id
        reason = self.env._(
            "The mail could not be delivered: %(reason)s",
            reason=(mail.failure_reason or mail.failure_type or "").strip().splitlines()[0]
            if (mail.failure_reason or mail.failure_type)
            else self.env._("unknown error"),
        )[:500]
        mail.cancel()
        action.write({"state": "failed", "reason": r.SEND_FAILED, "note": reason})
        previous = action.previous_levels or {}
        move_vals = {}
        for move in action.move_ids:
            before = previous.get(str(move.id))
            if before is None or move.dunning_level != action.level:
                continue
            level, plan_id, last_date = before
            move_vals[move] = {
                "dunning_level": level,
                "dunning_level_plan_id": plan_id or False,
                "dunning_last_date": last_date or False,
                "dunning_checked_date": False,
                "dunning_reason": r.SEND_FAILED,
            }
        action.move_ids._dunning_write(move_vals)
        self.env["account.dunning.fee"]._reverse_fees(action)
        step = action.step_id
        customer = action.partner_id
        record = customer if action.plan_id.scope == "customer" else action.move_ids[:1]
        user = self._responsible(step, action.move_ids, customer) if step else self.env.user
        activity = record.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Dunning mail failed: %(step)s", step=step.name or ""),
            note=reason,
            user_id=user.id,
        )
        action.sudo().copy(
            {
                "state": "todo",
                "origin": action.origin,
                "date": action.date,
                "move_ids": [Command.set(action.move_ids.ids)],
                "reason": r.SEND_FAILED,
                "note": reason,
                "activity_id": activity.id,
                "mail_id": False,
                "mail_message_id": False,
            }
        )
