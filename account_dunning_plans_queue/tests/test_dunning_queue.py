# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The nightly run as queue jobs: split by customers, the same reminders as a whole
run, nothing twice however often a job or the night runs, and never beside a whole
run of the same company. Jobs are real ``queue.job`` records, performed the way the
job runner's request handler performs them."""

from contextlib import closing
from datetime import date

from odoo.sql_db import db_connect
from odoo.tests import freeze_time, tagged

from odoo.addons.account_dunning_plans.models.account_dunning_run import RUN_LOCK
from odoo.addons.account_dunning_plans.tests.common import DunningCommon
from odoo.addons.queue_job.controllers.main import RunJobController
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import Job

DAY = date(2026, 3, 20)


@tagged("post_install", "-at_install")
class TestDunningQueue(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Run = cls.env["account.dunning.run"]
        cls.customers = cls.env["res.partner"].create(
            [{"name": f"Queued {i}", "email": f"q{i}@example.com"} for i in range(3)]
        )

    def setUp(self):
        super().setUp()
        # Customer 0 has two overdue invoices, customers 1 and 2 one each.
        self.invoices = [
            self.create_invoice(date(2026, 3, 2), date(2026, 3, 10), partner=customer)
            for customer in self.customers[:1] + self.customers
        ]

    def night(self, **kwargs):
        with freeze_time(DAY):
            return self.Run._cron_process_dunning(**kwargs)

    def jobs(self, method="_job_run_customers"):
        return (
            self.env["queue.job"]
            .sudo()
            .search(
                [("model_name", "=", "account.dunning.run"), ("method_name", "=", method)],
                order="id",
            )
        )

    def perform(self):
        """Perform the pending dunning jobs as the job runner would (its request
        handler's code path), until none is due; returns how many ran."""
        count = 0
        while True:
            record = (
                self.env["queue.job"]
                .sudo()
                .search(
                    [
                        ("channel", "=", "root.dunning"),
                        ("state", "=", "pending"),
                        ("eta", "=", False),
                    ],
                    order="id",
                    limit=1,
                )
            )
            if not record:
                return count
            job = Job.load(self.env, record.uuid)
            job.set_started()
            job.store()
            with freeze_time(DAY):
                RunJobController._runjob(self.env, job)
            count += 1

    def outcome(self):
        """What the customers got: levels, done actions and mails queued."""
        self.env.invalidate_all()
        moves = self.env["account.move"].browse([invoice.id for invoice in self.invoices])
        mails = self.env["mail.mail"].search(
            [("model", "=", "account.move"), ("res_id", "in", moves.ids)]
        )
        return (
            moves.mapped("dunning_level"),
            len(moves.dunning_action_ids.filtered(lambda action: action.state == "done")),
            sorted(mails.mapped("res_id")),
        )

    def test_the_night_is_split_into_jobs_by_customer(self):
        self.night(batch_size=2)
        self.assertEqual(self.outcome()[:2], ([0, 0, 0, 0], 0), "nothing done before the jobs")
        jobs = self.jobs()
        self.assertEqual(
            sorted(job.args for job in jobs),
            [
                [self.company.id, DAY, self.customers[:1].ids],
                [self.company.id, DAY, self.customers[1:].ids],
            ],
        )
        self.assertEqual(set(jobs.mapped("channel")), {"root.dunning"})
        finish = self.jobs("_job_finish_day").filtered(lambda job: job.args[0] == self.company.id)
        self.assertEqual(finish.state, "wait_dependencies")
        self.assertEqual(self.perform(), 4, "two batches, each company's end of day")
        self.assertEqual(set((jobs | finish).mapped("state")), {"done"})
        self.assertEqual(self.outcome()[:2], ([2, 2, 2, 2], 4))

    def test_jobs_remind_as_a_whole_run_does(self):
        with self.env.cr.savepoint() as savepoint:
            with freeze_time(DAY):
                self.Run._run()
            whole = self.outcome()
            savepoint.rollback()
        self.env.invalidate_all()
        self.night(batch_size=1)
        self.assertEqual(len(self.jobs()), 3)
        self.perform()
        self.assertEqual(self.outcome(), whole)
        self.assertEqual(whole[0], [2, 2, 2, 2])

    def test_nothing_twice_however_often_it_runs(self):
        self.night(batch_size=2)
        self.night(batch_size=2)  # the jobs are still pending: none added
        self.assertEqual(len(self.jobs()), 2)
        self.perform()
        done = self.outcome()
        # The same job again (a retry after its commit was lost, a requeue by hand).
        for job in self.jobs():
            with freeze_time(DAY):
                result = self.Run._job_run_customers(*job.args)
            self.assertEqual(result, "Nothing left to check.")
        # The night again: nothing left to split, only the end of the day.
        self.night(batch_size=2)
        self.assertEqual(len(self.jobs()), 2)
        self.perform()
        self.assertEqual(self.outcome(), done)

    def test_jobs_wait_for_a_whole_run_of_their_company(self):
        """A job meeting a whole run of its company raises the error queue_job turns
        into a retry later. (The night's own lock would last as long as this test's
        transaction: the job is called alone.)"""
        with closing(db_connect(self.env.cr.dbname).cursor()) as other:
            other.execute("SELECT pg_advisory_xact_lock(%s, %s)", (RUN_LOCK, self.company.id))
            with self.assertRaisesRegex(RetryableJobError, "whole dunning run is in progress"):
                self.Run._job_run_customers(self.company.id, DAY, self.customers.ids)
            self.assertEqual(self.outcome()[0], [0, 0, 0, 0])
            other.rollback()
        self.Run._job_run_customers(self.company.id, DAY, self.customers.ids)
        self.assertEqual(self.outcome()[0], [2, 2, 2, 2])

    def test_a_whole_run_waits_for_the_jobs(self):
        with closing(db_connect(self.env.cr.dbname).cursor()) as other:
            other.execute(
                "SELECT pg_advisory_xact_lock_shared(%s, %s)", (RUN_LOCK, self.company.id)
            )
            self.assertNotIn(self.company, self.night(), "the night leaves it to its jobs")
            self.assertFalse(self.jobs())
            other.rollback()
