#!/usr/bin/env python3
"""Benchmark of the nightly dunning job; prints figures, asserts nothing.

Usage: python bench/dunning_bench.py [--db NAME] [--invoices N] [--customers N]
                                     [--customer-level SHARE] [--rebuild] [--drop]
                                     [--repeat N] [--workers 1,2 [--batch-size N]]

Builds (once) a database with the addon, N overdue customer invoices spread over customers
(a SHARE of them, default 0.25, on the shipped customer-level plan) and dunning enabled,
with fresh bank data. Then, each in a transaction that is rolled back (the same data
every time), it measures:

- the floor: one SQL scan of the overdue invoices, a shipped mail template rendered in a
  batch for one invoice per customer, one create of those mails;
- the floor + layout: the same, each body wrapped in the template's mail layout (the
  shipped templates have one since 18.0.2.1), as the addon's mails are;
- the job for one day with every customer at customer level (one statement each);
- the job with every invoice on the default invoice-level plan (mails merged per customer);
- the job run a second time the same day, on the data as built (nothing left to do);
- the 30-day forecast (the simulation) of the data as built.

Prints, for each: invoices looked at, reminded, mails queued, seconds, invoices per
second, SQL queries, the process's peak memory so far and the ratios to both floors.

With --workers (needs OCA queue_job): the day as queue jobs performed by a real Odoo
server with 1, then 2 workers, each on its own copy of the data as built, compared with a
whole run on another copy: wall times, and the duplicates and lost reminders (both must
be 0; the exit status is 1 otherwise). See bench/queue_workers.py.
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
        [sys.executable, "-m", "odoo", *odoo_args(db), "-i", "account_dunning_plans"]
        + ["--without-demo=all"]
        + ["--stop-after-init", "--log-level=warn", "--http-port=8179"],
        check=True,
    )
    import odoo
    from odoo import Command, api

    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        # The job decides every status: the live refresh after each posting (which
        # decides each customer's other invoices again, quadratic here) is left out.
        env = api.Environment(
            cr, odoo.SUPERUSER_ID, {"tracking_disable": True, "dunning_no_refresh": True}
        )
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
                        # Named here, in the journal's format: Odoo's numbering looks for
                        # the last number with a query that grows with the journal.
                        "name": f"INV/{day.year}/{i + 1:06d}",
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


def prepare(env, variant):
    """Put every customer on one plan level: ``invoice`` (the default invoice-level plan
    on every invoice, merged mails) or ``customer`` (the shipped customer-level plan,
    one statement per customer)."""
    company = env.ref("base.main_company")
    invoice_plan = env.ref("account_dunning_plans.account_dunning_plan_default")
    customer_plan = env.ref("account_dunning_plans.account_dunning_plan_customer")
    moves = env["account.move"].search(
        [("move_type", "=", "out_invoice"), ("state", "=", "posted")]
    )
    partners = moves.commercial_partner_id.with_company(company)
    if variant == "invoice":
        partners.write({"dunning_plan_mode": "none"})
        moves._dunning_write(dict.fromkeys(moves, {"dunning_plan_id": invoice_plan.id}))
    else:
        partners.write({"dunning_plan_mode": "custom", "dunning_plan_id": customer_plan.id})
        moves._dunning_write(dict.fromkeys(moves, {"dunning_plan_id": False}))
    env.flush_all()


def floor(env, day, layout=False):
    """The floor: one SQL scan of the overdue invoices, one shipped template rendered
    in a batch for one invoice per customer, one create of the mails (no chatter copy).
    With ``layout``, each body is also wrapped in the template's mail layout, as Odoo
    does when it sends a template with one: the same mails as the addon's."""
    from odoo.tools import is_html_empty

    moves = env["account.move"].search(
        [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("invoice_date_due", "<", day),
        ]
    )
    first = {}
    for move in moves:
        first.setdefault(move.commercial_partner_id, move)
    ids = [move.id for move in first.values()]
    template = env.ref("account_dunning_plans.mail_template_dunning_first")
    values = template._generate_template(ids, ("subject", "body_html", "email_from"))
    wrapped = {}
    if layout:
        company = env.company
        for move in env["account.move"].browse(ids):
            body = values[move.id]["body_html"]
            html = env["ir.qweb"]._render(
                template.email_layout_xmlid,
                {
                    "message": env["mail.message"].new({"body": body}),
                    "model_description": "",
                    "record": move,
                    "record_name": False,
                    "subtitles": False,
                    "company": company,
                    "email_add_signature": False,
                    "signature": "",
                    "website_url": "",
                    "subtype": env["mail.message.subtype"],
                    "is_html_empty": is_html_empty,
                },
                minimal_qcontext=True,
            )
            wrapped[move.id] = env["mail.render.mixin"]._replace_local_links(html)
    env["mail.mail"].create(
        [
            {
                "subject": values[move_id]["subject"],
                "body_html": values[move_id]["body_html"],
                "email_from": values[move_id].get("email_from") or "bench@example.com",
                "email_to": "customer@example.com",
                "model": "account.move",
                "res_id": move_id,
            }
            | ({"body_html": wrapped[move_id]} if layout else {})
            for move_id in ids
        ]
    )
    return len(moves), len(ids)


