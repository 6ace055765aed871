# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""An action due (a communication or a to-do), with its records."""

from collections import namedtuple

# The engine's :class:`..engine.customer.Action` with its records: ``partner`` (the
# customer), ``plan`` (the plan record), ``decision``, ``moves`` (the invoices it is
# about), ``own_levels`` (move id -> the level each reaches in a customer-level
# communication) and ``scope`` ("invoice" or "customer"). It becomes one
# ``account.dunning.action``.
ActionDue = namedtuple("ActionDue", "partner plan decision moves own_levels scope")
