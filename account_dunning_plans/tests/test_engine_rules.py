# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Engine tests of the rules the shell used to hold: a reminder sent by hand, a plan
change, the level, seed 000's seven-day rule, working days, activities, the report."""

from dataclasses import replace
from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ..engine import (
    Customer,
    Plan,
    Policy,
    Step,
    WorkCalendar,
    add_days,
    decide,
    decide_day,
    forecast,
    level_reached,
    manual_send,
    manual_send_group,
    manual_statement,
    needs_activity,
    report_due,
    report_period_start,
    step_dates,
)
from ..engine import reasons as r
from ..engine.rules import credit_hold_lifts
from .engine_case import EngineCase, tagged
from .test_engine_customer import MONDAY, invoice

DAY = timedelta(days=1)
PLAN = Plan(
    steps=(Step(10, key="s1"), Step(30, key="s2"), Step(45, key="s3")),
    min_contact_delay=5,
    key="plan",
)


@tagged("post_install", "-at_install", "dunning_engine")
class TestManualSend(EngineCase):
    def test_next_step_whatever_its_date(self):
        answer = manual_send(PLAN, invoice(due_date=MONDAY), Policy(), MONDAY)
        self.assertEqual((answer.refusal, answer.step_index, answer.level), (None, 0, 1))
        self.assertEqual(answer.holds, ())

    def test_every_hold_is_listed(self):
        inv = invoice(
            due_date=MONDAY - 20 * DAY,
            disputed=True,
            blocked=True,
            customer_blocked=True,
            paused=True,
            promise_until=MONDAY + 3 * DAY,
            open_todo=True,
            last_date=MONDAY,
            last_reminder_date=MONDAY,
            level=1,
            level_plan="plan",
            unmatched_payments=True,
        )
        policy = Policy(bank_max_age=14, bank_data_date=MONDAY - 30 * DAY)
        answer = manual_send(PLAN, inv, policy, MONDAY)
        self.assertIsNone(answer.refusal)
        self.assertEqual(
            answer.holds,
            (
                r.DISPUTED,
                r.INVOICE_BLOCKED,
                r.CUSTOMER_BLOCKED,
                r.PAUSED,
                r.PROMISED,
                r.TODO_PENDING,
                r.ALREADY_TODAY,
                r.CONTACT_DELAY,
                r.RECENT_REMINDER,
                r.STALE_BANK_DATA,
                r.UNMATCHED_PAYMENTS,
            ),
        )

    def test_three_clicks_never_reach_the_final_notice_unasked(self):
        inv = invoice(due_date=MONDAY - 20 * DAY)
        first = manual_send(PLAN, inv, Policy(), MONDAY)
        self.assertEqual((first.step_index, first.holds), (0, ()))
        after = replace(
            inv,
            level=first.level,
            level_plan="plan",
            last_date=MONDAY,
            last_reminder_date=MONDAY,
            customer_last_date=MONDAY,
            acted_today=frozenset({"s1"}),
        )
        second = manual_send(PLAN, after, Policy(), MONDAY)
        self.assertEqual(second.step_index, 1)
        self.assertEqual(second.holds, (r.ALREADY_TODAY, r.CONTACT_DELAY, r.RECENT_REMINDER))

    def test_refusals(self):
        self.assertEqual(
            manual_send(PLAN, invoice(payment_state="paid"), Policy(), MONDAY).refusal, r.PAID
        )
        self.assertEqual(manual_send(None, invoice(), Policy(), MONDAY).refusal, r.NO_PLAN)
        done = invoice(level=3, level_plan="plan")
        self.assertEqual(manual_send(PLAN, done, Policy(), MONDAY).refusal, r.PLAN_COMPLETED)
        # A letter to-do created today for step 1: the same step again today is refused.
        todo = invoice(open_todo=True, acted_today=frozenset({"s1"}))
        answer = manual_send(PLAN, todo, Policy(), MONDAY)
        self.assertEqual((answer.refusal, answer.step_index), (r.STEP_DONE_TODAY, 0))
        # Stand-by does not hold a reminder sent by hand.
        self.assertEqual(manual_send(PLAN, invoice(), Policy(enabled=False), MONDAY).holds, ())

    def test_broken_promise_step_keeps_the_level(self):
        plan = replace(PLAN, steps=(*PLAN.steps, Step(0, broken_promise=True, key="b")))
        inv = invoice(level=1, level_plan="plan", promise_broken=True)
        answer = manual_send(plan, inv, Policy(), MONDAY)
        self.assertEqual((answer.step_index, answer.level), (3, 1))


