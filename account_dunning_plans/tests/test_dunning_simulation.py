# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The simulation predicts the job exactly, and changes nothing; the shell command."""

import json
import subprocess
import sys
from datetime import date, timedelta

from odoo import SUPERUSER_ID, Command
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, freeze_time, tagged
from odoo.tools import config

from ..cli.dunning import build_parser, execute, format_table, render
from .common import DunningCommon


def acted(rows):
    """``{(day, invoice names, step)}`` of the rows that send or create a to-do."""
    return {
        (row["date"], tuple(sorted(row["invoices"])), row["step"]) for row in rows if row["acts"]
    }


@tagged("post_install", "-at_install")
class TestDunningSimulation(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        group_plan = cls.create_plan(
            [(10, "customer"), (30, "customer")], name="Grouped", scope="customer"
        )
        cls.grouped = cls.env["res.partner"].create(
            {"name": "Grouped Co", "email": "g@example.com"}
        )
        cls.grouped.write({"dunning_plan_mode": "custom", "dunning_plan_id": group_plan.id})
        cls.no_mail = cls.env["res.partner"].create({"name": "No Mail Co"})

    def make_invoices(self):
        return (
            self.create_invoice(date(2026, 2, 1), date(2026, 2, 20))
            | self.create_invoice(date(2026, 2, 1), date(2026, 3, 1), 300.0)
            | self.create_invoice(date(2026, 2, 1), date(2026, 2, 25), partner=self.grouped)
            | self.create_invoice(date(2026, 2, 5), date(2026, 3, 3), 50.0, partner=self.grouped)
            | self.create_invoice(date(2026, 2, 1), date(2026, 2, 24), partner=self.no_mail)
        )

    def test_simulation_has_no_side_effect_and_matches_the_job_day_by_day(self):
        self.plan.step_ids = [
            Command.create(
                {
                    "name": "Promise not kept",
                    "delay": 0,
                    "broken_promise": True,
                    "mail_template_id": self.templates["final"].id,
                    "sequence": 99,
                }
            )
        ]
        invoices = self.make_invoices()
        # A promise broken during the period: its step must be foreseen too.
        with freeze_time("2026-03-02"):
            invoices[1].write(
                {"dunning_promise_date": date(2026, 3, 4), "dunning_promise_amount": 100.0}
            )
        start, days = date(2026, 3, 2), 20
        self.env.flush_all()
        before = (
            self.env["mail.mail"].search_count([]),
            self.env["account.dunning.action"].search_count([]),
            invoices.read(["dunning_level", "dunning_reason", "dunning_checked_date"]),
        )
        predicted = acted(self.env["account.dunning.forecast"]._simulate(start, days))
        self.env.flush_all()
        self.assertEqual(
            before,
            (
                self.env["mail.mail"].search_count([]),
                self.env["account.dunning.action"].search_count([]),
                invoices.read(["dunning_level", "dunning_reason", "dunning_checked_date"]),
            ),
        )
        self.assertTrue(predicted)
        done = set()
        for offset in range(days):
            day = start + timedelta(days=offset)
            # The simulation of day D predicts exactly what the job then does on D.
            today = acted(self.env["account.dunning.forecast"]._simulate(day, 1))
            self.run_job(day)
            actions = self.env["account.dunning.action"].search([("date", "=", day)])
            real = {
                (day, tuple(sorted(action.move_ids.mapped("name"))), action.step_id.name)
                for action in actions
            }
            self.assertEqual(today, real, day)
            done |= real
        # The forecast made on the first day saw every one of them coming.
        self.assertEqual(predicted, done)
        self.assertIn("Promise not kept", {step for _day, _moves, step in done})

    def test_rows_explain_what_is_not_sent(self):
        invoices = self.make_invoices()
        invoices[0].dunning_blocked = True
        rows = self.env["account.dunning.forecast"]._simulate(date(2026, 3, 9))
        row = next(row for row in rows if row["invoices"] == [invoices[0].name])
        self.assertEqual((row["acts"], row["reason"]), (False, "invoice_blocked"))
        self.assertEqual(row["reason_label"], "Invoice set to 'do not remind automatically'")
        sent = next(row for row in rows if row["acts"] and self.grouped.name == row["customer"])
        self.assertEqual(sent["recipient"], "g@example.com")
        self.assertIn("Grouped Co", format_table(rows))

    def test_facts_read_by_query_are_the_invoices_values(self):
        """The facts read each invoice's columns by query (``_rows``): they are the
        records' values, writes not yet flushed included, empty values as the ORM
        gives them."""
        invoices = self.make_invoices()
        first, second = invoices[:2]
        self.run_job(date(2026, 3, 2))  # levels, last dates, level plans
        self.pay(second, 100.0, date(2026, 3, 3))
        with freeze_time("2026-03-03"):
            second.write(
                {"dunning_promise_date": date(2026, 3, 10), "dunning_promise_amount": 150.0}
            )
        self.pay(second, 40.0, date(2026, 3, 4))
        with freeze_time("2026-03-04"):
            first.write({"dunning_blocked": True, "dunning_pause_until": date(2026, 4, 1)})
            # Pending, not flushed (no live status refresh, which would flush it).
            first.with_context(dunning_internal=True).dunning_paused = True
        self.assertTrue(self.env["account.dunning.facts"]._rows(first)[first.id].dunning_paused)
        found = {}
        for _records, customer in self.env["account.dunning.facts"]._customers(
            invoices, date(2026, 3, 5)
        ):
            found.update({invoice.key: invoice for _plan, invoice in customer.own})
            found.update({invoice.key: invoice for invoice in customer.covered})
        self.assertEqual(set(found), set(invoices.ids))
        for move in invoices:
            facts = found[move.id]
            self.assertEqual(
                (
                    facts.due_date,
                    facts.invoice_date,
                    facts.amount_total,
                    facts.amount_residual,
                    facts.payment_state,
                    facts.level,
                    facts.level_plan,
                    facts.last_date,
                    facts.entry_date,
                    facts.blocked,
                    facts.paused,
                    facts.pause_until,
                    facts.disputed,
                    facts.promise_broken,
                    facts.has_email,
                ),
                (
                    move.invoice_date_due,
                    move.invoice_date,
                    move.amount_total,
                    move.amount_residual,
                    move.payment_state,
                    move.dunning_level,
                    move.dunning_level_plan_id.id or None,
                    move.dunning_last_date or None,
                    move.dunning_entry_date or None,
                    move.dunning_blocked,
                    move.dunning_paused,
                    move.dunning_pause_until or None,
                    move.dunning_disputed,
                    move.dunning_promise_broken,
                    move.partner_id != self.no_mail,
                ),
                move.name,
            )
        self.assertEqual(
            (found[first.id].blocked, found[first.id].paused, found[first.id].level_plan),
            (True, True, self.plan.id),
        )
        promised = found[second.id]
        self.assertEqual(
            (promised.promise_amount, promised.promise_paid, promised.amount_residual),
            (150.0, 40.0, 160.0),
        )
        self.assertIsNone(found[invoices[2].id].promise_amount)

    def test_forecast_queries_do_not_grow_with_the_invoices(self):
        """The 30-day forecast reads its facts in batches: as many queries for 3
        customers as for 12, whatever their invoices."""

        def count(customers):
            partners = self.env["res.partner"].create(
                [{"name": f"Count {i}", "email": f"count{i}@example.com"} for i in range(customers)]
            )
            for partner in partners:
                self.create_invoice(date(2026, 2, 1), date(2026, 2, 20), partner=partner)
                self.create_invoice(date(2026, 2, 10), date(2026, 3, 10), 90.0, partner=partner)
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            rows = self.env["account.dunning.forecast"]._simulate(date(2026, 3, 2), 30)
            self.assertTrue([row for row in rows if row["acts"]])
            return self.env.cr.sql_log_count - before

        count(1)  # caches warm (plans, templates, languages)
        self.assertEqual(count(3), count(9))

    def test_simulation_screen(self):
        invoices = self.make_invoices()
        wizard = self.env["account.dunning.simulation"].create(
            {"date": date(2026, 3, 2), "days": 10}
        )
        action = wizard.action_simulate()
        lines = self.env["account.dunning.simulation.line"].search(action["domain"])
        rows = self.env["account.dunning.forecast"]._simulate(date(2026, 3, 2), 10)
        self.assertEqual(len(lines), len(rows))
        self.assertEqual(
            {(line.date, line.step) for line in lines.filtered("will_send")},
            {(row["date"], row["step"]) for row in rows if row["acts"]},
        )
        self.assertFalse(invoices.dunning_action_ids)
        with self.assertRaises(UserError):
            self.env["account.dunning.simulation"].create({"days": 0})
        # Grouped by customer: the highest level, never a sum of levels nor of amounts
        # (the same invoice on several days, several currencies).
        groups = lines.read_group(
            [("id", "in", lines.ids)], ["level", "amount"], ["customer"], lazy=False
        )
        for group in groups:
            members = lines.filtered(lambda line, g=group: line.customer == g["customer"])
            self.assertEqual(group["level"], max(members.mapped("level")))
            self.assertNotIn("amount", {key for key, value in group.items() if value})

    def test_a_period_held_by_stale_bank_data_says_so(self):
        """From the day bank data get too old, nothing automatic goes out: the screen,
        the PDF and the mail say from when and why."""
        self.make_invoices()
        bank = self.company_data["default_journal_bank"]
        self.env["account.bank.statement.line"].create(
            {"journal_id": bank.id, "date": date(2026, 2, 28), "payment_ref": "x", "amount": 1}
        )
        self.company.dunning_bank_max_age = 14
        wizard = self.env["account.dunning.simulation"].create(
            {"date": date(2026, 3, 10), "days": 10}
        )
        self.assertEqual(
            wizard.warning,
            "From 03/15/2026 everything automatic is held: bank data older than 14 days. "
            "Import your bank statements.",
        )
        action = wizard.action_simulate()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertEqual(action["params"]["message"], wizard.warning)
        lines = self.env["account.dunning.simulation.line"].search(
            action["params"]["next"]["domain"]
        )
        self.assertTrue(lines)
        self.assertFalse(
            lines.filtered(lambda line: line.date >= date(2026, 3, 15) and line.will_send),
            "nothing sent from the 15th",
        )
        # With fresh bank data, the same days do send something.
        self.company.dunning_bank_max_age = 0
        wizard.invalidate_recordset(["warning"])
        self.assertFalse(wizard.warning)
        fresh = self.env["account.dunning.simulation.line"].search(
            wizard.action_simulate()["domain"]
        )
        self.assertTrue(
            fresh.filtered(lambda line: line.date >= date(2026, 3, 15) and line.will_send)
        )
        self.company.dunning_bank_max_age = 14
        wizard.invalidate_recordset(["warning"])
        wizard._fill_lines()
        self.assertEqual(wizard._display_values()["warning"], wizard.warning)
        # Five days ending before the 15th: nothing to say.
        wizard.days = 5
        self.assertFalse(wizard.warning)
        self.assertEqual(wizard.action_simulate()["type"], "ir.actions.act_window")

    def command(self, *args):
        """``odoo-bin dunning ARGS`` on this test's data (in-process, same cursor):
        ``(rows, printed)``."""
        parsed = build_parser().parse_args(args)
        day = date.fromisoformat(parsed.date) if parsed.date else None
        # As the command does: the superuser, every company.
        rows = execute(self.env(user=SUPERUSER_ID, context={}), parsed, day)
        return rows, render(rows, parsed)

    def test_command_simulates_this_database(self):
        invoices = self.make_invoices()
        rows, printed = self.command("simulate", "--date", "2026-03-09", "--days", "10", "--json")
        self.assertEqual(
            [(row["date"], row["invoices"], row["step"]) for row in rows if row["acts"]],
            [
                (row["date"], row["invoices"], row["step"])
                for row in self.env["account.dunning.forecast"]._simulate(date(2026, 3, 9), 10)
                if row["acts"]
            ],
        )
        self.assertTrue(any(row["acts"] for row in rows))
        self.assertEqual(
            {name for row in rows for name in row["invoices"]}, set(invoices.mapped("name"))
        )
        self.assertIn(invoices[0].name, printed)
        self.assertFalse(invoices.dunning_action_ids, "a simulation changes nothing")
        _rows, table = self.command(
            "simulate", "--date", "2026-03-09", "--company", self.company.name
        )
        self.assertIn("Grouped Co", table)
        with self.assertRaisesRegex(LookupError, "no company 'No such company'"):
            self.command("simulate", "--company", "No such company")

    def test_command_runs_the_job(self):
        invoices = self.make_invoices()
        rows, printed = self.command(
            "run", "--date", "2026-03-02", "--company", str(self.company.id)
        )
        self.assertEqual(len(rows), len(invoices))
        self.assertTrue(invoices.dunning_action_ids)
        self.assertIn(invoices[0].name, printed)
        # Channels in words, amounts with their currency.
        acting = next(row for row in rows if row["channel"])
        self.assertIn(acting["channel_label"], printed)
        self.assertIn(f"{acting['amount']:,.2f} {acting['currency']}", printed)
        self.assertNotIn(" email ", printed)
        rows, printed = self.command("run", "--date", "2026-03-02")
        self.assertEqual(rows, [])
        self.assertIn("Nothing left to do for this day", printed)


@tagged("post_install", "-at_install")
class TestDunningCommand(TransactionCase):
    """``odoo-bin dunning`` as a user types it: exit codes and messages on bad input."""

    def command(self, *args):
        odoo_bin = [sys.executable, "-c", "import sys, odoo.cli; odoo.cli.main()"]
        cmd = [*odoo_bin, f"--addons-path={config['addons_path']}", "dunning", *args]
        for option in ("db_host", "db_user", "db_port"):
            if config.get(option):
                cmd.append(f"--{option}={config[option]}")
        return subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)

    def test_bad_input_gives_a_clear_message(self):
        result = self.command("simulate", "--date", "2026-13-45", "-d", "whatever")
        self.assertEqual(result.returncode, 2)
        self.assertIn("--date: expected YYYY-MM-DD", result.stderr)
        result = self.command("simulate")
        self.assertEqual(result.returncode, 2)
        self.assertIn("give one database with -d NAME", result.stderr)
        result = self.command("simulate", "-d", "no_such_database_for_dunning")
        self.assertEqual(result.returncode, 1)
        self.assertIn("cannot open database 'no_such_database_for_dunning'", result.stderr)
        self.assertIn("does not exist", result.stderr)
        self.assertNotIn("Traceback", result.stderr)
        result = self.command("--help")
        self.assertEqual(result.returncode, 0)
        self.assertIn("simulate", result.stdout)

    def test_command_opens_a_database(self):
        """The command end to end in its own process: it opens the database and prints
        (what it prints is tested in-process: another process cannot see a test's
        data, which is never committed)."""
        result = self.command("simulate", "-d", self.env.cr.dbname, "--json", "--days", "2")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIsInstance(json.loads(result.stdout), list)
        result = self.command("simulate", "-d", self.env.cr.dbname, "--company", "No such company")
        self.assertEqual(result.returncode, 1)
        self.assertIn("no company 'No such company'", result.stderr)
        self.assertNotIn("Traceback", result.stderr)
