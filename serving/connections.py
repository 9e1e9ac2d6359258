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


def _established_on(port: int) -> set[str]:
    """Socket inodes of the server's side of the IPv4 connections established on `port`."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == "01":  # 01: ESTABLISHED
            inodes.add(fields[9])
    return inodes


def connections_per_worker(master: int, port: int) -> list[int]:
    """How many of the connections on `port` each worker of `master` holds, most first."""
    established = _established_on(port)
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
            if target.startswith("socket:[") and target[8:-1] in established:
                held[worker] += 1
    return sorted(held.values(), reverse=True)
