# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Base class of the engine's tests, which need neither Odoo nor a database.

Under Odoo's runner they are Odoo test cases (tagged, run with the others); run on
their own (``bin/test --engine``) they are plain unittest cases and need no Odoo.
"""

import unittest

if __name__.startswith("odoo.addons."):  # loaded by Odoo's runner
    from odoo.tests import BaseCase as EngineCase
    from odoo.tests import tagged
else:  # bin/test --engine: plain unittest, Odoo installed or not
    EngineCase = unittest.TestCase

    def tagged(*_tags):
        """Odoo's test tags mean nothing without Odoo."""
        return lambda cls: cls


__all__ = ["EngineCase", "tagged"]
