import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
RUFF = Path(sys.executable).parent / "ruff"


def test_the_code_passes_ruff_lint():
    result = subprocess.run(
        [RUFF, "check", "."], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout


def test_the_code_is_formatted():
    result = subprocess.run(
        [RUFF, "format", "--check", "."], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout
