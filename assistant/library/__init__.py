"""Library: your own documents, added, replaced, changed and removed while the chat runs.

The sources folder stays the truth: an added file is written into it and its metadata
into ``sources.toml`` (:mod:`.folder`, undoably: :mod:`.journal`), and the index is then
updated for that document alone (:mod:`assistant.store.incremental`), so ``assistant
index`` from the folder gives the same index. Duplicates (same bytes, or a near-copy in
another format) are refused (:mod:`.duplicates`). :class:`~.manager.Library` is what the
Documents tab, the JSON API and ``assistant add/remove/list`` call; :mod:`.examples`
draws the chat's example questions from the documents.
"""

from .entries import Entry
from .manager import Library, Upload

__all__ = ["Entry", "Library", "Upload"]