@tagged("post_install", "-at_install", "dunning_engine")
class TestManualStatement(EngineCase):
    """A customer's statement sent by hand: the customer-level plan's next step for
    its group, each own-plan invoice's next step, and every hold to confirm."""

    def covered(self, key, days_overdue, **values):
        return invoice(key=key, due_date=MONDAY - days_overdue * DAY, **values)

    def test_group_sends_the_next_step_for_every_invoice_due(self):
        invoices = (
            self.covered(1, 20, level=1, level_plan="plan", last_date=MONDAY - 10 * DAY),
            self.covered(2, 3),
            self.covered(3, -5),  # not due yet: not listed
        )
        action = manual_send_group(PLAN, invoices, Policy(), MONDAY)
        self.assertEqual((action.scope, action.plan_key), ("customer", "plan"))
        self.assertEqual((action.answer.step_index, action.answer.level), (1, 2))
        self.assertEqual(action.keys, (1, 2))
        self.assertEqual(action.own_levels, {1: 2, 2: 1})
        self.assertEqual(action.answer.holds, ())

    def test_the_nightly_job_would_list_the_same_invoices(self):
        invoices = (self.covered(1, 40), self.covered(2, 12), self.covered(3, -2))
        customer = Customer(policy=Policy(), plan=PLAN, covered=invoices)
        _statuses, actions = decide_day(customer, MONDAY)
        action = manual_send_group(PLAN, invoices, Policy(), MONDAY)
        self.assertEqual(action.keys, actions[0].keys)
        self.assertEqual(action.own_levels, actions[0].own_levels)
        self.assertEqual(action.answer.level, actions[0].decision.level)

    def test_what_keeps_an_invoice_out_of_the_group_is_a_hold(self):
        invoices = (
            self.covered(1, 20, disputed=True),
            self.covered(2, 15, promise_until=MONDAY + 5 * DAY),
            self.covered(3, 10, payment_state="paid"),  # nothing to send for it
        )
        action = manual_send_group(
            PLAN, invoices, Policy(), MONDAY, paused=True, pause_until=MONDAY + DAY
        )
        self.assertEqual(action.keys, (1, 2))
        self.assertEqual(action.answer.holds, (r.DISPUTED, r.PROMISED, r.PAUSED))

    def test_refused_when_nothing_is_left(self):
        paid = (self.covered(1, 20, payment_state="paid"),)
        action = manual_send_group(PLAN, paid, Policy(), MONDAY)
        self.assertEqual((action.answer.refusal, action.keys), (r.PAID, ()))
        done = (self.covered(1, 90, level=3, level_plan="plan"),)
        self.assertEqual(
            manual_send_group(PLAN, done, Policy(), MONDAY).answer.refusal, r.PLAN_COMPLETED
        )

    def test_an_invoice_from_another_plan_restarts(self):
        invoices = (self.covered(1, 20, level=2, level_plan="other"), self.covered(2, 5))
        action = manual_send_group(PLAN, invoices, Policy(), MONDAY)
        self.assertEqual(action.restarts, frozenset({1}))
        self.assertEqual(action.answer.step_index, 0)

    def test_statement_gathers_both_levels(self):
        own = replace(PLAN, key="own")
        customer = Customer(
            policy=Policy(),
            own=(
                (own, self.covered(10, 15)),
                (own, self.covered(11, 15, payment_state="in_payment")),
            ),
            plan=PLAN,
            covered=(self.covered(1, 20),),
        )
        actions, refusals = manual_statement(customer, MONDAY)
        self.assertEqual(
            [(a.scope, a.plan_key, a.keys) for a in actions],
            [("invoice", "own", (10,)), ("customer", "plan", (1,))],
        )
        self.assertEqual(refusals, {11: r.IN_PAYMENT})
        done = replace(customer, own=(), covered=(self.covered(1, 90, level=3, level_plan="plan"),))
        self.assertEqual(manual_statement(done, MONDAY), ([], {None: r.PLAN_COMPLETED}))


