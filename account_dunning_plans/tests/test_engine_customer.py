# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Engine tests of customer-level plans, cross-level contact delay and safety checks."""

from dataclasses import replace
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ..engine import (
    Customer,
    Plan,
    Policy,
    Step,
    decide,
    decide_customer,
    decide_day,
    forecast,
    forecast_events,
    reference_invoice,
)
from ..engine import reasons as r
from .engine_case import EngineCase, tagged
from .test_engine import MONDAY
from .test_engine import invoice as base_invoice

DAY = timedelta(days=1)


def invoice(**vals):
    """An invoice posted 30 days before its due date unless told otherwise."""
    due = vals.setdefault("due_date", MONDAY)
    vals.setdefault("entry_date", due - 30 * DAY)
    vals.setdefault("invoice_date", due - 30 * DAY)
    return base_invoice(**vals)


PLAN = Plan(steps=(Step(10), Step(30), Step(45)), min_contact_delay=5)


def run_customer(plan, invoices, policy, start, days):
    """Apply the customer-level decisions day by day like the job: ``[(day, step, keys)]``."""
    sent = []
    invoices = {inv.key: inv for inv in invoices}
    for offset in range(days):
        day = start + timedelta(days=offset)
        result = decide_customer(plan, list(invoices.values()), policy, day)
        if result.decision and result.decision.acts:
            sent.append((day, result.decision.step_index, result.listed))
            for key in result.listed:
                invoices[key] = replace(invoices[key], level=result.decision.level, last_date=day)
            for key, inv in invoices.items():
                invoices[key] = replace(inv, customer_last_date=day)
            again = decide_customer(plan, list(invoices.values()), policy, day)
            assert not (again.decision and again.decision.acts), "two group mails in one day"
    return sent


@tagged("post_install", "-at_install", "dunning_engine")
class TestCustomerLevel(EngineCase):
    def test_reference_is_oldest_then_largest(self):
        old = invoice(key="old", due_date=MONDAY - 20 * DAY, amount_residual=10.0)
        big = invoice(key="big", due_date=MONDAY, amount_residual=900.0)
        small = invoice(key="small", due_date=MONDAY, amount_residual=100.0)
        self.assertEqual(reference_invoice([big, old, small]).key, "old")
        self.assertEqual(reference_invoice([small, big]).key, "big")
        self.assertIsNone(reference_invoice([]))

    def test_group_lists_overdue_invoices_at_highest_level(self):
        """Seed 002: one invoice at level 1 and a new one: both go to level 2."""
        first = invoice(key="a", due_date=MONDAY - 40 * DAY, level=1, last_date=MONDAY - 29 * DAY)
        new = invoice(key="b", due_date=MONDAY - 12 * DAY)
        later = invoice(key="c", due_date=MONDAY + 5 * DAY)
        result = decide_customer(PLAN, [new, first, later], Policy(), MONDAY)
        self.assertEqual(result.reference, "a")
        self.assertEqual(result.decision.outcome, r.SEND)
        self.assertEqual(result.decision.step_index, 1)
        self.assertEqual(result.decision.level, 2)
        self.assertEqual(set(result.listed), {"a", "b"})
        self.assertEqual(result.own_levels, {"a": 2, "b": 1})
        self.assertEqual(result.invoices["b"].level, 2)
        self.assertEqual(result.invoices["c"].reason, r.NOT_DUE)

    def test_excluded_invoices_keep_their_reason(self):
        paid = invoice(key="p", due_date=MONDAY - 60 * DAY, amount_residual=0.0)
        blocked = invoice(key="x", due_date=MONDAY - 50 * DAY, blocked=True)
        due = invoice(key="d", due_date=MONDAY - 11 * DAY)
        result = decide_customer(PLAN, [paid, blocked, due], Policy(), MONDAY)
        self.assertEqual(result.reference, "d")
        self.assertEqual(result.listed, ("d",))
        self.assertEqual(result.invoices["p"].reason, r.PAID)
        self.assertEqual(result.invoices["x"].reason, r.INVOICE_BLOCKED)
        empty = decide_customer(PLAN, [paid], Policy(), MONDAY)
        self.assertIsNone(empty.decision)
        self.assertEqual(empty.invoices["p"].reason, r.PAID)
        no_plan = decide_customer(None, [due], Policy(), MONDAY)
        self.assertEqual(no_plan.invoices["d"].reason, r.NO_PLAN)

    def test_reference_paid_next_takes_over_keeping_level(self):
        # Standard logic: both enter at step 1 (index 0); then the reference is paid.
        start = [
            invoice(key="r", due_date=MONDAY - 11 * DAY),
            invoice(key="o", due_date=MONDAY - 2 * DAY),
        ]
        sent = run_customer(PLAN, start, Policy(), MONDAY, 1)
        self.assertEqual(sent, [(MONDAY, 0, ("r", "o"))])
        after = [
            invoice(
                key="o",
                due_date=MONDAY - 2 * DAY,
                level=1,
                last_date=MONDAY,
                customer_last_date=MONDAY,
            )
        ]
        result = decide_customer(PLAN, after, Policy(), MONDAY + DAY)
        self.assertEqual(result.reference, "o")
        self.assertEqual(result.decision.outcome, r.WAIT)
        self.assertEqual(result.decision.step_index, 1)  # level kept: next is step 2
        self.assertEqual(result.decision.next_date, MONDAY + 28 * DAY)

    def test_older_invoice_becomes_reference(self):
        current = invoice(key="n", due_date=MONDAY - 12 * DAY, level=1, last_date=MONDAY - 2 * DAY)
        # Posted late but before its due date (not post factum), due before the reference.
        imported = invoice(key="i", due_date=MONDAY - 40 * DAY, entry_date=MONDAY - 45 * DAY)
        result = decide_customer(PLAN, [current, imported], Policy(), MONDAY + 3 * DAY)
        self.assertEqual(result.reference, "i")
        self.assertEqual(result.decision.outcome, r.SEND)
        self.assertEqual(result.decision.step_index, 1)
        self.assertEqual(result.decision.level, 2)

    def test_catch_up_spaced_by_contact_delay(self):
        late = invoice(key="l", due_date=MONDAY - 50 * DAY)
        sent = run_customer(PLAN, [late], Policy(), MONDAY, 20)
        self.assertEqual(
            [(day, step) for day, step, _keys in sent],
            [(MONDAY, 0), (MONDAY + 5 * DAY, 1), (MONDAY + 10 * DAY, 2)],
        )
        contextual = replace(PLAN, logic="contextual")
        sent = run_customer(contextual, [late], Policy(), MONDAY, 20)
        self.assertEqual([step for _day, step, _keys in sent], [2])


