# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Payment plans: installments replace reminders while honoured."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from ..engine import Customer, Invoice, Plan, Policy, Step, decide, decide_day, forecast_events
from ..engine import reasons as r
from ..engine.customer import forecast
from ..engine.manual import manual_send
from ..engine.payment_plan import (
    FIRST_DATE,
    INSTALLMENT_COUNT,
    MISSED,
    NOT_POSITIVE,
    PAID,
    PAST_DATE,
    SAME_DATE,
    TO_PAY,
    TOO_LONG,
    TOO_MANY,
    WRONG_TOTAL,
    PaymentPlan,
    courtesy_due,
    courtesy_forecast,
    installment_statuses,
    payment_plan_outcome,
    portal_plan_error,
    portal_plan_open,
    schedule_error,
    split,
)
from ..engine.promise import BROKEN, KEPT
from .engine_case import EngineCase, tagged

DUE = date(2026, 1, 31)
AGREED = date(2026, 3, 2)
PLAN = Plan(
    steps=(Step(10, key="first"), Step(0, broken_promise=True, key="broken"), Step(30, key="last")),
    min_contact_delay=5,
)
# 900 in three monthly installments from 10 March.
SCHEDULE = PaymentPlan(
    installments=(
        (date(2026, 3, 10), 300.0),
        (date(2026, 4, 10), 300.0),
        (date(2026, 5, 10), 300.0),
    ),
    grace_days=3,
    notice_days=3,
)


def overdue(**vals):
    """An invoice of 900, reminded once, now in ``SCHEDULE``."""
    values = {
        "due_date": DUE,
        "invoice_date": DUE - timedelta(days=30),
        "amount_total": 900.0,
        "amount_residual": 900.0,
        "level": 1,
        "last_date": date(2026, 2, 10),
        "last_reminder_date": date(2026, 2, 10),
        "payment_plan": SCHEDULE,
        "key": 1,
    }
    values.update(vals)
    return Invoice(**values)


