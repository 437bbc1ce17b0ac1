"""Builds the Lambda bundle (`.build/lambda/`): app.py, the skill package and its runtime dependencies, byte-compiled.

No Docker: pip fetches wheels for the function's platform (`--platform`, `--only-binary`), so the
bundle is the same whichever machine builds it. boto3 and what botocore imports are left to the
Lambda runtime, and the web-only stack (flask-ask-sdk, cryptography) stays out: lambda/app.py
never imports skill.web. Nor do skill.web, skill.cli and skill.deploy themselves go in, nor any
dependency's own tests: the bundle holds what the function imports.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from skill.deploy.project import ProjectNotFound, find_project, project_root

# The checkout (see skill.deploy.project): the package's parent, or after a plain `pip install .` the current folder.
ROOT = find_project() or Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / ".build" / "lambda"
# `sam build` writes here, and `sam deploy` then deploys .aws-sam/build/template.yaml (an old copy of the
# code, its pycs stripped) instead of template.yaml and this bundle: the bundle removes it.
SAM_BUILD_DIR = ".aws-sam"

# The function's runtime and architecture as template.yaml declares them (tests/operations/test_bundle.py checks).
PYTHON_VERSION = "3.12"
PLATFORM = "manylinux2014_aarch64"

# The Lambda Python runtime ships boto3 with botocore's own dependencies; a bundled copy would sit
# first on sys.path and shadow the versions the runtime's botocore was tested with (python-dateutil 4
# and a newer urllib3 are outside botocore's pins), so these come from the runtime.
RUNTIME_PROVIDED = frozenset({"boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "urllib3"})
# Only the self-hosted web endpoint (skill.web, skill.web.signature, skill.web.server) needs these.
WEB_ONLY = frozenset({"flask-ask-sdk", "cryptography", "certifi", "waitress"})

# Lambda's own limits for a zip deployment package.
MAX_ZIPPED_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED_BYTES = 250 * 1024 * 1024

_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


class BundleError(Exception):
    """The bundle could not be built; the message says why and what to do."""


@dataclass(frozen=True)
class BundleReport:
    """What was built: where, how big, which dependencies, and whether it was byte-compiled."""

    path: Path
    files: int
    unzipped_bytes: int
    zipped_bytes: int
    packages: tuple[str, ...]
    target: str
    compiled_with: str | None
    removed_sam_build: Path | None = None

    def summary(self) -> str:
        mb = 1024 * 1024
        compiled = f"byte-compiled with {self.compiled_with}" if self.compiled_with else "NOT byte-compiled"
        return (
            f"Lambda bundle in {self.path}: {self.files} files, {self.unzipped_bytes / mb:.1f} MB unzipped, "
            f"{self.zipped_bytes / mb:.1f} MB zipped (Lambda allows {MAX_ZIPPED_BYTES // mb} MB zipped, "
            f"{MAX_UNZIPPED_BYTES // mb} MB unzipped); {compiled}.\n"
            f"Dependencies for {self.target}: {', '.join(self.packages)}.\n"
            f"Left to the Lambda runtime: {', '.join(sorted(RUNTIME_PROVIDED))}."
        ) + (
            f"\nRemoved {self.removed_sam_build}: a `sam build` output, which `sam deploy` would have deployed "
            "instead of this bundle. Deploy with `sam deploy` alone; never `sam build`."
            if self.removed_sam_build
            else ""
        )


def canonical(name: str) -> str:
    """A distribution name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    match = _NAME.match(requirement)
    if not match:
        raise BundleError(f"cannot read the requirement {requirement!r}")
    return canonical(match.group(1))


def lambda_requirements(pyproject: Path | None = None) -> list[str]:
    """The project's dependencies the function needs: all but the runtime's own and the web-only ones."""
    pyproject = pyproject or project_root() / "pyproject.toml"
    declared = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    return [r for r in declared if requirement_name(r) not in RUNTIME_PROVIDED | WEB_ONLY]


def _pip(*args: str) -> None:
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", *args]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BundleError(f"pip failed ({' '.join(args[:2])}):\n{result.stderr.strip()[-3000:]}")


def _platform_args(platform: str, python_version: str) -> list[str]:
    return [
        "--platform", platform, "--implementation", "cp", "--python-version", python_version,
        "--only-binary=:all:",
    ]  # fmt: skip


def resolve(requirements: Sequence[str], *, platform: str, python_version: str) -> dict[str, tuple[str, list[str]]]:
    """What pip would install for the target platform: {name: (version, requirement strings)}."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        _pip(
            "install", "--dry-run", "--quiet", "--target", str(Path(scratch) / "target"), "--report", str(report),
            *_platform_args(platform, python_version), *requirements,
        )  # fmt: skip
        data = json.loads(report.read_text(encoding="utf-8"))
    return {
        canonical(item["metadata"]["name"]): (item["metadata"]["version"], item["metadata"].get("requires_dist") or [])
        for item in data["install"]
    }


def keep(roots: Iterable[str], resolved: dict[str, tuple[str, list[str]]]) -> dict[str, str]:
    """The resolved distributions the roots need, not walking into what the runtime provides.

    Requirements that only apply to an extra are skipped (we ask for none); other markers were
    already applied by pip, so an edge to something pip did not resolve is simply ignored.
    """
    kept: dict[str, str] = {}
    pending = [canonical(root) for root in roots]
    while pending:
        name = pending.pop()
        if name in kept or name in RUNTIME_PROVIDED or name not in resolved:
            continue
        version, requires = resolved[name]
        kept[name] = version
        for requirement in requires:
            marker = requirement.split(";", 1)[1] if ";" in requirement else ""
            if "extra" not in marker:
                pending.append(requirement_name(requirement))
    return kept


def python_version_of(executable: str) -> str | None:
    try:
        result = subprocess.run(
            [executable, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True, text=True, timeout=30, check=False,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def find_python(version: str = PYTHON_VERSION) -> str | None:
    """An interpreter of the Lambda's Python version (to byte-compile for it), or None."""
    pyenv = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    candidates = [
        sys.executable,
        shutil.which(f"python{version}"),
        *sorted((str(p) for p in pyenv.glob(f"versions/{version}*/bin/python{version}")), reverse=True),
        f"/usr/bin/python{version}",
        f"/usr/local/bin/python{version}",
    ]
    for candidate in candidates:
        if candidate and python_version_of(candidate) == version:
            return candidate
    return None


