"""Who receives a reminder, when a mail may leave (send window), and whether a mail
received was written by a person."""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .calendar import WEEKDAYS, WorkCalendar, at


@dataclass(frozen=True)
class Contact:
    """One contact of a customer, as the recipient rule sees it.

    ``key`` is opaque (the partner id). ``customer``: the customer (commercial entity)
    itself; ``invoice_address``: an invoice-address contact; ``dunning_contact``: a
    contact flagged to receive reminders (the decision maker).
    """

    key: object
    email: bool = False
    customer: bool = False
    invoice_address: bool = False
    dunning_contact: bool = False


def recipients(contacts, invoice_contact=None) -> tuple:
    """Keys of the contacts a reminder goes to, in seed 004's order.

    1. the customer's invoice-address contacts with an e-mail (for an invoice-level
       reminder, the invoice's own contact alone when it is one of them);
    2. else its contacts flagged as dunning contact with an e-mail;
    3. else the invoice's own contact (``invoice_contact``, the partner the invoice
       was addressed to) when it has an e-mail;
    4. else the customer itself when it has an e-mail;
    5. else nobody: nothing can be sent (a to-do "missing e-mail").
    """
    contacts = list(contacts)
    billing = [c for c in contacts if c.invoice_address and c.email and not c.customer]
    if invoice_contact is not None:
        own = [c for c in billing if c.key == invoice_contact]
        if own:
            return (own[0].key,)
    if billing:
        return tuple(c.key for c in billing)
    flagged = [c for c in contacts if c.dunning_contact and c.email and not c.customer]
    if flagged:
        return tuple(c.key for c in flagged)
    if invoice_contact is not None:
        own = [c for c in contacts if c.key == invoice_contact and c.email]
        if own:
            return (own[0].key,)
    return tuple(c.key for c in contacts if c.customer and c.email)[:1]


@dataclass(frozen=True)
class SendWindow:
    """Hours (local time) between which mails may leave, on the working days of
    ``calendar`` (the company's: :class:`.calendar.WorkCalendar`).

    ``hour_from``/``hour_to``: e.g. 8.5 = 08:30, ``hour_from < hour_to``.
    """

    hour_from: float = 8.0
    hour_to: float = 18.0
    calendar: WorkCalendar = WEEKDAYS

    def is_open_day(self, day: date) -> bool:
        return self.calendar.is_working_day(day)

    def next_opening(self, moment: datetime, horizon: int = 400):
        """``moment`` itself when mails may leave then, else the next opening of the
        window (local, naive datetimes); None when no day opens within ``horizon``
        days (no working day at all)."""
        day = moment.date()
        for offset in range(horizon):
            current = day + timedelta(days=offset)
            if not self.is_open_day(current):
                continue
            start, end = at(current, self.hour_from), at(current, self.hour_to)
            if offset == 0 and moment >= end:
                continue
            return max(start, moment) if offset == 0 else start
        return None


# Retrying a mail the server did not take: after 5 minutes, then ever longer (the last
# delay repeats), for at least RETRY_FOR after the first failure. Greylisting servers
# accept a retry after a few minutes; an outage may last a night.
RETRY_DELAYS = (5, 15, 30, 60, 120, 240, 480, 720)  # minutes
RETRY_FOR = timedelta(hours=26)

# Odoo's failure types that no retry can cure.
FINAL_FAILURE_TYPES = (
    "mail_email_invalid",
    "mail_email_missing",
    "mail_from_invalid",
    "mail_from_missing",
    "mail_bl",
    "mail_optout",
    "mail_dup",
)
_SMTP_CODE = re.compile(r"\b([2-5])\d\d\b")


def temporary_failure(failure_type, reason) -> bool:
    """Whether a mail that failed with Odoo's ``failure_type`` and ``reason`` may go
    through later: 4xx replies (greylisting "451"), time-outs, refused or reset
    connections. A 5xx reply or a bad address is final."""
    if failure_type in FINAL_FAILURE_TYPES:
        return False
    codes = {match.group(1) for match in _SMTP_CODE.finditer(reason or "")}
    return "5" not in codes


def next_retry(retries: int, first_failure: datetime, now: datetime):
    """When to put back in the queue a mail already retried ``retries`` times, that
    first failed at ``first_failure``: after the next delay, the last attempt exactly
    RETRY_FOR after the first failure; None once that one was made (it failed for
    good)."""
    delay = timedelta(minutes=RETRY_DELAYS[min(retries, len(RETRY_DELAYS) - 1)])
    last = first_failure + RETRY_FOR
    if now >= last:
        return None
    return min(now + delay, last)


# Subjects of automatic replies that forget the headers, in the customers' languages.
AUTO_REPLY_SUBJECT = re.compile(
    r"\b(out of (the )?office|automatic reply|auto[- ]?reply|autoreply|auto[- ]?response"
    r"|r[ée]ponse automatique|absente? du bureau|message d.absence"
    r"|automatisch antwoord|afwezig|niet aanwezig"
    r"|automatische antwort|abwesenheit\w*|abwesend)\b",
    re.IGNORECASE,
)


def auto_reply(headers, subject="") -> bool:
    """Whether an incoming mail was sent by a machine, not written by a person.

    ``headers``: its header names (any case) and values. RFC 3834, section 5:
    ``Auto-Submitted`` other than "no"; the older ``X-Autoreply`` / ``X-Autorespond``
    and ``Precedence: bulk, junk, list, auto_reply``; else an out-of-office subject.
    A reply a person wrote pauses dunning; an automatic one never does."""
    values = {name.lower(): (value or "").strip().lower() for name, value in headers.items()}
    if values.get("auto-submitted", "no") not in ("", "no"):
        return True
    if "x-autoreply" in values or "x-autorespond" in values:
        return True
    if values.get("precedence") in ("bulk", "junk", "list", "auto_reply"):
        return True
    return bool(AUTO_REPLY_SUBJECT.search(subject or ""))
