"""Turning templates into rendered pages and the book.

The engine seam: every page is executed by an :class:`~hwb.render.engines.Engine`, one
interface (``ready()``, ``execute(job)``) with two implementations that write the same
bytes: ``papermill`` (stock Papermill, each kernel a new Python; runs everywhere) and
``forkserver`` (the same Papermill run with kernels forked from a pre-warmed server,
:mod:`~hwb.render.forkserver`; POSIX only). ``auto`` picks ``forkserver`` where fork and
``fcntl`` are available, else ``papermill``; nothing POSIX-only is imported at module top
on the standard path. The build process starts the engine, executors call ``ready()``
once their workers start and pass the engine (a picklable value with the
:class:`~hwb.render.execute.Workspace` and the server's address) to every worker as an
argument: no environment variable carries state between the build's processes.

:mod:`~hwb.render.pipeline` runs the named steps (plan; decide, reuse, execute, record;
build book); ``execute`` runs one notebook with Papermill; ``normalise`` makes its bytes
depend only on its inputs; ``book`` builds the Jupyter Book. Heavy imports happen inside
functions.
"""
