# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Unit and property tests of the pure decision engine (no database)."""

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ..engine import (
    Invoice,
    Plan,
    Policy,
    Step,
    add_days,
    decide,
    is_business_day,
    next_step_index,
    step_dates,
)
from ..engine import (
    reasons as r,
)
from ..engine.facts import evolve
from .engine_case import EngineCase, tagged

MONDAY = date(2026, 3, 2)
SEED_003_PLAN = Plan(
    steps=(Step(1), Step(7), Step(14), Step(30)),
    min_contact_delay=5,
    business_days_only=True,
)


def invoice(**vals):
    base = dict(
        due_date=MONDAY,
        invoice_date=MONDAY - timedelta(days=30),
        amount_total=1000.0,
        amount_residual=1000.0,
        entry_date=MONDAY - timedelta(days=30),
    )
    base.update(vals)
    return Invoice(**base)


def simulate(plan, inv, policy, start, days):
    """Apply every decision like the job would; returns ``[(day, step_index)]``."""
    sent = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        decision = decide(plan, inv, policy, day)
        if decision.outcome == r.SEND:
            sent.append((day, decision.step_index))
            inv = replace(inv, level=decision.level, last_date=day, last_reminder_date=day)
            again = decide(plan, inv, policy, day)
            assert not again.acts, "a second communication on the same day"
    return sent


@tagged("post_install", "-at_install", "dunning_engine")
class TestCalendar(EngineCase):
    def test_add_business_days(self):
        friday = date(2026, 3, 6)
        self.assertEqual(add_days(friday, 1, True), date(2026, 3, 9))
        self.assertEqual(add_days(date(2026, 3, 9), -1, True), friday)
        self.assertEqual(add_days(friday, 5, True), date(2026, 3, 13))
        self.assertEqual(add_days(friday, 1, False), date(2026, 3, 7))
        saturday = date(2026, 3, 7)
        self.assertEqual(add_days(saturday, 0, True), saturday)

    @settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(-60, 60))
    def test_business_result_is_business_day(self, day, days):
        result = add_days(day, days, True)
        if days:
            self.assertTrue(is_business_day(result))
            self.assertEqual(result > day, days > 0)


