"""The ``hwb`` commands for publishing and review (wired into :mod:`hwb.cli` by ``add_commands``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _cmd_pdf(args: argparse.Namespace) -> int:
    from hwb import paths
    from hwb.publish import pdf

    written = pdf.print_pdfs(args.districts or None, snapshot=args.snapshot)
    status = 0
    for path in written:
        summary = pdf.summarise(path)
        print(
            f"{path.relative_to(paths.ROOT)}: {summary.pages} A4 pages, {summary.images} images, "
            f"{path.stat().st_size / 1024:.0f} KB"
        )
        if path.name.endswith("-summary.pdf") and summary.pages != pdf.SUMMARY_PAGES:
            print(
                f"error: {path.name} has {summary.pages} pages, not {pdf.SUMMARY_PAGES}",
                file=sys.stderr,
            )
            status = 1
    day, source = pdf.printed_on()
    print(
        f"printed: dated {day.isoformat()} ({source}); the book links them: {paths.BOOK_HTML / 'pdf'}"
    )
    return status


def _cmd_check_rendered(args: argparse.Namespace) -> int:
    from hwb.publish import rendered

    result = rendered.check_rendered(args.pages or None, snapshot=args.snapshot)
    print(result.report())
    return 0 if result.ok else 1


def _cmd_diff_rendered(args: argparse.Namespace) -> int:
    from hwb.publish import rendered

    code = rendered.diff_rendered(args.page, snapshot=args.snapshot, extra_args=args.nbdiff_args)
    return 0 if code in (0, 1) else code


def _cmd_changes(args: argparse.Namespace) -> int:
    from hwb import paths
    from hwb.publish import changes

    page = changes.write_changes_page(args.old, args.new, args.output)
    try:
        shown = page.resolve().relative_to(paths.ROOT)
    except ValueError:
        shown = page
    print(f"What changed in this release: {shown}")
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from hwb import paths
    from hwb.publish import serve

    try:
        serve.serve_forever(args.folder or paths.BOOK_HTML, args.port)
    except KeyboardInterrupt:
        print("stopped")
    return 0


def _cmd_build_info(args: argparse.Namespace) -> int:
    from hwb.publish import reproducibility

    print(reproducibility.as_markdown(reproducibility.build_info()), end="")
    return 0


def add_commands(sub) -> None:
    """Register ``pdf``, ``check-rendered``, ``diff-rendered``, ``changes``, ``serve``, ``build-info``."""
    p = sub.add_parser(
        "pdf", help="print each partnership's pack and four-page summary to A4 PDFs (default: all)"
    )
    p.add_argument(
        "districts", nargs="*", help="partnership or district slugs (default: every partnership)"
    )
    p.add_argument(
        "--snapshot", type=Path, default=None, help="snapshot named in the running header"
    )
    p.set_defaults(func=_cmd_pdf)

    c = sub.add_parser(
        "check-rendered", help="re-render the committed packs and fail if any differs"
    )
    c.add_argument("pages", nargs="*", help="district slugs or 'overview' (default: all)")
    c.add_argument("--snapshot", type=Path, default=None)
    c.set_defaults(func=_cmd_check_rendered)

    d = sub.add_parser(
        "diff-rendered", help="nbdime diff of a fresh render against the committed page"
    )
    d.add_argument("page", help="a district slug or 'overview'")
    d.add_argument("--snapshot", type=Path, default=None)
    d.add_argument(
        "nbdiff_args", nargs="*", help="extra nbdiff options after --, e.g. -- -s (sources only)"
    )
    d.set_defaults(func=_cmd_diff_rendered)

    w = sub.add_parser(
        "changes", help="write the 'What changed in this release' page from two snapshots"
    )
    w.add_argument(
        "old", type=Path, help="the previous release's snapshot folder or Fingertips CSV"
    )
    w.add_argument("new", type=Path, help="this release's snapshot folder or Fingertips CSV")
    w.add_argument("--output", type=Path, default=None, help="default: book/changes.md")
    w.set_defaults(func=_cmd_changes)

    s = sub.add_parser("serve", help="preview the built book on http://127.0.0.1:PORT/")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--folder", type=Path, default=None, help="default: book/_build/html")
    s.set_defaults(func=_cmd_serve)

    b = sub.add_parser(
        "build-info", help="print this checkout's commit, lock and snapshot hashes, tool versions"
    )
    b.set_defaults(func=_cmd_build_info)
