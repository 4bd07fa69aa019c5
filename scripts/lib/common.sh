# shellcheck shell=bash
# Shared helpers for scripts/test and scripts/bench. Source it, do not run it:
#
#   . "$(dirname "$0")/lib/common.sh"
#   linli_install_traps            # cleanup on EXIT, INT, TERM
#   linli_step "Starting things"   # banner with elapsed seconds
#
# Everything a helper starts registers its own cleanup (linli_on_exit), so the
# caller only has to install the traps once. Helpers never skip: when something
# they need cannot be had they print why and return non-zero (callers run with
# `set -e`, so the script fails).

# Repository root (scripts/lib/common.sh -> ../..).
LINLI_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export LINLI_ROOT

LINLI_T0_NS="$(date +%s%N)"

# ---------------------------------------------------------------- output

linli_elapsed() { # seconds since common.sh was sourced, one decimal
    local now
    now="$(date +%s%N)"
    awk -v a="$LINLI_T0_NS" -v b="$now" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'
}

linli_step() { # banner for a step
    printf '\n==> [%6ss] %s\n' "$(linli_elapsed)" "$*" >&2
}

linli_info() { printf '    %s\n' "$*" >&2; }

linli_die() {
    printf '\nERROR: %s\n' "$*" >&2
    exit 1
}

# ---------------------------------------------------------------- cleanup

LINLI_CLEANUPS=()

linli_on_exit() { # register a command string to run at exit (run in reverse order)
    LINLI_CLEANUPS+=("$1")
}