@tagged("post_install", "-at_install", "dunning_engine")
class TestDecide(EngineCase):
    def test_seed_003_catch_up(self):
        """17 days late in a standard plan: every past step, 5 business days apart."""
        sent = simulate(SEED_003_PLAN, invoice(), Policy(), MONDAY + timedelta(days=17), 60)
        self.assertEqual(
            sent,
            [
                (date(2026, 3, 19), 0),
                (date(2026, 3, 26), 1),  # 5 business days later, not 7 days after step 1
                (date(2026, 4, 2), 2),
                (date(2026, 4, 13), 3),  # step 4 at its own date: 30 business days
            ],
        )

    def test_contextual_starts_at_matching_step(self):
        plan = replace(SEED_003_PLAN, logic="contextual")
        decision = decide(plan, invoice(), Policy(), date(2026, 3, 19))
        self.assertEqual((decision.outcome, decision.step_index, decision.level), ("send", 1, 2))
        sent = simulate(plan, invoice(), Policy(), date(2026, 3, 19), 60)
        self.assertEqual([index for _day, index in sent], [1, 2, 3])

    def test_contextual_only_on_entry(self):
        plan = replace(SEED_003_PLAN, logic="contextual")
        inv = invoice(level=1, last_date=date(2026, 3, 3))
        self.assertEqual(decide(plan, inv, Policy(), date(2026, 3, 19)).step_index, 1)

    def test_negative_delay_and_obsolete_courtesy(self):
        plan = Plan(steps=(Step(-3), Step(10)), min_contact_delay=5)
        wednesday = date(2026, 3, 4)
        inv = invoice(due_date=wednesday)
        self.assertEqual(decide(plan, inv, Policy(), date(2026, 2, 28)).reason, r.NOT_DUE)
        courtesy = decide(plan, inv, Policy(), date(2026, 3, 1))
        self.assertEqual((courtesy.outcome, courtesy.step_index), (r.SEND, 0))
        self.assertEqual(courtesy.next_date, date(2026, 3, 14))
        # Entering on the due date: the courtesy reminder is pointless, step 2 comes next.
        late = decide(plan, inv, Policy(), wednesday)
        self.assertEqual((late.outcome, late.reason, late.step_index), (r.WAIT, r.NOT_DUE, 1))
        self.assertEqual(next_step_index(plan, inv, wednesday), 1)

    def test_previous_step_and_invoice_date_reference(self):
        plan = Plan(
            steps=(Step(40, "invoice_date"), Step(7, "previous_step"), Step(3, "previous_step")),
            min_contact_delay=0,
        )
        inv = invoice()
        self.assertEqual(
            step_dates(plan, inv),
            [date(2026, 3, 12), date(2026, 3, 19), date(2026, 3, 22)],
        )
        # Step 2 counts from the day step 1 really ran.
        ran = replace(inv, level=1, last_date=date(2026, 3, 14))
        self.assertEqual(
            decide(plan, ran, Policy(), date(2026, 3, 20)).next_date, date(2026, 3, 21)
        )
        self.assertEqual(decide(plan, ran, Policy(), date(2026, 3, 21)).outcome, r.SEND)

    def test_weekend(self):
        plan = Plan(steps=(Step(5),), business_days_only=True)
        friday_due = date(2026, 3, 6)
        inv = invoice(due_date=friday_due)
        saturday = date(2026, 3, 14)
        self.assertEqual(decide(plan, inv, Policy(), saturday).reason, r.WEEKEND)
        self.assertEqual(decide(plan, inv, Policy(), saturday).next_date, date(2026, 3, 16))
        self.assertEqual(decide(plan, inv, Policy(), date(2026, 3, 13)).outcome, r.SEND)
        calendar = replace(plan, business_days_only=False)
        self.assertEqual(decide(calendar, inv, Policy(), date(2026, 3, 11)).outcome, r.SEND)

    def test_spacing_reasons(self):
        plan = Plan(steps=(Step(0), Step(1)), min_contact_delay=5)
        inv = invoice(level=1, last_date=MONDAY)
        decision = decide(plan, inv, Policy(), MONDAY + timedelta(days=2))
        self.assertEqual((decision.reason, decision.next_date), (r.CONTACT_DELAY, date(2026, 3, 7)))
        manual = invoice(last_reminder_date=MONDAY + timedelta(days=1))
        decision = decide(plan, manual, Policy(), MONDAY + timedelta(days=3))
        self.assertEqual(
            (decision.reason, decision.next_date), (r.RECENT_REMINDER, date(2026, 3, 10))
        )
        same_day = Plan(steps=(Step(0), Step(0)), min_contact_delay=0)
        self.assertEqual(decide(same_day, inv, Policy(), MONDAY).reason, r.ALREADY_TODAY)
        self.assertEqual(decide(same_day, inv, Policy(), MONDAY + timedelta(1)).outcome, r.SEND)

    def test_skip_reasons(self):
        plan = Plan(steps=(Step(0),))
        day = MONDAY + timedelta(days=1)
        policy = Policy(min_amount=10, min_percentage=2, activation_date=date(2026, 3, 1))
        cases = {
            r.OPENING_BALANCE: invoice(kind="entry"),
            r.PAID: invoice(payment_state="paid"),
            r.IN_PAYMENT: invoice(payment_state="in_payment"),
            r.INVOICE_BLOCKED: invoice(blocked=True),
            r.CUSTOMER_BLOCKED: invoice(customer_blocked=True),
            r.BELOW_MIN_AMOUNT: invoice(amount_residual=9, amount_residual_company=9),
            r.BELOW_MIN_PERCENTAGE: invoice(amount_residual=19.99, amount_residual_company=19.99),
            r.TOO_OLD: invoice(invoice_date=date(2025, 11, 30)),
            r.POST_FACTUM: invoice(entry_date=MONDAY + timedelta(days=1)),
        }
        for reason, inv in cases.items():
            with self.subTest(reason=reason):
                decision = decide(plan, inv, policy, day)
                self.assertEqual((decision.outcome, decision.reason), (r.SKIP, reason))
        self.assertEqual(decide(None, invoice(), policy, day).reason, r.NO_PLAN)
        self.assertEqual(decide(plan, invoice(amount_residual=20), policy, day).outcome, r.SEND)
        # The oldest invoice kept: 90 days before dunning was enabled.
        oldest = invoice(invoice_date=date(2025, 12, 1))
        self.assertEqual(decide(plan, oldest, policy, day).outcome, r.SEND)
        company_currency = invoice(amount_residual=20, amount_residual_company=8)
        self.assertEqual(decide(plan, company_currency, policy, day).reason, r.BELOW_MIN_AMOUNT)

    def test_evolve_is_replace(self):
        """The forecast's fast copy gives what ``dataclasses.replace`` gives, and refuses
        what it refuses."""
        inv = invoice(level=1)
        changed = evolve(inv, level=2, last_date=MONDAY)
        self.assertEqual(changed, replace(inv, level=2, last_date=MONDAY))
        self.assertEqual((inv.level, inv.last_date), (1, None))
        with self.assertRaises(TypeError):
            evolve(inv, levle=2)

    def test_todo_outcomes(self):
        day = MONDAY + timedelta(days=1)
        email = Plan(steps=(Step(0),))
        decision = decide(email, invoice(has_email=False), Policy(), day)
        self.assertEqual((decision.outcome, decision.reason), (r.TODO, r.NO_EMAIL))
        manual = Plan(steps=(Step(0, automatic=False),))
        self.assertEqual(decide(manual, invoice(), Policy(), day).reason, r.MANUAL_STEP)
        letter = Plan(steps=(Step(0, channel="letter"),))
        self.assertEqual(decide(letter, invoice(), Policy(), day).reason, r.LETTER_STEP)
        pending = decide(email, invoice(open_todo=True), Policy(), day)
        self.assertEqual((pending.outcome, pending.reason), (r.WAIT, r.TODO_PENDING))

    def test_standby_and_done(self):
        plan = Plan(steps=(Step(0),))
        day = MONDAY + timedelta(days=1)
        standby = decide(plan, invoice(), Policy(enabled=False), day)
        self.assertEqual((standby.outcome, standby.reason), (r.SKIP, r.STANDBY))
        self.assertEqual(
            standby.details, {"would": r.SEND, "would_reason": r.STEP_DUE, "would_level": 1}
        )
        self.assertEqual(
            decide(plan, invoice(level=1, last_date=MONDAY), Policy(), day).outcome, r.DONE
        )
        waiting = decide(plan, invoice(), Policy(enabled=False), MONDAY - timedelta(days=3))
        self.assertEqual(waiting.outcome, r.WAIT)


