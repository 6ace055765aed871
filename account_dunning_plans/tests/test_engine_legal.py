# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The statutory recovery costs, against the examples the law's scale gives."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ..engine.legal import (
    WIK_MAXIMUM,
    WIK_MINIMUM,
    flat_recovery_indemnity,
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
    def test_forty_euros_from_businesses_in_france_and_germany_only(self):
        for country, debtor, amount in (
            ("FR", "business", "40.00"),
            ("fr", "business", "40.00"),
            ("DE", "business", "40.00"),
            ("FR", "consumer", "0.00"),
            ("DE", "consumer", "0.00"),
            ("BE", "business", "0.00"),
            ("NL", "business", "0.00"),
            ("", "business", "0.00"),
            (None, "business", "0.00"),
        ):
            with self.subTest(country=country, debtor=debtor):
                self.assertEqual(flat_recovery_indemnity(country, debtor), Decimal(amount))
