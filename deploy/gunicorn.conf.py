"""gunicorn settings for fairdesk: `gunicorn -c deploy/gunicorn.conf.py fairdesk.wsgi` (the Procfile's web
line and deploy/systemd/fairdesk-web.service). Every value can be changed through the environment.

Threaded workers (gthread): a request mostly waits on PostgreSQL, the SMS gateway or the payment provider, so
threads are cheaper than processes; one process per core keeps Python's lock from becoming the limit. The
booking and plan-change benchmarks ran with 2 workers × 8 threads on 2 cores (README "Benchmarks").
Database connections: workers × threads per machine (CONN_MAX_AGE 60 s keeps them open): size PostgreSQL's
max_connections (or a PgBouncer pool in session mode) for every web machine plus the workers.
"""

import multiprocessing
import os
from pathlib import Path

pythonpath = str(Path(__file__).resolve().parent.parent / "src")  # works without `pip install` too
wsgi_app = "fairdesk.wsgi"
bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
worker_class = "gthread"
workers = int(os.environ.get("WEB_WORKERS") or multiprocessing.cpu_count())
threads = int(os.environ.get("WEB_THREADS") or 8)
backlog = 2048
# A request that takes longer is a bug or a stuck provider: the worker is restarted rather than hung.
timeout = int(os.environ.get("WEB_TIMEOUT") or 30)
graceful_timeout = 30  # a deploy (SIGTERM / HUP) lets running requests finish
keepalive = 5  # behind nginx's keep-alive upstream pool
# Recycle workers now and then (staggered) so a slow leak never takes a machine down.
max_requests = 2000
max_requests_jitter = 200
# Only the reverse proxy may say a request came over HTTPS (X-Forwarded-Proto; see SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
proc_name = "fairdesk-web"
