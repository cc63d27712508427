"""The exact stdin/stdout interface of `python manage.py resolve_areas`, run as a real process."""

import json
import os
import subprocess
import sys

import pytest

from fairdesk.testing.liveserver import REPO, fresh_database_url

KEYS = ["input", "adcode", "level", "province", "city", "county", "town", "street", "abolished", "successors"]


@pytest.fixture(scope="module")
def database_env():
    with fresh_database_url() as url:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DEBUG": "true",
            "DJANGO_SETTINGS_MODULE": "fairdesk.settings",
        }
        manage = [sys.executable, str(REPO / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
        subprocess.run([*manage, "import_divisions", "--no-progress", "-v0"], env=env, check=True)
        yield env, manage


def test_one_json_object_per_line_in_input_order_and_exit_zero(database_env):
    env, manage = database_env
    lines = ["南昌市湾里区", "不是地址", "东莞市虎门镇", "", "江苏省南京市建邺区江东中路108号3栋"]
    done = subprocess.run(
        [*manage, "resolve_areas"], env=env, input="\n".join(lines) + "\n", capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [row["input"] for row in out] == lines
    assert list(out[0]) == KEYS
    assert out[0]["adcode"] == "360105" and out[0]["abolished"] is True and out[0]["successors"] == ["360112"]
    assert set(out[1]) == {"input", "error"} and out[1]["error"]
    assert out[2]["level"] == "city" and out[2]["town"] == "虎门镇" and out[2]["county"] is None
    assert set(out[3]) == {"input", "error"}
    assert out[4]["street"] == "江东中路108号3栋"


def test_import_divisions_is_idempotent(database_env):
    env, manage = database_env
    done = subprocess.run(
        [*manage, "import_divisions", "--no-progress"], env=env, capture_output=True, text=True, check=True
    )
    assert "0 created, 0 updated" in done.stdout
