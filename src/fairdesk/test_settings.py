"""Settings for the test suite: DEBUG off paths still exercised, fast hashing, in-memory email."""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-secret-key-long-enough-for-the-deploy-check-0123456789abcdef")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")

from fairdesk.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests call services directly; tasks are recorded, not run (the worker is tested as a real process).
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": FAIRDESK_TASK_QUEUES}  # noqa: F405
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": None}  # noqa: F405  in-memory
# Unit tests render templates without a collectstatic run; the manifest storage is tested on a real server
# (core/tests/test_compression.py).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# The live channel: the in-memory layer, whatever the environment says (core/tests/test_live.py runs the Redis
# layer through real servers).
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
FAIRDESK_LIVE_URL = ""
