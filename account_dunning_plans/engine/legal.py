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


# France, B2B: Code de commerce, art. L441-10, II: the late-payment rate the terms of
# sale set "ne peut être inférieur à trois fois le taux d'intérêt légal": the legal
# interest rate of a company's claims (Code monétaire et financier, art. L313-2, "pour
# tous les autres cas"), which changes each half-year. A rate set below that least rate
# is still what the terms claim (never more than agreed), but the terms do not comply.
FR_AGREED_RATE_FACTOR = Decimal("3")


def fr_agreed_rate_shortfall(agreed, legal_rate):
    """The least late-payment rate (percent a year) French terms of sale may set for
    business customers while the legal interest rate is ``legal_rate``, when the rate
    of the terms ``agreed`` is below it (L441-10 II above); None when it complies, when
    the terms set none (0) or when the legal rate is unknown (None)."""
    if not agreed or legal_rate is None:
        return None
    least = (Decimal(str(legal_rate)) * FR_AGREED_RATE_FACTOR).quantize(
        CENT, rounding=ROUND_HALF_UP
    )
    return least if Decimal(str(agreed)) < least else None


# When statutory interest starts running against a business debtor, in days after the
# due date (the first day bearing interest is the day after the due date plus this):
# - France (L441-10, II), Belgium (loi du 2 août 2002, art. 5) and the Netherlands (BW
#   6:119a lid 1): from the day after the due date, without any reminder.
# - Germany (BGB § 286 Absatz 3): at the latest 30 days after the due date and receipt
#   of the invoice (a reminder may create default earlier: not counted here, so that
#   the claim never exceeds what the law allows).
INTEREST_DELAY = {"FR": 0, "BE": 0, "NL": 0, "DE": 30}


# Belgium, consumers: Code de droit économique, livre XIX (loi du 4 mai 2023), art. XIX.4:
# what a creditor may claim for a late payment beyond the principal (and the interest)
# is capped by the balance still due: 20 euros up to 150; 30 euros + 10 % of the part
# from 150.01 to 500; 65 euros + 5 % of the part above 500; 2,000 euros at most.
BE_CONSUMER_SLICES = (
    (Decimal("150"), Decimal("500"), Decimal("30"), Decimal("0.10")),
    (Decimal("500"), None, Decimal("65"), Decimal("0.05")),
)
BE_CONSUMER_SMALL = Decimal("20")
BE_CONSUMER_MAXIMUM = Decimal("2000")


def be_consumer_damages(balance) -> Decimal:
    """The most a Belgian creditor may claim from a consumer for a late payment of
    ``balance`` (art. XIX.4 above), when its terms hold a penalty clause. Nothing on
    nothing owed."""
    balance = Decimal(str(balance))
    if balance <= 0:
        return Decimal("0.00")
    if balance <= BE_CONSUMER_SLICES[0][0]:
        damages = BE_CONSUMER_SMALL
    else:
        damages = Decimal("0")
        for start, end, base, rate in BE_CONSUMER_SLICES:
            if balance > start and (end is None or balance <= end):
                damages = base + (balance - start) * rate
    return min(damages, BE_CONSUMER_MAXIMUM).quantize(CENT, rounding=ROUND_HALF_UP)


# A consumer owes nothing for being late until a formal notice reached them and its
# period ran out. The notice is a step of the plan (``formal_notice``), sent by e-mail
# or by post ("letter"); a letter is taken as received on the 3rd working day after it
# was sent, an e-mail the day after (the later, never the earlier, day the law allows):
# - Belgium: Code de droit économique, art. XIX.2, § 1: the first reminder is free and
#   gives 14 calendar days, from the 3rd working day after a letter is sent, or from
#   the day after an e-mail; costs, damages and interest only after them.
# - Netherlands: BW 6:96 lid 6: collection costs only after a reminder giving 14 days
#   from the day after it is received (the "14-dagenbrief"); statutory interest (BW
#   6:119) from the default, which that reminder creates once its term ran out.
# - France: Code civil, art. 1231-6: interest at the legal rate from the formal notice
#   (mise en demeure); recovery costs without an enforceable title stay with the
#   creditor (Code des procédures civiles d'exécution, art. L111-8): none.
# - Germany: BGB § 286 Absatz 1: default from the reminder (Mahnung); § 288 Absatz 1:
#   interest 5 points above the base rate; no flat costs against a consumer (§ 288
#   Absatz 5 is for businesses only).
CONSUMER_NOTICE_DAYS = {"BE": 14, "NL": 14, "FR": 0, "DE": 0}


