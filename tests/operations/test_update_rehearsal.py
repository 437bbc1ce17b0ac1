"""Updating a plain `pip install .` by the README's steps, across a rename in the project's history.

setuptools builds in the checkout's ./build/lib and reuses it: a module renamed since the last install
(skill/rituals/jar.py became our_jar.py) would come back from there into the new install, and both would
register the same ritual, so every ritual intent would answer with an apology. The README's update step
cleans before it installs; this rehearses it: install the commit before the rename, update to this one
by the README's command, and talk to the skill.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from skill.content import load_content

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
RENAMED_TO = "skill/rituals/our_jar.py"
APOLOGIES = load_content("en-US").section("narrator").lines.variants("apology")


def git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(
        ["git", *args], capture_output=True, text=True, cwd=cwd, check=True, timeout=120
    ).stdout.strip()


def readme_update_command() -> str:
    """The README's update line for an install without containers (docs: Self-hosting, Without containers)."""
    found = re.search(r"To update:\s*`(git pull && [^`]+)`", README.read_text(encoding="utf-8"))
    assert found, "the README says how to update an install without containers"
    return found[1]


def as_rehearsed(command: str, new: str, venv: Path) -> str:
    """The README's command for this test: `git pull` to this commit, the test's venv, no sudo, no service."""
    steps = [step.strip() for step in command.split("&&")]
    assert steps[0] == "git pull" and "systemctl restart" in steps[-1]
    steps = [f"git checkout -q {new}", *steps[1:-1]]
    return " && ".join(step.replace("sudo ", "").replace("/opt/our-rituals", str(venv)) for step in steps)


def test_the_update_line_cleans_the_build_folder_before_installing() -> None:
    steps = [step.strip() for step in readme_update_command().split("&&")]
    clean = next(i for i, step in enumerate(steps) if step.startswith("rm -rf build"))
    install = next(i for i, step in enumerate(steps) if "pip install ." in step)
    assert clean < install


@pytest.fixture(scope="module")
def history() -> tuple[str, str]:
    """(the commit just before jar.py was renamed, this commit)."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout: the rehearsal installs an older commit from the project's history")
    renames = git("log", "--format=%H", "--diff-filter=R", "--follow", "--", RENAMED_TO).splitlines()
    assert renames, f"the history renames a module into {RENAMED_TO}"
    return renames[-1] + "^", git("rev-parse", "HEAD")


def talk(venv: Path, where: Path) -> str:
    result = subprocess.run(
        [str(venv / "bin" / "our-rituals"), "dialog", "--fast"],
        input="open our rituals\nwe are Ana and Leo\nask our rituals for a hug\nquit\n",
        capture_output=True, text=True, cwd=where, timeout=120, env={"PATH": "/usr/bin:/bin", "OUR_RITUALS_DB": str(where / "r.db")},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_an_install_from_before_a_rename_updates_to_a_working_skill(history: tuple[str, str], tmp_path: Path) -> None:
    old, new = history
    checkout = tmp_path / "our-rituals"
    git("clone", "-q", "--no-checkout", str(ROOT), str(checkout), cwd=tmp_path)
    git("checkout", "-q", old, cwd=checkout)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    site = Path(subprocess.run([str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())  # fmt: skip
    # The dependencies come from this environment; the project itself is built and installed by pip, as the README says.
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    pip = [str(venv / "bin" / "pip"), "install", "--quiet", "--no-deps", "--disable-pip-version-check", "."]
    first = subprocess.run(pip, capture_output=True, text=True, cwd=checkout, timeout=600)
    assert first.returncode == 0, first.stderr[-3000:]
    assert (site / "skill" / "rituals" / "jar.py").is_file() and (checkout / "build" / "lib").is_dir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    update = as_rehearsed(readme_update_command(), new, venv).replace(
        "pip install .", "pip install --no-deps --disable-pip-version-check ."
    )
    result = subprocess.run(["sh", "-c", update], capture_output=True, text=True, cwd=checkout, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]

    assert not (site / "skill" / "rituals" / "jar.py").exists(), "the renamed module did not come back"
    assert (site / "skill" / "rituals" / "our_jar.py").is_file()
    heard = talk(venv, elsewhere)
    assert "Ana" in heard and not any(apology in heard for apology in APOLOGIES), heard[-2000:]


@pytest.mark.parametrize("output", [
    "build/lib/skill/rituals/jar.py",  # setuptools' build folder, from `pip install .`
    "dist/our_rituals-0.1.0-py3-none-any.whl",
    "our_rituals.egg-info/PKG-INFO",
    ".build/lambda/app.py",  # `our-rituals bundle`
    ".aws-sam/build/template.yaml",  # a stray `sam build`
    "samconfig.toml",  # `sam deploy --guided`: the stack, region, skill id
    "ask-project/our-rituals.json",  # `our-rituals ask-package`: contact, endpoint with the account id
    "ask-project/.ask/ask-states.json",  # the skill id
    "ask-project/skill-package/skill.json",  # the manifest with the function ARN
    ".env",  # self-hosting's SKILL_ID and DOMAIN
    "backups/our-rituals-2026-12-01.db",
])  # fmt: skip
def test_build_and_deploy_outputs_stay_out_of_a_public_fork(output: str) -> None:
    """`git add -A` in the fork the README asks for must not publish ids, contacts or a stale build."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout")
    ignored = subprocess.run(["git", "check-ignore", "--no-index", "--quiet", output], cwd=ROOT, timeout=60)
    assert ignored.returncode == 0, f"{output} is not in .gitignore"
