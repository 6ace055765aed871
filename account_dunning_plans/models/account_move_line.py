# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    dunning_interest_move_id = fields.Many2one(
        "account.move",
        string="Late interest of",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="The invoice whose late interest this line of a reminder's invoice claims.",
    )
