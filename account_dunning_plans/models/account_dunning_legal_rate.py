# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

DEBTOR_TYPES = [("business", "Business"), ("consumer", "Consumer")]


class AccountDunningLegalRate(models.Model):
    """A statutory late-payment interest rate, valid from a day until the next one of
    its country and debtor type. Shipped for France, Belgium, the Netherlands and
    Germany (``data/account_dunning_legal_rate_data.xml``, with their sources);
    accounting managers add each new half-year's rate when it is published."""

    _name = "account.dunning.legal.rate"
    _description = "Statutory late-payment interest rate"
    _order = "country_id, debtor_type, date_from desc"
    _rec_names_search = ["country_id", "basis"]

    country_id = fields.Many2one("res.country", required=True, index=True)
    debtor_type = fields.Selection(DEBTOR_TYPES, required=True, default="business")
    date_from = fields.Date(string="Valid from", required=True)
    rate = fields.Float(string="Annual rate (%)", digits=(16, 2), required=True)
    basis = fields.Char(
        translate=True,
        help="What the rate is made of, e.g. 'ECB main refinancing rate 2.15 % + 10 points'.",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "country_type_date_unique",
            "unique(country_id, debtor_type, date_from)",
            "One rate per country, debtor type and day.",
        ),
        ("rate_positive", "CHECK(rate >= 0)", "A rate cannot be negative."),
    ]

    @api.depends("country_id", "debtor_type", "date_from", "rate")
    def _compute_display_name(self):
        types = dict(self._fields["debtor_type"]._description_selection(self.env))
        for rate in self:
            rate.display_name = (
                f"{rate.country_id.code or ''} {types.get(rate.debtor_type, '')} "
                f"{fields.Date.to_string(rate.date_from) or ''}: {rate.rate:.2f} %"
            )

    @api.model
    def _rates(self, country, debtor_type):
        """``[(valid from, annual rate in percent)]`` of ``country`` for
        ``debtor_type``, as :func:`..engine.legal.late_interest` takes them."""
        rates = self.sudo().search(
            [("country_id", "=", country.id), ("debtor_type", "=", debtor_type)]
        )
        return [(rate.date_from, rate.rate) for rate in rates]

    @api.model
    def _valid(self, country, debtor_type, day):
        """The rate of ``country`` for ``debtor_type`` valid on ``day`` (empty: none)."""
        return self.sudo().search(
            [
                ("country_id", "=", country.id),
                ("debtor_type", "=", debtor_type),
                ("date_from", "<=", day),
            ],
            limit=1,
        )
