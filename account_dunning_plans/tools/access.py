# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who may read the dunning internals (pause and dispute reasons, notes, block flags,
statuses, actions): internal users of accounting, never portal users nor other
internal users."""

ACCOUNTING_GROUPS = "account.group_account_invoice,account.group_account_readonly"
