"""What the law lets a creditor charge a late payer: recovery costs per country and
debtor type. Pure functions of amounts, cited from their primary source; the plans'
fee steps (issue "Escalation and the law") build on them.

Amounts are :class:`decimal.Decimal` in euros, rounded to the cent (half up).
"""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")

# Netherlands: Besluit vergoeding voor buitengerechtelijke incassokosten (Stb. 2012, 141),
# artikel 2, lid 1 and 2, under BW 6:96 lid 2 sub c and lid 5: the "WIK" scale, on the
# principal (hoofdsom) of the claim, by slices:
#   15 % of the first € 2,500; 10 % of the next € 2,500; 5 % of the next € 5,000;
#   1 % of the next € 190,000; 0.5 % of the rest; at least € 40, at most € 6,775.
# https://zoek.officielebekendmakingen.nl/stb-2012-141.html
WIK_SLICES = (
    (Decimal("2500"), Decimal("0.15")),
    (Decimal("2500"), Decimal("0.10")),
    (Decimal("5000"), Decimal("0.05")),
    (Decimal("190000"), Decimal("0.01")),
    (None, Decimal("0.005")),
)
WIK_MINIMUM = Decimal("40")
WIK_MAXIMUM = Decimal("6775")


def wik_collection_costs(principal) -> Decimal:
    """The Dutch statutory collection costs on ``principal`` (the sum still owed,
    interest excluded): the WIK scale above, between its minimum and its maximum. No
    costs on nothing owed. (Article 2, lid 3 of the same decree adds VAT when the
    creditor cannot deduct it: not included here.)"""
    principal = Decimal(str(principal))
    if principal <= 0:
        return Decimal("0.00")
    costs = Decimal("0")
    rest = principal
    for size, rate in WIK_SLICES:
        part = rest if size is None else min(rest, size)
        costs += part * rate
        rest -= part
        if rest <= 0:
            break
    costs = min(max(costs, WIK_MINIMUM), WIK_MAXIMUM)
    return costs.quantize(CENT, rounding=ROUND_HALF_UP)


# Flat recovery indemnities, owed per late invoice by a business debtor only:
# - France: Code de commerce, art. L441-10 (formerly L441-6 I, al. 12) and art. D441-5
#   (décret n° 2012-1115 du 2 octobre 2012): "le montant de l'indemnité forfaitaire pour
#   frais de recouvrement [...] est fixé à 40 euros"; not subject to VAT.
# - Germany: BGB § 288 Absatz 5: the creditor of a payment for goods or services
#   (Entgeltforderung) gets a flat 40 euros when a debtor who is not a consumer is in
#   default, per invoice or installment; set off against recovery costs claimed besides.
# - Belgium: loi du 2 août 2002 concernant la lutte contre le retard de paiement dans les
#   transactions commerciales, art. 6, as amended by the loi du 22 novembre 2013 that
#   transposes directive 2011/7/EU (whose art. 6 makes 40 euros the minimum everywhere
#   in the EU): a flat 40 euros, and besides it a "reasonable" compensation for the
#   other recovery costs, which the creditor sets (see :func:`statutory_claim`).
# The Netherlands have the WIK scale above instead (BW 6:96 lid 4, at least 40 euros).
FLAT_INDEMNITY = {"FR": Decimal("40.00"), "DE": Decimal("40.00"), "BE": Decimal("40.00")}


def flat_recovery_indemnity(country: str, debtor_type: str) -> Decimal:
    """The flat recovery indemnity the law of ``country`` (ISO code) grants per late
    invoice against a debtor of ``debtor_type`` ("business" or "consumer"): 0 where
    there is none, and always 0 against a consumer."""
    if debtor_type != "business":
        return Decimal("0.00")
    return FLAT_INDEMNITY.get((country or "").upper(), Decimal("0.00"))


