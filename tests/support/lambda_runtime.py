"""What the Lambda Python runtime puts on sys.path beside the bundle: boto3 and what botocore imports.

The tests take them from this virtual environment, linked into a folder of their own, so a process
given only the bundle and that folder sees what a Lambda function sees.
"""

from __future__ import annotations

from importlib.metadata import packages_distributions
from pathlib import Path

from skill.deploy.bundle import RUNTIME_PROVIDED, canonical


def lambda_runtime_packages(into: Path) -> Path:
    """Link boto3 and its dependencies (the runtime's, see skill.deploy.bundle.RUNTIME_PROVIDED) into `into`."""
    import boto3

    site = Path(boto3.__file__).resolve().parent.parent
    into.mkdir()
    for top, distributions in packages_distributions().items():
        if {canonical(d) for d in distributions} & RUNTIME_PROVIDED:
            for candidate in (site / top, site / f"{top}.py"):
                if candidate.exists():
                    (into / candidate.name).symlink_to(candidate)
    assert (into / "boto3").exists() and (into / "botocore").exists() and (into / "dateutil").exists()
    return into