@tagged("post_install", "-at_install", "dunning_engine")
class TestPlanChangeAndLevel(EngineCase):
    def test_another_plan_restarts(self):
        other = replace(PLAN, key="other")
        inv = invoice(
            due_date=MONDAY - 12 * DAY, level=2, level_plan="plan", last_date=MONDAY - 3 * DAY
        )
        same = decide(PLAN, inv, Policy(reminder_interval=0), MONDAY)
        self.assertFalse(same.restart)
        moved = decide(other, inv, Policy(reminder_interval=0), MONDAY)
        self.assertEqual((moved.step_index, moved.level, moved.restart), (0, 1, True))
        # Skipped by the new plan: nothing to restart.
        paid = replace(inv, payment_state="paid")
        self.assertFalse(decide(other, paid, Policy(), MONDAY).restart)

    def test_a_customer_plan_takes_over_an_invoice(self):
        inv = invoice(key="a", due_date=MONDAY - 12 * DAY, level=2, level_plan="invoice plan")
        customer = Customer(policy=Policy(), plan=PLAN, covered=(inv,))
        statuses, actions = decide_day(customer, MONDAY)
        _plan, decision = statuses["a"]
        self.assertEqual((decision.level, decision.restart), (1, True))
        self.assertEqual(actions[0].keys, ("a",))

    def test_the_level_only_rises(self):
        self.assertEqual(level_reached(3, True, 2), 3)
        self.assertEqual(level_reached(1, True, 2), 2)
        self.assertEqual(level_reached(3, False, 1), 1)

    def test_forecast_counts_the_level_in_the_new_plan(self):
        inv = invoice(key="a", due_date=MONDAY - 12 * DAY, level=3, level_plan="old")
        customer = Customer(policy=Policy(), own=((PLAN, inv),))
        days = forecast(customer, MONDAY, 40)
        levels = [action.decision.level for _day, _s, actions in days for action in actions]
        self.assertEqual(levels, [1, 2, 3])


@tagged("post_install", "-at_install", "dunning_engine")
class TestSevenDayRule(EngineCase):
    """Seed 000: no reminder for an invoice when one, manual or automatic, was sent for
    it in the last N days; the effective spacing is the larger of N and the plan's
    minimum contact delay."""

    plan = Plan(steps=(Step(0), Step(1), Step(2)), min_contact_delay=2)

    def test_automatic_reminders_are_spaced_by_the_company_interval(self):
        inv = invoice(due_date=MONDAY, level=1, last_date=MONDAY, last_reminder_date=MONDAY)
        decision = decide(self.plan, inv, Policy(reminder_interval=7), MONDAY + 2 * DAY)
        self.assertEqual(
            (decision.reason, decision.next_date), (r.RECENT_REMINDER, MONDAY + 7 * DAY)
        )
        self.assertTrue(decide(self.plan, inv, Policy(reminder_interval=7), MONDAY + 7 * DAY).acts)

    def test_the_larger_spacing_wins_and_zero_is_off(self):
        inv = invoice(due_date=MONDAY, level=1, last_date=MONDAY, last_reminder_date=MONDAY)
        short = decide(self.plan, inv, Policy(reminder_interval=1), MONDAY + DAY)
        self.assertEqual((short.reason, short.next_date), (r.CONTACT_DELAY, MONDAY + 2 * DAY))
        off = decide(self.plan, inv, Policy(reminder_interval=0), MONDAY + 2 * DAY)
        self.assertTrue(off.acts)

    def test_a_reminder_from_another_plan_counts(self):
        # Restarted in this plan (level 0 here), reminded 3 days ago under the old one.
        inv = invoice(
            due_date=MONDAY - 20 * DAY,
            level=2,
            level_plan="old",
            last_reminder_date=MONDAY - 3 * DAY,
        )
        decision = decide(replace(self.plan, key="new"), inv, Policy(), MONDAY)
        self.assertEqual(
            (decision.reason, decision.next_date), (r.RECENT_REMINDER, MONDAY + 4 * DAY)
        )

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(interval=st.integers(0, 12), delay=st.integers(0, 12), overdue=st.integers(0, 60))
    def test_forecast_never_reminds_an_invoice_within_the_interval(self, interval, delay, overdue):
        plan = Plan(steps=tuple(Step(d) for d in (0, 1, 2, 3, 4)), min_contact_delay=delay)
        inv = invoice(key="a", due_date=MONDAY - overdue * DAY)
        customer = Customer(policy=Policy(reminder_interval=interval), own=((plan, inv),))
        days = [day for day, _s, actions in forecast(customer, MONDAY, 90) if actions]
        for before, after in zip(days, days[1:], strict=False):
            self.assertGreaterEqual((after - before).days, max(interval, delay, 1))


