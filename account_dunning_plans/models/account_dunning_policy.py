# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import pytz

from odoo import api, models

from ..engine import WEEKDAYS, Plan, Policy, Step, WorkCalendar


class AccountDunningPolicy(models.AbstractModel):
    """A company's dunning settings, working days and plans as the engine sees them
    (:class:`..engine.facts.Policy`, :class:`..engine.calendar.WorkCalendar`,
    :class:`..engine.facts.Plan`). It reads records and never writes them."""

    _name = "account.dunning.policy"
    _description = "Dunning policy"

    @api.model
    def _policy(self, company):
        """The engine's view of ``company``'s dunning settings."""
        bank_date = self._bank_data_date(company) if company.dunning_bank_max_age else None
        return Policy(
            enabled=company.dunning_enabled,
            reminder_interval=max(company.dunning_reminder_interval, 0),
            min_amount=company.dunning_min_amount,
            min_percentage=company.dunning_min_percentage,
            max_age_at_activation=company.dunning_max_age_at_activation,
            activation_date=company.dunning_activation_date or None,
            bank_max_age=max(company.dunning_bank_max_age, 0),
            bank_data_date=bank_date or None,
        )

    @api.model
    def _bank_data_date(self, company):
        """Date of the newest bank statement line of ``company``'s bank journals."""
        groups = (
            self.env["account.bank.statement.line"]
            .sudo()
            ._read_group(
                [("company_id", "=", company.id), ("journal_id.type", "=", "bank")],
                aggregates=["date:max"],
            )
        )
        return groups[0][0] if groups else None

    @api.model
    def _work_calendar(self, company):
        """``company``'s working days (:class:`..engine.calendar.WorkCalendar`): the
        days of its working-hours calendar, less its public holidays (leaves without a
        resource, of its calendar or of every calendar). A holiday closes a day when it
        overlaps the send window's hours (the whole day without a window). One
        definition for plans counting working days and for the send window."""
        calendar = company.resource_calendar_id
        if not calendar:
            return WEEKDAYS
        weekdays = frozenset(
            int(attendance.dayofweek)
            for attendance in calendar.attendance_ids
            if attendance.day_period != "lunch" and not attendance.display_type
        )
        tz = pytz.timezone(calendar.tz or company.partner_id.tz or "UTC")
        leaves = (
            self.env["resource.calendar.leaves"]
            .sudo()
            .search(
                [
                    ("resource_id", "=", False),
                    ("calendar_id", "in", [False, calendar.id]),
                    ("company_id", "in", [False, company.id]),
                ]
            )
        )
        local = [
            tuple(
                pytz.utc.localize(moment).astimezone(tz).replace(tzinfo=None)
                for moment in (leave.date_from, leave.date_to)
            )
            for leave in leaves
        ]
        hours = (
            (company.dunning_window_from, company.dunning_window_to)
            if company.dunning_window
            else (0.0, 24.0)
        )
        return WorkCalendar(weekdays).closed_by(local, *hours)

    @api.model
    def _plan(self, plan, calendar=None):
        """The engine's view of ``plan`` (active steps, in order); ``calendar``: its
        company's working days, when already known."""
        if calendar is None and plan.business_days_only:
            calendar = self._work_calendar(plan.company_id)
        return Plan(
            steps=tuple(self._step(step) for step in plan.step_ids),
            logic=plan.logic,
            min_contact_delay=plan.min_contact_delay,
            business_days_only=plan.business_days_only,
            calendar=calendar or WEEKDAYS,
            active=plan.active,
            key=plan.id,
        )

    @api.model
    def _step(self, step):
        return Step(
            delay=step.delay,
            reference=step.delay_reference,
            channel=step.channel,
            automatic=step.automatic,
            broken_promise=step.broken_promise,
            key=step.id,
        )
