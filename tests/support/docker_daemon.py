"""A Docker daemon and a base image for tests/operations/test_docker_image.py, on a machine with no registry in reach.

The daemon: the machine's own if `docker info` answers, else one started here from Debian's docker.io
(`dockerd`, as root) on a socket and data folder of its own under .cache/docker/ (kept between runs, so the
base image is built once), stopped again at the end. Neither there: the test is skipped, saying so.

The base image: the Dockerfile's `python:3.12-slim` is on Docker Hub, out of reach. In its place a Debian 12
root made by debootstrap (minbase, with Python, venv and CA certificates), imported as a local image; the
test builds the Dockerfile with its FROM lines pointed at it. The machine's CA bundle goes in, so pip in the
build trusts whatever the machine trusts on its way to PyPI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "docker"
BASE_IMAGE = "our-rituals-test/debian-python:bookworm"
SUITE = "bookworm"
MIRROR = "http://deb.debian.org/debian"
PACKAGES = "python3,python3-venv,python-is-python3,ca-certificates"
HOST_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
START_SECONDS = 60


class NoDocker(Exception):
    """No daemon here, and none can be started; the message says why."""


def docker(
    env: dict[str, str], *args: str, timeout: float = 600, check: bool = True, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(["docker", *args], capture_output=True, text=True, env=env, timeout=timeout, **kwargs)  # type: ignore[call-overload]
    if check and result.returncode != 0:
        raise AssertionError(f"docker {' '.join(args[:3])}...: {result.stderr[-3000:]}")
    return result


def _answers(env: dict[str, str]) -> bool:
    try:
        return subprocess.run(["docker", "info"], capture_output=True, env=env, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@contextmanager
def daemon() -> Iterator[dict[str, str]]:
    """The environment for `docker` commands that reach a daemon (see the module's docstring)."""
    if shutil.which("docker") is None and shutil.which("dockerd") is None:
        raise NoDocker("no Docker here: install Debian's docker.io to run the image test")
    env = {**os.environ, "DOCKER_BUILDKIT": "0"}
    if shutil.which("docker") and _answers(env):
        yield env
        return
    dockerd = shutil.which("dockerd")
    if dockerd is None:
        raise NoDocker("no Docker daemon answers and dockerd is not installed (Debian: apt-get install docker.io)")
    if os.geteuid() != 0:
        raise NoDocker("no Docker daemon answers, and starting dockerd needs root")
    CACHE.mkdir(parents=True, exist_ok=True)
    socket = CACHE / "docker.sock"
    env["DOCKER_HOST"] = f"unix://{socket}"
    log = (CACHE / "dockerd.log").open("w")
    process = subprocess.Popen(
        [dockerd, "--host", env["DOCKER_HOST"], "--data-root", str(CACHE / "data"), "--exec-root", str(CACHE / "exec"),
         "--pidfile", str(CACHE / "dockerd.pid"), "--bridge", "none", "--iptables=false", "--ip6tables=false"],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + START_SECONDS
        while not _answers(env):
            if process.poll() is not None or time.monotonic() > deadline:
                raise NoDocker(f"dockerd did not start here: {(CACHE / 'dockerd.log').read_text()[-1500:]}")
            time.sleep(0.5)
        yield env
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def base_image(env: dict[str, str]) -> str:
    """BASE_IMAGE, built (once per daemon) from a debootstrapped Debian 12 if the daemon does not have it yet."""
    if docker(env, "image", "inspect", BASE_IMAGE, check=False).returncode == 0:
        return BASE_IMAGE
    debootstrap = shutil.which("debootstrap")
    if debootstrap is None or os.geteuid() != 0:
        raise NoDocker("no base image, and building one needs debootstrap as root (apt-get install debootstrap)")
    rootfs = CACHE / "rootfs"
    shutil.rmtree(rootfs, ignore_errors=True)
    result = subprocess.run([debootstrap, "--variant=minbase", f"--include={PACKAGES}", SUITE, str(rootfs), MIRROR],
                            capture_output=True, text=True, timeout=1200)  # fmt: skip
    if result.returncode != 0:
        raise NoDocker(f"debootstrap could not build a base image: {result.stdout[-1500:]}{result.stderr[-1500:]}")
    if HOST_CA_BUNDLE.is_file():
        shutil.copyfile(HOST_CA_BUNDLE, rootfs / "etc" / "ssl" / "certs" / "ca-certificates.crt")
        (rootfs / "etc" / "pip.conf").write_text("[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n")
    shutil.rmtree(rootfs / "var" / "cache" / "apt" / "archives", ignore_errors=True)
    archive = CACHE / "rootfs.tar"
    with tarfile.open(archive, "w") as tar:
        tar.add(rootfs, arcname=".")
    docker(env, "import", "--change", "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
           "--change", 'CMD ["python3"]', str(archive), BASE_IMAGE)  # fmt: skip
    archive.unlink()
    shutil.rmtree(rootfs)
    return BASE_IMAGE
