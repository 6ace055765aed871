# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models

from ..engine import Contact, SendWindow, recipients

# Days ahead the send window looks for public holidays.
HOLIDAY_HORIZON = 60


class AccountDunningDelivery(models.AbstractModel):
    """How a reminder reaches the customer: recipients, sender and reply-to, send
    window, invoice PDFs attached, followers and activities for manual steps.

    The nightly job and "Send reminder now" call it around the mails they queue; it
    holds no decision (the engine decides what is due) and no wording.
    """

    _name = "account.dunning.delivery"
    _description = "Dunning delivery"

    # == Recipients ==
    @api.model
    def _recipients(self, customer, invoice_contact=None):
        """Contacts of ``customer`` (a commercial entity) a reminder goes to, in the
        engine's order (:func:`..engine.delivery.recipients`); empty: no e-mail."""
        customer = customer.commercial_partner_id
        if not customer:
            return self.env["res.partner"]
        partners = customer | customer.child_ids.filtered("active")
        if invoice_contact and invoice_contact.commercial_partner_id == customer:
            partners |= invoice_contact
        contacts = [
            Contact(
                partner.id,
                email=bool(partner.email_normalized),
                customer=partner == customer,
                invoice_address=partner.type == "invoice",
                dunning_contact=partner.dunning_contact,
            )
            for partner in partners
        ]
        keys = recipients(contacts, invoice_contact.id if invoice_contact else None)
        return self.env["res.partner"].browse(keys).with_prefetch(partners._prefetch_ids)

    @api.model
    def _unit_recipients(self, scope, moves, customer):
        """Recipients of a unit: an invoice-level reminder knows the invoice's contact."""
        if scope == "invoice":
            return self._recipients(customer, moves[:1].partner_id)
        return self._recipients(customer)

    @api.model
    def _salesperson(self, scope, moves, customer):
        """The salesperson of a reminder: the invoice's, else the customer's (the other
        way round at customer level)."""
        if scope == "customer":
            return customer.user_id or moves[:1].invoice_user_id
        return moves[:1].invoice_user_id or customer.user_id

    # == What the templates read ==
    @api.model
    def _mail_values(self, record, units):
        """Recipients (``partner_to``), ``email_from``, ``reply_to`` and ``salutation``
        of the mail rendered on ``record`` for ``units`` (several for a merged mail,
        whose sender follows its customer-level plan if any)."""
        customer = units[0].partner
        recipients = self.env["res.partner"].union(
            *(self._unit_recipients(unit.scope, unit.moves, customer) for unit in units)
        )
        lead = next((unit for unit in units if unit.scope == "customer"), units[0])
        responsible = self._salesperson(lead.scope, lead.moves, customer)
        sender = self._sender(lead.plan, lead.moves.company_id[:1], responsible)
        return self._values(record, recipients, *sender, customer)

    @api.model
    def _record_values(self, record):
        """The same for an invoice or a customer outside a run (a preview): its own plan
        in its (the current) company."""
        customer = record.commercial_partner_id
        if record._name == "account.move":
            plan = record.dunning_plan_id or record.dunning_customer_plan_id
            company = record.company_id
            recipients = self._recipients(customer, record.partner_id)
            responsible = self._salesperson("invoice", record, customer)
        else:
            company = self.env.company
            plan = customer.with_company(company)._dunning_customer_plan()
            recipients = self._recipients(customer)
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
        """One value of ``record``'s reminder mail, for its templates: as the run
        prepared it (context ``dunning_delivery``), else as a preview."""
        prepared = (self.env.context.get("dunning_delivery") or {}).get((record._name, record.id))
        values = prepared or self._record_values(record)
        if key == "salutation":
            partner = self.env["res.partner"].browse(values["salutation_id"])
            return " ".join(filter(None, [partner.title.name, partner.name]))
        return values.get(key) or ""

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
    def _scheduled_date(self, plan, company, now=None):
        """When a mail of ``plan`` decided at ``now`` may leave: False for at once
        (inside the window, or no window), else the next opening as a naive UTC
        datetime (the mail queue's ``scheduled_date``)."""
        hours = plan._dunning_window_hours(company)
        if not hours:
            return False
        now = now or fields.Datetime.now()
        calendar = company.resource_calendar_id
        tz = pytz.timezone(calendar.tz or company.partner_id.tz or "UTC")
        local_now = pytz.utc.localize(now).astimezone(tz).replace(tzinfo=None)
        window = SendWindow(
            hour_from=hours[0], hour_to=hours[1], weekdays=self._working_weekdays(calendar)
        ).closed_by(self._public_holidays(calendar, company, local_now.date(), tz))
        opening = window.next_opening(local_now)
        if opening is None or opening == local_now:
            return False
        return tz.localize(opening).astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _working_weekdays(self, calendar):
        """Days of the week with working hours in ``calendar`` (all but week-ends
        without a calendar)."""
        days = {
            int(attendance.dayofweek)
            for attendance in calendar.attendance_ids
            if attendance.day_period != "lunch" and not attendance.display_type
        }
        return frozenset(days) if calendar else frozenset(range(5))

    @api.model
    def _public_holidays(self, calendar, company, start, tz):
        """``(begin, end)`` local datetimes of the public holidays (leaves without
        resource, of ``calendar`` or of every calendar) from ``start`` on."""
        end = start + timedelta(days=HOLIDAY_HORIZON)
        leaves = (
            self.env["resource.calendar.leaves"]
            .sudo()
            .search(
                [
                    ("resource_id", "=", False),
                    ("calendar_id", "in", [False, calendar.id]),
                    ("company_id", "in", [False, company.id]),
                    ("date_to", ">=", datetime.combine(start, time(0)) - timedelta(days=1)),
                    ("date_from", "<=", datetime.combine(end, time(0))),
                ]
            )
        )
        return [
            tuple(
                pytz.utc.localize(moment).astimezone(tz).replace(tzinfo=None)
                for moment in (leave.date_from, leave.date_to)
            )
            for leave in leaves
        ]

    # == After the mails are queued ==
    @api.model
    def _complete_mails(self, sent, origin):
        """Finish the mails just queued: ``sent`` is ``[(unit, mail)]`` (a merged mail
        appears once per unit). Sets the send window's date (not for reminders sent by
        hand), attaches the invoice PDFs of steps asking for them and makes the
        responsible follow the invoices (or customer)."""
        scheduled = defaultdict(lambda: self.env["mail.mail"])
        attach = defaultdict(lambda: self.env["account.move"])
        follow = defaultdict(list)  # (follower, model) -> records
        openings = {}
        now = fields.Datetime.now()
        for unit, mail in sent:
            step = unit.plan.step_ids[unit.decision.step_index]
            if origin != "manual":
                key = (unit.plan, unit.moves.company_id)
                if key not in openings:
                    openings[key] = self._scheduled_date(*key, now=now)
                if openings[key]:
                    scheduled[openings[key]] |= mail
            if step.attach_invoice_pdf:
                attach[mail] |= unit.moves
            if step.add_follower:
                record = unit.partner if unit.scope == "customer" else unit.moves
                responsible = step._dunning_responsible(unit.moves, unit.partner)
                follow[responsible.partner_id, record._name].append(record)
        cron = self.env.ref("mail.ir_cron_mail_scheduler_action", raise_if_not_found=False)
        for when, mails in scheduled.items():
            mails.write({"scheduled_date": when})
            if cron:
                cron._trigger(when)
        for mail, moves in attach.items():
            self._attach_invoice_pdfs(mail, moves)
        for (partner, model), records in follow.items():
            if partner:
                self.env[model].union(*records).message_subscribe(partner_ids=partner.ids)

    @api.model
    def _attach_invoice_pdfs(self, mail, moves):
        """Attach the PDF of each of ``moves`` to ``mail``: the one already generated
        when the invoice was sent, else a fresh rendering."""
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
                        "res_model": "mail.message",
                        "res_id": mail.mail_message_id.id,
                    }
                )
            attachments |= pdf
        mail.attachment_ids = [(4, attachment.id) for attachment in attachments]

    # == Activities of manual steps ==
    @api.model
    def _schedule_activities(self, units, today):
        """One activity per manual unit, for its step's responsible, on the invoice
        (invoice level) or the customer; returns ``{id(unit): activity}``."""
        vals_list, keys = [], []
        models_ = self.env["ir.model"]
        for unit in units:
            step = unit.plan.step_ids[unit.decision.step_index]
            record = unit.partner if unit.scope == "customer" else unit.moves[:1]
            user = step._dunning_responsible(unit.moves, unit.partner)
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
                        level=unit.decision.level,
                    ),
                    "note": step.activity_note or False,
                    "user_id": user.id,
                    "date_deadline": today,
                    "automated": True,
                }
            )
            keys.append(id(unit))
        if not vals_list:
            return {}
        activities = (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )
        return dict(zip(keys, activities, strict=True))
