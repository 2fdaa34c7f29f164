"""``hwb``: the commands the Makefile calls.

Every :class:`~hwb.errors.HwbError` is printed as one clear message with exit code 2;
nothing is written before parameters validate. A command that writes this checkout's data
or pages holds the build lock for its whole run (:func:`writes_checkout`), so a second
one started meanwhile fails at once, naming the first.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

import hwb
from hwb.errors import HwbError


def _cmd_params_check(args: argparse.Namespace) -> int:
    from hwb import params, partnerships

    if args.district:
        for slug in args.district:
            params.load_district(slug)
        names = args.district
    else:
        names = [d.slug for d in params.load_all()]
        groups = partnerships.load_partnerships()
        partnerships.check_table_of_contents()
        print(f"partnerships valid: {', '.join(p.slug for p in groups)}")
    print(f"parameters valid: {', '.join(names)}")
    return 0


def _summarise(results) -> int:
    from hwb.render.pipeline import summary_table

    failed = [r for r in results if r.status == "failed"]
    print(summary_table(results))
    for r in failed:
        print(f"error: {r.message}", file=sys.stderr)
    return 1 if failed else 0


def _run_options(args: argparse.Namespace) -> dict:
    from hwb.render.executors import default_jobs

    if args.jobs is not None and args.jobs < 1:
        from hwb.errors import BadParameter

        raise BadParameter(f"-j/--jobs must be 1 or more (got {args.jobs}); e.g. -j 2")
    return {
        "force": args.force,
        "workers": args.jobs or default_jobs(),
        "executor": getattr(args, "executor", "pool"),
        "scheduler": getattr(args, "scheduler", None),
        "engine": "papermill" if getattr(args, "standard_kernels", False) else args.engine,
    }


class _BookWarmer:
    """Start the book's jupyter-book process once fewer pages are left than workers (a core
    would otherwise idle), so its imports overlap the last pages instead of following them."""

    def __init__(self, pages: int, workers: int, enabled: bool = True) -> None:
        self.left, self.workers, self.enabled = pages, workers, enabled
        self.warm = None
        self._start_if_idle()

    def on_result(self, _result) -> None:
        self.left -= 1
        self._start_if_idle()

    def _start_if_idle(self) -> None:
        if self.enabled and self.warm is None and self.left < self.workers:
            from hwb.render import book

            self.warm = book.WarmBook()

    def cancel(self) -> None:
        if self.warm is not None:
            self.warm.cancel()


def _book(force: bool = False, warm=None) -> Path:
    from hwb.render import pipeline

    html, built = pipeline.build_book(force=force, warm=warm)
    if not built:
        print("book: unchanged since the last build (not rebuilt)")
    return html


def _cmd_district(args: argparse.Namespace) -> int:
    """A district's name builds its partnership's pack (and says which); a partnership's, its own."""
    from hwb import partnerships

    if args.partnership:
        partnership = partnerships.resolve_partnership(args.slug)  # validates before anything runs
    else:
        partnership, district = partnerships.resolve(args.slug)
        if district is not None and partnership.district_slugs != [district]:
            print(
                f"{district} is in the {partnership.name}: rendering its pack ({partnership.slug})"
            )
    return _render_pack(args, partnership)


