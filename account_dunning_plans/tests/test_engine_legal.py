# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The statutory recovery costs, against the examples the law's scale gives."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ..engine.legal import (
    CONSUMER_GATE_DAYS,
    WIK_MAXIMUM,
    WIK_MINIMUM,
    be_consumer_damages,
    claims_reached,
    consumer_claim_start,
    consumer_gate_error,
    flat_recovery_indemnity,
    fr_agreed_rate_shortfall,
    late_interest,
    notice_received,
    statutory_claim,
    wik_collection_costs,
)
from .engine_case import EngineCase, tagged


@tagged("post_install", "-at_install", "dunning_engine")
class TestWik(EngineCase):
    def test_scale_slice_by_slice(self):
        for principal, costs in (
            ("100", "40.00"),  # 15 % is 15: the minimum
            ("266.67", "40.00"),
            ("1000", "150.00"),  # 15 %
            ("2500", "375.00"),
            ("5000", "625.00"),  # + 10 % of 2,500
            ("10000", "875.00"),  # + 5 % of 5,000
            ("200000", "2775.00"),  # + 1 % of 190,000
            ("500000", "4275.00"),  # + 0.5 % of 300,000
            ("1000000", "6775.00"),  # + 0.5 % of 800,000: the maximum exactly
            ("5000000", "6775.00"),
            ("1234.56", "185.18"),  # rounded half up to the cent
        ):
            with self.subTest(principal=principal):
                self.assertEqual(wik_collection_costs(Decimal(principal)), Decimal(costs))

    def test_nothing_owed_costs_nothing(self):
        self.assertEqual(wik_collection_costs(0), Decimal("0.00"))
        self.assertEqual(wik_collection_costs(-10), Decimal("0.00"))
        self.assertEqual(wik_collection_costs(1234.56), Decimal("185.18"), "floats as written")

    @settings(max_examples=200, deadline=None)
    @given(
        st.decimals(min_value="0.01", max_value="10000000", places=2),
        st.decimals("0", "1000", places=2),
    )
    def test_bounded_and_never_less_for_more(self, principal, more):
        costs = wik_collection_costs(principal)
        self.assertTrue(WIK_MINIMUM <= costs <= WIK_MAXIMUM)
        self.assertGreaterEqual(wik_collection_costs(principal + more), costs)


@tagged("post_install", "-at_install", "dunning_engine")
class TestFlatIndemnity(EngineCase):
    def test_forty_euros_from_businesses_in_france_belgium_and_germany(self):
        for country, debtor, amount in (
            ("FR", "business", "40.00"),
            ("fr", "business", "40.00"),
            ("DE", "business", "40.00"),
            ("FR", "consumer", "0.00"),
            ("DE", "consumer", "0.00"),
            ("BE", "business", "40.00"),
            ("BE", "consumer", "0.00"),
            ("NL", "business", "0.00"),  # the WIK scale instead
            ("", "business", "0.00"),
            (None, "business", "0.00"),
        ):
            with self.subTest(country=country, debtor=debtor):
                self.assertEqual(flat_recovery_indemnity(country, debtor), Decimal(amount))


@tagged("post_install", "-at_install", "dunning_engine")
class TestLateInterest(EngineCase):
    RATES = [(date(2026, 7, 1), "12.40"), (date(2026, 1, 1), "12.15")]

    def test_one_rate(self):
        # 10,000 at 12.15 % for 30 days: 10,000 x 0.1215 x 30 / 365 = 99.863...
        interest = late_interest(10000, date(2026, 3, 2), date(2026, 3, 31), self.RATES)
        self.assertEqual(interest, Decimal("99.86"))

    def test_periods_split_where_the_rate_changes(self):
        # 11 days of June at 12.15 % (3.6616...) and 10 days of July at 12.40 % (3.3972...)
        interest = late_interest(1000, date(2026, 6, 20), date(2026, 7, 10), self.RATES)
        self.assertEqual(interest, Decimal("7.06"))

    def test_nothing_owed_nothing_due(self):
        self.assertEqual(late_interest(0, date(2026, 3, 1), date(2026, 4, 1), self.RATES), 0)
        self.assertEqual(late_interest(-5, date(2026, 3, 1), date(2026, 4, 1), self.RATES), 0)
        self.assertEqual(late_interest(100, date(2026, 3, 2), date(2026, 3, 1), self.RATES), 0)
        # Before the first rate known: nothing for those days.
        self.assertEqual(late_interest(1000, date(2025, 12, 1), date(2025, 12, 31), self.RATES), 0)

    @settings(max_examples=200, deadline=None)
    @given(
        st.decimals(min_value=1, max_value=1000000, places=2),
        st.integers(min_value=0, max_value=700),
        st.integers(min_value=0, max_value=400),
        st.integers(min_value=0, max_value=400),
    )
    def test_a_period_is_the_sum_of_its_parts(self, principal, offset, first, second):
        """Split anywhere, the two parts add up to the whole (to the cent, each part
        being rounded), and more days never bear less."""
        start = date(2025, 11, 1) + timedelta(days=offset)
        middle = start + timedelta(days=first)
        end = middle + timedelta(days=second)
        whole = late_interest(principal, start, end, self.RATES)
        parts = late_interest(principal, start, middle, self.RATES) + late_interest(
            principal, middle + timedelta(days=1), end, self.RATES
        )
        self.assertLessEqual(abs(whole - parts), Decimal("0.01"))
        self.assertGreaterEqual(whole, late_interest(principal, start, middle, self.RATES))


