# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The statutory recovery costs, against the examples the law's scale gives."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ..engine.legal import (
    WIK_MAXIMUM,
    WIK_MINIMUM,
    flat_recovery_indemnity,
    late_interest,
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

    def test_consumers_and_other_countries_get_nothing_yet(self):
        for country in ("FR", "DE", "NL", "BE"):
            self.assertEqual(self.claim(country, "consumer"), (Decimal("0.00"),) * 2)
        self.assertEqual(self.claim("US"), (Decimal("0.00"),) * 2)

    def test_nothing_before_the_due_date_and_on_nothing_owed(self):
        self.assertEqual(self.claim("FR", days=0), (Decimal("0.00"), Decimal("0.00")))
        self.assertEqual(self.claim("FR", principal="0"), (Decimal("0.00"), Decimal("0.00")))
