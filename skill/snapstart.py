"""Lambda SnapStart's runtime hooks: what one snapshot shared by many restored instances must not share.

With SnapStart on (template.yaml's `SnapStart` parameter), Lambda runs the init phase once when a
version is published, snapshots the memory, and starts every new instance from that snapshot. So
after each restore: the `random` module is re-seeded (the store's retry jitter would otherwise be
the same in every instance), and pooled DynamoDB connections are closed, so each instance opens
its own instead of reusing sockets that belonged to the snapshot. Before the snapshot they are
closed too, so none is frozen half-open.

The hooks are registered with `snapshot_restore_py`, which the Lambda Python runtime provides
(3.12 and later); where it cannot be imported (elsewhere, or tests without it) nothing is registered.
Importing this module is all it takes: lambda/app.py does, when Lambda's AWS_LAMBDA_INITIALIZATION_TYPE
says this init is SnapStart's (an on-demand cold start does without it).
"""

from __future__ import annotations

import os
import random
import sys


def _close_connections() -> None:
    dynamodb = sys.modules.get("skill.store.dynamodb")  # never imported here: only a store in use has connections
    if dynamodb is not None:
        dynamodb.close_connections()


def before_snapshot() -> None:
    """Runs once, after init, just before Lambda takes the snapshot."""
    _close_connections()


def after_restore() -> None:
    """Runs in each instance restored from the snapshot, before its first request (within Lambda's 10 s)."""
    random.seed(os.urandom(32))
    _close_connections()


def register() -> bool:
    """Register the hooks with the Lambda runtime; False where the runtime's hook module is not available."""
    try:
        from snapshot_restore_py import register_after_restore, register_before_snapshot
    except ImportError:
        return False
    register_before_snapshot(before_snapshot)
    register_after_restore(after_restore)
    return True


REGISTERED = register()
