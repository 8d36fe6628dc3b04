"""Session-wide set-up (offline environment, network guard) and the shared fixtures.

The helpers and data the fixtures use are in support.py; fixtures used by one package
only are in that package's conftest.py.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

# Offline before anything imports huggingface_hub, transformers or gradio (they read
# these once, at import): no telemetry thread, no Hub lookups, no Gradio analytics.
os.environ.update(HF_HUB_OFFLINE="1", HF_HUB_DISABLE_TELEMETRY="1", TRANSFORMERS_OFFLINE="1",
                  GRADIO_ANALYTICS_ENABLED="False")

NETGUARD = Path(__file__).parent / "netguard"
sys.path.insert(0, str(NETGUARD))
import netguard  # noqa: E402

# Every process under test (this one, and through netguard/sitecustomize.py every
# Python subprocess) records lookups and connections beyond loopback here.
NETGUARD_LOG = str(Path(tempfile.mkdtemp(prefix="assistant-netguard-")) / "violations.log")
os.environ[netguard.ENV] = NETGUARD_LOG
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(NETGUARD), *filter(None, [os.environ.get("PYTHONPATH")])])
netguard.install(NETGUARD_LOG)

import pytest  # noqa: E402
from support import ALPHA, BETA, GAMMA, REAL_SOURCES, SOURCES_TOML, FakeEmbedder, write_corpus  # noqa: E402

from assistant.config import Settings  # noqa: E402

collect_ignore = ["netguard"]  # imported by path above, not a test or doctest module

# A test that uses one of these loads the real model, starts a server or a browser.
SLOW_FIXTURES = {"built_index", "server", "hostile_server", "browser", "served", "guarded",
                 "library_server"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Refuse to run a test that needs a slow fixture without the ``slow`` mark."""
    unmarked = [item.nodeid for item in items
                if SLOW_FIXTURES & set(getattr(item, "fixturenames", ()))
                and item.get_closest_marker("slow") is None]
    if unmarked:
        raise pytest.UsageError("Mark these tests slow (they use the real model, a server "
                                "or a browser): " + ", ".join(unmarked))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    found = netguard.violations(NETGUARD_LOG)
    if found:
        print("\nNetwork access beyond loopback (pid, event, host, command):\n  "
              + "\n  ".join(found), file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _loopback_only() -> Iterator[None]:
    """Fail the test during which any process under test looked beyond loopback."""
    seen = len(netguard.violations(NETGUARD_LOG))
    yield
    new = netguard.violations(NETGUARD_LOG, seen)
    if new:
        pytest.fail("network access beyond loopback (pid, event, host, command):\n"
                    + "\n".join(new))


@pytest.fixture
def fixture_corpus(tmp_path: Path) -> Path:
    """A small sources folder: two documents with metadata, one without, and sources.toml."""
    return write_corpus(tmp_path / "sources", {
        "alpha.txt": ALPHA, "beta.md": BETA, "gamma.txt": GAMMA, "sources.toml": SOURCES_TOML,
    })


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def fast_settings(fixture_corpus: Path, tmp_path: Path) -> Settings:
    """Settings over the fixture corpus with a small chunk size and an index in tmp_path."""
    return Settings(sources=fixture_corpus, index=tmp_path / "out" / "index", chunk_words=12)


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, dict]:
    """The real index, built once from the real sources with the real model, in a tmp folder.

    Its ONNX export sits beside it (``.assistant-cache``), so copies start without one.
    """
    from assistant.store import build_index
    from assistant.store.embedding import Embedder

    settings = Settings(sources=REAL_SOURCES, index=tmp_path_factory.mktemp("real") / "index")
    manifest = build_index(settings, Embedder())
    return settings, manifest
