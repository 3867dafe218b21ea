#!/bin/sh
# Usage: sh bin/start.sh start|stop|restart <component>
# Components: zookeeper, nameserver, tablet, apiserver, standalone (and numbered copies such as
# tablet2, which read conf/tablet2.flags). Pid files go in run/, output in the log directory named
# by --openmldb_log_dir in the component's flag file (default ./logs), both inside this release.
# Environment: START_TIMEOUT (s, default 60), STOP_TIMEOUT (s, default 30),
#              ZOOKEEPER_CLASSPATH (default: the Debian zookeeper package's jars).
set -u

usage() {
    echo "usage: sh bin/start.sh start|stop|restart <zookeeper|nameserver|tablet|apiserver|standalone>" >&2
    exit 2
}

[ $# -ge 2 ] || usage
ACTION=$1
COMPONENT=$2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
BIN="$ROOT/bin/openmldb"
RUN_DIR="$ROOT/run"
PID_FILE="$RUN_DIR/$COMPONENT.pid"
START_TIMEOUT=${START_TIMEOUT:-60}
STOP_TIMEOUT=${STOP_TIMEOUT:-30}

case "$COMPONENT" in
    zookeeper) CONF="conf/zoo.cfg" ;;
    nameserver*|tablet*|apiserver*|standalone*) CONF="conf/$COMPONENT.flags" ;;
    *) echo "unknown component '$COMPONENT'" >&2; usage ;;
esac
ROLE=$(echo "$COMPONENT" | sed 's/[0-9]*$//')

flag_value() { # flag_value <name> <default>
    v=$(sed -n "s/^[[:space:]]*--$1=\(.*\)$/\1/p" "$CONF" 2>/dev/null | tail -n 1)
    if [ -n "$v" ]; then echo "$v"; else echo "$2"; fi
}

if [ "$COMPONENT" = zookeeper ]; then
    LOG_DIR="$ROOT/logs"
else
    LOG_DIR=$(flag_value openmldb_log_dir ./logs)
fi
LOG_FILE="$LOG_DIR/$COMPONENT.log"

running_pid() { # prints the pid if the pid file names a live process
    [ -f "$PID_FILE" ] || return 1
    pid=$(cat "$PID_FILE" 2>/dev/null)
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

probe() {
    if [ "$COMPONENT" = zookeeper ]; then
        port=$(sed -n 's/^[[:space:]]*clientPort=\([0-9]*\).*/\1/p' "$CONF" | tail -n 1)
        addr=$(sed -n 's/^[[:space:]]*clientPortAddress=\(.*\)$/\1/p' "$CONF" | tail -n 1)
        "$BIN" --role=probe --zk_cluster="${addr:-127.0.0.1}:${port:-2181}" >/dev/null 2>&1
    else
        "$BIN" --role=probe --endpoint="$(flag_value endpoint '')" >/dev/null 2>&1
    fi
}

do_start() {
    if pid=$(running_pid); then
        echo "$COMPONENT already running (pid $pid)"
        return 0
    fi
    [ -f "$CONF" ] || { echo "Start $COMPONENT failed: $CONF not found" >&2; return 1; }
    mkdir -p "$RUN_DIR" "$LOG_DIR"
    if [ "$COMPONENT" = zookeeper ]; then
        cp="${ZOOKEEPER_CLASSPATH:-/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar}"
        [ -f /usr/share/java/zookeeper.jar ] || [ -n "${ZOOKEEPER_CLASSPATH:-}" ] || {
            echo "Start zookeeper failed: /usr/share/java/zookeeper.jar missing (apt-get install zookeeper)" >&2
            return 1
        }
        nohup java -Xmx512m -Dzookeeper.admin.enableServer=false -cp "$cp" \
            org.apache.zookeeper.server.quorum.QuorumPeerMain "$CONF" >>"$LOG_FILE" 2>&1 &
    else
        nohup "$BIN" --role="$ROLE" --flagfile="$CONF" >>"$LOG_FILE" 2>&1 &
    fi
    pid=$!
    echo "$pid" >"$PID_FILE"
    waited=0
    while [ "$waited" -lt "$START_TIMEOUT" ]; do
        if ! kill -0 "$pid" 2>/dev/null; then
            rm -f "$PID_FILE"
            echo "Start $COMPONENT failed: the process exited; last lines of $LOG_FILE:" >&2
            tail -n 20 "$LOG_FILE" >&2
            return 1
        fi
        if probe; then
            echo "Start $COMPONENT success (pid $pid)"
            return 0
        fi
        sleep 1
        waited=$((waited + 1))
    done
    echo "Start $COMPONENT failed: not ready after ${START_TIMEOUT}s; last lines of $LOG_FILE:" >&2
    tail -n 20 "$LOG_FILE" >&2
    return 1
}

do_stop() {
    if ! pid=$(running_pid); then
        rm -f "$PID_FILE"
        echo "$COMPONENT is not running"
        return 0
    fi
    kill "$pid" 2>/dev/null
    waited=0
    while kill -0 "$pid" 2>/dev/null; do
        if [ "$waited" -ge $((STOP_TIMEOUT * 5)) ]; then
            echo "$COMPONENT (pid $pid) did not exit within ${STOP_TIMEOUT}s; killing it"
            kill -9 "$pid" 2>/dev/null
            break
        fi
        sleep 0.2
        waited=$((waited + 1))
    done
    rm -f "$PID_FILE"
    echo "Stop $COMPONENT success"
}

case "$ACTION" in
    start) do_start ;;
    stop) do_stop ;;
    restart) do_stop && do_start ;;
    *) usage ;;
esac
