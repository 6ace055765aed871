# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""From 18.0.1.0.0: once the new version is loaded.

- Each company's default plans come from the plans' former "Default plan" flag.
- The promised amount's SQL check goes (the model checks it, with a clear message).
- The nightly job belongs to ``account.dunning.run``: its scheduled action (``noupdate``,
  so that administrators keep their schedule) is moved there.
- The shipped mail templates (``noupdate``: the upgrade leaves them alone) are
  reloaded from the new data file, once, as on a fresh install.
"""

from odoo import SUPERUSER_ID, api
from odoo.tools.convert import convert_file


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'account_dunning_plan' AND column_name = 'legacy_is_default'"
    )
    if cr.fetchone():
        cr.execute(
            "SELECT id, company_id, scope FROM account_dunning_plan "
            "WHERE legacy_is_default AND active ORDER BY sequence, id"
        )
        for plan_id, company_id, scope in cr.fetchall():
            field = (
                "dunning_default_customer_plan_id"
                if scope == "customer"
                else "dunning_default_plan_id"
            )
            company = env["res.company"].browse(company_id)
            if not company[field]:
                company[field] = plan_id
        cr.execute("ALTER TABLE account_dunning_plan DROP COLUMN legacy_is_default")
    # The promised amount is checked by the model (a clear message, not a SQL error).
    cr.execute(
        "ALTER TABLE account_dunning_promise "
        "DROP CONSTRAINT IF EXISTS account_dunning_promise_amount_positive"
    )
    cron = env.ref("account_dunning_plans.ir_cron_dunning_process", raise_if_not_found=False)
    if cron:
        cron.write(
            {
                "model_id": env["ir.model"]._get_id("account.dunning.run"),
                "code": "model._cron_process_dunning()",
            }
        )
    retry = env.ref("account_dunning_plans.ir_cron_dunning_retry_mails", raise_if_not_found=False)
    if retry and (retry.interval_number, retry.interval_type) == (1, "hours"):
        # Growing delays from five minutes: the job looks every five minutes.
        retry.write(
            {
                "interval_number": 5,
                "interval_type": "minutes",
                "name": "Dunning: retry mails the mail server did not take",
            }
        )
    # mode "init": records of a noupdate block are written again, and stay noupdate.
    convert_file(
        env, "account_dunning_plans", "data/mail_template_data.xml", {}, mode="init", kind="data"
    )