@tagged("post_install", "-at_install", "dunning_engine")
class TestStatutoryClaim(EngineCase):
    """Worked examples, computed by hand from the law."""

    DUE = date(2026, 1, 15)

    def claim(self, country, debtor_type="business", principal="1000", days=60, fee=None):
        today = self.DUE + timedelta(days=days)
        rates = [(date(2025, 7, 1), "12.15"), (date(2026, 1, 1), "12.15")]
        return statutory_claim(country, debtor_type, principal, self.DUE, today, rates, fee)

    def test_france_business(self):
        # L441-10: 1,000 x 12.15 % (ECB 2.15 + 10) x 60 / 365 = 19.972 -> 19.97; + 40.
        self.assertEqual(self.claim("FR"), (Decimal("19.97"), Decimal("40.00")))

    def test_germany_business_after_thirty_days(self):
        # BGB 286 (3): interest from day 31 after the due date: 30 days of 60 here.
        # 1,000 x 12.15 % x 30 / 365 = 9.986 -> 9.99; BGB 288 (5): 40.
        self.assertEqual(self.claim("DE"), (Decimal("9.99"), Decimal("40.00")))
        # Not yet in default: nothing at all.
        self.assertEqual(self.claim("DE", days=30), (Decimal("0.00"), Decimal("0.00")))

    def test_netherlands_business_wik(self):
        # 3,000: 15 % of 2,500 + 10 % of 500 = 425.
        interest, costs = self.claim("NL", principal="3000")
        self.assertEqual(costs, Decimal("425.00"))
        self.assertEqual(interest, Decimal("59.92"))  # 3,000 x 12.15 % x 60 / 365

    def test_belgium_business_flat_and_reasonable_costs(self):
        # Art. 6: 40, and the reasonable compensation the creditor sets on top.
        self.assertEqual(self.claim("BE")[1], Decimal("40.00"))
        self.assertEqual(self.claim("BE", fee=15)[1], Decimal("55.00"))

    def test_consumers_without_formal_notice_and_other_countries_get_nothing(self):
        for country in ("FR", "DE", "NL", "BE"):
            self.assertEqual(self.claim(country, "consumer"), (Decimal("0.00"),) * 2)
        self.assertEqual(self.claim("US"), (Decimal("0.00"),) * 2)

    def test_french_terms_set_at_least_three_times_the_legal_rate(self):
        # L441-10 II: 3 x 2.62 % (the legal rate of a company's claims, early 2026).
        self.assertEqual(fr_agreed_rate_shortfall(7.85, 2.62), Decimal("7.86"))
        self.assertEqual(fr_agreed_rate_shortfall("5", "2.62"), Decimal("7.86"))
        self.assertIsNone(fr_agreed_rate_shortfall(7.86, 2.62))
        self.assertIsNone(fr_agreed_rate_shortfall(15, 2.62))
        self.assertIsNone(fr_agreed_rate_shortfall(0, 2.62))  # no rate in the terms
        self.assertIsNone(fr_agreed_rate_shortfall(5, None))  # the legal rate unknown

    def test_nothing_before_the_due_date_and_on_nothing_owed(self):
        self.assertEqual(self.claim("FR", days=0), (Decimal("0.00"), Decimal("0.00")))
        self.assertEqual(self.claim("FR", principal="0"), (Decimal("0.00"), Decimal("0.00")))


