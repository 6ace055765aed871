# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Engine tests of pauses, payment promises and disputes."""

from dataclasses import replace
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ..engine import (
    BROKEN,
    KEPT,
    PARTIAL,
    Plan,
    Policy,
    Step,
    decide,
    decide_customer,
    promise_end,
    promise_outcome,
    settle_promise,
)
from ..engine import reasons as r
from ..engine.installments import amount_to_remind
from .engine_case import EngineCase, tagged
from .test_engine_customer import MONDAY, invoice

DAY = timedelta(days=1)
PLAN = Plan(steps=(Step(10), Step(30), Step(45)), min_contact_delay=5)
WITH_BROKEN = Plan(
    steps=(Step(10), Step(0, broken_promise=True), Step(30), Step(45)), min_contact_delay=5
)


@tagged("post_install", "-at_install", "dunning_engine")
class TestPauseAndPromise(EngineCase):
    def test_pause_until_and_catch_up_after(self):
        inv = invoice(due_date=MONDAY - 50 * DAY, paused=True, pause_until=MONDAY + 3 * DAY)
        decision = decide(PLAN, inv, Policy(), MONDAY)
        self.assertEqual((decision.outcome, decision.reason), (r.WAIT, r.PAUSED))
        self.assertEqual(decision.next_date, MONDAY + 3 * DAY)
        # Resumed by itself on its end date: one step, then the larger of the plan's
        # contact delay (5 days) and the company's interval between reminders (7).
        after = decide(PLAN, inv, Policy(), MONDAY + 3 * DAY)
        self.assertEqual((after.outcome, after.step_index), (r.SEND, 0))
        self.assertEqual(after.next_date, MONDAY + 10 * DAY)
        spaced = decide(PLAN, inv, Policy(reminder_interval=0), MONDAY + 3 * DAY)
        self.assertEqual(spaced.next_date, MONDAY + 8 * DAY)
        forever = replace(inv, pause_until=None)
        decision = decide(PLAN, forever, Policy(), MONDAY + 300 * DAY)
        self.assertEqual((decision.reason, decision.next_date), (r.PAUSED, None))

    def test_skip_reasons_come_before_the_pause(self):
        inv = invoice(due_date=MONDAY - 50 * DAY, paused=True, amount_residual=0.0)
        self.assertEqual(decide(PLAN, inv, Policy(), MONDAY).reason, r.PAID)

    def test_dispute(self):
        inv = invoice(due_date=MONDAY - 50 * DAY, disputed=True)
        decision = decide(PLAN, inv, Policy(), MONDAY)
        self.assertEqual((decision.outcome, decision.reason), (r.SKIP, r.DISPUTED))

    def test_open_promise_waits_until_its_grace_end(self):
        inv = invoice(due_date=MONDAY - 20 * DAY, promise_until=MONDAY + 2 * DAY)
        decision = decide(PLAN, inv, Policy(), MONDAY + 2 * DAY)
        self.assertEqual((decision.reason, decision.next_date), (r.PROMISED, MONDAY + 3 * DAY))
        self.assertEqual(decide(PLAN, inv, Policy(), MONDAY + 3 * DAY).outcome, r.SEND)

    def test_broken_promise_step(self):
        inv = invoice(
            due_date=MONDAY - 20 * DAY, level=1, last_date=MONDAY - 10 * DAY, promise_broken=True
        )
        decision = decide(WITH_BROKEN, inv, Policy(), MONDAY)
        self.assertEqual((decision.outcome, decision.reason), (r.SEND, r.BROKEN_PROMISE))
        self.assertEqual((decision.step_index, decision.level), (1, 1))
        # Then the normal sequence goes on, the broken-promise step passed over.
        after = replace(inv, promise_broken=False, last_date=MONDAY, customer_last_date=MONDAY)
        nxt = decide(WITH_BROKEN, after, Policy(), MONDAY + 10 * DAY)
        self.assertEqual((nxt.outcome, nxt.step_index, nxt.level), (r.SEND, 2, 3))
        # Without such a step: the next step, at its own date.
        plain = decide(PLAN, inv, Policy(), MONDAY)
        self.assertEqual((plain.reason, plain.step_index), (r.NOT_DUE, 1))
        # Never part of the normal run.
        fresh = invoice(due_date=MONDAY - 11 * DAY)
        self.assertEqual(decide(WITH_BROKEN, fresh, Policy(), MONDAY).step_index, 0)
        contextual = replace(WITH_BROKEN, logic="contextual")
        self.assertEqual(decide(contextual, fresh, Policy(), MONDAY).step_index, 0)

    def test_promise_outcomes(self):
        until = promise_end(MONDAY, 1)
        self.assertEqual(until, MONDAY + DAY)
        self.assertEqual(promise_outcome(100.0, 100.0, until, MONDAY - DAY), KEPT)
        self.assertIsNone(promise_outcome(100.0, 40.0, until, MONDAY + DAY))
        self.assertEqual(promise_outcome(100.0, 40.0, until, MONDAY + 2 * DAY), PARTIAL)
        self.assertEqual(promise_outcome(100.0, 0.0, until, MONDAY + 2 * DAY), BROKEN)
        self.assertEqual(promise_outcome(100.0, 0.0, promise_end(MONDAY, 0), MONDAY + DAY), BROKEN)
        self.assertEqual(promise_outcome(None, 0.0, until, MONDAY + 2 * DAY), BROKEN)

    def test_promise_settled_the_day_its_outcome_is_known(self):
        """The job closes a promise before deciding; the engine sees the same outcome
        (a simulation of that day, or a forecast, agrees with the job)."""
        inv = invoice(
            due_date=MONDAY - 20 * DAY,
            level=1,
            last_date=MONDAY - 10 * DAY,
            promise_until=MONDAY + DAY,
            promise_amount=100.0,
            promise_paid=40.0,
        )
        self.assertIs(settle_promise(inv, MONDAY + DAY), inv)
        broken = settle_promise(inv, MONDAY + 2 * DAY)
        self.assertEqual((broken.promise_until, broken.promise_broken), (None, True))
        kept = settle_promise(replace(inv, promise_paid=100.0), MONDAY)
        self.assertEqual((kept.promise_until, kept.promise_broken), (None, False))
        # decide() settles it itself: the broken-promise step runs the day after the wait.
        self.assertEqual(decide(WITH_BROKEN, inv, Policy(), MONDAY + DAY).reason, r.PROMISED)
        decision = decide(WITH_BROKEN, inv, Policy(), MONDAY + 2 * DAY)
        self.assertEqual((decision.outcome, decision.reason), (r.SEND, r.BROKEN_PROMISE))

    def test_group_leaves_out_paused_and_promised_invoices(self):
        paused = invoice(key="p", due_date=MONDAY - 40 * DAY, paused=True)
        promised = invoice(key="q", due_date=MONDAY - 30 * DAY, promise_until=MONDAY + DAY)
        due = invoice(key="d", due_date=MONDAY - 12 * DAY)
        result = decide_customer(PLAN, [paused, promised, due], Policy(), MONDAY)
        self.assertEqual(result.listed, ("d",))
        self.assertEqual(result.invoices["p"].reason, r.PAUSED)
        self.assertEqual(result.invoices["q"].reason, r.PROMISED)
        held = decide_customer(PLAN, [due], Policy(), MONDAY, paused=True)
        self.assertEqual(held.invoices["d"].reason, r.PAUSED)
        self.assertEqual(held.listed, ())

    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.integers(0, 80), st.integers(1, 30), st.integers(0, 40))
    def test_nothing_while_paused_then_no_burst(self, overdue, pause_days, run_days):
        inv = invoice(
            due_date=MONDAY - overdue * DAY, paused=True, pause_until=MONDAY + pause_days * DAY
        )
        sent = []
        for offset in range(pause_days + run_days):
            day = MONDAY + offset * DAY
            decision = decide(PLAN, inv, Policy(), day)
            if decision.acts:
                self.assertGreaterEqual(day, inv.pause_until)
                sent.append(day)
                inv = replace(inv, level=decision.level, last_date=day)
        for before, after in zip(sent, sent[1:], strict=False):
            self.assertGreaterEqual((after - before).days, PLAN.min_contact_delay)


@tagged("post_install", "-at_install", "dunning_engine")
class TestInstallments(EngineCase):
    def test_overdue_installments_only(self):
        first, second, third = MONDAY - 20 * DAY, MONDAY - 2 * DAY, MONDAY + 30 * DAY
        installments = [(third, 300.0, 600.0), (first, 100.0, 200.0), (second, 200.0, 400.0)]
        self.assertEqual(amount_to_remind(installments, MONDAY), (first, 300.0, 600.0))
        # Paid ones are ignored; none overdue yet: the next one.
        paid = [(first, 0.0, 0.0), (third, 300.0, 600.0)]
        self.assertEqual(amount_to_remind(paid, MONDAY), (third, 300.0, 600.0))
        self.assertIsNone(amount_to_remind([(first, 0.0, 0.0)], MONDAY))
