"""Test hook: named points in an index build where a fault test can have the process killed.

Inert unless the environment variable ``ASSISTANT_TEST_KILL_AT`` equals a point's name
(the fault tests set it for one build process; nothing else does). Then the process
sends itself SIGKILL on reaching that point, so a test lands a kill exactly there
instead of racing a timer. The points, in the order a build reaches them:

- ``sources read``: documents read and chunked, nothing embedded;
- ``cache half-written``: the embedding cache's vectors replaced, its key file not yet;
- ``embedded``: every vector computed (and cached), nothing of the index written;
- ``wrote <file>``: that file of the new index written to the temporary folder (the
  manifest is written last);
- ``files synced``: the temporary folder complete and synced, not yet swapped in;
- ``swapped``: the new index swapped in, the previous one not yet removed.

A change to the library (``assistant add``, the Documents tab, the API) reaches first:

- ``library staged``: the upload written to ``.staging/`` in the sources folder, nothing
  else changed;
- ``library files written``: the file moved into the folder and ``sources.toml`` written,
  the index not yet updated;

then the points above, for the incremental update (``sources read`` and ``embedded`` for
the one document).

A build into Milvus (``ASSISTANT_STORE=milvus``) reaches, after ``embedded``:

- ``milvus written``: the new generation's collections written, flushed and loaded, the
  alias still on the previous one;
- ``milvus switched``: the alias moved to the new generation, older ones not yet dropped.

>>> reached("embedded")  # not named by ASSISTANT_TEST_KILL_AT: nothing happens
"""

from __future__ import annotations

import os
import signal

ENV = "ASSISTANT_TEST_KILL_AT"


def reached(point: str) -> None:
    """SIGKILL this process if ``ASSISTANT_TEST_KILL_AT`` names ``point``; else nothing."""
    if os.environ.get(ENV) == point:
        os.kill(os.getpid(), signal.SIGKILL)
