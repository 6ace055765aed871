# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Engine: the recipient order and the send window (no database)."""

from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from ..engine import Contact, SendWindow, WorkCalendar, next_retry, recipients, temporary_failure
from ..engine.delivery import RETRY_FOR, auto_reply
from .engine_case import EngineCase, tagged

FRIDAY = datetime(2026, 3, 6, 2, 0)


@tagged("post_install", "-at_install", "dunning_engine")
class TestRecipients(EngineCase):
    customer = Contact("acme", email=True, customer=True)
    billing = Contact("billing", email=True, invoice_address=True)
    billing2 = Contact("billing2", email=True, invoice_address=True)
    billing_no_mail = Contact("billing0", invoice_address=True)
    boss = Contact("boss", email=True, dunning_contact=True)
    john = Contact("john", email=True)

    def test_seed_004_order(self):
        everyone = [self.customer, self.billing, self.billing2, self.boss, self.john]
        self.assertEqual(recipients(everyone), ("billing", "billing2"))
        self.assertEqual(recipients(everyone, invoice_contact="billing2"), ("billing2",))
        # An invoice addressed to someone else still goes to the billing contacts.
        self.assertEqual(recipients(everyone, invoice_contact="john"), ("billing", "billing2"))
        self.assertEqual(recipients([self.customer, self.billing_no_mail, self.boss]), ("boss",))
        self.assertEqual(recipients([self.customer, self.john], invoice_contact="john"), ("john",))
        self.assertEqual(recipients([self.customer, self.john]), ("acme",))
        self.assertEqual(recipients([Contact("acme", customer=True), self.billing_no_mail]), ())

    def test_customer_flags_do_not_make_it_a_contact(self):
        company = Contact("acme", email=True, customer=True, invoice_address=True)
        self.assertEqual(recipients([company]), ("acme",))


