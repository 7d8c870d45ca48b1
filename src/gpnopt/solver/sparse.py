"""Compressed sparse matrices in numpy alone, for the hooks of Pyomo's standard-form compiler.

Pyomo's ``LinearStandardFormCompiler`` builds its matrices through three hooks it keeps as
class attributes "so that others can change the hooks" (``_to_vector``, ``_csc_matrix``,
``_csr_matrix`` in ``pyomo/repn/plugins/standard_form.py``); by default they are
``numpy.fromiter`` and ``scipy.sparse``'s ``csc_array`` and ``csr_array``. The compiler and
:func:`gpnopt.solver.highs.highs_lp` use a small part of those classes: building a matrix
from ``(data, indices, indptr)``, CSR to CSC, ``sum_duplicates``, ``eliminate_zeros``,
``sort_indices``, selecting columns by a boolean mask, a product with a vector and
``toarray``. :class:`CscMatrix` and :class:`CsrMatrix` do exactly these with the same
arrays, bit for bit (the same order of entries and the same order of additions), so that
``gpnopt solve`` does not import ``scipy.sparse`` (about 0.15 s of a 2 s command, issue 22).
The compiler itself is Pyomo's, unchanged.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _arrays(arg: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    data, indices, indptr = arg
    return (
        np.asarray(data, dtype=np.float64),
        np.asarray(indices, dtype=np.int32),
        np.asarray(indptr, dtype=np.int32),
    )


class _Compressed:
    """``(data, indices, indptr)`` and a shape: what both orientations share."""

    def __init__(self, arg: Any, shape: Any) -> None:
        self.data, self.indices, self.indptr = _arrays(arg)
        self.shape = (int(shape[0]), int(shape[1]))

    @property
    def nnz(self) -> int:
        """Stored entries."""
        return int(self.indptr[-1])


class CsrMatrix(_Compressed):
    """A compressed sparse row matrix: row ``i`` holds ``data[indptr[i]:indptr[i+1]]`` in
    the columns ``indices[indptr[i]:indptr[i+1]]``."""

    def tocsc(self) -> CscMatrix:
        """The same matrix by columns; within a column the entries keep their row order
        (as ``scipy.sparse``'s ``csr_tocsc``, which gives sorted rows for sorted input)."""
        n_rows, n_cols = self.shape
        nnz = self.nnz
        rows = np.repeat(np.arange(n_rows, dtype=np.int32), np.diff(self.indptr))
        cols = self.indices[:nnz]
        order = np.argsort(cols, kind="stable")
        indptr = np.zeros(n_cols + 1, dtype=np.int32)
        np.cumsum(np.bincount(cols, minlength=n_cols), out=indptr[1:])
        return CscMatrix((self.data[:nnz][order], rows[order], indptr), (n_rows, n_cols))


class CscMatrix(_Compressed):
    """A compressed sparse column matrix: column ``j`` holds ``data[indptr[j]:indptr[j+1]]``
    in the rows ``indices[indptr[j]:indptr[j+1]]``."""

    def tocsc(self) -> CscMatrix:
        """This matrix (already by columns)."""
        return self

    def _columns(self) -> np.ndarray:
        return np.repeat(np.arange(self.shape[1], dtype=np.int32), np.diff(self.indptr))

    def _keep(self, keep: np.ndarray) -> None:
        """Keep the entries where ``keep`` is true (column order unchanged)."""
        cols = self._columns()[keep]
        self.data, self.indices = self.data[: self.nnz][keep], self.indices[: self.nnz][keep]
        indptr = np.zeros(self.shape[1] + 1, dtype=np.int32)
        np.cumsum(np.bincount(cols, minlength=self.shape[1]), out=indptr[1:])
        self.indptr = indptr

    def sort_indices(self) -> None:
        """Sort the rows within each column (a stable sort: equal rows keep their order)."""
        cols = self._columns()
        rows = self.indices[: self.nnz]
        if self.nnz and np.any((np.diff(rows) < 0) & (np.diff(cols) == 0)):
            order = np.lexsort((rows, cols))
            self.data, self.indices = self.data[: self.nnz][order], rows[order]

    def sum_duplicates(self) -> None:
        """Add up the entries of one row in one column, in their stored order (as
        ``scipy.sparse``: after sorting the rows of each column)."""
        self.sort_indices()
        nnz = self.nnz
        if nnz < 2:
            return
        cols = self._columns()
        rows = self.indices[:nnz]
        first = np.ones(nnz, dtype=bool)
        first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
        if first.all():
            return
        starts = np.flatnonzero(first)
        data = self.data[:nnz].copy()
        sums = data[starts].copy()
        for k in np.flatnonzero(~first):  # duplicates are rare: added one by one, in order
            sums[np.searchsorted(starts, k, side="right") - 1] += data[k]
        self.data = data
        self.data[starts] = sums
        self._keep(first)

    def eliminate_zeros(self) -> None:
        """Drop the stored zeros."""
        keep = self.data[: self.nnz] != 0
        if not keep.all():
            self._keep(keep)

    def __getitem__(self, key: Any) -> CscMatrix:
        """``m[:, mask]``: the columns where the boolean ``mask`` is true."""
        rows, mask = key
        if not (isinstance(rows, slice) and rows == slice(None)):
            msg = "only m[:, column_mask] is supported"
            raise TypeError(msg)
        mask = np.asarray(mask, dtype=bool)
        lengths = np.diff(self.indptr)
        keep = np.repeat(mask, lengths)
        indptr = np.zeros(int(mask.sum()) + 1, dtype=np.int32)
        np.cumsum(lengths[mask], out=indptr[1:])
        nnz = self.nnz
        return CscMatrix(
            (self.data[:nnz][keep], self.indices[:nnz][keep], indptr),
            (self.shape[0], int(mask.sum())),
        )

    def __matmul__(self, x: Any) -> np.ndarray:
        """The product with a vector, added column by column and entry by entry in stored
        order (as ``scipy.sparse``'s ``csc_matvec``)."""
        x = np.asarray(x, dtype=np.float64)
        y = np.zeros(self.shape[0], dtype=np.result_type(self.data, x))
        nnz = self.nnz
        np.add.at(y, self.indices[:nnz], self.data[:nnz] * x[self._columns()])
        return y

    def toarray(self) -> np.ndarray:
        """The dense matrix."""
        out = np.zeros(self.shape, dtype=self.data.dtype)
        nnz = self.nnz
        np.add.at(out, (self.indices[:nnz], self._columns()), self.data[:nnz])
        return out
