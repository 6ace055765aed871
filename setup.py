"""Package account_dunning_plans as an Odoo addon wheel, the way OCA's odoo-addon-* wheels are.

`pip install .` installs the addon as ``odoo/addons/account_dunning_plans/`` in
site-packages, where Odoo finds it without any --addons-path. The wheel holds NO
``odoo/__init__.py`` and NO ``odoo/addons/__init__.py``: those belong to Odoo itself,
``odoo.addons`` extends its ``__path__`` over every ``odoo/addons`` folder on sys.path.

Odoo is required as ``odoo>=18.0a,<18.1dev`` (like OCA's wheels) but is not on PyPI:
install Odoo 18 first (bin/setup does it). With Odoo as an editable install use
``editable_mode=compat`` (a plain path entry), so that the ``odoo/`` folder this wheel
creates cannot shadow the real package.

For development, no install is needed: pass ``--addons-path=<odoo>/addons,<this repo>``
(bin/demo and bin/test do).
"""

import ast
import os

from setuptools import find_packages, setup

ADDON = "account_dunning_plans"
HERE = os.path.dirname(os.path.abspath(__file__))
ADDON_DIR = os.path.join(HERE, ADDON)
PACKAGE = f"odoo.addons.{ADDON}"
DATA_EXTENSIONS = set(
    ".xml .csv .po .pot .html .rst .md .txt .json .js .scss .css".split()
    + ".png .jpg .jpeg .gif .svg .ico .woff .woff2 .ttf .pdf".split()
)


def read_manifest():
    with open(os.path.join(ADDON_DIR, "__manifest__.py"), encoding="utf-8") as manifest:
        return ast.literal_eval(manifest.read())


def data_files():
    """Every data file of the addon, relative to the addon folder."""
    found = []
    for root, dirs, files in os.walk(ADDON_DIR):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if os.path.splitext(name)[1].lower() in DATA_EXTENSIONS:
                found.append(os.path.relpath(os.path.join(root, name), ADDON_DIR))
    return found


manifest = read_manifest()

setup(
    name=f"odoo-addon-{ADDON}",
    version=manifest["version"],  # 18.0.x.y.z, a valid PEP 440 version
    description=manifest.get("summary", manifest["name"]),
    long_description=open(os.path.join(HERE, "README.md"), encoding="utf-8").read()
    if os.path.exists(os.path.join(HERE, "README.md"))
    else "",
    long_description_content_type="text/markdown",
    author=manifest.get("author"),
    url=manifest.get("website"),
    license=manifest.get("license"),
    # Only the addon and its sub-packages: never odoo nor odoo.addons themselves.
    packages=[PACKAGE] + [f"{PACKAGE}.{sub}" for sub in find_packages(ADDON_DIR)],
    package_dir={PACKAGE: ADDON},
    include_package_data=True,
    package_data={PACKAGE: data_files()},
    zip_safe=False,
    python_requires=">=3.10,<3.13",
    # Odoo 18 is required too but is not on PyPI: it is not listed here (see above).
    install_requires=[
        # As OCA's odoo-addon-* wheels: satisfied by an installed Odoo 18 (source install),
        # which is not on PyPI (bin/setup installs it).
        "odoo>=18.0a,<18.1dev",
        "lxml",
        "freezegun",
        "pytest-odoo",
        "hypothesis",
    ],
    classifiers=[
        "Programming Language :: Python",
        "Framework :: Odoo",
        "Framework :: Odoo :: 18.0",
        "License :: OSI Approved :: GNU Affero General Public License v3",
    ],
)
