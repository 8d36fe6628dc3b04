"""The JSON API's library routes, beside ``/ask`` under ``/api/v1``:

    GET    /documents        every document (any account; open without login)
    POST   /documents        multipart: the file in ``file``, optional title, author,
                             publisher, date, url -> 201 with the document as read
    PATCH  /documents/{id}   JSON metadata -> the document
    PUT    /documents/{id}   multipart: a new file for it -> the document
    DELETE /documents/{id}   -> the document removed

Changing needs an editor (or, without any login, a caller on this machine): 401 without
credentials, 403 for a reader. Errors are the API's JSON ``{"error", "fix"}``: 400 bad
metadata or name, 404 unknown id, 409 a duplicate (with ``existing``: the document it
copies), 413 over the size limit, 415 an unsupported type, 422 a file that cannot be read
(empty, image-only or encrypted PDF, damaged Word file or zip bomb) or a missing ``file``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, File, Form, UploadFile
from fastapi.responses import JSONResponse

from ..errors import AssistantError
from ..library import Upload
from . import api_models as m
from .documents import Desk, error_payload, error_status

FileField = Annotated[UploadFile, File(description="The document: a .txt, .md, .html, .pdf "
                                                    "or .docx file.")]
Text = Annotated[str | None, Form()]


def _responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    text = {400: "Bad metadata or file name", 401: "Login required",
            403: "Not an editor (or, without login, not from this machine)",
            404: "No document with that id", 409: "A duplicate: names the document it copies",
            413: "Over the size limit (ASSISTANT_MAX_FILE_MB)", 415: "Unsupported file type",
            422: "The file cannot be read, or the request is malformed",
            429: "Too many wrong credentials in a row"}
    return {c: {"model": m.Duplicate if c == 409 else m.Error, "description": text[c]}
            for c in codes}


async def _answer(work: Callable[[], Any], status: int = 200) -> JSONResponse:
    """Run a library call; its entry as JSON, or its error with the matching status."""
    try:
        entry = await work()
    except AssistantError as exc:
        return JSONResponse(error_payload(exc), status_code=error_status(exc))
    return JSONResponse(entry.to_json(), status_code=status)


def _fields(**given: str | None) -> dict[str, str | None]:
    return {k: v for k, v in given.items() if v is not None}


def add_document_routes(app: FastAPI, desk: Desk, login: Any, editor: Any) -> None:
    """The ``/documents`` routes on ``app``; ``login``/``editor`` are the dependencies."""
    read, change = [Depends(login)], [Depends(editor)]
    lib = desk.library

    @app.get("/documents", response_model=m.LibraryDocuments, dependencies=read,
             responses=_responses(401, 429))
    async def documents() -> JSONResponse:
        """Every document of the library with its metadata, size and when it was added."""
        try:
            entries = await desk.call(lib.entries)
        except AssistantError as exc:
            return JSONResponse(error_payload(exc), status_code=error_status(exc))
        return JSONResponse({"documents": [e.to_json() for e in entries]})

    @app.post("/documents", status_code=201, response_model=m.LibraryDocument,
              dependencies=change,
              responses=_responses(400, 401, 403, 409, 413, 415, 422, 429))
    async def add(file: FileField, title: Text = None, author: Text = None,
                  publisher: Text = None, date: Text = None, url: Text = None) -> JSONResponse:
        """Add a document: read, checked for duplicates, written into the sources folder,
        indexed (that document alone), and answered from at once."""
        upload = Upload(file.filename or "", await file.read())
        fields = _fields(title=title, author=author, publisher=publisher, date=date, url=url)
        return await _answer(lambda: desk.call(lib.add, upload, fields), 201)

    _edit_routes(app, desk, change)


def _edit_routes(app: FastAPI, desk: Desk, change: list[Any]) -> None:
    lib = desk.library

    @app.patch("/documents/{doc_id}", response_model=m.LibraryDocument, dependencies=change,
               responses=_responses(400, 401, 403, 404, 422, 429))
    async def update(doc_id: str, body: m.MetadataPatch) -> JSONResponse:
        """Change a document's metadata ("" puts a field back to what its file says)."""
        fields = body.model_dump(exclude_unset=True)
        return await _answer(lambda: desk.call(lib.update, doc_id, fields))

    @app.put("/documents/{doc_id}", response_model=m.LibraryDocument, dependencies=change,
             responses=_responses(400, 401, 403, 404, 409, 413, 415, 422, 429))
    async def replace(doc_id: str, file: FileField, title: Text = None, author: Text = None,
                      publisher: Text = None, date: Text = None,
                      url: Text = None) -> JSONResponse:
        """Replace a document's file (a near-copy of itself is fine); it keeps its id."""
        upload = Upload(file.filename or "", await file.read())
        fields = _fields(title=title, author=author, publisher=publisher, date=date, url=url)
        return await _answer(lambda: desk.call(lib.replace, doc_id, upload, fields))

    @app.delete("/documents/{doc_id}", response_model=m.LibraryDocument, dependencies=change,
                responses=_responses(400, 401, 403, 404, 429))
    async def remove(doc_id: str) -> JSONResponse:
        """Remove a document: its file, its metadata and its passages."""
        return await _answer(lambda: desk.call(lib.remove, doc_id))
