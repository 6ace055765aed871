"""The nightly run as OCA queue_job jobs, performed by 1 and by 2 Odoo workers, compared
with a whole run in one process on copies of the same data (used by dunning_bench.py
--workers; needs queue_job, see bin/setup).

For each copy: the glue addon account_dunning_plans_queue is installed, the day is
enqueued (one job per batch of customers), then a real Odoo server in prefork mode
(``--workers=N`` with queue_job's job runner, channel ``root.dunning:N``) performs the
jobs. The wall time is from the first job started to the last job done. The outcome (the
done actions, the invoices' levels, the mails queued) must equal the whole run's: no
duplicate, nothing lost.
"""

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import psycopg2

ACTIONS = """
    SELECT partner_id, plan_id, step_id, level, channel, date,
           ARRAY(SELECT r.move_id FROM account_dunning_action_move_rel r
                 WHERE r.action_id = a.id ORDER BY 1)
      FROM account_dunning_action a WHERE state = 'done'
"""
LEVELS = "SELECT id, dunning_level FROM account_move WHERE move_type = 'out_invoice'"
MAILS = """
    SELECT m.model, m.res_id, m.subject
      FROM mail_mail mm JOIN mail_message m ON m.id = mm.mail_message_id
"""
JOBS = "SELECT state, count(*) FROM queue_job WHERE channel = 'root.dunning' GROUP BY state"
WALL = """
    SELECT EXTRACT(EPOCH FROM max(date_done) - min(date_started)), count(*)
      FROM queue_job WHERE channel = 'root.dunning'
"""


def connect(db):
    return psycopg2.connect(dbname=db, host=os.environ.get("PGHOST", "127.0.0.1"))


def query(db, sql):
    with connect(db) as conn, conn.cursor() as cr:
        cr.execute(sql)
        return cr.fetchall()


def copy_db(src, dst):
    import odoo

    odoo.sql_db.close_db(src)
    subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", dst], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-T", src, dst], check=True)


def outcome(db):
    """``(done actions, levels, mails)`` as multisets, comparable across copies."""
    return (
        Counter(tuple(map(str, row)) for row in query(db, ACTIONS)),
        dict(query(db, LEVELS)),
        Counter(query(db, MAILS)),
    )


def whole_run(db, day):
    """The day as one process runs it (no queue_job installed): seconds."""
    import odoo
    from odoo import api

    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        started = time.perf_counter()
        env["account.dunning.run"].with_context(ir_cron_progress_id=False)._run(date=day)
        env.flush_all()
        cr.commit()
        seconds = time.perf_counter() - started
    odoo.sql_db.close_db(db)
    return seconds


def queued_run(db, day, workers, batch_size, odoo_args, port):
    """Install the glue, enqueue the day, let a prefork server with ``workers``
    workers perform the jobs: ``(wall seconds, jobs, failed jobs)``."""
    import odoo
    from odoo import api

    subprocess.run(
        [sys.executable, "-m", "odoo", *odoo_args(db), "-i", "account_dunning_plans_queue"]
        + ["--stop-after-init", "--log-level=warn", f"--http-port={port}"],
        check=True,
    )
    registry = odoo.modules.registry.Registry.new(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        env["account.dunning.run"]._enqueue_day(date=day, batch_size=batch_size)
        cr.commit()
    odoo.sql_db.close_db(db)
    environ = dict(
        os.environ,
        ODOO_QUEUE_JOB_CHANNELS=f"root:{workers},root.dunning:{workers}",
        ODOO_QUEUE_JOB_PORT=str(port),
    )
    # The console script, not ``-m odoo``: the prefork server starts its websocket
    # process with ``sys.executable sys.argv[0]``, which must be a script.
    script = os.path.join(os.path.dirname(sys.executable), "odoo")
    launcher = [script] if os.path.isfile(script) else ["-m", "odoo"]
    server = subprocess.Popen(
        [sys.executable, *launcher, *odoo_args(db), f"--workers={workers}"]
        + ["--load=base,web,queue_job", "--max-cron-threads=0"]
        + [f"--http-port={port}", f"--db-filter=^{db}$", "--log-level=warn"]
        + ["--limit-time-real=3600", "--limit-time-cpu=3600"]
        + ["--limit-memory-soft=4294967296", "--limit-memory-hard=5368709120"]
        + ["--smtp=127.0.0.1", "--smtp-port=9"],  # nothing leaves the machine
        env=environ,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 3600
        while time.monotonic() < deadline:
            states = dict(query(db, JOBS))
            if server.poll() is not None:
                raise RuntimeError(f"the Odoo server of {db} stopped: status {server.returncode}")
            if not set(states) & {"pending", "enqueued", "started", "wait_dependencies"}:
                break
            time.sleep(1)
        else:
            raise RuntimeError(f"the jobs of {db} did not end within an hour: {states}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    wall, count = query(db, WALL)[0]
    return float(wall or 0), count, states.get("failed", 0)


def compare_workers(db, day, worker_counts, batch_size, odoo_args, port):
    """Print the whole run and the queued runs side by side; returns False if a queued
    run's outcome differs from the whole run's (a duplicate or a lost reminder)."""
    copies = {0: f"{db}_whole", **{n: f"{db}_q{n}" for n in worker_counts}}
    for copy in copies.values():
        copy_db(db, copy)
    try:
        seconds = whole_run(copies[0], day)
        reference = outcome(copies[0])
        print(
            f"\nqueue_job (batches of {batch_size} receivables): wall time from the first "
            "job started to the last done"
        )
        print(
            f"{'run':<16}{'jobs':>6}{'failed':>8}{'seconds':>9}{'actions':>9}{'mails':>7}"
            f"{'duplicates':>12}{'lost':>6}{'extra':>7}"
        )
        actions = sum(reference[0].values())
        mails = sum(reference[2].values())
        print(f"{'whole, 1 proc':<16}{'-':>6}{'-':>8}{seconds:>9.2f}{actions:>9}{mails:>7}")
        same = True
        for workers in worker_counts:
            wall, jobs, failed = queued_run(
                copies[workers], day, workers, batch_size, odoo_args, port
            )
            got = outcome(copies[workers])
            duplicates = sum(count - 1 for count in got[0].values() if count > 1)
            duplicates += sum(count - 1 for count in got[2].values() if count > 1)
            lost = sum((reference[0] - got[0]).values()) + sum((reference[2] - got[2]).values())
            extra = sum((got[0] - reference[0]).values()) + sum((got[2] - reference[2]).values())
            levels_differ = sum(
                1 for move, level in reference[1].items() if got[1].get(move) != level
            )
            same = same and not (duplicates or lost or extra or levels_differ or failed)
            print(
                f"{f'{workers} worker(s)':<16}{jobs:>6}{failed:>8}{wall:>9.2f}"
                f"{sum(got[0].values()):>9}{sum(got[2].values()):>7}{duplicates:>12}"
                f"{lost:>6}{extra:>7}"
                + (f"  ({levels_differ} levels differ)" if levels_differ else "")
            )
        print(
            "queued runs: same outcome as the whole run (no duplicate, nothing lost)"
            if same
            else "queued runs: OUTCOME DIFFERS from the whole run (see above)"
        )
        return same
    finally:
        for copy in copies.values():
            import odoo

            odoo.sql_db.close_db(copy)
            subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", copy], check=False)