# Statutory late interest: the creditor's claim runs from the day after the due date, at
# the annual rate the law sets for each period (a reference rate fixed per half-year,
# plus a margin). The rates themselves are data, with the day from which each applies:
# - France, B2B: Code de commerce, art. L441-10, II: the ECB's rate for its most recent
#   main refinancing operation plus 10 points, the rate in force on 1 January for the
#   first half-year and on 1 July for the second; due without any reminder.
# - Germany: BGB § 288 Absatz 1 (5 points above the base rate, § 247) and Absatz 2
#   (9 points when no consumer is party); the base rate changes on 1 January and 1 July.
# - Netherlands, B2B: BW 6:119a with 6:120 lid 2 (the ECB rate plus 8 points, per
#   half-year).
# - Belgium, B2B: loi du 2 août 2002, art. 5 (the ECB rate plus 8 points, rounded up to
#   the next half point, per half-year).
DAYS_PER_YEAR = Decimal("365")


def late_interest(principal, first_day, last_day, rates) -> Decimal:
    """Interest on ``principal`` for each day from ``first_day`` to ``last_day``
    (included) at the annual rate valid that day: ``rates`` are ``(valid from, annual
    rate in percent)``, in any order; a day before the first of them bears nothing.
    Actual days over 365, periods split where the rate changes; rounded to the cent
    (half up) once, at the end. Nothing on nothing owed or on an empty period."""
    principal = Decimal(str(principal))
    if principal <= 0 or last_day < first_day:
        return Decimal("0.00")
    ordered = sorted((start, Decimal(str(rate))) for start, rate in rates)
    total = Decimal("0")
    for index, (start, rate) in enumerate(ordered):
        end = ordered[index + 1][0] if index + 1 < len(ordered) else None
        period_first = max(first_day, start)
        period_last = last_day if end is None else min(last_day, end - timedelta(days=1))
        if period_last < period_first:
            continue
        days = (period_last - period_first).days + 1
        total += principal * rate / 100 * days / DAYS_PER_YEAR
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


# When statutory interest starts running against a business debtor, in days after the
# due date (the first day bearing interest is the day after the due date plus this):
# - France (L441-10, II), Belgium (loi du 2 août 2002, art. 5) and the Netherlands (BW
#   6:119a lid 1): from the day after the due date, without any reminder.
# - Germany (BGB § 286 Absatz 3): at the latest 30 days after the due date and receipt
#   of the invoice (a reminder may create default earlier: not counted here, so that
#   the claim never exceeds what the law allows).
INTEREST_DELAY = {"FR": 0, "BE": 0, "NL": 0, "DE": 30}


def statutory_claim(country, debtor_type, principal, due_date, today, rates, fee=None):
    """``(interest, recovery costs)`` the law of ``country`` lets a creditor claim on
    ``today`` from a ``debtor_type`` debtor ("business" or "consumer") late with
    ``principal`` since ``due_date``: interest at the statutory ``rates`` (see
    :func:`late_interest`) from the day it starts running (:data:`INTEREST_DELAY`),
    and the recovery costs: the flat indemnity (France, Germany, Belgium), the WIK
    scale (the Netherlands); in Belgium, ``fee`` is added: the "reasonable"
    compensation for the other costs, which the creditor sets (None: nothing).

    Against a consumer, nothing: each country first asks for a formal notice (mise en
    demeure, 14-dagenbrief, Mahnung, the free first reminder of Book XIX of the Belgian
    Code of Economic Law) and its waiting period, which a plan must hold before any
    step charging costs. A country outside these four: nothing.
    """
    nothing = (Decimal("0.00"), Decimal("0.00"))
    country = (country or "").upper()
    if debtor_type != "business" or country not in INTEREST_DELAY:
        return nothing
    principal = Decimal(str(principal))
    if principal <= 0:
        return nothing
    first_day = due_date + timedelta(days=INTEREST_DELAY[country] + 1)
    interest = late_interest(principal, first_day, today, rates)
    if today < first_day:
        return interest, Decimal("0.00")
    if country == "NL":
        costs = wik_collection_costs(principal)
    else:
        costs = flat_recovery_indemnity(country, debtor_type)
    if country == "BE" and fee:
        costs += max(Decimal(str(fee)), Decimal("0")).quantize(CENT, rounding=ROUND_HALF_UP)
    return interest, costs
