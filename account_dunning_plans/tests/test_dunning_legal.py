# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the law lets the company claim on a late invoice: the debtor type, the legal
rates, and the invoice's late interest and recovery costs as of a day."""

import importlib.util
from datetime import date

from odoo.exceptions import UserError, ValidationError
from odoo.modules.module import get_module_path
from odoo.tests import freeze_time, tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningLegal(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.france = cls.env.ref("base.fr")
        cls.company.write({"country_id": cls.france.id, "account_fiscal_country_id": cls.france.id})
        # The shipped rates: ECB 2.15 % + 10 points from 1 July 2025 and 1 January 2026.
        cls.customer.write({"is_company": True})
        # Claims from its second step on, without formal notice: for businesses only.
        cls.plan.debtor_type = "business"

    def test_debtor_type_by_default_and_for_contacts(self):
        Partner = self.env["res.partner"]
        self.assertEqual(self.customer.dunning_debtor_type, "business")
        person = Partner.create({"name": "Jean Dupont"})
        self.assertEqual(person.dunning_debtor_type, "consumer")
        trader = Partner.create({"name": "Jean Dupont EI", "vat": "FR23334175221"})
        self.assertEqual(trader.dunning_debtor_type, "business")
        contact = Partner.create({"name": "Marie", "parent_id": self.customer.id})
        self.assertEqual(contact.dunning_debtor_type, "business")
        # Editable, per company; its contacts follow.
        self.customer.dunning_debtor_type = "consumer"
        self.assertEqual(contact.dunning_debtor_type, "consumer")

    def test_shipped_rates(self):
        rates = self.env["account.dunning.legal.rate"]._rates(self.france, "business")
        self.assertIn((date(2026, 1, 1), 12.15), rates)
        self.assertIn((date(2024, 1, 1), 14.5), rates)
        belgium = self.env["account.dunning.legal.rate"]._rates(self.env.ref("base.be"), "business")
        self.assertIn((date(2025, 1, 1), 11.5), belgium)  # 3.15 + 8, rounded up to the half

    def test_france_business_worked_example(self):
        """1,000 overdue 60 days at ECB + 10 (12.15 %): 19.97 of interest, and 40."""
        invoice = self.create_invoice(date(2025, 12, 16), date(2026, 1, 15), 1000.0)
        with freeze_time("2026-03-16"):
            invoice.invalidate_recordset(["dunning_interest_amount", "dunning_fee_amount"])
            self.assertAlmostEqual(invoice.dunning_interest_amount, 19.97)
            self.assertAlmostEqual(invoice.dunning_fee_amount, 40.0)
        # As of another day (a mail rendered for that day), and before the due date.
        as_of = invoice.with_context(dunning_date="2026-01-15")
        self.assertEqual((as_of.dunning_interest_amount, as_of.dunning_fee_amount), (0.0, 0.0))

    def test_partly_paid_and_consumers(self):
        invoice = self.create_invoice(date(2025, 12, 16), date(2026, 1, 15), 1000.0)
        self.pay(invoice, 500.0, date(2026, 3, 1))
        with freeze_time("2026-03-16"):
            invoice.invalidate_recordset(["dunning_interest_amount", "dunning_fee_amount"])
            # On what is left, over the whole period: never more than owed (9.99 < real).
            self.assertAlmostEqual(invoice.dunning_interest_amount, 9.99)
            self.assertAlmostEqual(invoice.dunning_fee_amount, 40.0)
            self.customer.dunning_debtor_type = "consumer"
            invoice.invalidate_recordset(["dunning_interest_amount", "dunning_fee_amount"])
            self.assertEqual(invoice.dunning_interest_amount, 0.0)
            self.assertEqual(invoice.dunning_fee_amount, 0.0)

    def test_installments_bear_interest_from_their_own_due_date(self):
        """Two installments of 500, due 15/01 and 15/02: 500 x 12.15 % x (60 + 29) / 365."""
        term = self.env["account.payment.term"].create(
            {
                "name": "Two installments",
                "line_ids": [
                    (0, 0, {"value": "percent", "value_amount": 50.0, "nb_days": 30}),
                    (0, 0, {"value": "percent", "value_amount": 50.0, "nb_days": 61}),
                ],
            }
        )
        invoice = self.create_invoice(
            date(2025, 12, 16), date(2026, 1, 15), 1000.0, invoice_payment_term_id=term.id
        )
        maturities = sorted(invoice.line_ids.filtered("date_maturity").mapped("date_maturity"))
        self.assertEqual(maturities, [date(2026, 1, 15), date(2026, 2, 15)])
        with freeze_time("2026-03-16"):
            invoice.invalidate_recordset(["dunning_interest_amount", "dunning_fee_amount"])
            # 9.99 (60 days) + 4.83 (29 days).
            self.assertAlmostEqual(invoice.dunning_interest_amount, 14.82)
            self.assertAlmostEqual(invoice.dunning_fee_amount, 40.0)

    def test_the_step_that_claims_puts_it_in_the_mail(self):
        """From the step that claims them on, the mail lists each invoice's interest and
        costs, the total now due, the rate and the law; before it, nothing."""
        self.plan.step_ids[2].write({"charge_interest": True, "charge_fee": True})
        invoice = self.create_invoice(date(2026, 1, 5), date(2026, 2, 5), 1000.0)
        self.run_job(date(2026, 2, 15))  # step 2 ("first"): claims nothing
        first = self.mails_of(invoice)[-1]
        self.assertNotIn("Late interest", first.body_html)
        self.run_job(date(2026, 3, 7))  # step 3 ("second", 30 days): claims both
        second = self.mails_of(invoice)[-1]
        body = second.body_html
        # 1,000 x 12.15 % x 30 / 365 = 9.986 -> 9.99; 40; 1,000 + 9.99 + 40.
        for text in ("Late interest", "9.99", "40.00", "1,049.99", "12.15", "L441-10"):
            self.assertIn(text, body)
        # The chatter copy holds it too.
        self.assertIn("1,049.99", second.mail_message_id.body)

    def test_the_letter_claims_it_too(self):
        self.plan.step_ids[2].write({"charge_interest": True, "charge_fee": True})
        invoice = self.create_invoice(date(2026, 1, 5), date(2026, 2, 5), 1000.0)
        action = self.env["account.dunning.action"].create(
            {
                "company_id": self.company.id,
                "plan_id": self.plan.id,
                "step_id": self.plan.step_ids[2].id,
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, invoice.ids)],
                "level": 3,
                "channel": "letter",
                "date": date(2026, 3, 7),
            }
        )
        block = self.env["account.dunning.delivery"]._letter_claim(action)
        self.assertIn("9.99", block)
        self.assertIn("1,049.99", block)
        action.level = 2  # before the step that claims
        self.assertFalse(self.env["account.dunning.delivery"]._letter_claim(action))

    def test_in_the_customers_language(self):
        """French customer, French law: the claim reads as French, with French amounts."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["account_dunning_plans"], ["fr_FR"], overwrite=True
        )
        self.customer.lang = "fr_FR"
        self.plan.step_ids[2].write({"charge_interest": True, "charge_fee": True})
        invoice = self.create_invoice(date(2026, 1, 5), date(2026, 2, 5), 1000.0)
        self.run_job(date(2026, 2, 15))
        self.run_job(date(2026, 3, 7))
        body = self.mails_of(invoice)[-1].body_html
        for text in ("Intérêts de retard", "9,99", "1\xa0049,99", "12,15", "Code de commerce"):
            self.assertIn(text, body)
        self.assertIn("taux de refinancement principal de la BCE 2,15", body)

    # == Recovery costs posted as invoices ==
    def test_fee_invoice_once_per_invoice_and_reversed_if_undelivered(self):
        """A step posting its recovery costs: a fee invoice of 40 without tax, linked to
        the reminded invoice, claiming nothing itself; a later step posting costs too
        does not charge that invoice twice; an undelivered reminder reverses it."""
        for step in self.plan.step_ids[1:3]:
            step.write({"charge_fee": True, "fee_posting": "invoice"})
        invoice = self.create_invoice(date(2026, 1, 5), date(2026, 2, 5), 1000.0)
        self.run_job(date(2026, 2, 15))
        fee = invoice.dunning_fee_move_ids
        self.assertEqual(len(fee), 1)
        self.assertRecordValues(
            fee,
            [
                {
                    "move_type": "out_invoice",
                    "state": "posted",
                    "partner_id": self.customer.id,
                    "amount_total": 40.0,
                    "amount_tax": 0.0,
                    "dunning_is_fee": True,
                    "invoice_date": date(2026, 2, 15),
                }
            ],
        )
        self.assertIn(invoice.name, fee.invoice_line_ids.name)
        action = invoice.dunning_action_ids
        self.assertEqual(action.fee_move_id, fee)
        # The mail that posted them claims them; later reminders do not claim them
        # again: they are owed as the fee invoice.
        self.assertIn("40.00", self.mails_of(invoice)[-1].body_html)
        Delivery = self.env["account.dunning.delivery"].with_context(dunning_date="2026-03-07")
        self.assertFalse(str(Delivery._claim_block({invoice.id: (self.plan.id, 3)})))
        self.assertIn(
            "40.00", str(Delivery._claim_block({invoice.id: (self.plan.id, 3)}, own_fees=fee))
        )
        with freeze_time("2026-03-07"):
            fee.invalidate_recordset(["dunning_fee_amount", "dunning_interest_amount"])
            self.assertEqual((fee.dunning_fee_amount, fee.dunning_interest_amount), (0.0, 0.0))
        self.run_job(date(2026, 3, 7))  # the next step claims costs again: not twice
        self.assertEqual(invoice.dunning_fee_move_ids, fee)
        # The first reminder's mail failed for good: its fee is reversed.
        action.mail_id.write({"state": "exception", "failure_reason": "550 no such user"})
        self.env["account.dunning.delivery"]._give_up(action)
        self.assertEqual(action.state, "failed")
        self.assertEqual(fee.payment_state, "reversed")
        # Reversed: the costs are claimed again.
        self.assertIn("40.00", str(Delivery._claim_block({invoice.id: (self.plan.id, 3)})))

    def test_interest_invoiced_as_it_accrues_never_twice(self):
        """Steps posting their late interest: each posts what accrued since the last
        one (12.15 %: 3.33 for 10 days, then 6.66 more by the 30th day), on a line
        without tax linked to the invoice; a mail claims what is not invoiced yet; an
        undelivered reminder's interest invoice is reversed, and claimed again."""
        for step in self.plan.step_ids[1:3]:
            step.write({"charge_interest": True, "interest_posting": "invoice"})
        invoice = self.create_invoice(date(2026, 1, 5), date(2026, 2, 5), 1000.0)
        self.run_job(date(2026, 2, 15))
        first = invoice.dunning_interest_move_ids
        product = self.env.ref("account_dunning_plans.product_dunning_late_interest")
        self.assertRecordValues(
            first.invoice_line_ids,
            [
                {
                    "price_unit": 3.33,
                    "product_id": product.id,
                    "tax_ids": [],
                    "dunning_interest_move_id": invoice.id,
                }
            ],
        )
        self.assertEqual(
            (first.amount_total, first.amount_tax, first.dunning_is_fee), (3.33, 0, True)
        )
        self.assertIn(invoice.name, first.invoice_line_ids.name)
        self.assertEqual(invoice.dunning_action_ids.fee_move_id, first)
        self.assertFalse(invoice.dunning_fee_move_ids, "no recovery costs posted")
        self.assertIn("3.33", self.mails_of(invoice)[-1].body_html)
        self.run_job(date(2026, 3, 7))
        second = invoice.dunning_interest_move_ids - first
        self.assertEqual(second.invoice_line_ids.price_unit, 6.66)
        self.assertAlmostEqual(invoice._dunning_invoiced_interest(), 9.99)
        # One statement with the first interest invoice, due too: 6.66 claimed besides.
        mail = self.env["mail.mail"].search([("recipient_ids", "in", self.customer.ids)], limit=1)
        self.assertIn("6.66", mail.body_html)
        self.assertIn(first.name, mail.body_html)
        Delivery = self.env["account.dunning.delivery"].with_context(dunning_date="2026-03-07")
        levels = {invoice.id: (self.plan.id, 3)}
        self.assertFalse(str(Delivery._claim_block(levels)), "all of it invoiced")
        # The first reminder's mail failed for good: its interest invoice is reversed.
        action = invoice.dunning_action_ids.filtered(lambda a: a.fee_move_id == first)
        action.mail_id.write({"state": "exception", "failure_reason": "550 no such user"})
        self.env["account.dunning.delivery"]._give_up(action)
        self.assertEqual(first.payment_state, "reversed")
        self.assertAlmostEqual(invoice._dunning_invoiced_interest(), 6.66)
        self.assertEqual(invoice.dunning_interest_move_ids, first | second)
        self.assertIn("3.33", str(Delivery._claim_block(levels)))

    def test_mentioned_only_posts_nothing(self):
        self.plan.step_ids[1].write({"charge_fee": True, "fee_posting": "mention"})
        invoice = self.create_invoice(date(2026, 1, 5), date(2026, 2, 5), 1000.0)
        self.run_job(date(2026, 2, 15))
        self.assertFalse(invoice.dunning_fee_move_ids)
        self.assertIn("40.00", self.mails_of(invoice)[-1].body_html)

    # == Consumers ==
    def test_a_plan_for_consumers_waits_for_its_formal_notice(self):
        plan = self.create_plan([(10, "first"), (30, "second"), (60, "final")], name="Consumers")
        first, second, final = plan.step_ids
        with self.assertRaisesRegex(ValidationError, "before the law allows it"):
            second.charge_interest = True
        first.formal_notice = True
        with self.assertRaisesRegex(ValidationError, "before the law allows it"):
            second.write({"delay": 28, "charge_fee": True})  # 18 days after the notice
        second.write({"delay": 29, "charge_fee": True})  # 19 days: lawful
        final.charge_interest = True
        # For businesses only, any step may claim.
        other = self.create_plan([(10, "first")], name="B2B", debtor_type="business")
        other.step_ids.charge_fee = True
        with self.assertRaisesRegex(ValidationError, "before the law allows it"):
            other.debtor_type = "any"

    def test_a_consumer_owes_interest_from_the_formal_notice(self):
        """France, a consumer: nothing until the mise en demeure; then interest at the
        legal interest rate of a company's claims (2.62 % early 2026) from its receipt,
        and no costs."""
        person = self.env["res.partner"].create(
            {"name": "Jean Dupont", "email": "jean@example.com", "lang": "en_US"}
        )
        self.assertEqual(person.dunning_debtor_type, "consumer")
        plan = self.create_plan(
            [(10, "first", {"formal_notice": True}), (40, "second", {"charge_interest": True})],
            name="Consumers",
        )
        invoice = self.create_invoice(
            date(2026, 1, 5), date(2026, 2, 5), 1000.0, partner=person, dunning_plan_id=plan.id
        )
        with freeze_time("2026-02-14"):
            invoice.invalidate_recordset(["dunning_interest_amount"])
            self.assertEqual(invoice.dunning_interest_amount, 0.0)
        self.run_job(date(2026, 2, 16))  # the formal notice, by e-mail (a Monday)
        self.assertTrue(invoice.dunning_action_ids.step_id.formal_notice)
        with freeze_time("2026-03-18"):
            invoice.invalidate_recordset(["dunning_interest_amount", "dunning_fee_amount"])
            # Received the 17th: 30 days to the 18th of March, 1,000 x 2.62 % x 30 / 365.
            self.assertAlmostEqual(invoice.dunning_interest_amount, 2.15)
            self.assertEqual(invoice.dunning_fee_amount, 0.0)

    def test_the_formal_notice_states_what_the_law_asks(self):
        """Belgian company, consumer, penalty clause: the notice lists the invoice with
        what it is for, its due date and amount, the last day to pay (14 days from the
        day after the e-mail), the exact costs then due (400: 55), the creditor and its
        company number."""
        belgium = self.env.ref("base.be")
        self.company.write(
            {
                "country_id": belgium.id,
                "account_fiscal_country_id": belgium.id,
                "company_registry": "0123.456.789",
                "dunning_consumer_penalty_clause": True,
            }
        )
        person = self.env["res.partner"].create(
            {"name": "Jan Peeters", "email": "jan@example.com", "lang": "en_US"}
        )
        plan = self.create_plan([(10, "first", {"formal_notice": True})], name="Consumers")
        invoice = self.create_invoice(
            date(2026, 1, 5), date(2026, 2, 5), 400.0, partner=person, dunning_plan_id=plan.id
        )
        self.run_job(date(2026, 2, 16))
        body = self.mails_of(invoice)[-1].body_html
        for text in (
            "This is a formal notice",
            "03/02/2026",  # sent 16/02, 14 days from the 17th: the last is the 2nd of March
            invoice.name,
            "Service",
            "02/05/2026",
            "400.00",
            "recovery costs of $\xa055.00",
            "0123.456.789",
        ):
            self.assertIn(text, body)
        self.assertIn("4.50", body)  # the Belgian legal rate of 2026

    # == Handover for collection ==
    def test_handover_stops_reminders_and_keeps_the_agencys_file(self):
        """The last step hands the invoice over: once the to-do is done it is never
        reminded again, and the customer's discussion keeps the file (CSV and Excel)
        with the debtor, the invoice, the reminders sent and nothing internal."""
        plan = self.create_plan(
            [(10, "first"), (30, False, {"channel": "manual", "handover": True})],
            name="Handover",
            debtor_type="business",
        )
        self.customer.write({"street": "1 rue de la Paix", "zip": "75002", "city": "Paris"})
        invoice = self.create_invoice(
            date(2026, 1, 5), date(2026, 2, 5), 1000.0, dunning_plan_id=plan.id
        )
        invoice.write({"dunning_pause_reason": "Secret internal reason"})
        self.run_job(date(2026, 2, 16))  # the first reminder
        self.run_job(date(2026, 3, 9))  # the handover to-do
        todo = invoice.dunning_action_ids.filtered(lambda action: action.state == "todo")
        self.assertTrue(todo.step_id.handover)
        with freeze_time("2026-03-10"):
            todo.action_done()
        self.assertTrue(invoice.dunning_in_collection)
        self.assertEqual(invoice.dunning_collection_date, date(2026, 3, 10))
        self.assertEqual(self.run_job(date(2026, 4, 20))[invoice].reason, "in_collection")
        with self.assertRaisesRegex(UserError, "handed over for collection"):
            invoice.action_dunning_send_now()
        files = self.customer.message_ids.attachment_ids
        csv_file = files.filtered(lambda a: a.name.endswith(".csv"))
        self.assertEqual(len(files.filtered(lambda a: a.name.endswith(".xlsx"))), 1)
        text = csv_file.raw.decode()
        for expected in (invoice.name, "Alpha Customer", "1 rue de la Paix", "2026-02-16 email"):
            self.assertIn(expected, text)
        self.assertNotIn("Secret internal reason", text)
        # The list action downloads the same file again.
        result = invoice.action_dunning_export_collection()
        self.assertEqual(result["tag"], "account_dunning_plans.download_letters")
        with self.assertRaisesRegex(UserError, "handed over"):
            self.create_invoice(
                date(2026, 1, 5), date(2026, 2, 5)
            ).action_dunning_export_collection()

    def test_a_handover_step_is_manual(self):
        with self.assertRaisesRegex(ValidationError, "manual task"):
            self.create_plan([(10, "first", {"handover": True})], name="Wrong")

    # == Credit hold ==
    def test_credit_hold_from_its_step_until_nothing_is_overdue(self):
        self.plan.step_ids[1].credit_hold = True
        invoice = self.create_invoice(date(2026, 1, 5), date(2026, 2, 5), 1000.0)
        self.run_job(date(2026, 2, 15))
        self.assertTrue(self.customer.dunning_credit_hold)
        self.assertEqual(self.customer.dunning_credit_hold_date, date(2026, 2, 15))
        contact = self.env["res.partner"].create({"name": "Paul", "parent_id": self.customer.id})
        self.assertTrue(contact.dunning_credit_hold)  # contacts follow their company
        self.pay(invoice, 400.0, date(2026, 2, 20))
        self.assertTrue(self.customer.dunning_credit_hold, "still overdue")
        self.pay(invoice, 600.0, date(2026, 2, 21))
        self.assertFalse(self.customer.dunning_credit_hold)
        self.assertIn("Credit hold lifted", self.customer.message_ids[0].body)

    def test_the_rate_of_the_terms_replaces_the_statutory_one_in_france(self):
        self.company.dunning_agreed_rate = 15.0
        invoice = self.create_invoice(date(2025, 12, 16), date(2026, 1, 15), 1000.0)
        with freeze_time("2026-03-16"):
            invoice.invalidate_recordset(["dunning_interest_amount"])
            # 1,000 x 15 % x 60 / 365 = 24.66.
            self.assertAlmostEqual(invoice.dunning_interest_amount, 24.66)
        with self.assertRaisesRegex(ValidationError, "percentage"):
            self.company.dunning_agreed_rate = 150.0

    def test_settings_say_when_the_rate_of_the_terms_is_below_the_law(self):
        """L441-10 II: at least three times the legal interest rate (2.62 % since 1
        January 2026): the settings say so under a lower rate, which still applies."""

        def warning(rate):
            with freeze_time("2026-03-16"):
                settings = self.env["res.config.settings"].create({"dunning_agreed_rate": rate})
                return settings.dunning_agreed_rate_warning

        self.assertIn("7.86 % since 01/01/2026 (3 × 2.62 %)", warning(7.85))
        self.assertIn("L441-10 II", warning(5.0))
        self.assertFalse(warning(7.86))
        self.assertFalse(warning(0.0))  # the statutory rate
        self.company.dunning_agreed_rate = 5.0  # saved anyway: the terms say so
        invoice = self.create_invoice(date(2025, 12, 16), date(2026, 1, 15), 1000.0)
        with freeze_time("2026-03-16"):
            invoice.invalidate_recordset(["dunning_interest_amount"])
            # 1,000 x 5 % x 60 / 365 = 8.22: never more than the terms.
            self.assertAlmostEqual(invoice.dunning_interest_amount, 8.22)
        belgium = self.env.ref("base.be")
        self.company.write({"country_id": belgium.id, "account_fiscal_country_id": belgium.id})
        self.assertFalse(warning(5.0))

    def test_french_consumer_rates_of_earlier_versions_are_corrected(self):
        """Versions before 18.0.2.4.0 shipped the legal rate of individuals' claims; the
        upgrade puts the rate of a company's claims in their place, unless changed."""
        path = get_module_path("account_dunning_plans")
        spec = importlib.util.spec_from_file_location(
            "dunning_migration_2_4", f"{path}/migrations/18.0.2.4.0/post-migrate.py"
        )
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        shipped = self.env.ref("account_dunning_plans.legal_rate_fr_consumer_2026_01_01")
        changed = self.env.ref("account_dunning_plans.legal_rate_fr_consumer_2025_07_01")
        self.env["res.lang"]._activate_lang("fr_FR")
        shipped.write({"rate": 6.67, "basis": "Taux de l'intérêt légal (particuliers), 2026"})
        shipped.with_context(lang="fr_FR").basis = "taux de l'intérêt légal (particuliers), 2026"
        changed.rate = 7.0  # someone's own rate
        self.env.flush_all()
        migration.migrate(self.env.cr, "18.0.2.3.0")
        self.assertEqual(shipped.rate, 2.62)
        self.assertEqual(shipped.basis, "Taux de l'intérêt légal (créancier professionnel), 2026")
        self.assertEqual(
            shipped.with_context(lang="fr_FR").basis,
            "taux de l'intérêt légal (créancier professionnel), 2026",
        )
        self.assertEqual(changed.rate, 7.0)