@tagged("post_install", "-at_install", "dunning_engine")
class TestAcrossLevelsAndHolds(EngineCase):
    def test_contact_delay_counts_across_plans(self):
        """An invoice-level step due two days after a customer-level mail is postponed."""
        inv = invoice(due_date=MONDAY - 10 * DAY, customer_last_date=MONDAY - 2 * DAY)
        decision = decide(PLAN, inv, Policy(), MONDAY)
        self.assertEqual((decision.outcome, decision.reason), (r.WAIT, r.CONTACT_DELAY))
        self.assertEqual(decision.next_date, MONDAY + 3 * DAY)
        self.assertEqual(decide(PLAN, inv, Policy(), MONDAY + 3 * DAY).outcome, r.SEND)
        today = replace(inv, customer_last_date=MONDAY)
        self.assertEqual(decide(PLAN, today, Policy(), MONDAY).reason, r.CONTACT_DELAY)
        no_delay = replace(PLAN, min_contact_delay=0)
        self.assertEqual(decide(no_delay, today, Policy(), MONDAY).reason, r.ALREADY_TODAY)

    def test_stale_bank_data(self):
        inv = invoice(due_date=MONDAY - 10 * DAY)
        fresh = Policy(bank_max_age=14, bank_data_date=MONDAY - 14 * DAY)
        self.assertEqual(decide(PLAN, inv, fresh, MONDAY).outcome, r.SEND)
        stale = replace(fresh, bank_data_date=MONDAY - 15 * DAY)
        decision = decide(PLAN, inv, stale, MONDAY)
        self.assertEqual((decision.outcome, decision.reason), (r.WAIT, r.STALE_BANK_DATA))
        self.assertEqual(decision.details["would"], r.SEND)
        self.assertEqual(
            decide(PLAN, inv, replace(stale, bank_data_date=None), MONDAY).reason, r.STALE_BANK_DATA
        )
        self.assertEqual(decide(PLAN, inv, replace(stale, bank_max_age=0), MONDAY).outcome, r.SEND)
        # Nothing due: the real reason shows, not the hold.
        self.assertEqual(decide(PLAN, inv, stale, MONDAY - 5 * DAY).reason, r.NOT_DUE)

    def test_unmatched_payments_hold_invoice_and_group(self):
        inv = invoice(key="u", due_date=MONDAY - 10 * DAY, unmatched_payments=True)
        self.assertEqual(decide(PLAN, inv, Policy(), MONDAY).reason, r.UNMATCHED_PAYMENTS)
        group = decide_customer(PLAN, [inv], Policy(), MONDAY)
        self.assertEqual(group.decision.reason, r.UNMATCHED_PAYMENTS)
        self.assertEqual(group.listed, ())
        self.assertEqual(group.invoices["u"].reason, r.UNMATCHED_PAYMENTS)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.lists(st.tuples(st.integers(-20, 80), st.integers(0, 3)), min_size=1, max_size=5),
        st.integers(0, 6),
        st.sampled_from(["standard", "contextual"]),
    )
    def test_group_never_two_mails_too_close(self, specs, delay, logic):
        plan = replace(PLAN, min_contact_delay=delay, logic=logic)
        invoices = [
            invoice(key=index, due_date=MONDAY - offset * DAY, amount_residual=100.0 * (index + 1))
            for index, (offset, _level) in enumerate(specs)
        ]
        sent = run_customer(plan, invoices, Policy(), MONDAY, 60)
        days = [day for day, _step, _keys in sent]
        for before, after in zip(days, days[1:], strict=False):
            self.assertGreaterEqual((after - before).days, max(delay, 1))
        steps = [step for _day, step, _keys in sent]
        self.assertEqual(steps, sorted(set(steps)))


