# Copyright 2026 account_dunning_plans authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Account Dunning Plans - Job Queue",
    "summary": "Spread the nightly dunning run over several workers with OCA queue_job",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/account-dunning-plans/account_dunning_plans",
    "author": "account_dunning_plans authors",
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["account_dunning_plans", "queue_job"],
    "data": ["data/queue_job_data.xml"],
    "auto_install": True,
    "installable": True,
}
