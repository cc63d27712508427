#!/bin/sh
# The live channel's process (the Procfile's `live` line and deploy/systemd/fairdesk-live.service): uvicorn on
# fairdesk.asgi, serving only what the reverse proxy sends it: the WebSocket `/ws/live/` (deploy/nginx.conf).
# HTTP pages stay on gunicorn (fairdesk.wsgi). Web processes publish to it through Redis:
# FAIRDESK_CHANNEL_LAYER_URL must be set (the in-memory layer would reach nobody from gunicorn).
#   LIVE_BIND (default 127.0.0.1:$LIVE_PORT, LIVE_PORT default 8001), LIVE_WORKERS (default 1: one process
#   holds thousands of idle sockets), FORWARDED_ALLOW_IPS (the proxy; default 127.0.0.1), LOG_LEVEL.
set -eu
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}
bind=${LIVE_BIND:-127.0.0.1:${LIVE_PORT:-8001}}
level=$(printf '%s' "${LOG_LEVEL:-info}" | tr '[:upper:]' '[:lower:]')
if [ -z "${FAIRDESK_CHANNEL_LAYER_URL:-}" ]; then
  echo "live: FAIRDESK_CHANNEL_LAYER_URL is not set; web processes cannot reach this one (see README)" >&2
fi
exec "$PYTHON" -m uvicorn fairdesk.asgi:application \
  --app-dir src \
  --host "${bind%:*}" --port "${bind##*:}" \
  --workers "${LIVE_WORKERS:-1}" \
  --lifespan off \
  --proxy-headers --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}" \
  --ws-max-size 65536 \
  --ws-ping-interval 20 --ws-ping-timeout 20 \
  --timeout-graceful-shutdown 10 \
  --log-level "$level"