def vacuum(db):
    """Earlier runs, rolled back, leave dead rows behind: without a vacuum each run
    would be measured slower than the one before."""
    subprocess.run(["psql", "-h", "127.0.0.1", "-q", "-d", db, "-c", "VACUUM ANALYZE"], check=True)


def measure(db, day, what, batch_size=500):
    """Run ``what`` (floor, invoice, customer, second, forecast) in a transaction rolled
    back: ``(looked at, reminded or rows, mails, seconds, queries, peak RSS MB)``."""
    import resource

    import odoo
    from odoo import api

    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        if what in ("invoice", "customer"):
            prepare(env, what)
        run = env["account.dunning.run"].with_context(ir_cron_progress_id=False)
        if what == "second":
            run._run(date=day)
            env.flush_all()
        env.invalidate_all()
        before_mails = env["mail.mail"].search_count([])
        queries = cr.sql_log_count
        started = time.perf_counter()
        if what in ("floor", "layout"):
            looked, reminded = floor(env, day, layout=what == "layout")
        elif what == "forecast":
            rows = env["account.dunning.forecast"]._simulate(day=day, days=30)
            looked = env["account.move"].search_count(env["account.dunning.facts"]._open_domain())
            reminded = len(rows)
        else:
            results = run._run(date=day, batch_size=batch_size)
            looked = len(results)
            reminded = sum(1 for _move, _plan, decision in results if decision.acts)
        env.flush_all()
        seconds = time.perf_counter() - started
        mails = env["mail.mail"].search_count([]) - before_mails
        queries = cr.sql_log_count - queries
        cr.rollback()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return looked, reminded, mails, seconds, queries, peak