@tagged("post_install", "-at_install", "dunning_engine")
class TestBothLevelsProperties(EngineCase):
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.lists(st.integers(-10, 60), min_size=0, max_size=3),
        st.lists(st.integers(-10, 60), min_size=0, max_size=3),
        st.integers(1, 6),
    )
    def test_customer_contacts_spaced_across_levels(self, own_offsets, group_offsets, delay):
        """Invoice-level and customer-level steps of one customer, run day by day: at most
        one contact day at a time, contact days spaced by the plans' contact delay."""
        plan = replace(PLAN, min_contact_delay=delay)
        own = {
            f"own{i}": invoice(key=f"own{i}", due_date=MONDAY - offset * DAY)
            for i, offset in enumerate(own_offsets)
        }
        covered = {
            f"grp{i}": invoice(key=f"grp{i}", due_date=MONDAY - offset * DAY)
            for i, offset in enumerate(group_offsets)
        }
        contact_days = []
        last = None
        for offset in range(90):
            day = MONDAY + offset * DAY
            acted = []
            for key, inv in own.items():
                decision = decide(plan, replace(inv, customer_last_date=last), Policy(), day)
                if decision.acts:
                    acted.append(key)
                    own[key] = replace(inv, level=decision.level, last_date=day)
            group = decide_customer(
                plan,
                [replace(inv, customer_last_date=last) for inv in covered.values()],
                Policy(),
                day,
            )
            if group.decision and group.decision.acts:
                acted += list(group.listed)
                for key in group.listed:
                    covered[key] = replace(covered[key], level=group.decision.level, last_date=day)
            if acted:
                contact_days.append(day)
                last = day
        for before, after in zip(contact_days, contact_days[1:], strict=False):
            self.assertGreaterEqual((after - before).days, delay)


