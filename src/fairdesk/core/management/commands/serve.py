"""Serve the site and run a background task worker beside it (what `make run` uses).

The worker is a separate process (`manage.py db_worker`); if either process exits, the other is stopped.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


def _sandbox_is_local() -> bool:
    """Start the demo payment sandbox only when payments point at it and nothing listens there yet."""
    import socket
    import urllib.parse

    url = urllib.parse.urlparse(settings.FAIRDESK_PAYMENT_SANDBOX_URL)
    if url.hostname not in {"127.0.0.1", "localhost"} or not url.port:
        return False
    with socket.socket() as sock:
        return sock.connect_ex((url.hostname, url.port)) != 0


class Command(BaseCommand):
    help = "Run the development web server together with a django-tasks database worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-worker", action="store_true")
        parser.add_argument(
            "--no-sandbox", action="store_true", help="do not start the local payment sandbox (port 8790)"
        )

    def handle(self, *args, **options):
        # SIGTERM (from a supervisor or a test) stops both children the same way Ctrl-C does.
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        manage = [sys.executable, os.path.abspath(sys.argv[0])]
        processes = []
        if not options["no_worker"]:
            subprocess.run([*manage, "notify_start"], check=True)  # noqa: S603 - our own manage.py
            processes.append(subprocess.Popen([*manage, "db_worker", "--interval", "1", "--no-reload"]))  # noqa: S603 - our own manage.py
        if not options["no_sandbox"] and _sandbox_is_local():
            port = settings.FAIRDESK_PAYMENT_SANDBOX_URL.rsplit(":", 1)[1].split("/")[0]
            processes.append(
                subprocess.Popen([sys.executable, "-m", "fairdesk.testing.payment_sandbox", "--port", port])  # noqa: S603
            )
        processes.append(
            subprocess.Popen([*manage, "runserver", f"{options['host']}:{options['port']}", "--noreload"])  # noqa: S603 - our own manage.py
        )
        self.stdout.write(f"serving http://{options['host']}:{options['port']}/ (Ctrl-C stops)")
        try:
            while all(process.poll() is None for process in processes):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGINT)
            for process in processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
