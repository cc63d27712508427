"""Production settings: `check --deploy` is clean with the documented environment
(deploy/fairdesk.env.example), SECRET_KEY is enforced, the tasks backend is chosen strictly, and the
Content-Security-Policy holds."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import django
import pytest
from django.conf import settings

from fairdesk.testing.liveserver import REPO

ENV_EXAMPLE = REPO / "deploy" / "fairdesk.env.example"


def documented_env() -> dict[str, str]:
    """The documented production variables, with a freshly generated secret in place of the placeholder."""
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    values["SECRET_KEY"] = secrets.token_urlsafe(50)
    return values


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    ours = documented_env()
    base = {k: v for k, v in os.environ.items() if k not in ours and not k.startswith("FAIRDESK_")}
    return subprocess.run(
        [sys.executable, str(REPO / "manage.py"), *args],
        env={**base, "DJANGO_SETTINGS_MODULE": "fairdesk.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("backend", ["rq", "database"])
def test_the_deploy_check_is_clean_with_the_documented_production_settings(backend):
    env = {**documented_env(), "FAIRDESK_TASKS_BACKEND": backend}
    assert env["DEBUG"] == "false"
    done = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_the_deploy_check_fails_when_a_safeguard_is_turned_off():
    env = {**documented_env(), "SECURE_SSL_REDIRECT": "false"}
    done = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert done.returncode != 0
    assert "security.W008" in done.stdout + done.stderr


@pytest.mark.parametrize(
    "secret",
    [
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLM",  # 49 characters
        "ab" * 30,  # long but only two distinct characters
        "django-insecure-" + secrets.token_urlsafe(50),  # Django's own development prefix
    ],
)
def test_production_refuses_a_weak_secret_key(secret):
    done = manage("check", env={**documented_env(), "SECRET_KEY": secret})
    assert done.returncode != 0
    assert "SECRET_KEY must be at least 50 random characters" in done.stderr


def test_a_50_character_secret_key_is_accepted():
    done = manage("check", env={**documented_env(), "SECRET_KEY": secrets.token_hex(25)})
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"FAIRDESK_TASKS_BACKEND": "celery"}, "must be database or rq"),
        ({"FAIRDESK_TASKS_BACKEND": "rq", "REDIS_URL": ""}, "REDIS_URL must be set"),
    ],
)
def test_the_tasks_backend_is_chosen_strictly(env, message):
    done = manage("check", env={**documented_env(), **env})
    assert done.returncode != 0
    assert message in done.stderr


def test_rq_settings_name_every_task_queue():
    done = manage(
        "shell",
        "-c",
        "from django.conf import settings; from django_tasks import task_backends; "
        "b = task_backends['default']; "
        "print(type(b).__name__, sorted(b.queues) == sorted(settings.RQ_QUEUES), settings.RQ['JOB_CLASS'])",
        env={**documented_env(), "FAIRDESK_TASKS_BACKEND": "rq"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1].split() == ["RQBackend", "True", "django_tasks_rq.Job"]


# --- Content-Security-Policy -------------------------------------------------------------------------------

TEMPLATE_DIRS = sorted(Path(settings.BASE_DIR / "src" / "fairdesk").glob("**/templates"))
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)


def test_templates_have_no_inline_scripts_handlers_or_styles():
    offenders = []
    for directory in TEMPLATE_DIRS:
        for path in directory.glob("**/*.html"):
            text = path.read_text()
            for pattern in (INLINE_SCRIPT, INLINE_HANDLER, STYLE_ATTRIBUTE, re.compile(r"<style\b", re.I)):
                name = path.relative_to(settings.BASE_DIR)
                offenders += [f"{name}: {m.group(0)[:60]}" for m in pattern.finditer(text)]
    assert TEMPLATE_DIRS and not offenders, offenders


@pytest.mark.django_db
def test_pages_carry_a_strict_policy(client):
    response = client.get("/coverage/")
    header = response["Content-Security-Policy"]
    policy = dict([*part.strip().split(" ", 1), ""][:2] for part in header.split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header
    html = response.content.decode()
    config = '{"includeIndicatorStyles": false, "allowEval": false}'
    assert f"<meta name=\"htmx-config\" content='{config}'>" in html
    assert "/static/fairdesk/coverage.js" in html


def test_the_admin_change_list_style_hash_matches_the_installed_django():
    template = Path(django.__file__).parent / "contrib/admin/templates/admin/change_list.html"
    inline = re.findall(r"<style>(.*?)</style>", template.read_text(), re.S)
    assert len(inline) == 1, "Django's change_list.html changed: review the CSP style-src hash in settings"
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" == settings.ADMIN_CHANGE_LIST_STYLE_HASH
    style_src = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["style-src"]
    assert settings.ADMIN_CHANGE_LIST_STYLE_HASH in style_src


# --- Documentation -----------------------------------------------------------------------------------------

ENV_READ = re.compile(
    r"""(?:env_(?:str|bool|int|list)|setting_int|os\.environ\.get|os\.environ\.setdefault)\(\s*["']([A-Z][A-Z0-9_]+)["']"""
)


def test_every_variable_production_reads_is_in_the_configuration_table():
    sources = [REPO / "deploy" / "gunicorn.conf.py"] + [
        path
        for path in (REPO / "src" / "fairdesk").rglob("*.py")
        if "tests" not in path.parts and "testing" not in path.parts and path.name != "test_settings.py"
    ]
    read = {name for path in sources for name in ENV_READ.findall(path.read_text())}
    read -= {"DJANGO_SETTINGS_MODULE"}
    readme = (REPO / "README.md").read_text()
    table = readme[readme.index("## Configuration (environment variables)") :]
    table = table[: table.index("\n## ")]
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", table))
    assert {"SECRET_KEY", "FAIRDESK_TASKS_BACKEND", "REDIS_URL", "WEB_WORKERS"} <= read
    assert read - documented == set()
    example = set(documented_env())
    assert example <= documented, example - documented


@pytest.mark.django_db
def test_the_push_button_takes_its_values_from_data_attributes(client, settings):
    from fairdesk.accounts.services import customer_get_or_create

    settings.FAIRDESK_VAPID_PUBLIC_KEY = "BPublicKeyForTheTest"
    session = client.session
    session["verified_phone"] = customer_get_or_create(phone="13800000009").phone
    session.save()
    html = client.get("/my/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    button = re.search(r'<button[^>]*id="push-button"[^>]*>', html, re.S)[0]
    assert 'data-vapid-key="BPublicKeyForTheTest"' in button
    assert 'data-subscribe-url="/api/v1/push/subscriptions"' in button
    assert re.search(r'data-csrf-token="[A-Za-z0-9]{32,}"', button)
    assert 'data-text-unsupported="' in button
    assert '<script src="/static/fairdesk/push.js" defer></script>' in html
    assert not INLINE_SCRIPT.search(html)
