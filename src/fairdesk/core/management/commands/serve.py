"""Serve the site and run a background task worker beside it (what `make run` uses).

The worker is a separate process (`manage.py db_worker`); if either process exits, the other is stopped.
"""

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the development web server together with a django-tasks database worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-worker", action="store_true")

    def handle(self, *args, **options):
        # SIGTERM (from a supervisor or a test) stops both children the same way Ctrl-C does.
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        manage = [sys.executable, os.path.abspath(sys.argv[0])]
        processes = []
        if not options["no_worker"]:
            subprocess.run([*manage, "notify_start"], check=True)  # noqa: S603 - our own manage.py
            processes.append(subprocess.Popen([*manage, "db_worker", "--interval", "1", "--no-reload"]))  # noqa: S603 - our own manage.py
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