steps_strategy = st.lists(
    st.builds(
        Step,
        delay=st.integers(-10, 60),
        reference=st.sampled_from(["due_date", "invoice_date", "previous_step"]),
    ),
    min_size=1,
    max_size=6,
)
plans_strategy = st.builds(
    Plan,
    steps=steps_strategy.map(tuple),
    logic=st.sampled_from(["standard", "contextual"]),
    min_contact_delay=st.integers(0, 10),
    business_days_only=st.booleans(),
)


@tagged("post_install", "-at_install", "dunning_engine")
class TestDecideProperties(EngineCase):
    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        plan=plans_strategy,
        due_offset=st.integers(-40, 40),
        start_offset=st.integers(-20, 60),
        manual_offset=st.none() | st.integers(-10, 10),
        enabled=st.booleans(),
        interval=st.sampled_from([0, 7, 10]),
    )
    def test_run_invariants(self, plan, due_offset, start_offset, manual_offset, enabled, interval):
        due = MONDAY + timedelta(days=due_offset)
        inv = invoice(
            due_date=due,
            invoice_date=due - timedelta(days=30),
            entry_date=due - timedelta(days=30),
            last_reminder_date=(MONDAY + timedelta(days=manual_offset)) if manual_offset else None,
        )
        policy = Policy(enabled=enabled, reminder_interval=interval)
        start = MONDAY + timedelta(days=start_offset)
        sent = simulate(plan, inv, policy, start, 120)
        if not enabled:
            self.assertEqual(sent, [])
            return
        indexes = [index for _day, index in sent]
        self.assertEqual(indexes, sorted(set(indexes)), "steps run once each, in order")
        for (day, _index), (next_day, _next) in zip(sent, sent[1:], strict=False):
            self.assertGreaterEqual(
                next_day, add_days(day, plan.min_contact_delay, plan.business_days_only)
            )
            # Seed 000: no reminder when one was sent in the last ``interval`` days.
            self.assertGreaterEqual(next_day, day + timedelta(days=interval))
            self.assertGreater(next_day, day)
        last = inv.last_reminder_date
        for day, _index in sent:
            if plan.business_days_only:
                self.assertTrue(is_business_day(day))
            if last and interval:
                self.assertFalse(last <= day < last + timedelta(interval))

    @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(plan=plans_strategy, offset=st.integers(-30, 90))
    def test_wait_announces_its_date(self, plan, offset):
        """A WAIT decision's next date is when the step is really taken."""
        inv = invoice()
        day = MONDAY + timedelta(days=offset)
        decision = decide(plan, inv, Policy(), day)
        if decision.outcome == r.WAIT and decision.next_date:
            self.assertGreater(decision.next_date, day)
            between = day + timedelta(days=1)
            while between < decision.next_date:
                self.assertFalse(decide(plan, inv, Policy(), between).acts)
                between += timedelta(days=1)
            self.assertTrue(decide(plan, inv, Policy(), decision.next_date).acts)


