# Run by bin/upgrade-test in `odoo shell`, on the PREVIOUS version of the addon
# (18.0.1.0.0): the data an accountant has before upgrading. Only that version's API.
from datetime import timedelta

from odoo import Command, fields

# The last Wednesday: the shipped plans count working days only.
today = fields.Date.today()
today -= timedelta(days=(today.weekday() - 2) % 7)
company = env.ref("base.main_company")  # noqa: F821 - odoo shell's env
company.write({"dunning_enabled": True, "dunning_bank_max_age": 0})
company.dunning_activation_date = today - timedelta(days=80)
Partner = env["res.partner"]  # noqa: F821
french = Partner.create({"name": "Client Français", "email": "fr@example.com", "lang": "fr_FR"})
english = Partner.create({"name": "English Co", "email": "en@example.com", "lang": "en_US"})
grouped = Partner.create({"name": "Grouped SA", "email": "grouped@example.com", "lang": "fr_FR"})
grouped.dunning_plan_id = env.ref("account_dunning_plans.account_dunning_plan_customer")  # noqa: F821


def invoice(partner, age, due_in, amount):
    move = env["account.move"].create(  # noqa: F821
        {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_date": today - timedelta(days=age),
            "invoice_date_due": today - timedelta(days=age) + timedelta(days=due_in),
            "invoice_payment_term_id": False,
            "invoice_line_ids": [
                Command.create(
                    {"name": "Service", "quantity": 1, "price_unit": amount, "tax_ids": []}
                )
            ],
        }
    )
    move.action_post()
    move.dunning_entry_date = move.invoice_date
    return move


reminded = invoice(french, 90, 30, 1200.0)  # due 60 days ago
promised = invoice(english, 90, 30, 800.0)
paused = invoice(english, 80, 30, 300.0)
grouped_invoice = invoice(grouped, 90, 30, 500.0)
# The previous version's job, three weeks ago: first reminders.
env["account.move"]._dunning_run(date=today - timedelta(days=21))  # noqa: F821
assert reminded.dunning_level >= 1, reminded.dunning_level
promised.write(
    {"dunning_promise_date": today + timedelta(days=20), "dunning_promise_amount": 800.0}
)
paused.write({"dunning_paused": True, "dunning_pause_reason": "Upgrade test"})
assert env.ref("account_dunning_plans.account_dunning_plan_default").is_default  # noqa: F821
env.cr.commit()  # noqa: F821
print("UPGRADE-BEFORE-OK", reminded.id, promised.id, paused.id, grouped_invoice.id)
