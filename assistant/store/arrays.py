"""Store arrays: a sparse term-score matrix as plain .npy and JSON files of the index folder.

A matrix stored under the name ``NAME`` is four files::

    NAME.data.npy      float32 score of each (document, term) pair, column by column
    NAME.indices.npy   int32 document (row) of each score
    NAME.indptr.npy    int64 start of each term's column in the two arrays above
    NAME.vocab.json    JSON list of the terms, in column order

The ``.npy`` files are written and read with ``allow_pickle=False``; the bytes handed to
:func:`parse_matrix` have already been checked against the manifest by the store, and
their shapes and bounds are checked here before anything uses them.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

PARTS: dict[str, type] = {"data": np.float32, "indices": np.int32, "indptr": np.int64}


@dataclass(frozen=True, eq=False)
class TermMatrix:
    """Scores of terms in documents, compressed by column (CSC).

    Term ``vocab[j]`` scores ``data[indptr[j]:indptr[j + 1]]`` in the documents
    ``indices[indptr[j]:indptr[j + 1]]``; ``rows`` is the number of documents.
    """

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    vocab: tuple[str, ...]
    rows: int


class MalformedFile(ValueError):
    """A matrix file that passed its checksum but does not hold a valid matrix."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


def file_names(name: str) -> list[str]:
    """The files a matrix stored as ``name`` occupies.

    >>> file_names("m")
    ['m.data.npy', 'm.indices.npy', 'm.indptr.npy', 'm.vocab.json']
    """
    return [*(f"{name}.{part}.npy" for part in PARTS), f"{name}.vocab.json"]


def matrix_files(name: str, matrix: TermMatrix) -> dict[str, bytes]:
    """The bytes of every file of ``matrix``, stored as ``name`` (deterministic)."""
    out = {}
    for part, dtype in PARTS.items():
        buffer = io.BytesIO()
        array = np.ascontiguousarray(getattr(matrix, part), dtype=dtype)
        np.save(buffer, array, allow_pickle=False)
        out[f"{name}.{part}.npy"] = buffer.getvalue()
    vocab = json.dumps(list(matrix.vocab), ensure_ascii=False, separators=(",", ":"))
    out[f"{name}.vocab.json"] = (vocab + "\n").encode("utf-8")
    return out


def parse_matrix(name: str, read: Callable[[str], bytes], rows: int) -> TermMatrix:
    """The matrix stored as ``name``; ``read`` returns a file's verified bytes.

    Raises :class:`MalformedFile` naming the first file that does not fit.
    """
    arrays = {part: _array(f"{name}.{part}.npy", read, dtype) for part, dtype in PARTS.items()}
    vocab = _vocab(f"{name}.vocab.json", read)
    data, indices, indptr = arrays["data"], arrays["indices"], arrays["indptr"]
    if len(indptr) != len(vocab) + 1:
        raise MalformedFile(f"{name}.indptr.npy", f"{len(indptr)} entries for "
                                                  f"{len(vocab)} terms")
    if indptr[0] != 0 or indptr[-1] != len(data) or np.any(np.diff(indptr) < 0):
        raise MalformedFile(f"{name}.indptr.npy", "column starts out of order or range")
    if len(indices) != len(data):
        raise MalformedFile(f"{name}.indices.npy", "not as long as the scores")
    if len(indices) and (int(indices.min()) < 0 or int(indices.max()) >= rows):
        raise MalformedFile(f"{name}.indices.npy", f"a row outside 0..{rows - 1}")
    if not np.all(np.isfinite(data)):
        raise MalformedFile(f"{name}.data.npy", "a score that is not a finite number")
    return TermMatrix(data, indices, indptr, vocab, rows)


def _array(file: str, read: Callable[[str], bytes], dtype: type) -> np.ndarray:
    raw = read(file)
    try:
        _check_size(raw)
        array = np.load(io.BytesIO(raw), allow_pickle=False)
    except (ValueError, EOFError, OSError, MemoryError) as exc:
        raise MalformedFile(file, str(exc) or type(exc).__name__) from None
    if not isinstance(array, np.ndarray):  # an .npz archive
        raise MalformedFile(file, "not a single array")
    if array.dtype != np.dtype(dtype) or array.ndim != 1:
        raise MalformedFile(file, f"expected a 1-d {np.dtype(dtype)} array, "
                                  f"found {array.ndim}-d {array.dtype}")
    return array


def _check_size(raw: bytes) -> None:
    """Refuse a header whose shape does not match the bytes that follow it, before numpy
    allocates that shape (a forged header could ask for terabytes)."""
    from numpy.lib import format as npy

    if raw.startswith(b"PK"):  # a zip (.npz): np.load opens it lazily, refused below
        return
    stream = io.BytesIO(raw)
    version = npy.read_magic(stream)
    read_header = npy.read_array_header_1_0 if version == (1, 0) else \
        npy.read_array_header_2_0
    shape, _, dtype = read_header(stream)
    if dtype.hasobject:
        raise ValueError("an array of Python objects, which only unpickling could read")
    expected = int(np.prod(shape, dtype=np.float64) * dtype.itemsize)
    if expected != len(raw) - stream.tell():
        raise ValueError(f"the header promises {expected} bytes of data, the file holds "
                         f"{len(raw) - stream.tell()}")


def _vocab(file: str, read: Callable[[str], bytes]) -> tuple[str, ...]:
    try:
        vocab = json.loads(read(file).decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise MalformedFile(file, str(exc) or type(exc).__name__) from None
    if not isinstance(vocab, list) or not all(isinstance(t, str) for t in vocab):
        raise MalformedFile(file, "not a list of terms")
    if len(set(vocab)) != len(vocab):
        raise MalformedFile(file, "a term listed twice")
    return tuple(vocab)
