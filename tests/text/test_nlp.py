"""The spaCy wrapper: plain records out, the model named without loading it."""

from __future__ import annotations

import subprocess
import sys

from assistant.text import nlp


def test_parse_gives_tokens_and_entities() -> None:
    parsed = nlp.parse("Why did Seoul end the pact in 2019?")
    assert [t.text for t in parsed.tokens][:3] == ["Why", "did", "Seoul"]
    assert ("Seoul", "GPE") in [(e.text, e.label) for e in parsed.entities]
    root = parsed.root()
    assert root is not None and root.lemma == "end"
    assert all(parsed.text[e.start:e.end] == e.text for e in parsed.entities)


def test_parse_many_matches_parse() -> None:
    texts = ["The ship left on 7 July.", "Rabie said the canal lost money."]
    assert nlp.parse_many(texts) == [nlp.parse(t) for t in texts]


def test_model_id_names_the_package_without_loading_spacy() -> None:
    code = ("import sys; from assistant.text import nlp; print(nlp.model_id()); "
            "print('spacy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[0].startswith("en_core_web_sm") and out[1] == "False"


def test_thinc_does_not_pull_in_torch() -> None:
    code = "import sys; from assistant.text import nlp; nlp.load(); print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"


def test_torch_imports_wait_while_spacy_hides_torch() -> None:
    """The embedder imports torch (for the ONNX export) while spaCy may be loading on the
    preload thread with torch hidden from thinc; the guard makes it wait instead of fail."""
    code = ("from assistant.text import nlp\n"
            "thread = nlp.preload()\n"
            "with nlp.torch_guard():\n"
            "    import torch\n"
            "thread.join()\n"
            "import thinc.compat\n"
            "print(torch.__version__ is not None, thinc.compat.has_torch)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[0] == "True"