def _render_pack(args: argparse.Namespace, partnership) -> int:
    from hwb import paths
    from hwb.render import book, pipeline

    jobs = pipeline.plan([partnership.slug], args.snapshot, overview=False)
    options = _run_options(args)
    paths.check_writable(*pipeline.output_folders(jobs), paths.BOOK_BUILD)  # before any page runs
    with _lock(args):
        warmer = _BookWarmer(len(jobs), options["workers"])
        status = _summarise(pipeline.run(jobs, **options, on_result=warmer.on_result))
        if status:
            warmer.cancel()
            return status
        html = _book(warm=warmer.warm)
    page = book.page_path(f"book/districts/{partnership.slug}", html)
    print(f"{partnership.name} evidence pack: {page.relative_to(paths.ROOT)}")
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from hwb import partnerships, paths
    from hwb.render import pipeline

    slugs = args.districts or partnerships.known_partnerships()
    jobs = pipeline.plan(slugs, args.snapshot, overview=not args.districts)
    options = _run_options(args)
    book = [] if args.no_book else [paths.BOOK_BUILD]
    paths.check_writable(*pipeline.output_folders(jobs), *book)  # before any page runs
    with _lock(args):
        warmer = _BookWarmer(len(jobs), options["workers"], enabled=not args.no_book)
        status = _summarise(pipeline.run(jobs, **options, on_result=warmer.on_result))
        if status == 0 and not args.no_book:
            html = _book(warm=warmer.warm)
            print(f"book: {html / 'index.html'}")
        else:
            warmer.cancel()
    return status


def _cmd_book(args: argparse.Namespace) -> int:
    from hwb.render import book

    if args.force:
        html = book.build_book()
    else:
        html, built = book.build_book_if_changed()
        if not built:
            print("book: unchanged since the last build (not rebuilt; --force rebuilds)")
    print(f"book: {html / 'index.html'}")
    return 0


def _cmd_catalogue_table(args: argparse.Namespace) -> int:
    from hwb.text.catalogue import update_methods_page

    changed = update_methods_page()
    print("book/methods.md: catalogue table " + ("updated" if changed else "already up to date"))
    return 0


