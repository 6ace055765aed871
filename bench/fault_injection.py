#!/usr/bin/env python3
"""Kill the dunning job at random moments and check nothing is sent twice or lost.

Usage: python bench/fault_injection.py [--kills K] [--invoices N] [--batch B] [--seed S]
                                       [--keep]

Builds a database with the addon and N overdue invoices of N/2 customers (both levels,
dunning enabled), copies it twice, then:

- on the first copy, runs the nightly job as Odoo's cron runner does (one batch per
  transaction, committed, until nothing remains): the reference;
- then, round after round on a fresh copy, starts the same runner in a process and kills
  it (SIGKILL) at a random moment, again and again until it finishes by itself, until K
  kills were made.

Each round's done actions and to-dos (invoice or customer, plan, step) and queued mails
are compared with the reference: it prints "K kills, D duplicates, L lost"; exit status 1
unless both are 0. The databases are dropped unless --keep.
"""

import argparse
import os
import random
import signal
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "bench"))

from dunning_bench import odoo_args  # noqa: E402

RUNNER = """
import sys
import odoo
from odoo.tools import config
config.parse_config(sys.argv[2:-1], setup_logging=False)
registry = odoo.modules.registry.Registry(sys.argv[1])
day, batch = "2026-03-20", int(sys.argv[-1])
while True:
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        cron = env.ref("account_dunning_plans.ir_cron_dunning_process")
        cron, progress = cron.with_context(cron_id=cron.id)._add_progress()
        env["account.dunning.run"].with_context(cron.env.context)._run(
            date=odoo.fields.Date.to_date(day), batch_size=batch
        )
        remaining = progress.remaining
    if not remaining:
        break
print("DONE")
"""

MAKE_DATA = """
import sys
from datetime import date
import odoo
from odoo import Command
from odoo.tools import config
config.parse_config(sys.argv[2:-1], setup_logging=False)
count = int(sys.argv[-1])
registry = odoo.modules.registry.Registry(sys.argv[1])
with registry.cursor() as cr:
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
    company = env.ref("base.main_company")
    company.write({"dunning_enabled": True, "dunning_bank_max_age": 0, "dunning_window": False})
    company.dunning_activation_date = date(2026, 1, 1)
    grouped = env.ref("account_dunning_plans.account_dunning_plan_customer")
    customers = env["res.partner"].create(
        [{"name": f"Fault {i}", "email": f"fault{i}@example.com"} for i in range(count // 2)]
    )
    customers[::3].write({"dunning_plan_id": grouped.id})
    moves = env["account.move"].create([
        {
            "move_type": "out_invoice",
            "partner_id": customers[i % len(customers)].id,
            "invoice_date": date(2026, 1, 5),
            "invoice_date_due": date(2026, 2, (i % 20) + 1),
            "invoice_payment_term_id": False,
            "invoice_line_ids": [Command.create({"name": "S", "price_unit": 100 + i})],
        }
        for i in range(count)
    ])
    moves.action_post()
    moves.write({"dunning_entry_date": date(2026, 1, 5)})
print("DATA", len(moves))
"""

SUMMARY = """
import json, sys
import odoo
from odoo.tools import config
config.parse_config(sys.argv[2:], setup_logging=False)
registry = odoo.modules.registry.Registry(sys.argv[1])
with registry.cursor() as cr:
    cr.execute('''
        SELECT a.plan_id, a.step_id, a.partner_id, array_agg(r.move_id ORDER BY r.move_id),
               (SELECT count(*) FROM mail_mail m WHERE m.id = a.mail_id)
          FROM account_dunning_action a
          JOIN account_dunning_action_move_rel r ON r.action_id = a.id
         WHERE a.state IN ('done', 'todo')
      GROUP BY a.id
    ''')
    print(json.dumps(cr.fetchall()))
"""


def python(code, *args, capture=True):
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=capture, text=True, check=False
    )


def database_options():
    return odoo_args("x")[2:]  # without "-d x"


def createdb(name, template=None):
    subprocess.run(["dropdb", "--if-exists", name], check=True, capture_output=True)
    command = ["createdb", name] + (["-T", template] if template else [])
    subprocess.run(command, check=True)


def summary(db):
    import json

    result = python(SUMMARY, db, *database_options())
    if result.returncode:
        sys.exit(result.stderr[-2000:])
    rows = json.loads(result.stdout)
    keys = [(plan, step, partner, tuple(moves)) for plan, step, partner, moves, _m in rows]
    mails = sum(mail for *_rest, mail in rows)
    return keys, mails


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--invoices", type=int, default=200)
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    base, clean, faulty = (f"dunning_faults_{name}_{os.getpid()}" for name in "bcf")
    options = database_options()
    try:
        createdb(base)
        install = subprocess.run(
            [sys.executable, "-m", "odoo", "-d", base, *odoo_args(base)[2:]]
            + ["-i", "account_dunning_plans", "--without-demo=all", "--stop-after-init"]
            + ["--no-http", "--log-level=warn"],
            capture_output=True,
            text=True,
            check=False,
        )
        if install.returncode:
            sys.exit(install.stderr[-3000:])
        made = python(MAKE_DATA, base, *options, str(args.invoices))
        if "DATA" not in made.stdout:
            sys.exit(made.stderr[-3000:])
        createdb(clean, base)
        createdb(faulty, base)
        started = time.monotonic()
        done = python(RUNNER, clean, *options, str(args.batch))
        if "DONE" not in done.stdout:
            sys.exit(done.stderr[-3000:])
        duration = time.monotonic() - started
        reference, reference_mails = summary(clean)
        kills = rounds = duplicates = lost = 0
        while kills < args.kills:
            # A round: the day's run on a fresh copy, killed until it finishes.
            rounds += 1
            createdb(faulty, base)
            while True:
                process = subprocess.Popen(
                    [sys.executable, "-c", RUNNER, faulty, *options, str(args.batch)],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    text=True,
                )
                if kills < args.kills:
                    time.sleep(rng.uniform(0.2, duration))
                if process.poll() is None and kills < args.kills:
                    process.send_signal(signal.SIGKILL)
                    process.wait()
                    kills += 1
                    continue
                output, _error = process.communicate()
                if "DONE" not in output:
                    sys.exit("the run after the kills did not finish")
                break
            after, after_mails = summary(faulty)
            # Twice the same, one more mail than actions, or anything the reference
            # did not do: all sent too much.
            duplicates += len(after) - len(set(after)) + max(after_mails - len(set(after)), 0)
            duplicates += len(set(after) - set(reference))
            lost += len(set(reference) - set(after))
        print(
            f"{kills} kills, {duplicates} duplicates, {lost} lost "
            f"({rounds} rounds; each: {len(reference)} actions and {reference_mails} mails "
            f"in the reference run)"
        )
        return 0 if not duplicates and not lost else 1
    finally:
        if not args.keep:
            for name in (base, clean, faulty):
                subprocess.run(["dropdb", "--if-exists", name], capture_output=True, check=False)


if __name__ == "__main__":
    sys.exit(main())