@tagged("post_install", "-at_install", "dunning_engine")
class TestWorkingDays(EngineCase):
    """One definition of a working day: the company's calendar, for plans and the send
    window alike."""

    # Works Monday to Thursday; Monday 9 March 2026 is a public holiday.
    calendar = WorkCalendar(frozenset(range(4))).closed_by(
        [(datetime(2026, 3, 9, 0, 0), datetime(2026, 3, 9, 23, 59))]
    )

    def test_delays_count_working_days_of_the_calendar(self):
        thursday = date(2026, 3, 5)
        self.assertEqual(add_days(thursday, 1, self.calendar), date(2026, 3, 10))
        self.assertEqual(add_days(date(2026, 3, 10), -1, self.calendar), thursday)
        self.assertEqual(add_days(thursday, 1, True), date(2026, 3, 6))

    def test_plan_waits_for_the_next_working_day(self):
        plan = Plan(steps=(Step(0),), business_days_only=True, calendar=self.calendar)
        friday = date(2026, 3, 6)
        inv = invoice(due_date=friday)
        self.assertEqual(step_dates(plan, inv), [friday])
        decision = decide(plan, inv, Policy(), friday)
        self.assertEqual((decision.reason, decision.next_date), (r.WEEKEND, date(2026, 3, 10)))
        self.assertTrue(decide(plan, inv, Policy(), date(2026, 3, 10)).acts)


@tagged("post_install", "-at_install", "dunning_engine")
class TestShellRules(EngineCase):
    def test_which_todos_get_an_activity(self):
        self.assertTrue(needs_activity("manual", r.MANUAL_STEP))
        self.assertTrue(needs_activity("email", r.MANUAL_STEP))
        self.assertFalse(needs_activity("letter", r.LETTER_STEP))
        self.assertFalse(needs_activity("email", r.NO_EMAIL))

    def test_report_due_and_period(self):
        self.assertTrue(report_due("daily", None, MONDAY))
        self.assertFalse(report_due("daily", MONDAY, MONDAY))
        self.assertTrue(report_due("daily", MONDAY - DAY, MONDAY))
        self.assertFalse(report_due("weekly", MONDAY - 6 * DAY, MONDAY))
        self.assertTrue(report_due("weekly", MONDAY - 7 * DAY, MONDAY))
        self.assertFalse(report_due("none", None, MONDAY))
        self.assertEqual(report_period_start("weekly", MONDAY - 7 * DAY, MONDAY), MONDAY - 6 * DAY)
        self.assertEqual(report_period_start("weekly", None, MONDAY), MONDAY - 6 * DAY)
        self.assertEqual(report_period_start("daily", None, MONDAY), MONDAY)

    def test_credit_hold_lifts_once_nothing_is_overdue(self):
        self.assertTrue(credit_hold_lifts(None, MONDAY))  # nothing unpaid
        self.assertTrue(credit_hold_lifts(MONDAY, MONDAY))  # due today: not overdue yet
        self.assertFalse(credit_hold_lifts(MONDAY - DAY, MONDAY))


@tagged("post_install", "-at_install", "dunning_engine")
class TestBadSettingsCrashNothing(EngineCase):
    @settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        delay=st.sampled_from([10_000_000, -10_000_000, 36_600, -999_999]),
        business=st.booleans(),
        interval=st.sampled_from([0, 7, 10**9]),
    )
    def test_huge_delays_never_overflow_nor_loop(self, delay, business, interval):
        plan = Plan(
            steps=(Step(0), Step(delay), Step(delay, reference="previous_step")),
            business_days_only=business,
            min_contact_delay=10**9,
        )
        inv = invoice(due_date=MONDAY - 20 * DAY, last_reminder_date=MONDAY - DAY)
        policy = Policy(reminder_interval=interval, max_age_at_activation=10**9)
        decision = decide(plan, inv, policy, MONDAY)
        self.assertIn(decision.outcome, (r.SEND, r.WAIT, r.DONE))
        customer = Customer(policy=policy, own=((plan, replace(inv, key="a")),))
        self.assertEqual(len(forecast(customer, MONDAY, 3)), 3)


def naive_add_days(day, days, calendar):
    """Day by day: what :func:`add_days` must give with a calendar."""
    step = timedelta(days=1 if days > 0 else -1)
    remaining = abs(days)
    while remaining:
        day += step
        if calendar.is_working_day(day):
            remaining -= 1
    return day


@tagged("post_install", "-at_install", "dunning_engine")
class TestAddDaysByWeeks(EngineCase):
    @settings(max_examples=200, deadline=None)
    @given(
        start=st.integers(0, 60),
        days=st.integers(-400, 400),
        weekdays=st.frozensets(st.integers(0, 6), min_size=1),
        holidays=st.frozensets(st.integers(-450, 450), max_size=30),
    )
    def test_same_as_day_by_day(self, start, days, weekdays, holidays):
        origin = date(2026, 3, 1)
        calendar = WorkCalendar(
            weekdays, frozenset(origin + timedelta(days=offset) for offset in holidays)
        )
        day = origin + timedelta(days=start)
        self.assertEqual(add_days(day, days, calendar), naive_add_days(day, days, calendar))
