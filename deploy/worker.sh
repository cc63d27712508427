#!/bin/sh
# A background worker for the configured tasks backend (the Procfile's worker lines; systemd units run the same
# commands directly). Arguments: the queues it serves (default: all of them).
#   database: `manage.py worker --queues a,b`: one thread per queue, reconnects after database errors and
#             restarts background chains that went silent.
#   rq:       `manage.py rqworker a b --with-scheduler` (RQ's scheduler moves deferred links to their queue),
#             beside the chain watchdog `manage.py worker --queues=` (no queue: it only restarts chains).
set -eu
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}
if [ "$#" -eq 0 ]; then set -- default periodic_fast periodic_slow; fi
case "${FAIRDESK_TASKS_BACKEND:-database}" in
  database)
    queues=$(printf '%s,' "$@")
    exec "$PYTHON" manage.py worker --queues "${queues%,}"
    ;;
  rq)
    "$PYTHON" manage.py worker --queues= &
    watchdog=$!
    trap 'kill -TERM "$watchdog" 2>/dev/null || true' EXIT
    trap 'exit 143' TERM INT
    "$PYTHON" manage.py rqworker "$@" --with-scheduler
    ;;
  *)
    echo "FAIRDESK_TASKS_BACKEND must be database or rq" >&2
    exit 2
    ;;
esac
