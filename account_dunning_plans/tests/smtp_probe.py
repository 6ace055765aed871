# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Delivery probe run by ``test_dunning_smtp`` in a separate process (not a test module).

Odoo's test runner never lets ``ir.mail_server`` connect, so the end-to-end delivery
test runs the dunning job and Odoo's mail queue here, against a real SMTP server, in one
transaction that is rolled back at the end: the database is left as it was.

Usage: python smtp_probe.py --db NAME --addons-path PATH --live-port N --down-port N
[--db-host H --db-port P --db-user U --db-password W]. Prints a JSON report.
"""

import argparse
import json
import sys
import threading
from datetime import date

from freezegun import freeze_time


def scenario(env, live_port, down_port):
    """Two customers reminded by the nightly job; the mail server is down first, then
    back. Returns what the job queued and the state of the mails after each step."""
    company = env.ref("base.main_company")
    env["res.lang"]._activate_lang("fr_FR")
    env["ir.module.module"]._load_module_terms(["account_dunning_plans"], ["fr_FR"], overwrite=True)
    company.write(
        {
            "name": "Probe Company",
            "email": "billing@probe.example.com",
            "dunning_enabled": True,
            "dunning_activation_date": date(2026, 1, 1),
            "dunning_bank_max_age": 0,
            "dunning_window": False,
        }
    )
    # wkhtmltopdf fetches the report's CSS from Odoo's server; none runs here.
    env["ir.config_parameter"].set_param("report.url", f"http://127.0.0.1:{down_port}")
    env["ir.mail_server"].search([]).active = False
    server = env["ir.mail_server"].create(
        {
            "name": "Probe SMTP",
            "smtp_host": "127.0.0.1",
            "smtp_port": down_port,
            "smtp_encryption": "none",
        }
    )
    plan = env.ref("account_dunning_plans.account_dunning_plan_default")
    plan.step_ids.filtered(lambda step: step.delay == 10).attach_invoice_pdf = True
    french = env["res.partner"].create(
        {
            "name": "Boulangerie Lumière",
            "is_company": True,
            "email": "contact@boulangerie.example.com",
            "lang": "fr_FR",
        }
    )
    env["res.partner"].create(
        {
            "name": "Marie Compta",
            "parent_id": french.id,
            "type": "invoice",
            "email": "marie@boulangerie.example.com",
            "lang": "fr_FR",
        }
    )
    english = env["res.partner"].create(
        {"name": "Acme Ltd", "is_company": True, "email": "ap@acme.example.com", "lang": "en_US"}
    )
    refused = env["res.partner"].create(
        {"name": "Gone Ltd", "is_company": True, "email": "refused@gone.example.com"}
    )
    invoices = env["account.move"]
    for partner, amount in ((french, 1234.5), (english, 800.0), (refused, 300.0)):
        with freeze_time("2026-01-20"):  # posted then: not post factum
            invoice = env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": date(2026, 1, 20),
                    "invoice_date_due": date(2026, 2, 20),
                    "invoice_line_ids": [
                        (0, 0, {"name": "Service", "quantity": 1, "price_unit": amount})
                    ],
                }
            )
            invoice.action_post()
        invoices |= invoice
    return run(env, invoices, server, live_port)


def run(env, invoices, server, live_port):
    """The night's job, then the mail queue and its retries: the server down, back
    but greylisting, and refusing one address for good."""
    Action = env["account.dunning.action"]
    with freeze_time("2026-03-11 10:00:00"):
        env["account.dunning.run"]._cron_process_dunning()
    actions = Action.search([("move_ids", "in", invoices.ids)])
    mails = actions.mail_id

    def states():
        return sorted(mail.state for mail in mails.exists())

    def at(moment, *calls):
        with freeze_time(moment):
            for call in calls:
                call()
        return states()

    report = {
        "invoices": {invoice.partner_id.name: invoice.name for invoice in invoices},
        "queued": len(mails),
        "queued_states": states(),
    }
    queue = env["mail.mail"].process_email_queue
    report["after_outage"] = at("2026-03-11 10:01:00", queue)  # the server is down
    report["seen"] = at("2026-03-11 10:05:00", Action._cron_retry_mails)
    report["after_retry"] = at("2026-03-11 10:10:00", Action._cron_retry_mails)
    server.smtp_port = live_port  # the server is back, greylisting
    report["greylisted"] = at("2026-03-11 10:11:00", queue)
    report["too_early"] = at("2026-03-11 10:12:00", Action._cron_retry_mails)
    report["after_delivery"] = at("2026-03-11 10:25:00", Action._cron_retry_mails, queue)
    report["final"] = at("2026-03-12 12:00:00", Action._cron_retry_mails, queue)
    gone = invoices.filtered(lambda invoice: invoice.partner_id.name == "Gone Ltd")
    report["refused"] = {
        "actions": sorted((action.state, action.reason) for action in gone.dunning_action_ids),
        "level": gone.dunning_level,
        "activities": len(gone.activity_ids),
    }
    report["levels"] = sorted(invoice.dunning_level for invoice in invoices)
    return report


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--live-port", type=int, required=True)
    parser.add_argument("--down-port", type=int, required=True)
    for option in ("db-host", "db-port", "db-user", "db-password"):
        parser.add_argument(f"--{option}")
    args = parser.parse_args()

    import odoo
    from odoo.tools import config

    odoo_args = [f"--addons-path={args.addons_path}"]
    for option in ("db_host", "db_port", "db_user", "db_password"):
        if getattr(args, option):
            odoo_args.append(f"--{option}={getattr(args, option)}")
    config.parse_config(odoo_args, setup_logging=False)
    registry = odoo.modules.registry.Registry(args.db)
    # The mail queue commits after each mail unless the thread is testing: this keeps
    # everything in one transaction, rolled back below. Mail servers still connect.
    threading.current_thread().testing = True
    with registry.cursor() as cr:
        try:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            report = scenario(env, args.live_port, args.down_port)
        finally:
            cr.rollback()
    sys.stdout.write(json.dumps(report))


if __name__ == "__main__":
    main()
