"""Which gunicorn worker holds which client connections, read from Linux's /proc."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path


def _worker_pids(master: int) -> list[int]:
    """The pids whose parent is `master` (gunicorn's workers)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:  # gone meanwhile
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:  # the name may hold spaces
                pids.append(int(entry))
    return pids


LISTEN = "0A"  # /proc/net/tcp's state of a listening socket
ESTABLISHED = "01"


def _connections_on(port: int, *, established_only: bool) -> set[str]:
    """Socket inodes of the server's side of IPv4 connections on `port`.

    Established ones, or those in any state but listening: a connection the client closed
    stays until the server closes its side.
    """
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        state = fields[3]
        wanted = state == ESTABLISHED or (state != LISTEN and not established_only)
        if int(fields[1].split(":")[1], 16) == port and wanted:
            inodes.add(fields[9])
    return inodes


def connections_per_worker(master: int, port: int, *, established_only: bool = True) -> list[int]:
    """How many of the connections on `port` each worker of `master` holds, most first."""
    connections = _connections_on(port, established_only=established_only)
    held: Counter[int] = Counter()
    for worker in _worker_pids(master):
        try:
            descriptors = list(Path(f"/proc/{worker}/fd").iterdir())
        except OSError:  # a worker that exited meanwhile
            continue
        for descriptor in descriptors:
            try:
                target = os.readlink(descriptor)
            except OSError:  # closed meanwhile
                continue
            if target.startswith("socket:[") and target[8:-1] in connections:
                held[worker] += 1
    return sorted(held.values(), reverse=True)