@tagged("post_install", "-at_install", "dunning_engine")
class TestConsumers(EngineCase):
    """Consumers: a formal notice first, its period, then what each law gives."""

    MONDAY = date(2026, 3, 2)
    # The legal interest rate of a company's claims, first half-year 2026.
    RATES = [(date(2026, 1, 1), "2.62")]

    def test_notice_received(self):
        self.assertEqual(notice_received(self.MONDAY, "email"), date(2026, 3, 3))
        # A letter posted on Thursday: Friday, Monday, Tuesday.
        self.assertEqual(notice_received(date(2026, 3, 5), "letter"), date(2026, 3, 10))

    def test_belgium_book_xix_scale(self):
        for balance, damages in (
            ("100", "20.00"),
            ("150", "20.00"),
            ("400", "55.00"),  # the example: 30 + 10 % of 250
            ("500", "65.00"),
            ("1000", "90.00"),  # 65 + 5 % of 500
            ("100000", "2000.00"),  # at most 2,000
            ("0", "0.00"),
        ):
            with self.subTest(balance=balance):
                self.assertEqual(be_consumer_damages(balance), Decimal(damages))

    def test_belgium_after_the_free_reminder_and_fourteen_days(self):
        """XIX.2: an e-mail on Monday 2 March: 14 days from Tuesday 3, costs from the
        17th; 400 due and a penalty clause: 55."""
        start = consumer_claim_start("BE", self.MONDAY, "email")
        self.assertEqual(start, date(2026, 3, 17))
        notice = (self.MONDAY, "email")
        before = statutory_claim(
            "BE",
            "consumer",
            "400",
            date(2026, 2, 1),
            date(2026, 3, 16),
            [],
            notice=notice,
            penalty_clause=True,
        )
        self.assertEqual(before, (Decimal("0.00"), Decimal("0.00")))
        after = statutory_claim(
            "BE",
            "consumer",
            "400",
            date(2026, 2, 1),
            date(2026, 3, 17),
            [],
            notice=notice,
            penalty_clause=True,
        )
        self.assertEqual(after[1], Decimal("55.00"))
        without_clause = statutory_claim(
            "BE", "consumer", "400", date(2026, 2, 1), date(2026, 3, 17), [], notice=notice
        )
        self.assertEqual(without_clause[1], Decimal("0.00"))

    def test_netherlands_wik_after_the_fourteen_day_letter(self):
        # 3,000 owed by a consumer: WIK 425 once the 14 days after receipt ran out.
        notice = (self.MONDAY, "letter")  # received Thursday 5, costs from the 19th
        self.assertEqual(consumer_claim_start("NL", *notice), date(2026, 3, 19))
        claim = statutory_claim(
            "NL", "consumer", "3000", date(2026, 2, 1), date(2026, 3, 19), [], notice=notice
        )
        self.assertEqual(claim[1], Decimal("425.00"))

    def test_france_legal_interest_from_the_notice_and_no_costs(self):
        # Received Tuesday 3; 31 days to 2 April: 1,000 x 2.62 % x 31 / 365 = 2.2252 -> 2.23.
        claim = statutory_claim(
            "FR",
            "consumer",
            "1000",
            date(2026, 2, 1),
            date(2026, 4, 2),
            self.RATES,
            notice=(self.MONDAY, "email"),
        )
        self.assertEqual(claim, (Decimal("2.23"), Decimal("0.00")))

    def test_germany_interest_from_the_mahnung_and_no_costs(self):
        # BGB 286 (1), 288 (1): a Mahnung posted on Monday 2 March, received Thursday 5;
        # 31 days to 4 April at 6.27 % (base rate 1.27 + 5): 1,000 x 6.27 % x 31 / 365
        # = 5.3252 -> 5.33; no flat 40 against a consumer (288 (5)).
        claim = statutory_claim(
            "DE",
            "consumer",
            "1000",
            date(2026, 2, 1),
            date(2026, 4, 4),
            [(date(2026, 1, 1), "6.27")],
            notice=(self.MONDAY, "letter"),
        )
        self.assertEqual(claim, (Decimal("5.33"), Decimal("0.00")))

    def test_plan_gate(self):
        notice, claim, plain = (False, True), (True, False), (False, False)
        # Claims at once, with no notice before it.
        self.assertEqual(consumer_gate_error([(10, *plain), (30, *claim)]), 1)
        # A notice at 30 days, a claim 19 days later: lawful; 18 days later: not.
        self.assertIsNone(consumer_gate_error([(30, *notice), (30 + CONSUMER_GATE_DAYS, *claim)]))
        self.assertEqual(consumer_gate_error([(30, *notice), (48, *claim)]), 1)
        # The notice itself is free.
        self.assertEqual(consumer_gate_error([(30, True, True)]), 0)
        self.assertIsNone(consumer_gate_error([(10, *plain), (30, *notice)]))


@tagged("post_install", "-at_install", "dunning_engine")
class TestClaimsReached(EngineCase):
    # A reminder, a step claiming interest, a formal notice claiming costs, a last one.
    STEPS = (
        (False, False, False),
        (True, False, False),
        (False, True, True),
        (False, False, False),
    )

    def test_claims_from_the_first_reached_step_claiming_on(self):
        self.assertEqual(claims_reached(self.STEPS, 0), (False, False, False))
        self.assertEqual(claims_reached(self.STEPS, 1), (False, False, False))
        self.assertEqual(claims_reached(self.STEPS, 2), (True, False, False))
        self.assertEqual(claims_reached(self.STEPS, 3), (True, True, True))
        # The last step claims nothing itself and is no notice: the claims stay.
        self.assertEqual(claims_reached(self.STEPS, 4), (True, True, False))
        self.assertEqual(claims_reached(self.STEPS, 9), (True, True, False))
        self.assertEqual(claims_reached((), 3), (False, False, False))