def _add_run_options(p: argparse.ArgumentParser, executors: bool) -> None:
    p.add_argument("--snapshot", type=Path, default=None, help="snapshot folder or Fingertips CSV")
    p.add_argument("--force", action="store_true", help="re-execute even if nothing changed")
    p.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="pages to execute at once (default: one more than the cores)",
    )
    p.add_argument(
        "--engine",
        choices=("auto", "forkserver", "papermill"),
        default="auto",
        help="how pages execute: forkserver (kernels forked from a warm server, POSIX), "
        "papermill (each kernel a new Python) or auto (forkserver where fork works)",
    )
    p.add_argument("--standard-kernels", action="store_true", help="the same as --engine papermill")
    if executors:
        p.add_argument(
            "--executor",
            choices=("pool", "dask"),
            default="pool",
            help="local process pool (default) or Dask distributed",
        )
        p.add_argument(
            "--scheduler",
            default=None,
            metavar="tcp://HOST:PORT",
            help="with --executor dask: an existing scheduler (default: a LocalCluster)",
        )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hwb", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    parser.add_argument("--version", action="version", version=f"%(prog)s {hwb.__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("params", help="validate parameter files")
    p_sub = p.add_subparsers(dest="params_command", required=True)
    check = p_sub.add_parser("check", help="validate all (or the named) districts' parameters")
    check.add_argument("district", nargs="*")
    check.set_defaults(func=_cmd_params_check)

    d = sub.add_parser(
        "district",
        help="render the pack of a district's partnership, build the book, print its page",
    )
    d.add_argument("slug")
    _add_run_options(d, executors=False)
    d.set_defaults(func=_cmd_district, partnership=False)

    pp = sub.add_parser(
        "partnership", help="render one partnership's pack, build the book, print its page"
    )
    pp.add_argument("slug")
    _add_run_options(pp, executors=False)
    pp.set_defaults(func=_cmd_district, partnership=True)

    b = sub.add_parser(
        "build", help="render packs (default: every partnership, plus the overview) and the book"
    )
    b.add_argument("districts", nargs="*")
    _add_run_options(b, executors=True)
    b.add_argument("--no-book", action="store_true", help="render notebooks only")
    b.set_defaults(func=_cmd_build)

    bk = sub.add_parser("book", help="build the Jupyter Book from the rendered pages")
    bk.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    bk.set_defaults(func=_cmd_book)

    ct = sub.add_parser(
        "catalogue-table", help="rewrite the methods page's indicator table from data/catalogue.yml"
    )
    ct.set_defaults(func=_cmd_catalogue_table)

    from hwb.data.cli import add_commands as add_data_commands
    from hwb.publish.cli import add_commands as add_publish_commands

    add_data_commands(sub)  # hwb data demo | fetch | verify
    add_publish_commands(
        sub
    )  # hwb pdf | check-rendered | diff-rendered | changes | serve | build-info
    return parser


# Commands that write this checkout's pages or book (the data commands, and `changes`, write
# where --out/--output says: the checkout's only when that is inside it). Builds (district,
# partnership, build) take the lock themselves once their plan has validated, so a misspelt
# name writes nothing, and hold it until the book is built.
_PAGE_WRITERS = {"book", "catalogue-table", "pdf"}
_DATA_WRITERS = {"demo", "assemble", "fetch"}


def checkout_outputs(args: argparse.Namespace) -> list[Path] | None:
    """The folders the parsed command writes in this checkout (checked, then locked, before
    it runs), or None for a command that writes none of its data or pages."""
    from hwb import paths

    if args.command in _PAGE_WRITERS:
        return [paths.BOOK_BUILD if args.command != "catalogue-table" else paths.BOOK]
    if args.command == "data" and args.data_command in _DATA_WRITERS:
        target = Path(args.out or paths.SNAPSHOT)
    elif args.command == "changes":
        target = Path(args.output or paths.BOOK / "changes.md")
    else:
        return None
    inside = Path(os.path.abspath(target)).is_relative_to(os.path.abspath(paths.ROOT))
    return [target.parent] if inside else None


def writes_checkout(args: argparse.Namespace) -> bool:
    """Whether the parsed command writes this checkout's data or pages (so takes the lock)."""
    return checkout_outputs(args) is not None


def _lock(args: argparse.Namespace):
    """The build lock, naming this command to anyone it refuses."""
    from hwb.render.housekeeping import build_lock

    return build_lock(" ".join(["hwb", *args.argv])[:120])


MAX_MESSAGE = 2_000  # characters of an error message printed (each names what it echoes first)


def readable(message: str) -> str:
    """``message`` cut to :data:`MAX_MESSAGE` characters, saying how long it was."""
    if len(message) <= MAX_MESSAGE:
        return message
    return f"{message[:MAX_MESSAGE]}… (cut: the message had {len(message):,} characters)"


def stop_on_termination() -> list[int]:
    """Make SIGTERM and SIGHUP interrupt like Ctrl-C (KeyboardInterrupt), so a terminated
    command cleans up as an interrupted one does: kernels stopped, temporary files (the fork
    server's /tmp/hwb-fs-*, kernels' connection files) removed, nothing half-written.
    Returns the signal received (the list is filled when one arrives)."""
    import signal

    from hwb.processes import TERMINATED as received

    received.clear()

    def interrupt(signum, _frame):
        received.append(signum)
        raise KeyboardInterrupt

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            try:
                signal.signal(getattr(signal, name), interrupt)
            except ValueError:  # not the main thread (hwb called from another program)
                pass
    return received


def main(argv: list[str] | None = None) -> int:
    received = stop_on_termination()
    parser = build_parser()
    args = parser.parse_args(argv)
    args.argv = list(argv if argv is not None else sys.argv[1:])
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s"
    )
    try:
        from hwb import paths

        paths.check_root()
        outputs = checkout_outputs(args)
        if outputs is None:
            return args.func(args)
        paths.check_writable(*outputs)  # before the lock: a refused command writes nothing
        with _lock(args):
            return args.func(args)
    except HwbError as exc:
        print(f"error: {readable(str(exc))}", file=sys.stderr)
        return 2
    except OSError as exc:  # a file that cannot be read or written: the path and the fix
        from hwb.errors import os_error_message

        print(f"error: {readable(os_error_message(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; previous outputs are intact", file=sys.stderr)
        return 128 + received[0] if received else 130


if __name__ == "__main__":
    sys.exit(main())
