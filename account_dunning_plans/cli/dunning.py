# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""``odoo-bin dunning``: run or simulate the dunning job of a database from the shell."""

import argparse
import json
import sys
from datetime import date

import psycopg2

import odoo
from odoo.cli.command import Command
from odoo.tools import config

COLUMNS = (
    ("date", "Date"),
    ("customer", "Customer"),
    ("invoices", "Invoices"),
    ("step", "Step"),
    ("channel_label", "Channel"),
    ("outcome", "Outcome"),
    ("reason_label", "Reason"),
    ("recipient", "Recipient"),
    ("amount", "Amount"),
)


def cell(row, key):
    """The text of ``row``'s ``key`` column: invoices listed, amounts with their
    currency, nothing for None."""
    value = row.get(key)
    if key == "invoices":
        return ", ".join(value)
    if key == "amount":
        return "" if value is None else f"{value:,.2f} {row.get('currency') or ''}".strip()
    return "" if value is None else str(value)


def format_table(rows):
    """A plain-text table of simulation or run rows."""
    cells = [[cell(row, key) for key, _title in COLUMNS] for row in rows]
    titles = [title for _key, title in COLUMNS]
    widths = [
        max([len(title)] + [len(line[i]) for line in cells]) for i, title in enumerate(titles)
    ]
    lines = ["  ".join(title.ljust(width) for title, width in zip(titles, widths, strict=True))]
    lines.append("  ".join("-" * width for width in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in cells]
    return "\n".join(lines)


def fail(message, status=1):
    sys.stderr.write(f"odoo-bin dunning: {message}\n")
    sys.exit(status)


def build_parser():
    """The command's arguments (Odoo's own options are left to Odoo)."""
    parser = argparse.ArgumentParser(
        prog="odoo-bin [--addons-path=PATH] dunning",
        description="Run the dunning job, or simulate it with no side effect, for a "
        "database, a company and a date or number of days. Other options "
        "(-d, --db_host, --db_user, ...) are Odoo's.",
    )
    parser.add_argument("action", choices=("simulate", "run"))
    parser.add_argument("--date", help="day to run or simulate, YYYY-MM-DD (default today)")
    parser.add_argument("--days", type=int, default=1, help="simulate: number of days to forecast")
    parser.add_argument("--company", help="company id or exact name (default: all)")
    parser.add_argument(
        "--assume-enabled",
        action="store_true",
        help="simulate: companies in stand-by as if dunning were enabled",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    return parser


def execute(env, args, day):
    """Rows of ``args.action`` on ``day`` (None: each company's today) in ``env``'s
    database. Raises :class:`LookupError` for an unknown company."""
    companies = env["res.company"].search([])
    if args.company:
        field = "id" if args.company.isdigit() else "name"
        value = int(args.company) if field == "id" else args.company
        companies = companies.filtered(lambda company: company[field] == value)
        if not companies:
            raise LookupError(f"no company {args.company!r}")
    env = env(context=dict(env.context, allowed_company_ids=companies.ids))
    if args.action == "simulate":
        return env["account.dunning.forecast"]._simulate(
            day, args.days, companies, assume_enabled=args.assume_enabled
        )
    return env["account.dunning.run"]._cli_run(day, companies)


def render(rows, args):
    """What the command prints for ``rows``."""
    if args.json:
        return json.dumps(rows, default=str, indent=2)
    if rows:
        return format_table(rows)
    if args.action == "run":
        return "Nothing left to do for this day: every invoice was already looked at."
    return "No open customer invoice."


class Dunning(Command):
    """Run or simulate the dunning job (account_dunning_plans)"""

    name = "dunning"

    def run(self, cmdargs):
        args, odoo_args = build_parser().parse_known_args(cmdargs)
        try:
            day = date.fromisoformat(args.date) if args.date else None
        except ValueError:
            fail(f"--date: expected YYYY-MM-DD, got {args.date!r}", 2)
        if args.days < 1:
            fail("--days must be 1 or more", 2)
        config.parse_config(odoo_args, setup_logging=False)
        db_name = config["db_name"]
        if not db_name or "," in db_name:
            fail("give one database with -d NAME", 2)
        try:
            rows = self._execute(db_name, args, day)
        except psycopg2.OperationalError as error:
            fail(f"cannot open database {db_name!r}: {str(error).strip().splitlines()[-1]}")
        except (odoo.exceptions.UserError, LookupError) as error:
            fail(str(error))
        sys.stdout.write(render(rows, args) + "\n")

    def _execute(self, db_name, args, day):
        registry = odoo.modules.registry.Registry(db_name)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            if "account.dunning.plan" not in env:
                raise LookupError(f"account_dunning_plans is not installed in {db_name!r}")
            # The cursor commits when the block ends without error.
            return execute(env, args, day)
