# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Runs that meet each other: one run per company at a time, "Run manually" does the
whole day, and the database itself refuses the same step twice the same day."""

from contextlib import closing
from datetime import date

import psycopg2

from odoo import Command
from odoo.exceptions import UserError
from odoo.sql_db import db_connect
from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from ..models.account_dunning_run import RUN_LOCK
from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningConcurrency(DunningCommon):
    def customers(self, count):
        return self.env["res.partner"].create(
            [{"name": f"Concurrent {i}", "email": f"cc{i}@example.com"} for i in range(count)]
        )

    def test_a_second_run_waits_its_turn(self):
        """Another connection holds the company's lock, as a run in another worker
        would: the command line (or code) says so, the cron leaves the work to it."""
        invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10))
        Run = self.env["account.dunning.run"]
        with closing(db_connect(self.env.cr.dbname).cursor()) as other:
            other.execute("SELECT pg_advisory_xact_lock(%s, %s)", (RUN_LOCK, self.company.id))
            with freeze_time("2026-03-20"):
                in_company = Run.with_context(dunning_company_ids=self.company.ids)
                with self.assertRaisesRegex(UserError, "already in progress for"):
                    in_company._run()
                cron = in_company.with_context(ir_cron_progress_id=1, cron_id=1)
                self.assertEqual(cron._run(), [])
                with self.assertRaisesRegex(UserError, "already in progress for"):
                    self.env["account.dunning.run"]._send_now(invoice)
            self.assertFalse(invoice.dunning_action_ids)
            other.rollback()
        self.assertTrue(self.run_job(date(2026, 3, 20))[invoice].acts)

    def test_run_manually_does_the_whole_day(self):
        invoices = [
            self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), partner=customer)
            for customer in self.customers(3)
        ]
        cron = self.env.ref("account_dunning_plans.ir_cron_dunning_process")
        cron.code = "model._cron_process_dunning(batch_size=1)"
        with freeze_time("2026-03-20"):
            cron.method_direct_trigger()
        self.assertEqual([invoice.dunning_level for invoice in invoices], [2, 2, 2])

    def test_the_database_refuses_a_step_twice_a_day(self):
        invoice = self.create_invoice(date(2026, 3, 2), date(2026, 3, 10))
        self.run_job(date(2026, 3, 20))
        done = invoice.dunning_action_ids
        self.assertEqual(done.state, "done")
        self.assertTrue(done.once_key)
        Action = self.env["account.dunning.action"]
        vals = {
            "company_id": self.company.id,
            "plan_id": done.plan_id.id,
            "step_id": done.step_id.id,
            "partner_id": done.partner_id.id,
            "move_ids": [Command.set(invoice.ids)],
            "channel": "email",
            "date": done.date,
        }
        # A to-do or a failure of the same step is fine; a second done one is not.
        todo = Action.create(vals)
        self.assertFalse(todo.once_key)
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError):
            with self.env.cr.savepoint():
                Action.create({**vals, "state": "done"})
                self.env.flush_all()
        # Another day is another key.
        other_day = Action.create({**vals, "state": "done", "date": date(2026, 3, 21)})
        self.env.flush_all()
        self.assertNotEqual(other_day.once_key, done.once_key)