def byte_compile(directory: Path, python: str) -> None:
    """Compile every module to __pycache__/*.cpython-3XX.pyc beside its source.

    Unchecked-hash pycs are used without comparing them with the source's mtime: the zip that
    SAM uploads keeps mtimes only to 2 seconds, so timestamp pycs would look stale in Lambda, whose
    read-only /var/task then recompiles them in memory on every cold start.
    """
    result = subprocess.run(
        [python, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash", str(directory)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise BundleError(f"byte-compiling failed:\n{(result.stdout + result.stderr).strip()[-3000:]}")


# Parts of the skill package the function never imports: the web endpoint, the command line, these operator tools.
NOT_IN_THE_FUNCTION = ("web", "cli", "deploy")


def _copy_sources(stage: Path, project: Path) -> None:
    app = project / "lambda" / "app.py"
    package = project / "skill"
    if not app.is_file() or not package.is_dir():
        raise BundleError(f"run this from a checkout of the project: {app} or {package} is missing")
    shutil.copy2(app, stage / "app.py")
    shutil.copytree(
        package, stage / "skill", ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "tests", "test_*.py")
    )
    for part in NOT_IN_THE_FUNCTION:
        shutil.rmtree(stage / "skill" / part)


def _remove_tests(stage: Path) -> None:
    """A dependency's own test suite (certifi ships one) is nothing the function imports."""
    for folder in sorted(stage.glob("*/tests")) + sorted(stage.glob("*/test")):
        if folder.is_dir() and (folder.parent / "__init__.py").is_file():
            shutil.rmtree(folder)


def _measure(directory: Path) -> tuple[int, int, int]:
    """Files, bytes unzipped and bytes zipped (deflated, as `sam deploy` uploads it)."""
    paths = sorted(p for p in directory.rglob("*") if p.is_file())
    with tempfile.TemporaryFile() as scratch:
        with zipfile.ZipFile(scratch, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in paths:
                archive.write(path, path.relative_to(directory).as_posix())
        zipped = scratch.tell()
    return len(paths), sum(p.stat().st_size for p in paths), zipped


def _check_replaceable(out: Path) -> None:
    """Only an earlier bundle or an empty folder is ever replaced, never anything else."""
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / "app.py").is_file())):
        raise BundleError(f"{out} exists and is not a Lambda bundle; choose an empty or new folder")


def _replace(out: Path, stage: Path) -> None:
    _check_replaceable(out)
    if out.exists():
        shutil.rmtree(out)
    stage.rename(out)


def remove_stale_sam_build(project: Path) -> Path | None:
    """Delete `sam build`'s output in the project, if any, so `sam deploy` deploys template.yaml's CodeUri."""
    stale = project / SAM_BUILD_DIR
    if not stale.exists():
        return None
    if stale.is_dir() and not stale.is_symlink():
        shutil.rmtree(stale)
    else:
        stale.unlink()
    return stale


def build(
    out: Path | None = None,
    *,
    platform: str = PLATFORM,
    python_version: str = PYTHON_VERSION,
    python: str | None = None,
    bytecode: bool = True,
) -> BundleReport:
    """Build the bundle into `out` (default: .build/lambda/ in the project, replacing an earlier one) and report its size.

    A `sam build` output left in the project (.aws-sam/) is removed once the bundle is built.
    """
    try:
        project = project_root()
    except ProjectNotFound as error:
        raise BundleError(str(error)) from None
    out = (out or project / ".build" / "lambda").resolve()
    _check_replaceable(out)
    compiler = None
    if bytecode:
        compiler = python or find_python(python_version)
        if compiler is None or python_version_of(compiler) != python_version:
            raise BundleError(
                f"byte-compiling for the Lambda needs a Python {python_version} interpreter: install one, "
                f"pass --python /path/to/python{python_version}, or build with --no-compile "
                "(then every cold start compiles the code in memory)"
            )
    requirements = lambda_requirements(project / "pyproject.toml")
    resolved = resolve(requirements, platform=platform, python_version=python_version)
    kept = keep((requirement_name(r) for r in requirements), resolved)
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = out.parent / f".{out.name}.staging"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir()
    try:
        pins = [f"{name}=={version}" for name, version in sorted(kept.items())]
        _pip(
            "install", "--quiet", "--no-deps", "--no-compile", "--upgrade", "--target", str(stage),
            *_platform_args(platform, python_version), *pins,
        )  # fmt: skip
        shutil.rmtree(stage / "bin", ignore_errors=True)  # console scripts: nothing the function runs
        _remove_tests(stage)
        _copy_sources(stage, project)
        if compiler:
            byte_compile(stage, compiler)
        _replace(out, stage)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    removed = remove_stale_sam_build(project)
    files, unzipped, zipped = _measure(out)
    return BundleReport(
        path=out,
        files=files,
        unzipped_bytes=unzipped,
        zipped_bytes=zipped,
        packages=tuple(f"{name} {version}" for name, version in sorted(kept.items())),
        target=f"{platform}, CPython {python_version}",
        compiled_with=f"CPython {python_version} ({compiler})" if compiler else None,
        removed_sam_build=removed,
    )
