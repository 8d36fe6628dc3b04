"""The Documents tab's handlers, without a browser: who sees the controls (an editor; without
a login, a visitor on this machine), and that every change is checked again on the server,
whatever the page showed. The real library and index code, with the fake embedder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from bad_files import image_only_pdf
from support import FakeEmbedder

from assistant.accounts import Accounts, Gate
from assistant.accounts.manage import add_user
from assistant.config import Settings
from assistant.library import Library
from assistant.store import build_index
from assistant.web.documents import Desk
from assistant.web.documents_tab import DocumentsTab


@dataclass
class Client:
    host: str


@dataclass
class Request:  # what the handlers read of gr.Request
    username: str | None
    client: Client


def visible(update: Any) -> bool:
    return bool(update.get("visible"))


def tab_for(settings: Settings, gate: Gate | None) -> DocumentsTab:
    build_index(settings, FakeEmbedder())
    return DocumentsTab(Desk(Library(settings, FakeEmbedder()), gate))


@pytest.fixture
def gate(tmp_path: Path) -> Gate:
    path = tmp_path / "accounts.txt"
    add_user(path, "ed", "editor password", "editor")
    add_user(path, "rita", "reader password", "reader")
    return Gate(Accounts(path))


def test_who_sees_the_controls(fast_settings: Settings, gate: Gate) -> None:
    tab = tab_for(fast_settings, gate)
    table, _, editor, note = tab.load(Request("ed", Client("10.0.0.4")))  # type: ignore[arg-type]
    assert visible(editor) and not visible(note) and "GSOMIA Basics" in table
    _, _, editor, note = tab.load(Request("rita", Client("127.0.0.1")))  # type: ignore[arg-type]
    assert not visible(editor) and visible(note) and "reader" in note["value"]
    open_tab = DocumentsTab(Desk(tab.desk.library, None))  # no login at all
    _, _, editor, _ = open_tab.load(Request(None, Client("127.0.0.1")))  # type: ignore[arg-type]
    assert visible(editor)
    _, _, editor, note = open_tab.load(Request(None, Client("192.168.1.9")))  # type: ignore[arg-type]
    assert not visible(editor) and "only from this machine" in note["value"]


def test_changes_are_checked_on_the_server(fast_settings: Settings, gate: Gate,
                                           tmp_path: Path) -> None:
    tab = tab_for(fast_settings, gate)
    note = tmp_path / "ferry.txt"
    note.write_text("Ferry\n\nThe ferry sails twice a day from May.\n", encoding="utf-8")
    reader = Request("rita", Client("127.0.0.1"))
    status, *_ = tab.add([str(note)], "", "", "", "", reader)  # type: ignore[arg-type]
    assert "was not added" in status and "reader" in status
    status, *_ = tab.remove("alpha", True, reader)  # type: ignore[arg-type]
    assert "was not removed" in status
    assert (Path(fast_settings.sources) / "alpha.txt").exists()


def test_an_editor_adds_files_and_each_gets_its_outcome(fast_settings: Settings, gate: Gate,
                                                        tmp_path: Path) -> None:
    tab = tab_for(fast_settings, gate)
    good = tmp_path / "ferry.txt"
    good.write_text("Ferry\n\nThe ferry sails twice a day from May.\n", encoding="utf-8")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(image_only_pdf())
    editor = Request("ed", Client("10.0.0.4"))
    calls: list[float] = []
    status, table, _, cleared = tab.add(
        [str(good), str(scan)], "", "", "", "", editor,  # type: ignore[arg-type]
        progress=lambda fraction, desc="": calls.append(fraction))
    assert "Added “Ferry”" in status and "“scan.pdf” was not added" in status
    assert "no text layer" in status and str(tmp_path) not in status
    assert "Ferry" in table and cleared is None
    assert calls and max(calls) <= 1.0 and calls == sorted(calls)
    status, *_ = tab.add([str(good), str(scan)], "A title", "", "", "",
                         editor)  # type: ignore[arg-type]
    assert "one file" in status  # metadata fields describe one file
    status, *_ = tab.save("ferry", "Island ferry", "", "", "2025-05", "",
                          editor)  # type: ignore[arg-type]
    assert "Saved the metadata of “Island ferry”" in status
    status, *_ = tab.save("ferry", "", "", "", "soon", "", editor)  # type: ignore[arg-type]
    assert "YYYY" in status
