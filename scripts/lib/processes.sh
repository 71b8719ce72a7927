# shellcheck shell=bash
# Run a command so that signals reach it and every process it started.
#
# Sourced by the scripts in scripts/. A command run in the foreground of a shell script keeps the
# script from handling a signal until the command ends, so `kill SCRIPT` would leave a test run
# going; run_forwarding runs the command in the background instead, waits for it, and passes
# SIGTERM and SIGHUP on to it and every process it started (a parallel test runner's workers too).
# Ctrl-C on a terminal reaches the whole foreground process group by itself, so SIGINT is passed on
# only when it arrived some other way. A second SIGTERM or SIGHUP kills outright.
#
# The processes are found through their parent links and through a variable put in their
# environment, which still finds them after a process in between has died.
#
# A signal that arrives while no command is running makes the script exit (its EXIT trap runs).
# After run_forwarding returns, SIGNALLED names the last signal received (INT, TERM, HUP) or is
# empty. An EXIT trap should call stop_children.

SIGNALLED=""
_forward_child=""
_forwarding=""
_forward_count=0

# descendants PID: the PIDs of PID's children, grandchildren, ...
descendants() {
    local kid
    for kid in $(pgrep -P "$1" 2>/dev/null || true); do
        echo "$kid"
        descendants "$kid"
    done
}

# marked: the PIDs of the processes started through run_forwarding by this script.
marked() {
    grep -lsz "^WAYPOINT_FORWARD_$$=" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 || true
}

# started: the PIDs of everything run_forwarding started that is still there.
started() {
    {
        if [[ -n "$_forward_child" ]]; then
            echo "$_forward_child"
            descendants "$_forward_child"
        fi
        marked
    } | sort -un
}

# alive PID...: those of the PIDs whose process still runs (not a zombie).
alive() {
    local pid state
    for pid in "$@"; do
        state=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -c1)
        [[ -z "$state" || "$state" == Z ]] || echo "$pid"
    done
}

# wait_gone SECONDS PID...: wait until none of the PIDs runs; false when some still do.
wait_gone() {
    local tenths=$(($1 * 10)) remaining
    shift
    while true; do
        remaining=$(alive "$@")
        [[ -n "$remaining" ]] || return 0
        ((tenths-- > 0)) || return 1
        sleep 0.1
    done
}

# unmarked CMD [ARG...]: run CMD without the marks of run_forwarding (this script's and its
# callers'), for a process that must not get the signals passed on (a server that the script stops
# by itself).
unmarked() {
    local -a unset=()
    local name
    for name in $(compgen -e); do
        [[ "$name" != WAYPOINT_FORWARD_* ]] || unset+=(-u "$name")
    done
    env "${unset[@]}" "$@"
}

_in_terminal_foreground() {
    local ids pgid tpgid
    ids=$(ps -o pgid=,tpgid= -p $$ 2>/dev/null || true)
    read -r pgid tpgid <<<"$ids" || true
    [[ -n "${pgid:-}" && "$pgid" == "${tpgid:-}" ]]
}

_forward_signal() {
    local signal=$1 pids
    SIGNALLED=$signal
    if [[ -z "$_forwarding" ]]; then
        exit $((128 + $(kill -l "$signal")))
    fi
    if [[ "$signal" == INT ]]; then
        _in_terminal_foreground && return 0
    else
        _forward_count=$((_forward_count + 1))
        ((_forward_count > 1)) && signal=KILL
    fi
    pids=$(started)
    # shellcheck disable=SC2086
    [[ -z "$pids" ]] || kill -s "$signal" $pids 2>/dev/null || true
}

trap '_forward_signal INT' INT
trap '_forward_signal TERM' TERM
trap '_forward_signal HUP' HUP

_forward_start() {
    # A shell ignores SIGINT and SIGQUIT in background commands; give them back.
    trap - INT QUIT TERM HUP
    export "WAYPOINT_FORWARD_$$=1"
    if declare -F "$1" >/dev/null; then
        "$@"
    else
        exec "$@"
    fi
}

# run_forwarding CMD [ARG...]: run CMD (a program or a shell function) with the current standard
# input and return its exit status.
run_forwarding() {
    local status
    _forwarding=1
    if [[ -e /proc/self/fd/0 ]]; then
        _forward_start "$@" <&0 &
    else
        # A closed standard input (possible under CI) cannot be passed on.
        _forward_start "$@" </dev/null &
    fi
    _forward_child=$!
    while true; do
        status=0
        wait "$_forward_child" || status=$?
        # wait returns early when a trapped signal arrives; go on until the command has ended.
        [[ -d /proc/$_forward_child ]] || break
    done
    _forward_child=""
    if [[ -n "$SIGNALLED" ]]; then
        # Processes that got the signal too may still be cleaning up (with-postgres removing its
        # cluster): give them time before going on.
        # shellcheck disable=SC2046
        wait_gone 30 $(marked) || true
    fi
    _forwarding=""
    return "$status"
}

# stop_children: end whatever run_forwarding started that is still running, including processes its
# command left behind: SIGTERM, then SIGKILL to those still there 10 seconds later.
stop_children() {
    local pids
    pids=$(started)
    [[ -n "$pids" ]] || return 0
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null || true
    # shellcheck disable=SC2086
    if ! wait_gone 10 $pids; then
        # shellcheck disable=SC2046,SC2086
        kill -KILL $(alive $pids) 2>/dev/null || true
    fi
}
