# Copyright 2026 account_dunning_plans authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Account Dunning Plans",
    "summary": "Multi-step dunning plans for overdue customer invoices, run every night",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/account-dunning-plans/account_dunning_plans",
    "author": "account_dunning_plans authors",
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["account"],
    "external_dependencies": {"python": []},
    "data": [
        "security/account_dunning_security.xml",
        "security/ir.model.access.csv",
        "data/mail_template_data.xml",
        "data/account_dunning_plan_data.xml",
        "data/account_dunning_dispute_reason_data.xml",
        "data/ir_cron_data.xml",
        "views/account_dunning_plan_views.xml",
        "views/account_dunning_plan_assign_views.xml",
        "views/account_dunning_action_views.xml",
        "views/account_dunning_followup_views.xml",
        "views/account_dunning_followup_wizard_views.xml",
        "views/account_dunning_simulation_views.xml",
        "views/account_move_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/account_dunning_menus.xml",
    ],
    "demo": ["demo/account_dunning_demo.xml"],
    "assets": {
        "web.assets_tests": [
            "account_dunning_plans/static/tests/tours/**/*",
        ],
    },
    "installable": True,
}
