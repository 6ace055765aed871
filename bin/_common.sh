# shellcheck shell=bash
# Shared helpers for bin/setup, bin/demo and bin/test. Source it, don't run it.
#
# Environment knobs (all optional):
#   PYTHON          interpreter that has (or gets) Odoo          default: python3
#   ODOO_DB_USER    PostgreSQL role Odoo connects as             default: PGUSER or current user
#   ODOO_DB_HOST    PostgreSQL host (empty = unix socket)        default: PGHOST or empty
#   ODOO_DB_PORT    PostgreSQL port                              default: PGPORT or empty
#   ODOO_SRC_DIR    where bin/setup unpacks Odoo's source
#                   default: $HOME/.local/share/account_dunning_plans/odoo-18.0

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ADDON=account_dunning_plans
# The glue addon with OCA queue_job (tested after the main addon when queue_job is here).
GLUE=account_dunning_plans_queue
SALE_GLUE=account_dunning_plans_sale
PYTHON="${PYTHON:-python3}"

DB_USER="${ODOO_DB_USER:-${PGUSER:-$(id -un)}}"
DB_HOST="${ODOO_DB_HOST:-${PGHOST:-}}"
DB_PORT="${ODOO_DB_PORT:-${PGPORT:-}}"
# PostgreSQL client tools (pg_isready, psql, createdb, dropdb) read these.
export PGUSER="$DB_USER"
[[ -n "$DB_HOST" ]] && export PGHOST="$DB_HOST"
[[ -n "$DB_PORT" ]] && export PGPORT="$DB_PORT"

if [[ -t 1 ]]; then
    _BOLD=$'\e[1m' _RED=$'\e[31m' _YELLOW=$'\e[33m' _RESET=$'\e[0m'
else
    _BOLD='' _RED='' _YELLOW='' _RESET=''
fi

info() { printf '%s==>%s %s\n' "$_BOLD" "$_RESET" "$*"; }
warn() { printf '%swarning:%s %s\n' "$_YELLOW" "$_RESET" "$*" >&2; }
die() {
    printf '%serror:%s %s\n' "$_RED" "$_RESET" "$*" >&2
    exit 1
}

# Odoo's command line, run with the same interpreter we check `import odoo` with.
# (The `odoo` launcher script sets TZ=UTC before importing odoo: do the same.)
odoo_cmd() { TZ=UTC "$PYTHON" -m odoo "$@"; }

# True when `import odoo` gives a real Odoo 18 (not an empty namespace package).
odoo_importable() {
    "$PYTHON" - <<'EOF' >/dev/null 2>&1
import sys
import odoo.release
sys.exit(0 if odoo.release.version_info[0] == 18 else 1)
EOF
}

pg_ready() { command -v pg_isready >/dev/null 2>&1 && pg_isready -q -t 5 -d postgres; }

# True when we can log in as $DB_USER.
pg_login_ok() { psql -d postgres -XtAqc 'SELECT 1' >/dev/null 2>&1; }

# Odoo's own addons folder (<src>/addons) for a source/editable install, if there is one.
# (Odoo adds it by itself too; we pass it explicitly so --addons-path is complete.)
odoo_src_addons() {
    "$PYTHON" -c 'import odoo, os
p = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(odoo.__file__))), "addons")
print(p if os.path.isdir(os.path.join(p, "web")) else "")' 2>/dev/null
}

# --addons-path value: Odoo's addons (if separate) then this repository.
addons_path() {
    local src
    src="$(odoo_src_addons)"
    if [[ -n "$src" ]]; then
        printf '%s,%s' "$src" "$REPO_ROOT"
    else
        printf '%s' "$REPO_ROOT"
    fi
}

# Database connection options for Odoo, in the array DB_ARGS.
set_db_args() {
    [[ "$DB_USER" == postgres ]] &&
        die "Odoo refuses to connect as 'postgres': set ODOO_DB_USER to another role (see bin/setup)"
    DB_ARGS=("--db_user=$DB_USER")
    [[ -n "$DB_HOST" ]] && DB_ARGS+=("--db_host=$DB_HOST")
    [[ -n "$DB_PORT" ]] && DB_ARGS+=("--db_port=$DB_PORT")
    return 0
}

