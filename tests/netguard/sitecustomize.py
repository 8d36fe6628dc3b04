"""Installs the test network guard in every Python process started with this folder on
PYTHONPATH (see netguard.py); inert unless ASSISTANT_NETGUARD_LOG is set. Any
sitecustomize this one shadows (Debian ships one) still runs."""

import importlib.util
import os
import sys

import netguard

netguard.install_from_env()

_here = os.path.dirname(os.path.abspath(__file__))
for _entry in sys.path:
    _other = os.path.join(_entry or ".", "sitecustomize.py")
    if os.path.abspath(_entry or ".") != _here and os.path.isfile(_other):
        _spec = importlib.util.spec_from_file_location("_shadowed_sitecustomize", _other)
        if _spec is not None and _spec.loader is not None:
            _spec.loader.exec_module(importlib.util.module_from_spec(_spec))
        break
