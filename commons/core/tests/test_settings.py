import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from commons.lib import env

ROOT = Path(__file__).resolve().parents[3]
SETTINGS = (ROOT / "commons" / "settings.py").read_text()
DOCS = (ROOT / "docs" / "configuration.md").read_text()

PRODUCTION = {
    "SECRET_KEY": "x" * 20 + "-production-like-secret-key-with-enough-entropy-0123456789",
    "ALLOWED_HOSTS": "commons.example.org",
    "SITE_URL": "https://commons.example.org",
    "DATABASE_URL": "sqlite:////tmp/commons-deploy-check.sqlite3",
    "EMAIL_BACKEND": "smtp",
}


# Variables the test run sets that a production deployment would not.
DEVELOPMENT_ONLY = {
    "DEBUG",
    "EMAIL_BACKEND",
    "SECURE_SSL_REDIRECT",
    "TASKS_BACKEND",
    "PASSWORD_BREACH_CHECK",
}


def _read_in_settings() -> set[str]:
    return set(re.findall(r'env_(?:str|bool|int|list|choice)\(\s*"([A-Z0-9_]+)"', SETTINGS))


def _documented() -> set[str]:
    return set(re.findall(r"^\| `([A-Z0-9_]+)` \|", DOCS, flags=re.MULTILINE))


def test_every_setting_is_documented():
    assert _read_in_settings() - _documented() == set()


def test_the_documentation_lists_no_setting_that_does_not_exist():
    assert _documented() - _read_in_settings() == set()


def test_every_variable_read_at_start_up_was_found_by_the_scan():
    assert _read_in_settings() >= env.READ


def _run(code: str, extra: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if k not in PRODUCTION and k not in DEVELOPMENT_ONLY
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "commons.settings", **extra},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_with_production_like_settings(tmp_path):
    result = _run(
        "from commons.cli import main; main(['check', '--deploy', '--fail-level', 'WARNING'])",
        {**PRODUCTION, "COMMONS_VAR_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_without_a_secret_key_in_production(tmp_path):
    result = _run("import django; django.setup()", {"COMMONS_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize(
    ("parser", "value", "message"),
    [
        (lambda: env.env_bool("FC_TEST_VAR", False), "maybe", "is not a boolean"),
        (lambda: env.env_int("FC_TEST_VAR", 1), "ten", "is not an integer"),
        (lambda: env.env_int("FC_TEST_VAR", 1, minimum=1), "0", "must be at least 1"),
        (lambda: env.env_choice("FC_TEST_VAR", "a", ("a", "b")), "c", "is not one of: a, b"),
    ],
)
def test_it_parses_strictly(monkeypatch, parser, value, message):
    monkeypatch.setenv("FC_TEST_VAR", value)
    with pytest.raises(ImproperlyConfigured, match=message):
        parser()


def test_it_parses_lists_and_booleans(monkeypatch):
    monkeypatch.setenv("FC_TEST_VAR", " a.org, b.org ,")
    assert env.env_list("FC_TEST_VAR", []) == ["a.org", "b.org"]
    monkeypatch.setenv("FC_TEST_VAR", "Yes")
    assert env.env_bool("FC_TEST_VAR", False) is True


def test_the_embedded_default_is_sqlite_in_wal_mode(tmp_path):
    code = (
        "import django; django.setup(); from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(connection.vendor, c.fetchone()[0]); "
        "c.execute('PRAGMA busy_timeout'); print(c.fetchone()[0])"
    )
    clean = {"DATABASE_URL": "", "DEBUG": "true", "COMMONS_VAR_DIR": str(tmp_path)}
    result = _run(code, clean)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["sqlite", "wal", "20000"]
    assert (tmp_path / "commons.sqlite3").exists()