def print_memory(db, day, sizes):
    """The customer-level run with each batch size, each in a child process of its own
    (a process's peak memory only grows): seconds and the child's peak memory."""
    import multiprocessing

    import odoo

    odoo.sql_db.close_all()
    context = multiprocessing.get_context("fork")
    print("\nbatch size (receivables)   seconds   peak MB of a fresh process")
    for size in sizes:
        with context.Pool(1) as pool:
            result = pool.apply(measure, (db, day, "customer", size))
        print(f"{size:>24}{result[3]:>10.2f}{result[5]:>12.0f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="dunning_bench")
    parser.add_argument("--invoices", type=int, default=2000)
    parser.add_argument("--customers", type=int, default=400)
    parser.add_argument("--customer-level", type=float, default=0.25, dest="customer_share")
    parser.add_argument("--date", default="2026-03-20")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--drop", action="store_true", help="drop the database afterwards")
    parser.add_argument(
        "--workers", help="compare queue_job runs with these worker counts, e.g. 1,2"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="rounds of every run (fastest and median shown); 0: none",
    )
    parser.add_argument(
        "--memory",
        help="peak memory of the customer-level run with these batch sizes, e.g. 100,500,2000",
    )
    parser.add_argument("--batch-size", type=int, default=500, help="receivables per job")
    parser.add_argument(
        "--runs",
        help="only these runs, e.g. forecast (a large database: floor,layout,customer,"
        "invoice,second,forecast; the ratios need floor and layout)",
    )
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
    else:
        # An existing database: brought to this checkout's code first.
        subprocess.run(
            [sys.executable, "-m", "odoo", *odoo_args(args.db), "-u", "account_dunning_plans"]
            + ["--stop-after-init", "--log-level=warn", "--http-port=8179"],
            check=True,
        )
    odoo.modules.module.initialize_sys_path()
    day = date.fromisoformat(args.date)
    print(f"database {args.db}, day {args.date}")
    label = {
        "floor": "floor",
        "layout": "floor + layout",
        "customer": "customer level",
        "invoice": "invoice level",
        "second": "second run",
        "forecast": "forecast 30 d",
    }
    # Interleaved rounds, so that a slow moment of the machine hits every run alike;
    # "seconds" is the fastest round, "median" the median one.
    if args.runs:
        label = {what: name for what, name in label.items() if what in args.runs.split(",")}
    rounds = {what: [] for what in label}
    for _round in range(args.repeat):
        for what in label:
            vacuum(args.db)
            rounds[what].append(measure(args.db, day, what))
    if args.repeat:  # --repeat 0: only --memory or --workers
        print(
            f"{'run':<16}{'looked at':>10}{'reminded':>10}{'mails':>8}{'seconds':>9}"
            f"{'median':>8}{'inv/s':>8}{'queries':>9}{'peak MB':>9}{'x floor':>9}"
            f"{'x layout':>9}"
        )
        ratios = {"floor", "layout", "customer", "invoice"} <= rounds.keys()
        if ratios:
            base = min(result[3] for result in rounds["floor"])
            base_layout = min(result[3] for result in rounds["layout"])
        for what, results in rounds.items():
            looked, reminded, mails, _seconds, queries, peak = results[-1]
            times = sorted(result[3] for result in results)
            seconds, median = times[0], times[len(times) // 2]
            ratio = (
                f"{seconds / base:>9.2f}{seconds / base_layout:>9.2f}"
                if ratios and what in ("floor", "layout", "customer", "invoice")
                else ""
            )
            print(
                f"{label[what]:<16}{looked:>10}{reminded:>10}{mails:>8}{seconds:>9.2f}{median:>8.2f}"
                f"{looked / max(seconds, 1e-6):>8.0f}{queries:>9}{peak:>9.0f}{ratio}"
            )
        print("(forecast: 'reminded' counts its rows; second run: 'looked at' counts receivables")
        print(" checked again, none expected; x layout: the ratio to the floor whose mails are")
        print(" wrapped in the shipped templates' layout, as the addon's are)")
        best = {what: min(result[3] for result in rounds[what]) for what in rounds}
        if ratios:
            print(
                "x floor (x floor + layout): customer level "
                f"{best['customer'] / base:.2f} ({best['customer'] / base_layout:.2f}), "
                f"invoice level {best['invoice'] / base:.2f} ({best['invoice'] / base_layout:.2f})"
            )
    if args.memory:
        print_memory(args.db, day, [int(size) for size in args.memory.split(",")])
    same = True
    if args.workers:
        from queue_workers import compare_workers

        same = compare_workers(
            args.db,
            day,
            [int(n) for n in args.workers.split(",")],
            args.batch_size,
            odoo_args,
            port=8189,
        )
    if args.drop:
        odoo.modules.registry.Registry.delete(args.db)
        odoo.sql_db.close_db(args.db)
        subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", args.db], check=True)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
