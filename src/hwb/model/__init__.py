"""The model step: for each partnership, the numbers its pages show, worked out once.

Between the data and statistics below and the pages above: :func:`build` computes a
partnership's :class:`Model` (judged headline tables, series, priorities with their score
components, projections, and the long table users download) from the snapshot, the
catalogue and the partnership's parameters; :func:`load` reads it from
``build/model/<partnership>/`` when it was computed from the same inputs, else builds and
writes it. See :mod:`hwb.model.build`.
"""

from __future__ import annotations

from hwb.model.build import Area, Model, build, folder_of, load, read, write

__all__ = ["Area", "Model", "build", "folder_of", "load", "read", "write"]
