"""The Lambda bundle: built for arm64 CPython 3.12 without Docker, boto3 left to the runtime, byte-compiled,
its size reported, and it answers a couple with nothing on its path but itself and the runtime's boto3.

Building needs PyPI (pip fetches the arm64 wheels) and a Python 3.12 interpreter (to byte-compile for
the Lambda's runtime): without either these tests fail with the reason, never skip.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from skill.deploy.bundle import (
    DEFAULT_OUT,
    MAX_UNZIPPED_BYTES,
    MAX_ZIPPED_BYTES,
    PLATFORM,
    PYTHON_VERSION,
    canonical,
    find_python,
    keep,
    lambda_requirements,
)
from skill.store import open_store
from tests.support.conversation import Couple
from tests.support.dynamodb_local import CREDENTIALS
from tests.support.lambda_runtime import lambda_runtime_packages

ROOT = Path(__file__).resolve().parents[2]
LEFT_OUT = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "flask", "flask_ask_sdk",
            "werkzeug", "cryptography", "ask_sdk_webservice_support", "tests")  # fmt: skip


@dataclass
class Built:
    path: Path
    printed: str
    python: str


@pytest.fixture(scope="module")
def python312() -> str:
    python = find_python(PYTHON_VERSION)
    if python is None:
        pytest.fail(
            f"no Python {PYTHON_VERSION} interpreter here: the bundle is byte-compiled for the Lambda's runtime"
        )
    return python


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, python312: str) -> Built:
    """`our-rituals bundle --out <tmp>`, run as an operator would."""
    out = tmp_path_factory.mktemp("bundle") / "lambda"
    result = subprocess.run(
        [sys.executable, "-m", "skill.cli.main", "bundle", "--out", str(out), "--python", python312],
        capture_output=True, text=True, cwd=ROOT, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return Built(out, result.stdout, python312)


def test_the_bundle_holds_the_entry_point_and_the_skill_with_its_content(built: Built) -> None:
    assert (built.path / "app.py").read_text() == (ROOT / "lambda" / "app.py").read_text()
    content = {p.relative_to(ROOT / "skill") for p in (ROOT / "skill" / "content").rglob("*.json")}
    assert content and content == {
        p.relative_to(built.path / "skill") for p in (built.path / "skill" / "content").rglob("*.json")
    }
    modules = {p.relative_to(ROOT) for p in (ROOT / "skill").rglob("*.py")
               if p.relative_to(ROOT / "skill").parts[0] not in ("web", "cli", "deploy")}  # fmt: skip
    assert modules == {p.relative_to(built.path) for p in (built.path / "skill").rglob("*.py")}


def test_only_what_the_function_imports_goes_in(built: Built) -> None:
    """Not the web endpoint, the command line or the operator's tools, and no dependency's test suite."""
    assert not [part for part in ("web", "cli", "deploy") if (built.path / "skill" / part).exists()]
    assert not [p for p in built.path.rglob("*") if p.is_dir() and p.name in ("tests", "test")]
    assert (built.path / "certifi" / "cacert.pem").is_file(), "certifi itself stays: requests verifies with it"


def test_boto3_the_web_stack_and_tests_are_left_out(built: Built) -> None:
    top_level = {p.name.removesuffix(".py") for p in built.path.iterdir()}
    assert not top_level & set(LEFT_OUT)
    distributions = {canonical(p.name.split("-")[0]) for p in built.path.glob("*.dist-info")}
    assert distributions == {"ask-sdk-core", "ask-sdk-model", "ask-sdk-runtime", "requests", "certifi",
                             "charset-normalizer", "idna", "six", "tzdata"}  # fmt: skip
    assert not list(built.path.rglob("bin"))


def test_binary_wheels_are_for_arm64_and_cpython_312(built: Built) -> None:
    for wheel in built.path.glob("*.dist-info/WHEEL"):
        for tag in re.findall(r"^Tag: (\S+)$", wheel.read_text(), re.MULTILINE):
            python, abi, platform = tag.split("-")
            assert platform == "any" or platform.endswith("aarch64"), f"{wheel.parent.name}: {tag}"
            assert python in ("py3", "py2", "cp312") or abi == "abi3", f"{wheel.parent.name}: {tag}"
    native = list(built.path.rglob("*.so"))
    assert native, "charset-normalizer ships compiled modules: the platform wheels were really chosen"
    assert all("aarch64" in p.name and "x86_64" not in p.name for p in native)


def test_every_module_is_byte_compiled_for_312_without_source_checks(built: Built) -> None:
    magic = subprocess.run(
        [built.python, "-c", "import importlib.util; print(importlib.util.MAGIC_NUMBER.hex())"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    sources = list(built.path.rglob("*.py"))
    assert len(sources) > 100
    tag = "cpython-" + PYTHON_VERSION.replace(".", "")
    for source in sources:
        compiled = source.parent / "__pycache__" / f"{source.stem}.{tag}.pyc"
        header = compiled.read_bytes()[:8]
        assert header[:4].hex() == magic, compiled
        # PEP 552 flags: bit 0 hash-based, bit 1 check_source; 0b01 is "unchecked-hash".
        assert int.from_bytes(header[4:8], "little") == 0b01, compiled
    assert not [p for p in built.path.rglob("*.pyc") if tag not in p.name], "no pycs for another Python"


def test_the_size_is_reported_and_within_lambdas_limits(built: Built) -> None:
    match = re.search(r"(\d+) files, ([\d.]+) MB unzipped, ([\d.]+) MB zipped", built.printed)
    assert match, built.printed
    files, unzipped_mb, zipped_mb = int(match[1]), float(match[2]), float(match[3])
    paths = [p for p in built.path.rglob("*") if p.is_file()]
    assert files == len(paths)
    assert unzipped_mb == pytest.approx(sum(p.stat().st_size for p in paths) / 2**20, abs=0.06)
    assert 0 < zipped_mb < unzipped_mb
    assert zipped_mb * 2**20 < MAX_ZIPPED_BYTES and unzipped_mb * 2**20 < MAX_UNZIPPED_BYTES
    assert "boto3" in built.printed.split("Left to the Lambda runtime:")[1]


def test_rebuilding_never_replaces_a_folder_that_is_not_a_bundle(tmp_path: Path) -> None:
    precious = tmp_path / "notes"
    precious.mkdir()
    (precious / "keep.txt").write_text("ours")
    result = subprocess.run(
        [sys.executable, "-m", "skill.cli.main", "bundle", "--out", str(precious)],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 1 and "not a Lambda bundle" in result.stderr
    assert (precious / "keep.txt").read_text() == "ours"


# -- the bundle running as Lambda would run it ------------------------------------------------------

_RUN_ONE_REQUEST = """
import json, sys
import app
response = app.handler(json.loads(sys.stdin.read()), None)
files = {name: getattr(module, "__file__", None) for name, module in list(sys.modules.items()) if "." not in name}
print(json.dumps({"response": response, "files": files}))
"""


@dataclass
class BundledFunction:
    """Sends each request to a fresh process (a cold start) that sees only the bundle and the runtime's boto3."""

    python: str
    bundle: Path
    runtime: Path
    workdir: Path
    env: dict[str, str] = field(default_factory=dict)
    loaded: dict[str, str | None] = field(default_factory=dict)

    def __call__(self, event: dict[str, Any]) -> dict[str, Any]:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(self.workdir),
            "PYTHONPATH": f"{self.bundle}{os.pathsep}{self.runtime}",
            "PYTHONDONTWRITEBYTECODE": "1",
            "OUR_RITUALS_DB": str(self.workdir / "rituals.db"),
            **self.env,
        }
        result = subprocess.run(
            [self.python, "-S", "-c", _RUN_ONE_REQUEST],  # -S: no site-packages, as in Lambda
            input=json.dumps(event), capture_output=True, text=True, cwd=self.workdir, env=env, timeout=60, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        answer = json.loads(result.stdout.strip().splitlines()[-1])
        self.loaded = answer["files"]
        return answer["response"]  # type: ignore[no-any-return]


@pytest.fixture
def bundled(built: Built, tmp_path: Path) -> BundledFunction:
    workdir = tmp_path / "task"
    workdir.mkdir()
    return BundledFunction(built.python, built.path, lambda_runtime_packages(tmp_path / "runtime"), workdir)


def loaded_from(function: BundledFunction, module: str) -> Path:
    file = function.loaded.get(module)
    assert file, f"{module} was not imported"
    return Path(file).absolute()  # not resolved: the runtime folder holds symlinks


def test_the_bundle_answers_a_launch_and_remembers_the_couple(bundled: BundledFunction) -> None:
    couple = Couple(send=bundled)
    said = couple.launch()
    assert "what are your first names" in said.text.lower()
    assert loaded_from(bundled, "skill").is_relative_to(bundled.bundle)
    assert loaded_from(bundled, "ask_sdk_core").is_relative_to(bundled.bundle)
    assert loaded_from(bundled, "app").is_relative_to(bundled.bundle)
    assert "flask" not in bundled.loaded and "cryptography" not in bundled.loaded

    couple.intent("SetNamesIntent", first="Maya", second="Sam")
    said = couple.later(days=1).launch()
    assert "Maya and Sam" in said.text


def test_the_bundle_keeps_households_in_dynamodb_with_the_runtimes_boto3(
    bundled: BundledFunction,
    dynamodb_table: str,  # noqa: F811
) -> None:
    bundled.env = {
        "SKILL_TABLE": dynamodb_table,
        "AWS_ENDPOINT_URL_DYNAMODB": os.environ["AWS_ENDPOINT_URL_DYNAMODB"],
        "AWS_EC2_METADATA_DISABLED": "true",
        **CREDENTIALS,
    }
    couple = Couple(send=bundled)
    couple.meet("Maya", "Sam")
    assert loaded_from(bundled, "botocore").is_relative_to(bundled.runtime), "the store's client is botocore's own"
    assert loaded_from(bundled, "urllib3").is_relative_to(bundled.runtime), "botocore's own urllib3, not a bundled one"
    assert open_store().load(couple.key).document["names"] == ["Maya", "Sam"]
    assert not (bundled.workdir / "rituals.db").exists(), "nothing went to the embedded store"

    couple.intent("ForgetUsIntent", one_shot=True)
    couple.intent("AMAZON.YesIntent")
    assert open_store().load(couple.key).document == {}


def test_in_the_bundle_the_web_stack_is_absent_and_everything_else_imports(bundled: BundledFunction) -> None:
    script = (
        "import importlib, json\n"
        "out = {}\n"
        "for name in ('app', 'requests', 'charset_normalizer', 'ask_sdk_core.api_client', 'skill.store.sqlite',"
        " 'boto3', 'flask', 'cryptography', 'skill.web'):\n"
        "    try:\n"
        "        importlib.import_module(name); out[name] = 'ok'\n"
        "    except ImportError as error:\n"
        "        out[name] = 'missing ' + str(error.name)\n"
        "print(json.dumps(out))\n"
    )
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": f"{bundled.bundle}{os.pathsep}{bundled.runtime}",
           "PYTHONDONTWRITEBYTECODE": "1", "HOME": str(bundled.workdir)}  # fmt: skip
    result = subprocess.run([bundled.python, "-S", "-c", script], capture_output=True, text=True, cwd=bundled.workdir,
                            env=env, timeout=60, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    imported = json.loads(result.stdout)
    for name in ("app", "requests", "charset_normalizer", "ask_sdk_core.api_client", "skill.store.sqlite", "boto3"):
        assert imported[name] == "ok", (name, imported[name])
    assert imported["flask"] == "missing flask" and imported["cryptography"] == "missing cryptography"
    assert imported["skill.web"] == "missing skill.web", "the web endpoint is not in the function's bundle"


def test_every_module_left_in_the_bundle_imports_from_it_alone(bundled: BundledFunction) -> None:
    """Leaving skill/web, skill/cli and skill/deploy out cost the function nothing it imports."""
    script = (
        "import importlib, json, pkgutil, skill\n"
        "failed = {}\n"
        "for found in pkgutil.walk_packages(skill.__path__, 'skill.'):\n"
        "    try:\n"
        "        importlib.import_module(found.name)\n"
        "    except ImportError as error:\n"
        "        failed[found.name] = str(error)\n"
        "print(json.dumps(failed))\n"
    )
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": f"{bundled.bundle}{os.pathsep}{bundled.runtime}",
           "PYTHONDONTWRITEBYTECODE": "1", "HOME": str(bundled.workdir)}  # fmt: skip
    result = subprocess.run([bundled.python, "-S", "-c", script], capture_output=True, text=True, cwd=bundled.workdir,
                            env=env, timeout=120, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {}


# -- what goes in, decided without pip ------------------------------------------------------------


def test_the_function_needs_ask_sdk_core_and_not_boto3_or_the_web_stack() -> None:
    names = [re.split(r"[<>=!~ ;\[]", r, maxsplit=1)[0] for r in lambda_requirements()]
    assert "ask-sdk-core" in names
    assert not {"boto3", "flask-ask-sdk", "cryptography"} & set(names)


def test_what_only_the_runtimes_packages_need_is_left_out() -> None:
    resolved: dict[str, tuple[str, list[str]]] = {
        "ask-sdk-core": ("1.19.0", ["requests", "python-dateutil", "ask-sdk-model (>=1.0.0)"]),
        "ask-sdk-model": ("1.82.0", ["six (>=1.10)", 'enum34 ; python_version == "2.7"']),
        "python-dateutil": ("4.0.0", ["tzdata"]),
        "tzdata": ("2026.6", []),
        "requests": ("2.34.2", ["urllib3<3,>=1.26", "idna<4,>=2.5", 'PySocks!=1.5.7,>=1.5.6; extra == "socks"']),
        "urllib3": ("2.8.0", []),
        "idna": ("3.20", []),
        "six": ("1.17.0", []),
    }
    assert keep(["ask-sdk-core"], resolved) == {
        "ask-sdk-core": "1.19.0", "ask-sdk-model": "1.82.0", "requests": "2.34.2", "idna": "3.20", "six": "1.17.0",
    }  # fmt: skip


def the_function_in_template_yaml() -> dict[str, Any]:
    """The serverless function's properties in template.yaml (with SAM's Globals applied)."""
    import yaml

    class CloudFormationLoader(yaml.SafeLoader):
        """Reads !Ref, !GetAtt, !Sub... as plain values: only their presence matters here."""

    def tagged(loader: yaml.SafeLoader, _suffix: str, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return loader.construct_scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node)
        return loader.construct_mapping(node)

    CloudFormationLoader.add_multi_constructor("!", tagged)
    template = yaml.load((ROOT / "template.yaml").read_text(encoding="utf-8"), CloudFormationLoader)
    every = [r for r in template["Resources"].values() if r["Type"] == "AWS::Serverless::Function"]
    functions = [r for r in every if "AlexaSkill" in {e["Type"] for e in r["Properties"].get("Events", {}).values()}]
    assert len(functions) == 1, "one function answers requests and skill events (another drains the deletion queue)"
    for other in every:  # the deletion drain runs from the same bundle, on the same platform
        assert {k: other["Properties"][k] for k in ("CodeUri", "Runtime", "Architectures")} == {
            k: functions[0]["Properties"][k] for k in ("CodeUri", "Runtime", "Architectures")
        }
    return {**(template.get("Globals") or {}).get("Function", {}), **functions[0]["Properties"]}


def test_template_yaml_deploys_this_bundle_on_its_platform() -> None:
    function = the_function_in_template_yaml()
    assert (ROOT / str(function["CodeUri"])).resolve() == DEFAULT_OUT
    assert function["Handler"] == "app.handler"
    assert function["Runtime"] == f"python{PYTHON_VERSION}"
    assert function.get("Architectures") == ["arm64" if PLATFORM.endswith("aarch64") else "x86_64"]