@tagged("post_install", "-at_install", "dunning_engine")
class TestSendWindow(EngineCase):
    window = SendWindow(8.5, 17.0, WorkCalendar(holidays=frozenset({date(2026, 3, 9)})))

    def test_night_run_waits_for_the_opening(self):
        self.assertEqual(self.window.next_opening(FRIDAY), datetime(2026, 3, 6, 8, 30))

    def test_inside_the_window_leaves_now(self):
        moment = datetime(2026, 3, 6, 10, 15)
        self.assertEqual(self.window.next_opening(moment), moment)

    def test_after_closing_week_end_and_holiday(self):
        # Friday evening: not Saturday, not Sunday, not the holiday Monday: Tuesday.
        self.assertEqual(
            self.window.next_opening(datetime(2026, 3, 6, 17, 0)), datetime(2026, 3, 10, 8, 30)
        )

    def test_a_holiday_overlapping_the_working_hours_closes_the_day(self):
        leaves = [
            (datetime(2026, 3, 9, 0, 0), datetime(2026, 3, 9, 23, 59)),  # whole Monday
            (datetime(2026, 3, 10, 17, 0), datetime(2026, 3, 10, 19, 0)),  # late Tuesday
            (datetime(2026, 3, 11, 18, 0), datetime(2026, 3, 12, 8, 0)),  # the night
        ]
        calendar = WorkCalendar().closed_by(leaves, 8.0, 18.0)
        self.assertEqual(calendar.holidays, frozenset({date(2026, 3, 9), date(2026, 3, 10)}))
        self.assertFalse(SendWindow(8.0, 18.0, calendar).is_open_day(date(2026, 3, 10)))
        self.assertTrue(SendWindow(8.0, 18.0, calendar).is_open_day(date(2026, 3, 11)))
        # Over the whole day, the night from the 11th to the 12th closes both.
        whole_days = WorkCalendar().closed_by(leaves)
        self.assertEqual(
            whole_days.holidays,
            frozenset(date(2026, 3, day) for day in (9, 10, 11, 12)),
        )

    def test_no_working_day(self):
        self.assertIsNone(
            SendWindow(calendar=WorkCalendar(weekdays=frozenset())).next_opening(FRIDAY)
        )

    @settings(max_examples=200, deadline=None)
    @given(
        minutes=st.integers(0, 60 * 24 * 30),
        hours=st.tuples(st.integers(0, 46), st.integers(1, 48)),
        weekdays=st.frozensets(st.integers(0, 6), min_size=1),
        holidays=st.frozensets(st.integers(0, 40), max_size=10),
    )
    def test_opening_is_the_first_open_moment(self, minutes, hours, weekdays, holidays):
        start, length = hours
        hour_from, hour_to = start / 2, min(start / 2 + length / 2, 24.0)
        if hour_from >= hour_to:
            return
        window = SendWindow(
            hour_from,
            hour_to,
            WorkCalendar(
                weekdays, frozenset(date(2026, 3, 1) + timedelta(days=d) for d in holidays)
            ),
        )
        moment = datetime(2026, 3, 1) + timedelta(minutes=minutes)
        opening = window.next_opening(moment)
        if opening is None:
            self.fail("a working day exists every week")

        def open_at(when):
            day = when.date()
            begin = datetime.combine(day, datetime.min.time()) + timedelta(hours=hour_from)
            end = datetime.combine(day, datetime.min.time()) + timedelta(hours=hour_to)
            return window.is_open_day(day) and begin <= when < end

        self.assertGreaterEqual(opening, moment)
        self.assertTrue(open_at(opening))
        # Nothing opens earlier: check every half hour between the moment and the opening.
        probe = moment
        while probe < opening:
            self.assertFalse(open_at(probe), probe)
            probe = probe.replace(minute=probe.minute // 30 * 30) + timedelta(minutes=30)


@tagged("post_install", "-at_install", "dunning_engine")
class TestRetries(EngineCase):
    def test_what_is_worth_a_retry(self):
        greylisted = "{'a@example.com': (451, b'4.7.1 Greylisted, try again later')}"
        self.assertTrue(temporary_failure("unknown", greylisted))
        self.assertTrue(temporary_failure("mail_smtp", "[Errno 111] Connection refused"))
        self.assertTrue(temporary_failure(False, "timed out"))
        self.assertFalse(temporary_failure("unknown", "(550, b'5.1.1 No such user')"))
        self.assertFalse(temporary_failure("mail_email_invalid", ""))

    @settings(max_examples=50, deadline=None)
    @given(st.lists(st.integers(0, 3), max_size=40))
    def test_retried_for_a_day_and_more_then_never(self, lateness):
        """Whatever the cron's lateness, attempts grow apart and stop at RETRY_FOR."""
        first = datetime(2026, 3, 11, 10, 0)
        now, retries, attempts = first, 0, []
        while (when := next_retry(retries, first, now)) is not None:
            now = when + timedelta(minutes=lateness[retries] if retries < len(lateness) else 0)
            attempts.append(when)
            retries += 1
        self.assertEqual(max(attempts), first + RETRY_FOR)
        self.assertGreaterEqual(RETRY_FOR, timedelta(hours=24))
        gaps = [b - a for a, b in zip(attempts, attempts[1:-1], strict=False)]
        self.assertEqual(gaps, sorted(gaps))


@tagged("post_install", "-at_install", "dunning_engine")
class TestAutoReply(EngineCase):
    def test_headers_of_rfc_3834_and_older_ones(self):
        self.assertTrue(auto_reply({"Auto-Submitted": "auto-replied"}))
        self.assertTrue(auto_reply({"auto-submitted": "auto-generated"}))
        self.assertFalse(auto_reply({"Auto-Submitted": "no"}, "Re: your reminder"))
        self.assertTrue(auto_reply({"X-Autoreply": "yes"}))
        self.assertTrue(auto_reply({"Precedence": "bulk"}))
        self.assertFalse(auto_reply({"Precedence": "first-class"}))

    def test_out_of_office_subjects(self):
        for subject in (
            "Out of Office: payment reminder",
            "Automatic reply: INV/2026/00001",
            "Réponse automatique : relance",
            "Message d'absence",
            "Automatisch antwoord: herinnering",
            "Abwesenheitsnotiz: Zahlungserinnerung",
        ):
            with self.subTest(subject=subject):
                self.assertTrue(auto_reply({}, subject))
        self.assertFalse(auto_reply({}, "Re: payment reminder"))
        self.assertFalse(auto_reply({}, "Re: Relance de paiement"))
