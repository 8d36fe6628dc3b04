"""API models: the request and response bodies of the JSON API, as pydantic models.

They make the OpenAPI schema (``/api/v1/openapi.json``) and validate requests. Answers
are sent as the JSON that ``Answer.to_json()`` produced (the object of ``assistant ask
--json``), so responses allow fields not listed here: fields the answer gains later pass
through unchanged, and the schema says so (``additionalProperties``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from ..config import MAX_QUESTION_CHARS

MAX_K = 10
MAX_HISTORY = 20
EXAMPLE = {"question": "Why did Seoul threaten to end the pact in 2019?", "k": 5,
           "mode": "hybrid", "history": []}


class AskRequest(BaseModel):
    """One question, optionally with the earlier questions of the conversation."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE]})

    question: StrictStr = Field(description=f"The question, at most {MAX_QUESTION_CHARS:,} "
                                "characters (longer or blank questions get a 400).")
    k: Annotated[StrictInt, Field(ge=1, le=MAX_K)] | None = Field(
        None, description=f"Passages to retrieve, 1-{MAX_K} (default from the settings, 5).")
    mode: Literal["hybrid", "dense", "bm25"] | None = Field(
        None, description="Retrieval mode (default from the settings, hybrid).")
    history: list[StrictStr] = Field(
        default_factory=list, max_length=MAX_HISTORY,
        description="Earlier questions of the conversation, oldest first: a follow-up "
        "such as 'What did Japan do in response?' is read in their context.")


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Citation(Open):
    """One ``[n]`` marker: the exact quoted sentence, where it is, and its source."""

    marker: int
    source_id: str
    title: str
    author: str = ""
    publisher: str = ""
    date: str = ""
    url: str = ""
    quote: str = Field(description="The exact sentence: document.text[start:end].")
    start: int
    end: int
    passage: str
    passage_start: int
    paragraph: int
    chunk_id: str
    kind: str = Field("sentence", description='"sentence" or "document".')


class Passage(Open):
    chunk_id: str
    source_id: str
    text: str
    score: float


class AskResponse(Open):
    """The object ``assistant ask --json`` prints."""

    question: str
    answer: str = Field(description="The answer with [n] markers, or the abstention sentence.")
    abstained: bool
    confidence: float
    citations: list[Citation]
    passages: list[Passage]
    timings_ms: dict[str, float]
    short_answer: str | None = None
    intent: str | None = None
    read_as: str | None = Field(None, description="The question as it was read, when "
                                "misspelt words were read as words of the sources "
                                "(\"Klinger\" as \"Klingner\"); null when read as asked.")


class Error(BaseModel):
    """Every error: what went wrong and what to do about it."""

    error: str
    fix: str


class IndexState(Open):
    pid: int
    state: str = Field(description='"fresh", or "stale" when the sources changed since '
                       "the index was built (it still answers from the index it has).")
    reason: str
    created_at: str
    counts: dict[str, int]
    model: str
    version: str


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    version: str
    model: str
    index: IndexState
    workers: list[IndexState] = Field(description="The index of each worker process.")
    inflight: int = Field(description="Jobs being answered now.")
    max_inflight: int
    finished: int = Field(description="Jobs done since the server started.")
    skipped: int = Field(description="Of those, jobs skipped: the client left first.")


class Document(Open):
    id: str
    title: str
    author: str
    publisher: str
    date: str
    url: str
    path: str
    chunks: int
    characters: int


class Sources(BaseModel):
    documents: list[Document]
    index: IndexState


class Refreshed(BaseModel):
    rebuilt: bool
    index: IndexState


# --- what the MCP tools return (structured output; see mcp_server) -------------------------

class SearchHit(Open):
    """One ranked passage of a search."""

    chunk_id: str = Field(description="The passage's id, for get_passage.")
    source_id: str = Field(description="The id of the document it is from.")
    title: str = Field(description="That document's title.")
    text: str
    score: float = Field(description="The ranking score (RRF in hybrid mode); higher is better.")
    rank: int = Field(description="1 for the best passage.")


class SearchResults(BaseModel):
    query: str
    passages: list[SearchHit]


class Documents(BaseModel):
    documents: list[Document]


class PassageText(Open):
    """One passage (chunk) where it stands in its document."""

    chunk_id: str
    source_id: str
    title: str
    author: str
    publisher: str
    date: str
    url: str
    text: str = Field(description="Exactly document.text[start:end].")
    start: int
    end: int
    paragraph: int = Field(description="1-based paragraph of the passage's first character.")
    previous_chunk_id: str | None = Field(description="The passage before it in the document.")
    next_chunk_id: str | None = Field(description="The passage after it in the document.")


class TimelineEvent(Open):
    """One dated event, as `assistant timeline --json` prints it."""

    date: str
    date_end: str
    precision: str
    as_written: str
    quote: str = Field(description="The sentence telling it: document.text[start:end].")
    source_id: str
    title: str
    source_date: str
    start: int
    end: int
    paragraph: int
    label: str
    marker: int
    citations: list[dict[str, Any]] = Field(description="Every source telling the event.")


class TimelineEvents(BaseModel):
    events: list[TimelineEvent]


class LibraryDocument(BaseModel):
    """One document of the library, as read from its file (and sources.toml)."""

    id: str = Field(description="The file name without its extension.")
    title: str
    author: str
    publisher: str = Field(description="The outlet.")
    date: str = Field(description="YYYY, YYYY-MM or YYYY-MM-DD, or empty.")
    url: str
    format: str = Field(description="txt, md, html, pdf or docx.")
    path: str = Field(description="The file's name in the sources folder.")
    words: int
    passages: int = Field(description="Chunks the document was split into.")
    sentences: int
    added: str = Field(description="When it was added (ISO time), else the file's time.")
    sha256: str


class LibraryDocuments(BaseModel):
    documents: list[LibraryDocument]


class MetadataPatch(BaseModel):
    """New metadata for a document; a field left out stays, "" goes back to the file's own."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"title": "Port strike ends", "date": "2025-06-02"}]})

    title: StrictStr | None = None
    author: StrictStr | None = None
    publisher: StrictStr | None = None
    date: StrictStr | None = Field(None, description="YYYY, YYYY-MM or YYYY-MM-DD.")
    url: StrictStr | None = None


class Duplicate(Error):
    """A 409: the file is already in the library, or a near-copy of a document there."""

    existing: dict[str, str] = Field(description="The document it copies: id and title.")
