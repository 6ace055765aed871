# Copyright 2026 account_dunning_plans authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Account Dunning Plans - Sales credit hold",
    "summary": "Quotations of customers on dunning credit hold cannot be confirmed",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/account-dunning-plans/account_dunning_plans",
    "author": "account_dunning_plans authors",
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["account_dunning_plans", "sale"],
    "data": [
        "security/ir.model.access.csv",
        "wizards/sale_order_credit_hold_views.xml",
        "views/sale_order_views.xml",
    ],
    "auto_install": True,
    "installable": True,
}