@tagged("post_install", "-at_install", "dunning_engine")
class TestForecast(EngineCase):
    def test_forecast_both_levels_week_end_and_pause_end(self):
        business = replace(PLAN, business_days_only=True)
        friday = MONDAY + 4 * DAY
        # Both due (10 business days) this Friday.
        own = invoice(key="own", due_date=friday - 14 * DAY)
        covered = invoice(key="grp", due_date=friday - 14 * DAY)
        paused = invoice(
            key="paused", due_date=friday - 40 * DAY, paused=True, pause_until=friday + 7 * DAY
        )
        customer = Customer(
            policy=Policy(),
            own=((business, own), (business, paused)),
            plan=business,
            covered=(covered,),
        )
        days = forecast(customer, friday, 14)
        contacts = [
            (day, sorted(k for u in units for k in u.keys)) for day, _s, units in days if units
        ]
        # Friday: both levels in one run; then nothing on the week-end; the pause ends
        # the next Friday, spaced by the contact delay from the first contact.
        self.assertEqual(contacts[0], (friday, ["grp", "own"]))
        self.assertEqual(contacts[1][0], friday + 7 * DAY)
        self.assertEqual(contacts[1][1], ["paused"])
        for day, _statuses, units in days:
            if day.weekday() >= 5:
                self.assertFalse(units)
        # The first day of the forecast is exactly today's decision.
        self.assertEqual(days[0][1:], decide_day(customer, friday))


def _plans():
    """Plans of 1 to 4 steps, any channel, either logic, business days or not, with or
    without a broken-promise step."""
    step = st.builds(
        Step,
        delay=st.integers(-5, 60),
        channel=st.sampled_from(["email", "email", "letter", "manual"]),
        automatic=st.booleans(),
    )
    return st.builds(
        lambda steps, broken, logic, delay, business, key: Plan(
            steps=tuple(sorted(steps, key=lambda s: s.delay))
            + ((Step(0, broken_promise=True),) if broken else ()),
            logic=logic,
            min_contact_delay=delay,
            business_days_only=business,
            key=key,
        ),
        st.lists(step, min_size=1, max_size=4, unique_by=lambda s: s.delay),
        st.booleans(),
        st.sampled_from(["standard", "contextual"]),
        st.integers(0, 7),
        st.booleans(),
        st.just("plan"),
    )


def _invoices(prefix):
    """Up to 3 invoices: any age, level, pause, promise (kept, partly or not)."""
    return st.lists(
        st.tuples(
            st.integers(-20, 90),  # days overdue on the forecast's first day
            st.integers(0, 2),  # level
            st.one_of(st.none(), st.integers(-3, 30)),  # pause end, from the start
            st.one_of(st.none(), st.integers(-3, 30)),  # promised date, from the start
            st.sampled_from([0.0, 50.0, 1000.0]),  # paid since the promise
            st.booleans(),  # has an e-mail address
        ),
        max_size=3,
    ).map(
        lambda specs: tuple(
            invoice(
                key=f"{prefix}{index}",
                due_date=MONDAY - overdue * DAY,
                level=level,
                paused=pause is not None,
                pause_until=MONDAY + pause * DAY if pause else None,
                promise_until=MONDAY + promise * DAY if promise is not None else None,
                promise_amount=1000.0 if promise is not None else None,
                promise_paid=paid if promise is not None else 0.0,
                has_email=email,
            )
            for index, (overdue, level, pause, promise, paid, email) in enumerate(specs)
        )
    )


@tagged("post_install", "-at_install", "dunning_engine")
class TestForecastEvents(EngineCase):
    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        own_plan=_plans(),
        group_plan=_plans(),
        own=_invoices("own"),
        covered=_invoices("grp"),
        customer_pause=st.one_of(st.none(), st.integers(1, 30)),
        interval=st.integers(0, 10),
        bank=st.one_of(st.none(), st.integers(0, 20)),
    )
    def test_only_the_quiet_days_are_left_out(
        self, own_plan, group_plan, own, covered, customer_pause, interval, bank
    ):
        """Deciding only the days something may happen gives exactly the actions of
        deciding every day (the forecast's speed rests on it)."""
        policy = Policy(
            reminder_interval=interval,
            bank_max_age=10 if bank is not None else 0,
            bank_data_date=MONDAY - bank * DAY if bank is not None else None,
        )
        customer = Customer(
            policy=policy,
            own=tuple((own_plan, inv) for inv in own),
            plan=group_plan if covered else None,
            covered=covered,
            paused=customer_pause is not None,
            pause_until=MONDAY + customer_pause * DAY if customer_pause else None,
        )
        every_day = [(day, actions) for day, _s, actions in forecast(customer, MONDAY, 60)]
        events = forecast_events(customer, MONDAY, 60)
        self.assertEqual(
            [(day, actions) for day, _s, actions in events if actions],
            [(day, actions) for day, actions in every_day if actions],
        )
        self.assertEqual(events[0][:2], (MONDAY, decide_day(customer, MONDAY)[0]))
