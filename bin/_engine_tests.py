"""Run the decision engine's tests without Odoo or a database (``bin/test --engine``).

The addon's ``__init__`` imports Odoo; the engine and its tests do not. This script
registers the addon and its ``tests`` folder as bare packages, so that importing
``account_dunning_plans.tests.test_engine`` runs neither ``__init__``, then runs the
``tests/test_engine*.py`` modules with pytest (unittest when pytest is missing).
Extra arguments go to pytest (e.g. ``-k weekend``, ``-x``).
"""

import sys
import types
from pathlib import Path

ADDON = Path(__file__).resolve().parent.parent / "account_dunning_plans"


def stub_packages():
    for name, path in (
        ("account_dunning_plans", ADDON),
        ("account_dunning_plans.tests", ADDON / "tests"),
    ):
        package = types.ModuleType(name)
        package.__path__ = [str(path)]
        sys.modules[name] = package


def main(argv):
    stub_packages()
    files = sorted(str(path) for path in (ADDON / "tests").glob("test_engine*.py"))
    try:
        import pytest
    except ImportError:
        import importlib
        import unittest

        suite = unittest.TestSuite()
        loader = unittest.TestLoader()
        for file in files:
            module = importlib.import_module(f"account_dunning_plans.tests.{Path(file).stem}")
            suite.addTests(loader.loadTestsFromModule(module))
        result = unittest.TextTestRunner(verbosity=1).run(suite)
        return 0 if result.wasSuccessful() else 1
    # rootdir: the addon's parent, so that module names match the stubs above.
    return pytest.main(
        [
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:odoo",
            "--rootdir",
            str(ADDON.parent),
            *argv,
            *files,
        ]
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
