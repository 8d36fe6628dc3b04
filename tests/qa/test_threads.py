"""Thread caps: on two cores, the query path must not oversubscribe the CPU."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import Assistant, Settings

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    index = tmp_path_factory.mktemp("threads") / "index"
    assistant = Assistant.load(Settings(sources=ROOT / "sources", index=index))
    assistant.ask("When was GSOMIA signed?")
    return assistant


def test_blas_pools_are_capped_at_one_thread(bot: Assistant) -> None:
    from threadpoolctl import threadpool_info

    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas), blas


def test_faiss_uses_one_thread(bot: Assistant) -> None:
    import faiss

    assert faiss.omp_get_max_threads() == 1


def test_query_encoder_uses_one_thread(bot: Assistant) -> None:
    if bot.embedder.backend == "torch":
        pytest.skip("torch backend: its thread count is torch's own setting")
    query = bot.embedder._onnx.get("query")
    assert query is not None, "the ONNX query encoder was not used"
    assert query.session.get_session_options().intra_op_num_threads == 1
