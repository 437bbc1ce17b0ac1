"""A plain `pip install .` (not editable): the operator's commands still find the checkout they work on.

The package then lives in site-packages, away from template.yaml, lambda/app.py, pyproject.toml and
interaction_models/; `our-rituals bundle`, `models --check` and `ask-package` look for the checkout in
the current folder and its parents (skill/deploy/project.py). The checkout here is a copy of this one, so the
test never writes into the working tree (pip builds in the source folder). The dependencies come from
this virtual environment (a .pth line), so only the project itself is installed, from PyPI's setuptools.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARN = "arn:aws:lambda:us-east-1:123456789012:function:our-rituals-rituals:live"
NOT_THE_PROJECT = (".git", ".venv", ".cache", ".build", ".aws-sam", "build", "__pycache__", ".pytest_cache",
                   ".mypy_cache", ".hypothesis", "*.egg-info", "ask-project", "*.db")  # fmt: skip


@dataclass
class Installed:
    venv: Path
    checkout: Path

    def run(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.venv / "bin" / "our-rituals"), *args],
            capture_output=True, text=True, cwd=cwd or self.checkout, timeout=600, check=False,
        )  # fmt: skip


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("install")
    checkout = base / "our-rituals"
    shutil.copytree(ROOT, checkout, ignore=shutil.ignore_patterns(*NOT_THE_PROJECT))
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    site = Path(subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip())  # fmt: skip
    # This environment's packages as plain folders: its .pth files (the editable install of this checkout) stay unread.
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    result = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-deps", "--disable-pip-version-check", "."],
        capture_output=True, text=True, cwd=checkout, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import skill; print(skill.__file__)"],
        capture_output=True, text=True, cwd=base, check=True,
    ).stdout.strip()  # fmt: skip
    assert Path(where).is_relative_to(site), f"not a plain install: skill is imported from {where}"
    return Installed(venv, checkout)


def test_models_check_reads_the_checkouts_models(installed: Installed) -> None:
    result = installed.run("models", "--check")
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    (installed.checkout / "interaction_models" / "en-GB.json").write_text("{}\n")
    try:
        result = installed.run("models", "--check", cwd=installed.checkout / "skill")  # from a subfolder too
        assert result.returncode == 1 and "en-GB" in result.stderr
    finally:
        shutil.copyfile(
            ROOT / "interaction_models" / "en-GB.json", installed.checkout / "interaction_models" / "en-GB.json"
        )


def test_bundle_builds_from_the_checkout_and_removes_a_stale_sam_build(installed: Installed) -> None:
    stale = installed.checkout / ".aws-sam" / "build" / "RitualsFunction"
    stale.mkdir(parents=True)
    (stale.parent / "template.yaml").write_text("# what `sam build` left: sam deploy would prefer it\n")
    (stale / "app.py").write_text("# an old copy of the code\n")
    result = installed.run("bundle", "--no-compile")
    assert result.returncode == 0, result.stderr
    bundle = installed.checkout / ".build" / "lambda"
    assert (bundle / "app.py").read_text() == (ROOT / "lambda" / "app.py").read_text()
    assert (bundle / "skill" / "content" / "en" / "narrator.json").is_file()
    assert not (installed.checkout / ".aws-sam").exists(), "sam deploy must find template.yaml, not a stale build"
    assert "Removed" in result.stdout and ".aws-sam" in result.stdout


def test_ask_package_uses_the_checkouts_manifest_and_models(installed: Installed, tmp_path: Path) -> None:
    out = tmp_path / "ask-project"
    result = installed.run("ask-package", "--endpoint", ARN, "--out", str(out), "--contact", "us@example.org",
                           "--repository", "https://github.com/maya-and-sam/our-rituals", "--operator-name", "Maya Example")  # fmt: skip
    assert result.returncode == 0, result.stderr
    models = sorted(p.name for p in (out / "skill-package" / "interactionModels" / "custom").glob("*.json"))
    assert models == sorted(p.name for p in (ROOT / "interaction_models").glob("*.json"))
    manifest = json.loads((out / "skill-package" / "skill.json").read_text())["manifest"]
    assert manifest["apis"]["custom"]["endpoint"] == {"uri": ARN}


def test_outside_a_checkout_the_commands_say_where_to_run_them(installed: Installed, tmp_path: Path) -> None:
    ask_package = ("ask-package", "--out", str(tmp_path / "ask-project"), "--endpoint", ARN, "--contact", "us@example.org",
                   "--repository", "https://github.com/maya-and-sam/our-rituals", "--operator-name", "Maya Example")  # fmt: skip
    for command in (("models", "--check"), ("bundle", "--no-compile"), ask_package):
        result = installed.run(*command, cwd=tmp_path)
        assert result.returncode == 1, command
        assert "run this command inside the project" in result.stderr and "Traceback" not in result.stderr
    assert not list(tmp_path.iterdir()), "nothing was written"
