# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Engine: the explanation of a decision (which step, which date, which rule)."""

from dataclasses import replace
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ..engine import Customer, Plan, Policy, Step, decide, explain, explain_day
from ..engine import reasons as r
from .engine_case import EngineCase, tagged
from .test_engine import MONDAY
from .test_engine_customer import PLAN, invoice

DAY = timedelta(days=1)


@tagged("post_install", "-at_install", "dunning_engine")
class TestExplain(EngineCase):
    def test_not_due_names_the_step_its_date_and_its_base(self):
        inv = invoice(due_date=MONDAY)
        why = explain(PLAN, inv, Policy(), MONDAY + 3 * DAY)
        self.assertEqual((why.decision.outcome, why.decision.reason), (r.WAIT, r.NOT_DUE))
        self.assertEqual(why.step_index, 0)
        self.assertEqual(why.step_date, MONDAY + 10 * DAY)
        self.assertEqual((why.reference, why.base_date, why.delay), ("due_date", MONDAY, 10))
        self.assertEqual(why.rule, r.NOT_DUE)

    def test_contact_delay_names_the_last_contact(self):
        # First step sent on day 10; the second (day 30) would be due on day 31 but
        # the customer was contacted by another plan on day 28.
        inv = invoice(
            due_date=MONDAY,
            level=1,
            last_date=MONDAY + 10 * DAY,
            customer_last_date=MONDAY + 28 * DAY,
        )
        why = explain(PLAN, inv, Policy(), MONDAY + 30 * DAY)
        self.assertEqual(why.decision.reason, r.CONTACT_DELAY)
        self.assertEqual(why.step_index, 1)
        self.assertEqual(why.step_date, MONDAY + 30 * DAY)
        self.assertEqual(why.rule_from, MONDAY + 28 * DAY)
        self.assertEqual(why.earliest, MONDAY + 33 * DAY)
        self.assertEqual(why.decision.next_date, why.earliest)

    def test_recent_reminder_of_the_invoice(self):
        inv = invoice(due_date=MONDAY, last_reminder_date=MONDAY + 8 * DAY)
        why = explain(PLAN, inv, Policy(reminder_interval=7), MONDAY + 10 * DAY)
        self.assertEqual((why.rule, why.rule_from), (r.RECENT_REMINDER, MONDAY + 8 * DAY))
        self.assertEqual(why.earliest, MONDAY + 15 * DAY)

    def test_weekend_moves_to_monday(self):
        # Due on a Saturday, reminded the same day: on Monday with business days only.
        plan = replace(PLAN, steps=(Step(0),), business_days_only=False)
        business = replace(plan, business_days_only=True)
        saturday = MONDAY + 5 * DAY
        inv = invoice(due_date=saturday)
        self.assertFalse(explain(plan, inv, Policy(), saturday).weekend)
        why = explain(business, inv, Policy(), saturday)
        self.assertTrue(why.weekend)
        self.assertEqual(why.decision.reason, r.WEEKEND)
        self.assertEqual(why.decision.next_date, MONDAY + 7 * DAY)

    def test_send_today_and_standby_and_hold(self):
        inv = invoice(due_date=MONDAY)
        day = MONDAY + 10 * DAY
        why = explain(PLAN, inv, Policy(), day)
        self.assertEqual((why.decision.outcome, why.step_index), (r.SEND, 0))
        self.assertIsNone(why.held)
        standby = explain(PLAN, inv, Policy(enabled=False), day)
        self.assertEqual((standby.held, standby.would), (r.STANDBY, r.SEND))
        self.assertEqual(standby.decision.details["would_level"], 1)
        held = explain(PLAN, replace(inv, unmatched_payments=True), Policy(), day)
        self.assertEqual(
            (held.held, held.would, held.step_index), (r.UNMATCHED_PAYMENTS, r.SEND, 0)
        )

    def test_pause_times_the_step_after_it(self):
        inv = invoice(due_date=MONDAY, paused=True, pause_until=MONDAY + 20 * DAY)
        why = explain(PLAN, inv, Policy(), MONDAY + 12 * DAY)
        self.assertEqual(why.decision.reason, r.PAUSED)
        self.assertEqual(why.step_index, 0)
        self.assertEqual(why.decision.next_date, MONDAY + 20 * DAY)

    def test_skip_and_done_have_no_step(self):
        paid = explain(PLAN, invoice(payment_state="paid"), Policy(), MONDAY)
        self.assertEqual((paid.decision.reason, paid.step_index), (r.PAID, None))
        done = explain(PLAN, invoice(level=3, last_date=MONDAY), Policy(), MONDAY + 60 * DAY)
        self.assertEqual(done.decision.reason, r.PLAN_COMPLETED)

    def test_contextual_start(self):
        plan = replace(PLAN, logic="contextual")
        why = explain(plan, invoice(due_date=MONDAY), Policy(), MONDAY + 31 * DAY)
        self.assertEqual(why.step_index, 1)
        self.assertTrue(why.contextual_start)

    def test_group_explained_by_its_reference(self):
        old = invoice(key="old", due_date=MONDAY, amount_residual=100.0)
        new = invoice(key="new", due_date=MONDAY + 5 * DAY)
        paid = invoice(key="paid", due_date=MONDAY, payment_state="paid")
        customer = Customer(policy=Policy(), plan=PLAN, covered=(old, new, paid))
        result, group = explain_day(customer, MONDAY + 12 * DAY)
        self.assertEqual((group.step_index, group.step_date), (0, MONDAY + 10 * DAY))
        self.assertIs(result["old"].group, group)
        self.assertEqual(result["old"].reference_key, "old")
        # Not overdue enough to be listed yet: its own reason, not the group's.
        self.assertIsNone(result["paid"].group)
        self.assertEqual(result["paid"].decision.reason, r.PAID)

    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        delays=st.lists(st.integers(-5, 60), min_size=1, max_size=4),
        level=st.integers(0, 4),
        last=st.one_of(st.none(), st.integers(-20, 40)),
        manual=st.one_of(st.none(), st.integers(-20, 40)),
        today=st.integers(-10, 90),
        business=st.booleans(),
        logic=st.sampled_from(("standard", "contextual")),
    )
    def test_explanation_agrees_with_the_decision(
        self, delays, level, last, manual, today, business, logic
    ):
        """The explained step and earliest day are those the decision acts on."""
        plan = Plan(
            steps=tuple(Step(delay) for delay in sorted(delays)),
            logic=logic,
            business_days_only=business,
        )
        level = min(level, len(plan.steps))
        inv = invoice(
            due_date=MONDAY,
            level=level,
            last_date=MONDAY + last * DAY if last is not None and level else None,
            last_reminder_date=MONDAY + manual * DAY if manual is not None else None,
        )
        day = MONDAY + today * DAY
        why = explain(plan, inv, Policy(), day)
        decision = decide(plan, inv, Policy(), day)
        self.assertEqual(why.decision, decision)
        if decision.step_index is not None and decision.outcome != r.DONE:
            self.assertEqual(why.step_index, decision.step_index)
        if decision.acts:
            self.assertLessEqual(why.earliest, day)
        elif decision.outcome == r.WAIT and decision.next_date and why.earliest:
            self.assertGreaterEqual(decision.next_date, why.earliest)
