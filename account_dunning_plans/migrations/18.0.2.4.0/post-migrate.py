# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""From 18.0.2.3.0: once the new version is loaded.

The French legal interest rates shipped for consumers were those of claims held by
individuals; a company's claims take the rate "for all other cases" (Code monétaire et
financier, art. L313-2; see ``data/account_dunning_legal_rate_data.xml``). The shipped
records (``noupdate``) get the right rate and basis, unless someone changed the rate.
"""

from psycopg2.extras import Json

from odoo import SUPERUSER_ID, api

MODULE = "account_dunning_plans"
# xmlid: (rate shipped before, rate of the arrêté "pour tous les autres cas")
RATES = {
    "legal_rate_fr_consumer_2024_01_01": (8.01, 5.07),
    "legal_rate_fr_consumer_2024_07_01": (8.16, 4.92),
    "legal_rate_fr_consumer_2025_01_01": (7.21, 3.71),
    "legal_rate_fr_consumer_2025_07_01": (6.65, 2.76),
    "legal_rate_fr_consumer_2026_01_01": (6.67, 2.62),
}
# The basis, in every language it holds: which of the two legal rates.
BASIS = (
    ("(particuliers)", "(créancier professionnel)"),
    ("(particulieren)", "(zakelijke schuldeiser)"),
    ("(Privatpersonen)", "(gewerblicher Gläubiger)"),
)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid, (before, after) in RATES.items():
        rate = env.ref(f"{MODULE}.{xmlid}", raise_if_not_found=False)
        if not rate or round(rate.rate, 2) != before:
            continue
        cr.execute("SELECT basis FROM account_dunning_legal_rate WHERE id = %s", [rate.id])
        basis = cr.fetchone()[0] or {}
        for lang, text in basis.items():
            for old, new in BASIS:
                text = text.replace(old, new)
            basis[lang] = text
        cr.execute(
            "UPDATE account_dunning_legal_rate SET rate = %s, basis = %s WHERE id = %s",
            [after, Json(basis), rate.id],
        )
    env.invalidate_all()
