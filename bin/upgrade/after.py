# Run by bin/upgrade-test in `odoo shell` on THIS version, after upgrading the database
# built by before.py: what was there is still there and the job runs.
import re
from datetime import timedelta

from odoo import fields

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


company = env.ref("base.main_company")  # noqa: F821
default = env.ref("account_dunning_plans.account_dunning_plan_default")  # noqa: F821
check(company.dunning_default_plan_id == default, "the default plan moved to the company")
check(default.is_default, "the default plan is still the default")
cron = env.ref("account_dunning_plans.ir_cron_dunning_process")  # noqa: F821
check(cron.model_id.model == "account.dunning.run", f"cron model is {cron.model_id.model}")
env.cr.execute("SELECT id, body_html::text, subject::text, partner_to FROM mail_template")  # noqa: F821
for template_id, body, subject, partner_to in env.cr.fetchall():  # noqa: F821
    for text in (body or "", subject or "", partner_to or ""):
        check(
            "_dunning_mail_value" not in text and "ctx.get('dunning_" not in text,
            f"template {template_id} still uses the old template API",
        )
first = env.ref("account_dunning_plans.mail_template_dunning_first")  # noqa: F821
french_body = first.with_context(lang="fr_FR").body_html
check("dunning_mail_value('salutation')" in french_body, "French template uses the new API")
check("Bonjour" in french_body, "French template is still French")
statement = env.ref("account_dunning_plans.mail_template_dunning_merged")  # noqa: F821
for lang in ("en_US", "fr_FR"):
    body = statement.with_context(lang=lang).body_html
    check(
        "dunning_mail_value('parts')" not in body and "group.get('text')" in body,
        f"several reminders to one customer make one statement ({lang})",
    )
check(
    "Cordialement" in statement.with_context(lang="fr_FR").body_html,
    "the statement is still French",
)
check(
    statement.email_layout_xmlid == "account_dunning_plans.mail_layout_dunning",
    "the statement has the dunning layout",
)
for lang in ("en_US", "fr_FR"):
    for template in (first, statement):
        check(
            "dunning_mail_value('claim')" in template.with_context(lang=lang).body_html,
            f"{template.name} shows what the law lets claim ({lang})",
        )
    check(
        "dunning_mail_value('statement_link')" in statement.with_context(lang=lang).body_html,
        f"{statement.name} links to the page of its invoices ({lang})",
    )
french_rate = env.ref("account_dunning_plans.legal_rate_fr_consumer_2026_01_01")  # noqa: F821
check(french_rate.rate == 2.62, f"France's legal rate of a company's claims: {french_rate.rate}")

Move = env["account.move"]  # noqa: F821
names = {
    partner: Move.search([("partner_id.name", "=", partner), ("move_type", "=", "out_invoice")])
    for partner in ("Client Français", "English Co", "Grouped SA")
}
reminded = names["Client Français"]
promised, paused = names["English Co"].sorted("invoice_date")
grouped_invoice = names["Grouped SA"]
today = fields.Date.today()
today -= timedelta(days=(today.weekday() - 2) % 7)  # as in before.py
check(promised.dunning_promise_date == today + timedelta(days=20), "the promise is kept")
check(promised.dunning_promise_amount == 800.0, "the promised amount is kept")
check(paused.dunning_paused, "the pause is kept")
levels = {move: move.dunning_level for move in reminded | grouped_invoice}
check(all(levels.values()), f"levels reached before the upgrade are kept: {levels}")

results = env["account.dunning.run"]._run(date=today)  # noqa: F821
decisions = {move: decision for move, _plan, decision in results}
check(decisions[reminded].outcome == "send", f"reminded: {decisions[reminded]}")
check(decisions[promised].reason == "promised", f"promised: {decisions[promised]}")
check(decisions[paused].reason == "paused", f"paused: {decisions[paused]}")
check(decisions[grouped_invoice].outcome == "send", f"grouped: {decisions[grouped_invoice]}")
failed = env["account.dunning.action"].search([("state", "=", "failed")])  # noqa: F821
check(not failed, f"no mail failed: {failed.mapped('note')}")
check(reminded.dunning_level == levels[reminded] + 1, "the level moved on")
mails = env["mail.mail"].search(  # noqa: F821
    [("recipient_ids.name", "=", "Client Français")], order="id desc", limit=1
)
check(mails and "Bonjour" in mails.body_html, "the French customer's mail is in French")
check(mails and re.search(r"1[\s\u202f\xa0.,]?200,00", mails.body_html), "French amount")
if failures:
    print("UPGRADE-CHECK-FAILED")
    for failure in failures:
        print(" -", failure)
else:
    print("UPGRADE-CHECK-OK")
env.cr.rollback()  # noqa: F821
