#!/usr/bin/env python3
"""Benchmark of the nightly dunning job; prints figures, asserts nothing.

Usage: python bench/dunning_bench.py [--db NAME] [--invoices N] [--customers N]
                                     [--customer-level SHARE] [--rebuild]

Builds (once) a database with the addon, N overdue customer invoices spread over customers
(a SHARE of them, default 0.25, on the shipped customer-level plan) and dunning enabled,
with fresh bank data, then runs the job for one day inside a transaction that is rolled
back, so it can be rerun on the same data. Prints invoices looked at, invoices reminded,
mails queued (one per customer), seconds, invoices per second and SQL queries.
"""

import argparse
import os
import subprocess
import sys
import time
from datetime import date, timedelta

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def odoo_args(db):
    import odoo

    odoo_addons = os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "addons")
    paths = [p for p in (odoo_addons, REPO) if os.path.isdir(p)]
    return [
        "-d",
        db,
        f"--addons-path={','.join(paths)}",
        f"--db_host={os.environ.get('PGHOST', '127.0.0.1')}",
        f"--db_user={os.environ.get('ODOO_DB_USER', os.environ.get('USER', 'root'))}",
    ]


def build(db, invoices, customers, customer_share, day):
    subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", db], check=False)
    subprocess.run(
        ["odoo", *odoo_args(db), "-i", "account_dunning_plans", "--without-demo=all"]
        + ["--stop-after-init", "--log-level=warn", "--http-port=8179"],
        check=True,
    )
    import odoo
    from odoo import Command, api

    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        company = env.ref("base.main_company")
        company.write({"dunning_enabled": True, "dunning_activation_date": date(2026, 1, 1)})
        partners = env["res.partner"].create(
            [{"name": f"Customer {i}", "email": f"c{i}@example.com"} for i in range(customers)]
        )
        grouped = partners[: int(customers * customer_share)]
        grouped.write(
            {
                "dunning_plan_mode": "custom",
                "dunning_plan_id": env.ref(
                    "account_dunning_plans.account_dunning_plan_customer"
                ).id,
            }
        )
        bank = env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
        )
        env["account.bank.statement.line"].create(
            {"journal_id": bank.id, "date": day, "payment_ref": "Bank fees", "amount": -1.0}
        )
        base = date(2026, 1, 5)
        for start in range(0, invoices, 500):
            vals = []
            for i in range(start, min(start + 500, invoices)):
                day = base + timedelta(days=i % 60)
                vals.append(
                    {
                        "move_type": "out_invoice",
                        "partner_id": partners[i % customers].id,
                        "invoice_date": day,
                        "invoice_date_due": day + timedelta(days=30),
                        "invoice_payment_term_id": False,
                        "dunning_entry_date": day,
                        "invoice_line_ids": [
                            Command.create({"name": "Service", "price_unit": 100 + i % 900})
                        ],
                    }
                )
            env["account.move"].create(vals).action_post()
            cr.commit()
            print(f"  {min(start + 500, invoices)} invoices", file=sys.stderr)


def run(db, day):
    import odoo
    from odoo import api

    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        before_mails = env["mail.mail"].search_count([])
        queries = cr.sql_log_count
        started = time.perf_counter()
        results = env["account.dunning.run"].with_context(ir_cron_progress_id=False)._run(date=day)
        env.flush_all()
        seconds = time.perf_counter() - started
        mails = env["mail.mail"].search_count([]) - before_mails
        queries = cr.sql_log_count - queries
        reminded = sum(1 for _move, _plan, decision in results if decision.acts)
        cr.rollback()
    return len(results), reminded, mails, seconds, queries


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="dunning_bench")
    parser.add_argument("--invoices", type=int, default=2000)
    parser.add_argument("--customers", type=int, default=400)
    parser.add_argument("--customer-level", type=float, default=0.25, dest="customer_share")
    parser.add_argument("--date", default="2026-03-20")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()

    import odoo
    from odoo.tools import config

    config.parse_config(odoo_args(args.db) + ["--log-level=warn"])
    exists = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-lqt"], capture_output=True, text=True, check=True
    ).stdout
    if args.rebuild or f" {args.db} " not in exists:
        print(f"building {args.db} with {args.invoices} invoices...", file=sys.stderr)
        build(
            args.db,
            args.invoices,
            args.customers,
            args.customer_share,
            date.fromisoformat(args.date),
        )
    odoo.modules.module.initialize_sys_path()
    looked, reminded, mails, seconds, queries = run(args.db, date.fromisoformat(args.date))
    print(f"database          {args.db}")
    print(f"day               {args.date}")
    print(f"invoices examined {looked}")
    print(f"invoices reminded {reminded}")
    print(f"mails queued      {mails}")
    print(f"seconds           {seconds:.2f}")
    print(f"invoices/second   {looked / seconds:.0f}")
    print(f"SQL queries       {queries}")


if __name__ == "__main__":
    main()