@tagged("post_install", "-at_install", "dunning_engine")
class TestBankDataStaleFrom(EngineCase):
    """The day from which a forecast holds everything on stale bank data."""

    def test_examples(self):
        start = date(2026, 12, 4)
        policy = Policy(bank_max_age=14, bank_data_date=date(2026, 12, 1))
        self.assertEqual(policy.bank_data_stale_from(start, 30), date(2026, 12, 16))
        self.assertIsNone(policy.bank_data_stale_from(start, 12))  # up to 12/15: fresh
        self.assertEqual(policy.bank_data_stale_from(start, 13), date(2026, 12, 16))
        self.assertEqual(replace(policy, bank_data_date=None).bank_data_stale_from(start, 1), start)
        self.assertIsNone(replace(policy, bank_max_age=0).bank_data_stale_from(start, 30))
        old = replace(policy, bank_data_date=date(2026, 10, 1))
        self.assertEqual(old.bank_data_stale_from(start, 1), start)

    @settings(max_examples=300, deadline=None)
    @given(
        st.integers(min_value=0, max_value=40),
        st.one_of(st.none(), st.integers(min_value=-60, max_value=60)),
        st.integers(min_value=0, max_value=60),
    )
    def test_first_stale_day_of_the_period(self, max_age, bank_offset, days):
        """The same day as asking :meth:`Policy.bank_data_stale` day by day."""
        start = date(2026, 12, 4)
        bank_date = None if bank_offset is None else start + timedelta(days=bank_offset)
        policy = Policy(bank_max_age=max_age, bank_data_date=bank_date)
        expected = next(
            (
                start + timedelta(days=n)
                for n in range(days)
                if policy.bank_data_stale(start + timedelta(days=n))
            ),
            None,
        )
        self.assertEqual(policy.bank_data_stale_from(start, days), expected)