linli_run_cleanups() {
    local rc=$? i
    set +e
    trap - EXIT INT TERM
    for ((i = ${#LINLI_CLEANUPS[@]} - 1; i >= 0; i--)); do
        eval "${LINLI_CLEANUPS[$i]}"
    done
    LINLI_CLEANUPS=()
    return "$rc"
}

linli_install_traps() {
    trap linli_run_cleanups EXIT
    trap 'echo "interrupted" >&2; exit 130' INT
    trap 'echo "terminated" >&2; exit 143' TERM
}

# ---------------------------------------------------------------- misc

linli_python() { # a python3 with the standard library (prefer the system one)
    if [[ -x /usr/bin/python3 ]]; then
        echo /usr/bin/python3
    elif command -v python3 >/dev/null 2>&1; then
        command -v python3
    else
        return 1
    fi
}

linli_free_port() { # print a TCP port that is free on 127.0.0.1 right now
    local py port i
    if py="$(linli_python)" &&
        port="$("$py" -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()' 2>/dev/null)" &&
        [[ -n "$port" ]]; then
        echo "$port"
        return 0
    fi
    # No python: probe random high ports until nothing answers.
    for ((i = 0; i < 200; i++)); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    echo "no free port found" >&2
    return 1
}

linli_sudo() { # run as root (we usually are root already)
    if [[ ${EUID:-$(id -u)} -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -n "$@"
    else
        echo "need root to run: $*" >&2
        return 1
    fi
}

# ---------------------------------------------------------------- Debian packages

LINLI_APT_UPDATED=0

linli_deb_installed() { # is this Debian package installed?
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# linli_ensure_debs PKG... : install the missing ones (apt-get update at most once).
linli_ensure_debs() {
    local missing=() p
    for p in "$@"; do
        linli_deb_installed "$p" || missing+=("$p")
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0
    command -v apt-get >/dev/null 2>&1 ||
        linli_die "missing packages (${missing[*]}) and no apt-get to install them; install them by hand"
    linli_info "installing Debian packages: ${missing[*]}"
    local log
    log="$(mktemp /tmp/linli-apt.XXXXXX.log)"
    if [[ $LINLI_APT_UPDATED -eq 0 ]]; then
        if ! linli_sudo apt-get -o DPkg::Lock::Timeout=300 update >"$log" 2>&1; then
            tail -n 20 "$log" >&2
            rm -f "$log"
            linli_die "apt-get update failed; cannot install: ${missing[*]}"
        fi
        LINLI_APT_UPDATED=1
    fi
    if ! linli_sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 \
        install -y --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
        tail -n 30 "$log" >&2
        rm -f "$log"
        linli_die "apt-get install failed for: ${missing[*]} (see the lines above)"
    fi
    rm -f "$log"
    for p in "${missing[@]}"; do
        linli_deb_installed "$p" || linli_die "package $p is still not installed after apt-get install"
    done
}

# ---------------------------------------------------------------- PostgreSQL

linli_pg_bindir() { # newest installed /usr/lib/postgresql/N/bin that has initdb
    local d best="" best_v=0 v
    for d in /usr/lib/postgresql/*/bin; do
        [[ -x "$d/initdb" && -x "$d/pg_ctl" ]] || continue
        v="$(basename "$(dirname "$d")")"
        [[ "$v" =~ ^[0-9]+$ ]] || continue
        if ((v > best_v)); then
            best_v=$v
            best=$d
        fi
    done
    [[ -n "$best" ]] || return 1
    echo "$best"
}

linli_ensure_postgres() { # server binaries (any major version) + client
    if ! linli_pg_bindir >/dev/null; then
        linli_ensure_debs postgresql
    fi
    linli_pg_bindir >/dev/null ||
        linli_die "PostgreSQL installed but no /usr/lib/postgresql/*/bin/initdb found"
}

_linli_as_pg() { # run a command as the postgres OS user when we are root (initdb refuses root)
    if [[ ${EUID:-$(id -u)} -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# _linli_pg_initdb DIR NAME: a new cluster in DIR/NAME (initdb and pg_ctl complain when the
# cwd is unreadable for postgres: they run from DIR).
_linli_pg_initdb() {
    if ! (cd "$1" && _linli_as_pg "$LINLI_PG_BIN/initdb" -D "$1/$2" -U postgres \
        -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$1/initdb.log" 2>&1); then
        cat "$1/initdb.log" >&2
        linli_die "initdb failed ($LINLI_PG_BIN/initdb)"
    fi
}

# _linli_pg_ctl_start DIR NAME LOG PORT OPTS: starts the cluster DIR/NAME on 127.0.0.1:PORT,
# its socket in DIR, its log in DIR/LOG; fails (status 1) when it does not come up.
_linli_pg_ctl_start() {
    # shellcheck disable=SC2086 # $5 is a list of flags on purpose
    (cd "$1" && _linli_as_pg "$LINLI_PG_BIN/pg_ctl" -D "$1/$2" -l "$1/$3" -w -t 60 \
        -o "-p $4 -h 127.0.0.1 -k $1 $5" start >>"$1/pg_ctl.log" 2>&1)
}

# linli_pg_start MODE
#   MODE=test    : cluster in /dev/shm, fsync off etc. (fast, NOT durable)
#   MODE=durable : cluster on disk (/var/tmp), durable, sized for a province (benchmarks)
# Sets and exports: LINLI_PG_BIN LINLI_PG_DIR LINLI_PG_PORT LINLI_PG_ADMIN_URL
# (postgres://postgres@127.0.0.1:PORT/postgres). One cluster per shell.
linli_pg_start() {
    local mode="${1:-test}" base opts attempt port
    case "$mode" in
    test)
        base=/dev/shm
        opts="-F -c full_page_writes=off -c synchronous_commit=off -c max_connections=300"
        ;;
    durable)
        # Sized as a server holding a province would be (3 GB of tables at scale 10): the
        # defaults' 128 MB of buffers and a checkpoint every 1 GB of WAL would make a bulk
        # load write most pages twice (full-page images after each checkpoint).
        base=/var/tmp
        opts="-c shared_buffers=1GB -c max_wal_size=8GB -c checkpoint_timeout=15min"
        ;;
    *) linli_die "linli_pg_start: unknown mode $mode" ;;
    esac
    linli_ensure_postgres
    LINLI_PG_BIN="$(linli_pg_bindir)"
    if [[ ${EUID:-$(id -u)} -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
        linli_die "no 'postgres' OS user (the postgresql package normally creates it); initdb refuses to run as root"
    fi
    LINLI_PG_DIR="$(mktemp -d "$base/linli-pg.XXXXXX")"
    linli_on_exit "linli_pg_stop"
    if [[ ${EUID:-$(id -u)} -eq 0 ]]; then
        chown postgres:postgres "$LINLI_PG_DIR"
    fi
    _linli_pg_initdb "$LINLI_PG_DIR" data
    for attempt in 1 2 3; do
        port="$(linli_free_port)"
        if _linli_pg_ctl_start "$LINLI_PG_DIR" data server.log "$port" "$opts"; then
            LINLI_PG_PORT=$port
            LINLI_PG_ADMIN_URL="postgres://postgres@127.0.0.1:$port/postgres"
            export LINLI_PG_BIN LINLI_PG_DIR LINLI_PG_PORT LINLI_PG_ADMIN_URL
            linli_info "PostgreSQL $(basename "$(dirname "$LINLI_PG_BIN")") ($mode) on 127.0.0.1:$port, data in $LINLI_PG_DIR"
            return 0
        fi
        linli_info "pg_ctl start failed on port $port (attempt $attempt)"
        (cd "$LINLI_PG_DIR" && _linli_as_pg "$LINLI_PG_BIN/pg_ctl" -D "$LINLI_PG_DIR/data" -m immediate -w stop) >/dev/null 2>&1 || true
    done
    tail -n 30 "$LINLI_PG_DIR/pg_ctl.log" "$LINLI_PG_DIR/server.log" >&2 2>/dev/null || true
    linli_die "could not start PostgreSQL"
}

linli_psql() { # linli_psql [psql args...] against the running cluster, db postgres by default
    "$LINLI_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$LINLI_PG_PORT" -U postgres "$@"
}

linli_pg_stop() { # idempotent
    [[ -n "${LINLI_PG_DIR:-}" && -d "$LINLI_PG_DIR" ]] || return 0
    if [[ -f "$LINLI_PG_DIR/data/postmaster.pid" ]]; then
        (cd "$LINLI_PG_DIR" && _linli_as_pg "$LINLI_PG_BIN/pg_ctl" -D "$LINLI_PG_DIR/data" -m fast -w -t 30 stop) >/dev/null 2>&1 ||
            (cd "$LINLI_PG_DIR" && _linli_as_pg "$LINLI_PG_BIN/pg_ctl" -D "$LINLI_PG_DIR/data" -m immediate -w -t 30 stop) >/dev/null 2>&1 ||
            echo "warning: could not stop PostgreSQL in $LINLI_PG_DIR" >&2
    fi
    rm -rf "$LINLI_PG_DIR"
    LINLI_PG_DIR=""
}

# linli_pg_pair_start
#   A second throwaway cluster with a streaming replica beside it, for the read-replica
#   tests (their writes alone are replicated, not the whole suite's). Needs linli_pg_start
#   first (for LINLI_PG_BIN). Sets and exports LINLI_PG_PAIR_PRIMARY_URL and
#   LINLI_PG_PAIR_REPLICA_URL (database postgres on each).
linli_pg_pair_start() {
    local dir primary replica opts="-F -c full_page_writes=off -c synchronous_commit=off -c max_connections=100"
    dir="$(mktemp -d /dev/shm/linli-pgpair.XXXXXX)"
    LINLI_PG_PAIR_DIR="$dir"
    export LINLI_PG_PAIR_DIR
    linli_on_exit "linli_pg_pair_stop"
    [[ ${EUID:-$(id -u)} -eq 0 ]] && chown postgres:postgres "$dir"
    _linli_pg_initdb "$dir" primary
    primary="$(linli_free_port)"
    _linli_pg_ctl_start "$dir" primary primary.log "$primary" "$opts" ||
        linli_die "could not start the pair's primary: $(tail -n 20 "$dir/primary.log")"
    (cd "$dir" && _linli_as_pg "$LINLI_PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$primary" -U postgres \
        -D "$dir/replica" -R -X stream --no-sync >"$dir/basebackup.log" 2>&1) ||
        linli_die "pg_basebackup failed: $(tail -n 20 "$dir/basebackup.log")"
    replica="$(linli_free_port)"
    _linli_pg_ctl_start "$dir" replica replica.log "$replica" "$opts" ||
        linli_die "could not start the replica: $(tail -n 20 "$dir/replica.log")"
    LINLI_PG_PAIR_PRIMARY_URL="postgres://postgres@127.0.0.1:$primary/postgres"
    LINLI_PG_PAIR_REPLICA_URL="postgres://postgres@127.0.0.1:$replica/postgres"
    export LINLI_PG_PAIR_PRIMARY_URL LINLI_PG_PAIR_REPLICA_URL
    linli_info "PostgreSQL primary 127.0.0.1:$primary with a streaming replica on 127.0.0.1:$replica"
}

linli_pg_pair_stop() { # idempotent; the replica first
    [[ -n "${LINLI_PG_PAIR_DIR:-}" && -d "$LINLI_PG_PAIR_DIR" ]] || return 0
    local d
    for d in replica primary; do
        if [[ -f "$LINLI_PG_PAIR_DIR/$d/postmaster.pid" ]]; then
            (cd "$LINLI_PG_PAIR_DIR" && _linli_as_pg "$LINLI_PG_BIN/pg_ctl" -D "$LINLI_PG_PAIR_DIR/$d" -m immediate -w -t 30 stop) >/dev/null 2>&1 ||
                echo "warning: could not stop PostgreSQL in $LINLI_PG_PAIR_DIR/$d" >&2
        fi
    done
    rm -rf "$LINLI_PG_PAIR_DIR"
    LINLI_PG_PAIR_DIR=""
}

# ---------------------------------------------------------------- chromedriver

LINLI_CHROME_BIN_DEFAULT=/usr/bin/chromium

linli_ensure_chromium() {
    linli_ensure_debs chromium chromium-driver fonts-noto-cjk curl procps
    command -v chromedriver >/dev/null 2>&1 || linli_die "chromedriver not found after installing chromium-driver"
    [[ -x "${LINLI_CHROME_BIN:-$LINLI_CHROME_BIN_DEFAULT}" ]] ||
        linli_die "Chromium binary ${LINLI_CHROME_BIN:-$LINLI_CHROME_BIN_DEFAULT} not found"
}

_linli_descendants() { # pids of all descendants of $1
    local child
    for child in $(pgrep -P "$1" 2>/dev/null); do
        echo "$child"
        _linli_descendants "$child"
    done
}

# linli_kill_tree PID : TERM the process and everything it spawned, KILL after 5 s.
linli_kill_tree() {
    local pid="$1" pids i
    kill -0 "$pid" 2>/dev/null || return 0
    pids="$pid $(_linli_descendants "$pid" | tr '\n' ' ')"
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        # shellcheck disable=SC2086
        kill -0 $pids 2>/dev/null || break
        sleep 0.1
    done
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# linli_chromedriver_start : sets and exports LINLI_CHROMEDRIVER_PID LINLI_CHROMEDRIVER_PORT
# LINLI_CHROMEDRIVER_URL LINLI_CHROMEDRIVER_DIR (log: $LINLI_CHROMEDRIVER_DIR/chromedriver.log).
linli_chromedriver_start() {
    local attempt port deadline
    linli_ensure_chromium
    LINLI_CHROMEDRIVER_DIR="$(mktemp -d /tmp/linli-chromedriver.XXXXXX)"
    linli_on_exit "linli_chromedriver_stop"
    for attempt in 1 2 3; do
        port="$(linli_free_port)"
        # TMPDIR: Chromium's profile dirs land in our temp dir and go away with it.
        TMPDIR="$LINLI_CHROMEDRIVER_DIR" chromedriver --port="$port" --allowed-ips=127.0.0.1 \
            --log-path="$LINLI_CHROMEDRIVER_DIR/chromedriver.log" >"$LINLI_CHROMEDRIVER_DIR/stdout.log" 2>&1 &
        LINLI_CHROMEDRIVER_PID=$!
        deadline=$(($(date +%s) + 30))
        while (($(date +%s) < deadline)); do
            if ! kill -0 "$LINLI_CHROMEDRIVER_PID" 2>/dev/null; then
                break
            fi
            if curl -fsS --max-time 2 "http://127.0.0.1:$port/status" 2>/dev/null | grep -Eq '"ready"[[:space:]]*:[[:space:]]*true'; then
                LINLI_CHROMEDRIVER_PORT=$port
                LINLI_CHROMEDRIVER_URL="http://127.0.0.1:$port"
                export LINLI_CHROMEDRIVER_PID LINLI_CHROMEDRIVER_PORT LINLI_CHROMEDRIVER_URL LINLI_CHROMEDRIVER_DIR
                linli_info "chromedriver $(chromedriver --version 2>/dev/null | awk '{print $2}') on $LINLI_CHROMEDRIVER_URL (pid $LINLI_CHROMEDRIVER_PID)"
                return 0
            fi
            sleep 0.1
        done
        linli_info "chromedriver not ready on port $port (attempt $attempt)"
        linli_kill_tree "$LINLI_CHROMEDRIVER_PID"
        LINLI_CHROMEDRIVER_PID=""
    done
    tail -n 30 "$LINLI_CHROMEDRIVER_DIR/stdout.log" "$LINLI_CHROMEDRIVER_DIR/chromedriver.log" >&2 2>/dev/null || true
    linli_die "chromedriver did not become ready within 30 s"
}

linli_chromedriver_stop() { # idempotent; also ends browsers it left behind
    if [[ -n "${LINLI_CHROMEDRIVER_PID:-}" ]]; then
        linli_kill_tree "$LINLI_CHROMEDRIVER_PID"
        LINLI_CHROMEDRIVER_PID=""
    fi
    if [[ -n "${LINLI_CHROMEDRIVER_DIR:-}" && -d "$LINLI_CHROMEDRIVER_DIR" ]]; then
        rm -rf "$LINLI_CHROMEDRIVER_DIR"
    fi
    LINLI_CHROMEDRIVER_DIR=""
}

# ------------------------------------------------------------ axe-core
# The axe-core accessibility engine (the npm package), which the browser tests inject into
# each page through the WebDriver session. Installed once under the target dir (reused), so
# nothing global changes; npm comes from Debian when missing.
linli_axe_js() { # print the path of axe.min.js, installing axe-core first when needed
    _linli_npm_package "${LINLI_AXE_DIR:-$LINLI_ROOT/target/axe}" 'axe-core@^4' axe-core/axe.min.js
}

# ------------------------------------------------------------ npm packages
# A tool from npm (axe-core, lighthouse), installed once under the target dir and reused, so
# nothing global changes; npm comes from Debian when missing.
_linli_npm_package() { # _linli_npm_package DIR SPEC FILE -> prints DIR/node_modules/FILE
    local dir="$1" spec="$2" file="$1/node_modules/$3"
    if [[ ! -e "$file" ]]; then
        command -v npm >/dev/null 2>&1 || linli_ensure_debs npm
        linli_info "installing $spec into $dir"
        mkdir -p "$dir"
        npm install --prefix "$dir" --no-audit --no-fund --no-save --loglevel=error "$spec" >&2 \
            || linli_die "cannot install $spec from npm"
    fi
    [[ -e "$file" ]] || linli_die "$spec was installed but $file is missing"
    printf '%s\n' "$file"
}

linli_lighthouse_bin() { # print the path of the lighthouse command, installing it when needed
    _linli_npm_package "${LINLI_LIGHTHOUSE_DIR:-$LINLI_ROOT/target/lighthouse}" 'lighthouse@^12' .bin/lighthouse
}

# ------------------------------------------------------------ SMTP sink (aiosmtpd)
# A real SMTP server on 127.0.0.1 that stores every message it accepts in a maildir, for the
# e-mail sender's tests. aiosmtpd comes from PyPI into a venv kept under the target dir
# (created once, reused), so the system Python is left alone.
linli_smtp_venv() {
    local venv="${LINLI_SMTP_VENV:-$LINLI_ROOT/target/smtp-venv}"
    if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c 'import aiosmtpd' 2>/dev/null; then
        linli_info "installing aiosmtpd into $venv"
        if ! "$(linli_python)" -m venv "$venv" >/dev/null 2>&1; then
            linli_ensure_debs python3-venv
            "$(linli_python)" -m venv "$venv" || linli_die "cannot create a Python venv in $venv"
        fi
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check 'aiosmtpd>=1.4,<2' \
            || linli_die "cannot install aiosmtpd from PyPI"
    fi
    printf '%s\n' "$venv/bin/python"
}

linli_smtp_start() {
    local py port deadline
    py="$(linli_smtp_venv)"
    LINLI_SMTP_DIR="$(mktemp -d /tmp/linli-smtp.XXXXXX)"
    linli_on_exit "linli_smtp_stop"
    port="$(linli_free_port)"
    "$py" -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox "$LINLI_SMTP_DIR/mail" \
        >"$LINLI_SMTP_DIR/smtp.log" 2>&1 &
    LINLI_SMTP_PID=$!
    deadline=$(($(date +%s) + 20))
    while (($(date +%s) < deadline)); do
        kill -0 "$LINLI_SMTP_PID" 2>/dev/null || break
        if "$py" -c "import socket,sys; s=socket.create_connection(('127.0.0.1',$port),1); sys.exit(0 if s.recv(3)==b'220' else 1)" 2>/dev/null; then
            LINLI_SMTP_URL="smtp://127.0.0.1:$port"
            export LINLI_SMTP_PID LINLI_SMTP_URL LINLI_SMTP_DIR
            linli_info "aiosmtpd on $LINLI_SMTP_URL, mail in $LINLI_SMTP_DIR/mail (pid $LINLI_SMTP_PID)"
            return 0
        fi
        sleep 0.1
    done
    cat "$LINLI_SMTP_DIR/smtp.log" >&2 2>/dev/null || true
    linli_die "the SMTP server did not start within 20 s"
}

linli_smtp_stop() { # idempotent
    if [[ -n "${LINLI_SMTP_PID:-}" ]]; then
        linli_kill_tree "$LINLI_SMTP_PID"
        LINLI_SMTP_PID=""
    fi
    if [[ -n "${LINLI_SMTP_DIR:-}" && -d "$LINLI_SMTP_DIR" ]]; then
        rm -rf "$LINLI_SMTP_DIR"
    fi
    LINLI_SMTP_DIR=""
}