def notice_received(notice_day, channel):
    """The day a formal notice sent on ``notice_day`` by ``channel`` is taken as
    received: the next day for an e-mail, the 3rd working day (Monday to Friday) after
    it was sent for a letter."""
    if channel != "letter":
        return notice_day + timedelta(days=1)
    day, working = notice_day, 0
    while working < 3:
        day += timedelta(days=1)
        if day.weekday() < 5:
            working += 1
    return day


def consumer_claim_start(country, notice_day, channel):
    """The first day a consumer of ``country`` owes interest (and, where the law has
    them, recovery costs) after a formal notice sent on ``notice_day`` by ``channel``;
    None for a country without these rules here, or without notice."""
    country = (country or "").upper()
    if notice_day is None or country not in CONSUMER_NOTICE_DAYS:
        return None
    return notice_received(notice_day, channel) + timedelta(days=CONSUMER_NOTICE_DAYS[country])


def statutory_claim(
    country,
    debtor_type,
    principal,
    due_date,
    today,
    rates,
    fee=None,
    notice=None,
    penalty_clause=False,
):
    """``(interest, recovery costs)`` the law of ``country`` lets a creditor claim on
    ``today`` from a ``debtor_type`` debtor ("business" or "consumer") late with
    ``principal`` since ``due_date``: interest at the statutory ``rates`` (see
    :func:`late_interest`) from the day it starts running (:data:`INTEREST_DELAY`),
    and the recovery costs: the flat indemnity (France, Germany, Belgium), the WIK
    scale (the Netherlands); in Belgium, ``fee`` is added: the "reasonable"
    compensation for the other costs, which the creditor sets (None: nothing).

    Against a consumer, nothing before a formal notice (``notice``: the day it was
    sent and its channel) and its period (:func:`consumer_claim_start`); then interest
    at the consumers' ``rates`` from that day, and the costs the law gives: the WIK
    scale in the Netherlands, the Book XIX maximum in Belgium if the creditor's terms
    hold a penalty clause (``penalty_clause``), none in France and Germany. A country
    outside these four: nothing.
    """
    nothing = (Decimal("0.00"), Decimal("0.00"))
    country = (country or "").upper()
    if country not in INTEREST_DELAY:
        return nothing
    if debtor_type != "business":
        return _consumer_claim(country, principal, today, rates, notice, penalty_clause)
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


def _consumer_claim(country, principal, today, rates, notice, penalty_clause):
    """:func:`statutory_claim` against a consumer."""
    principal = Decimal(str(principal))
    start = consumer_claim_start(country, *(notice or (None, None)))
    if principal <= 0 or start is None or today < start:
        return Decimal("0.00"), Decimal("0.00")
    interest = late_interest(principal, start, today, rates)
    costs = Decimal("0.00")
    if country == "NL":
        costs = wik_collection_costs(principal)
    elif country == "BE" and penalty_clause:
        costs = be_consumer_damages(principal)
    return interest, costs


# The longest wait after a formal notice here: a letter taken as received on the 3rd
# working day after it is sent (at most 5 calendar days), then 14 days (Belgium, the
# Netherlands). A plan for consumers leaves at least this between its first formal
# notice and any step that claims interest or costs.
CONSUMER_GATE_DAYS = 19


def consumer_gate_error(steps):
    """The index of the first of ``steps`` that would claim from a consumer before the
    law allows it, or None. ``steps``: ``(day, claims, formal_notice)`` in the plan's
    order, ``day`` the step's theoretical day in days after the due date, ``claims``
    whether it claims interest or costs. A step claiming is lawful only at least
    :data:`CONSUMER_GATE_DAYS` after an earlier formal notice (a notice itself is
    free)."""
    notice_day = None
    for index, (day, claims, formal_notice) in enumerate(steps):
        if claims and (notice_day is None or day < notice_day + CONSUMER_GATE_DAYS):
            return index
        if formal_notice and notice_day is None:
            notice_day = day
    return None


def claims_reached(steps, level):
    """``(claims interest, claims costs, formal notice)`` of an invoice whose plan
    reached ``level`` (steps executed). ``steps``: ``(charge_interest, charge_fee,
    formal_notice)`` of the plan's steps in order, broken-promise steps left out.
    Interest and costs are claimed from the first reached step claiming them on (a
    later step claiming nothing does not give them up); the reminder is a formal notice
    when the last reached step is one."""
    reached = tuple(steps)[: max(level, 0)]
    return (
        any(interest for interest, _fee, _notice in reached),
        any(fee for _interest, fee, _notice in reached),
        bool(reached and reached[-1][2]),
    )