@tagged("post_install", "-at_install", "dunning_engine")
class TestPaymentPlan(EngineCase):
    def test_installments_are_covered_in_date_order(self):
        self.assertEqual(SCHEDULE.covered(), 0)
        self.assertEqual(SCHEDULE.breaks_on(), date(2026, 3, 14))  # 10 March + 3 days of grace
        paid_two = PaymentPlan(SCHEDULE.installments, paid=600.0, grace_days=3)
        self.assertEqual(paid_two.covered(), 2)  # two paid at once
        self.assertEqual(paid_two.breaks_on(), date(2026, 5, 14))
        almost = PaymentPlan(SCHEDULE.installments, paid=299.99, grace_days=3)
        self.assertEqual(almost.covered(), 0, "a cent short is not paid")
        self.assertEqual(PaymentPlan(SCHEDULE.installments, paid=900.0).breaks_on(), None)

    def test_outcome(self):
        self.assertIsNone(payment_plan_outcome(SCHEDULE, date(2026, 3, 13)))  # last day of grace
        self.assertEqual(payment_plan_outcome(SCHEDULE, date(2026, 3, 14)), BROKEN)
        kept = PaymentPlan(SCHEDULE.installments, paid=900.0)
        self.assertEqual(payment_plan_outcome(kept, date(2026, 3, 1)), KEPT)

    def test_honoured_plan_replaces_reminders(self):
        # Step "last" (due + 30 = 2 March) would go out; the payment plan holds it.
        without = decide(PLAN, overdue(payment_plan=None), Policy(), AGREED)
        self.assertEqual((without.outcome, without.step_index), (r.SEND, 2))
        decision = decide(PLAN, overdue(), Policy(), AGREED)
        self.assertEqual((decision.outcome, decision.reason), (r.WAIT, r.PAYMENT_PLAN))
        # If nothing is paid, it breaks on 14 March and the broken-promise step goes.
        self.assertEqual(decision.next_date, date(2026, 3, 14))

    def test_missed_installment_resumes_at_broken_promise_step(self):
        decision = decide(PLAN, overdue(), Policy(), date(2026, 3, 14))
        self.assertEqual((decision.outcome, decision.reason), (r.SEND, r.BROKEN_PROMISE))
        self.assertEqual(decision.step_index, 1)
        self.assertEqual(decision.level, 1, "the broken-promise step does not move the level")

    def test_paid_installment_keeps_waiting_until_the_next(self):
        paid = PaymentPlan(SCHEDULE.installments, paid=300.0, grace_days=3, notice_days=3)
        invoice = overdue(payment_plan=paid, amount_residual=600.0)
        decision = decide(PLAN, invoice, Policy(), date(2026, 3, 20))
        self.assertEqual((decision.reason, decision.next_date), (r.PAYMENT_PLAN, date(2026, 4, 14)))

    def test_kept_plan_ends_and_plan_goes_on(self):
        kept = PaymentPlan(SCHEDULE.installments, paid=900.0)
        decision = decide(PLAN, overdue(payment_plan=kept, amount_residual=0.0), Policy(), AGREED)
        self.assertEqual((decision.outcome, decision.reason), (r.SKIP, r.PAID))

    def test_courtesy_reminder_before_each_installment(self):
        self.assertIsNone(courtesy_due(SCHEDULE, date(2026, 3, 6)))
        self.assertEqual(courtesy_due(SCHEDULE, date(2026, 3, 7)), 0)  # 3 days before
        self.assertEqual(courtesy_due(SCHEDULE, date(2026, 3, 10)), 0)  # late, not never
        self.assertIsNone(courtesy_due(SCHEDULE, date(2026, 3, 11)), "never after its date")
        reminded = PaymentPlan(SCHEDULE.installments, grace_days=3, notice_days=3, reminded=1)
        self.assertIsNone(courtesy_due(reminded, date(2026, 3, 8)), "once per installment")
        paid = PaymentPlan(
            SCHEDULE.installments, paid=300.0, grace_days=3, notice_days=3, reminded=1
        )
        self.assertEqual(courtesy_due(paid, date(2026, 4, 7)), 1)
        self.assertIsNone(courtesy_due(paid, date(2026, 3, 8)), "that installment is paid")
        none = PaymentPlan(SCHEDULE.installments, notice_days=0)
        self.assertIsNone(courtesy_due(none, date(2026, 3, 8)))

    def test_manual_send_holds_for_the_payment_plan(self):
        answer = manual_send(PLAN, overdue(), Policy(), AGREED)
        self.assertIsNone(answer.refusal)
        self.assertIn(r.PAYMENT_PLAN, answer.holds)

    def test_customer_level_group_leaves_the_invoice_out(self):
        other = overdue(payment_plan=None, key=2)
        customer = Customer(policy=Policy(), plan=PLAN, covered=(overdue(), other))
        statuses, actions = decide_day(customer, AGREED)
        self.assertEqual(statuses[1][1].reason, r.PAYMENT_PLAN)
        self.assertEqual([action.keys for action in actions], [(2,)])

    def test_forecast_breaks_the_plan_when_nothing_is_paid(self):
        customer = Customer(policy=Policy(), own=((PLAN, overdue()),))
        days = forecast(customer, AGREED, 40)
        sent = [(day, actions[0].decision.reason) for day, _s, actions in days if actions]
        self.assertEqual(sent[0], (date(2026, 3, 14), r.BROKEN_PROMISE))
        events = forecast_events(customer, AGREED, 40)
        self.assertEqual(
            [(day, actions) for day, _s, actions in events if actions],
            [(day, actions) for day, _s, actions in days if actions],
        )

    def test_split(self):
        self.assertEqual(
            split(1000.0, 3, date(2026, 1, 31)),
            [
                (date(2026, 1, 31), 333.33),
                (date(2026, 2, 28), 333.33),
                (date(2026, 3, 31), 333.34),
            ],
        )
        self.assertEqual(split(100.0, 1, date(2026, 12, 15)), [(date(2026, 12, 15), 100.0)])
        self.assertEqual(split(100.0, 2, date(2026, 12, 15))[1][0], date(2027, 1, 15))
        self.assertEqual(split(100.0, 0, date(2026, 12, 15)), [])
        # Never more than the amount on the first ones: 0.20 in 8 is 7 x 0.02 + 0.06.
        self.assertEqual([a for _d, a in split(0.2, 8, date(2026, 1, 1))], [0.02] * 7 + [0.06])

    @settings(max_examples=200, deadline=None)
    @given(
        amount=st.integers(1, 10_000_000).map(lambda cents: cents / 100),
        count=st.integers(1, 24),
        months=st.integers(1, 3),
        first=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    )
    def test_split_is_a_valid_schedule(self, amount, count, months, first):
        installments = split(amount, count, first, months)
        if amount < count / 100:
            # Less than a cent each: refused, the accountant chooses fewer installments.
            self.assertEqual(schedule_error(installments, amount, first), NOT_POSITIVE)
            return
        self.assertIsNone(schedule_error(installments, amount, first))
        days = [day for day, _amount in installments]
        self.assertEqual(days, sorted(days))

    def test_schedule_errors(self):
        today = date(2026, 3, 1)
        good = [(date(2026, 3, 10), 500.0), (date(2026, 4, 10), 400.0)]
        self.assertIsNone(schedule_error(good, 900.0, today))
        self.assertEqual(schedule_error(good, 1000.0, today), WRONG_TOTAL)
        self.assertEqual(schedule_error([(today, 900.0), (today, 0.0)], 900.0, today), NOT_POSITIVE)
        past = [(date(2026, 2, 28), 900.0)]
        self.assertEqual(schedule_error(past, 900.0, today), PAST_DATE)
        same = [(date(2026, 3, 10), 450.0), (date(2026, 3, 10), 450.0)]
        self.assertEqual(schedule_error(same, 900.0, today), SAME_DATE)
        self.assertEqual(schedule_error(good, 900.0, today, max_count=1), TOO_MANY)
        self.assertEqual(schedule_error(good, 900.0, today, last_by=date(2026, 4, 1)), TOO_LONG)

    def test_installment_statuses(self):
        paid_one = PaymentPlan(SCHEDULE.installments, paid=350.0)
        self.assertEqual(installment_statuses(paid_one), [PAID, TO_PAY, TO_PAY])
        self.assertEqual(installment_statuses(paid_one, broken=True), [PAID, MISSED, TO_PAY])
        self.assertEqual(installment_statuses(SCHEDULE, broken=True), [MISSED, TO_PAY, TO_PAY])
        all_paid = PaymentPlan(SCHEDULE.installments, paid=900.0)
        self.assertEqual(installment_statuses(all_paid, broken=True), [PAID] * 3)

    def test_portal_plan_limits(self):
        """From the portal: allowed by the company (2 installments at least), overdue,
        neither disputed nor in a plan, once per invoice; then a first date within the
        limit and 2 to the maximum installments."""
        today = date(2026, 3, 1)
        self.assertTrue(portal_plan_open(True, 3, DUE, today))
        for refused in (
            portal_plan_open(False, 3, DUE, today),
            portal_plan_open(True, 1, DUE, today),
            portal_plan_open(True, 3, today, today),  # not overdue
            portal_plan_open(True, 3, DUE, today, disputed=True),
            portal_plan_open(True, 3, DUE, today, in_plan=True),
            portal_plan_open(True, 3, DUE, today, proposed_before=True),
        ):
            self.assertFalse(refused)
        self.assertIsNone(portal_plan_error(3, date(2026, 3, 31), today, 3, 30))
        for count, first, error in (
            (2, today, FIRST_DATE),  # not after today
            (2, date(2026, 4, 1), FIRST_DATE),  # 31 days
            (2, None, FIRST_DATE),
            (1, date(2026, 3, 10), INSTALLMENT_COUNT),
            (4, date(2026, 3, 10), INSTALLMENT_COUNT),
            (None, date(2026, 3, 10), INSTALLMENT_COUNT),
        ):
            with self.subTest(count=count, first=first):
                self.assertEqual(portal_plan_error(count, first, today, 3, 30), error)

    def test_courtesy_forecast(self):
        # Nothing paid: the first installment's reminder, then the plan breaks.
        self.assertEqual(courtesy_forecast(SCHEDULE, date(2026, 3, 1), 60), [(date(2026, 3, 7), 0)])
        paid = PaymentPlan(SCHEDULE.installments, paid=300.0, grace_days=3, notice_days=3)
        self.assertEqual(courtesy_forecast(paid, date(2026, 3, 20), 60), [(date(2026, 4, 7), 1)])
        self.assertEqual(courtesy_forecast(SCHEDULE, date(2026, 3, 8), 1), [(date(2026, 3, 8), 0)])
