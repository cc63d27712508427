"""Settings come from the environment, strictly."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from fairdesk.core.env import env_bool, env_int, env_list, env_str


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("1", True), ("off", False), ("No", False)])
def test_booleans(monkeypatch, raw, expected):
    monkeypatch.setenv("FAIRDESK_FLAG", raw)
    assert env_bool("FAIRDESK_FLAG", not expected) is expected


def test_a_malformed_boolean_is_an_error_not_false(monkeypatch):
    monkeypatch.setenv("FAIRDESK_FLAG", "ture")
    with pytest.raises(ImproperlyConfigured):
        env_bool("FAIRDESK_FLAG", False)


def test_required_strings_and_lists(monkeypatch):
    monkeypatch.delenv("FAIRDESK_SECRET", raising=False)
    with pytest.raises(ImproperlyConfigured):
        env_str("FAIRDESK_SECRET")
    monkeypatch.setenv("FAIRDESK_HOSTS", "a.example, b.example,")
    assert env_list("FAIRDESK_HOSTS", []) == ["a.example", "b.example"]
    monkeypatch.setenv("FAIRDESK_N", "x")
    with pytest.raises(ImproperlyConfigured):
        env_int("FAIRDESK_N", 1)


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    import os
    import subprocess
    import sys

    from fairdesk.testing.liveserver import REPO

    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env["DJANGO_SETTINGS_MODULE"] = "fairdesk.settings"
    done = subprocess.run(
        [sys.executable, str(REPO / "manage.py"), "check"], env=env, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "SECRET_KEY must be set" in done.stderr


def test_secure_defaults_when_debug_is_off(settings):
    assert settings.DEBUG is False
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.X_FRAME_OPTIONS == "DENY"
    assert settings.SECURE_HSTS_SECONDS > 0
