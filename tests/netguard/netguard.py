"""Test guard: no DNS lookup and no connection to any host but loopback, in any process.

An audit hook (PEP 578) sees every ``socket.getaddrinfo``, ``gethostbyname``,
``gethostbyaddr``, ``connect`` and ``sendto``. For a host that is not loopback (or the
unspecified address) it appends one line ``pid<TAB>event<TAB>host`` to the file named by
:data:`ENV` and refuses the call with an ``OSError``, so nothing leaves the machine.

tests/conftest.py installs it in the test process and puts this folder on
``PYTHONPATH``, where ``sitecustomize.py`` installs it in every Python subprocess the
tests start (``assistant serve``, ``assistant index``, build drivers...). The session
fails when the file is not empty. Without :data:`ENV` set, nothing is installed.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
from typing import Any

ENV = "ASSISTANT_NETGUARD_LOG"
_LOCAL_NAMES = {"", "localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
_NETWORK_FAMILIES = (socket.AF_INET, socket.AF_INET6)
_installed: list[str] = []


def is_local(host: Any) -> bool:
    """True for loopback, the unspecified address and local names (``None`` included)."""
    if host is None:
        return True
    if isinstance(host, bytes | bytearray):
        host = bytes(host).decode("ascii", "replace")
    name = str(host).strip("[]").split("%", 1)[0].lower()
    if name in _LOCAL_NAMES or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _host(event: str, args: tuple[Any, ...]) -> tuple[bool, Any]:
    """(is this a network event, the host it names)."""
    if event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr"):
        return True, args[0]
    if event in ("socket.connect", "socket.sendto"):
        sock, address = args[0], args[1]
        if getattr(sock, "family", None) in _NETWORK_FAMILIES and isinstance(address, tuple):
            return True, address[0]
    return False, None


def _record(log: str, event: str, host: Any) -> None:
    line = f"{os.getpid()}\t{event}\t{host!r}\t{' '.join(sys.argv)[:200]}\n"
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode("utf-8", "replace"))
    finally:
        os.close(fd)


def install(log: str) -> None:
    """Record and refuse non-loopback lookups and connections of this process in ``log``."""
    if _installed:
        return
    _installed.append(log)

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if not event.startswith("socket."):
            return
        network, host = _host(event, args)
        if network and not is_local(host):
            _record(log, event, host)
            raise OSError(f"test network guard: {event} to {host!r} refused (loopback only)")

    sys.addaudithook(hook)


def install_from_env() -> None:
    log = os.environ.get(ENV)
    if log:
        install(log)


def violations(log: str, skip: int = 0) -> list[str]:
    """The recorded violations, after the first ``skip`` lines."""
    try:
        with open(log, encoding="utf-8") as fh:
            return fh.read().splitlines()[skip:]
    except FileNotFoundError:
        return []