# A free TCP port on 127.0.0.1, starting the search at $1.
free_port() {
    "$PYTHON" - "$1" <<'EOF'
import socket, sys
start = int(sys.argv[1])
for port in range(start, start + 500):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        print(port)
        break
else:
    sys.exit(1)
EOF
}

# Odoo's data dir (filestore lives in <data_dir>/filestore/<db>).
odoo_data_dir() {
    "$PYTHON" -c 'import odoo.tools; odoo.tools.config.parse_config([]); print(odoo.tools.config["data_dir"])' 2>/dev/null
}

# Drop a database and its filestore. Never touches a database it was not asked to.
drop_db() {
    local db="$1" data_dir
    dropdb --if-exists --force "$db" 2>/dev/null || dropdb --if-exists "$db"
    data_dir="$(odoo_data_dir)"
    if [[ -n "$data_dir" && -d "$data_dir/filestore/$db" ]]; then
        rm -rf -- "${data_dir:?}/filestore/$db"
    fi
}

# Where Odoo (with this repository's addons path) finds module $1; empty if nowhere.
module_path() {
    "$PYTHON" - "$(addons_path)" "$1" <<'EOF' 2>/dev/null
import sys
import odoo
from odoo.tools import config
config.parse_config(["--addons-path=" + sys.argv[1]])
odoo.modules.module.initialize_sys_path()
print(odoo.modules.module.get_module_path(sys.argv[2], display_warning=False) or "")
EOF
}

# OCA queue_job, which the glue addon account_dunning_plans_queue needs (bin/setup
# installs the wheel of this version).
QUEUE_JOB_WHEEL="odoo-addon-queue-job==18.0.4.1.2.2"
queue_job_available() { [[ -n "$(module_path queue_job)" ]]; }

# Fail unless Odoo resolves the addon to this checkout (a pip-installed copy could shadow it).
check_addon_resolves_here() {
    local where
    where="$(module_path "$ADDON")"
    if [[ "$where" != "$REPO_ROOT/$ADDON" ]]; then
        die "Odoo would load $ADDON from '${where:-nowhere}', not from $REPO_ROOT/$ADDON (an installed copy shadows it? try: $PYTHON -m pip uninstall odoo-addon-$ADDON)"
    fi
}

# What bin/setup provides, listed when missing (empty output: nothing is missing).
# Python modules: those the tests and linters import.
missing_setup() {
    odoo_importable || echo "Odoo 18 (import odoo)"
    pg_ready || echo "PostgreSQL (pg_isready)"
    pg_ready && ! pg_login_ok && echo "PostgreSQL role '$DB_USER'"
    local module
    for module in pre_commit ruff pylint_odoo freezegun hypothesis websocket aiosmtpd; do
        "$PYTHON" -c "import $module" >/dev/null 2>&1 || echo "python module $module"
    done
    odoo_importable && ! queue_job_available && echo "OCA queue_job ($QUEUE_JOB_WHEEL)"
    return 0
}

# Run bin/setup when something it provides is missing (bin/test, bin/demo, .ci/run).
ensure_setup() {
    local missing
    missing="$(missing_setup | paste -sd ',' - | sed 's/,/, /g')"
    [[ -z "$missing" ]] && return 0
    info "missing: $missing; running bin/setup"
    if ! "$REPO_ROOT/bin/setup" </dev/null; then
        die "bin/setup failed, so this cannot run on this machine (see above). Odoo 18 must be importable and PostgreSQL must answer; if Odoo's source cannot be downloaded here, run bin/setup --odoo-src /path/to/odoo-18.0 (directory or archive) once."
    fi
}

require_odoo_and_pg() {
    odoo_importable ||
        die "Odoo 18 is not importable with $PYTHON ('import odoo' fails): run bin/setup first"
    pg_ready ||
        die "PostgreSQL does not answer (pg_isready${DB_HOST:+ -h $DB_HOST}): run bin/setup first"
    pg_login_ok ||
        die "cannot log in to PostgreSQL as role '$DB_USER': run bin/setup first (it creates the role)"
}
