# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import api, models

from odoo.addons.queue_job.delay import group
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import identity_exact

_logger = logging.getLogger(__name__)


class AccountDunningRun(models.AbstractModel):
    """The nightly run as jobs: one per company and batch of customers, then one per
    company that ends the day (the periodic report).

    The engine, the facts and the dispatch are those of the whole run
    (:meth:`_run_customers`); only the split and the locks differ. A job takes its
    company's run lock *shared* (jobs of disjoint customers run side by side; a whole
    run, which takes it exclusively, waits for them or they for it) and locks the rows
    of its receivables before reminding them."""

    _inherit = "account.dunning.run"

    @api.model
    def _cron_process_dunning(self, batch_size=500):
        """Nightly entry point: enqueue the day's jobs instead of running them."""
        return self._enqueue_day(batch_size=batch_size)

    @api.model
    def _enqueue_day(self, date=None, batch_size=500):
        """Enqueue, for each company (those of context key ``dunning_company_ids``, if
        given), one job per batch of customers holding up to ``batch_size`` receivables
        still to check on ``date`` (default: each company's today), and the job that
        ends its day once they are all done. Pauses and promises are settled first, as
        by a whole run. Returns the jobs' delayables, by company."""
        todays = self._lock(self._todays(date), quiet=True)
        if not todays:
            return {}
        self._settle_people(todays)
        enqueued = {}
        for company, today in todays.items():
            batches = [
                self.delayable(
                    identity_key=identity_exact,
                    description=self.env._(
                        "Dunning of %(company)s on %(day)s: %(count)s customers",
                        company=company.name,
                        day=today,
                        count=len(customer_ids),
                    ),
                )._job_run_customers(company.id, today, customer_ids)
                for customer_ids in self._customer_batches(company, today, batch_size)
            ]
            finish = self.delayable(identity_key=identity_exact)._job_finish_day(company.id, today)
            if batches:
                group(*batches).on_done(finish).delay()
            else:
                finish.delay()
            enqueued[company] = batches
        return enqueued

    @api.model
    def _customer_batches(self, company, today, batch_size):
        """Lists of customer (commercial partner) ids of ``company`` with receivables
        still to check on ``today``, each list holding up to ``batch_size`` of those
        receivables (a customer with more is a batch of its own)."""
        counts = self.env["account.move"]._read_group(
            self._get_domain({company: today}),
            ["commercial_partner_id"],
            ["__count"],
            order="commercial_partner_id",
        )
        batches, batch, size = [], [], 0
        for customer, count in counts:
            if batch and size + count > batch_size:
                batches.append(batch)
                batch, size = [], 0
            batch.append(customer.id)
            size += count
        if batch:
            batches.append(batch)
        return batches

    @api.model
    def _job_run_customers(self, company_id, day, customer_ids):
        """Job: the day ``day`` of ``company_id`` for the customers ``customer_ids``
        (commercial partner ids). Safe to run again: only receivables not yet checked
        on ``day`` are reminded."""
        run = self.sudo()  # the nightly job's rights, whoever enqueued it
        company = run.env["res.company"].browse(company_id)
        todays = run._lock({company: day}, quiet=True, shared=True)
        if not todays:
            raise RetryableJobError(
                f"A whole dunning run is in progress for {company.name}", seconds=60
            )
        pending = run.env["account.move"].search(
            run._get_domain(todays) + [("commercial_partner_id", "in", customer_ids)]
        )
        if not pending:
            return "Nothing left to check."
        # A job (or an earlier try of this one) that checked these receivables after
        # this transaction began makes this lock fail with a serialization error:
        # queue_job tries again later, and finds nothing left to check.
        self.env.cr.execute(
            "SELECT id FROM account_move WHERE id IN %s ORDER BY id FOR UPDATE",
            [tuple(pending.ids)],
        )
        statuses = run._run_customers(pending, todays)
        acted = sum(1 for _move, _plan, decision in statuses if decision.acts)
        return f"{len(statuses)} receivables checked, {acted} reminded or to do."

    @api.model
    def _job_finish_day(self, company_id, day):
        """Job: end ``company_id``'s day (the periodic report, if due) once its batches
        are done."""
        run = self.sudo()
        company = run.env["res.company"].browse(company_id)
        run._finish_day({company: day})
        return "Day ended."
