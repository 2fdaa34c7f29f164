"""``hwb``: the commands the Makefile calls.

Every :class:`~hwb.errors.HwbError` is printed as one clear message with exit code 2;
nothing is written before parameters validate.
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from hwb.errors import HwbError


def _cmd_params_check(args: argparse.Namespace) -> int:
    from hwb import params

    if args.district:
        for slug in args.district:
            params.load_district(slug)
        names = args.district
    else:
        names = [d.slug for d in params.load_all()]
    print(f"parameters valid: {', '.join(names)}")
    return 0


def _summarise(results) -> int:
    failed = [r for r in results if r.status == "failed"]
    for r in results:
        print(f"  {r.slug:<16} {r.status:<9} {r.seconds:6.1f}s")
    for r in failed:
        print(f"error: {r.message}", file=sys.stderr)
    return 1 if failed else 0


def _cmd_district(args: argparse.Namespace) -> int:
    from hwb import params, paths
    from hwb.build import book, pipeline

    district = params.load_district(args.slug)  # validates before anything runs
    jobs = pipeline.plan([district.slug], args.snapshot, overview=False)
    status = _summarise(pipeline.run(jobs))
    if status:
        return status
    html = book.build_book()
    page = book.page_path(f"book/districts/{district.slug}", html)
    print(f"{district.name} evidence pack: {page.relative_to(paths.ROOT)}")
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from hwb import params
    from hwb.build import book, pipeline

    slugs = args.districts or params.known_districts()
    jobs = pipeline.plan(slugs, args.snapshot, overview=not args.districts)
    status = _summarise(pipeline.run(jobs))
    if status == 0 and not args.no_book:
        html = book.build_book()
        print(f"book: {html / 'index.html'}")
    return status


def _cmd_book(args: argparse.Namespace) -> int:
    from hwb.build import book

    html = book.build_book()
    print(f"book: {html / 'index.html'}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hwb", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("params", help="validate parameter files")
    p_sub = p.add_subparsers(dest="params_command", required=True)
    check = p_sub.add_parser("check", help="validate all (or the named) districts' parameters")
    check.add_argument("district", nargs="*")
    check.set_defaults(func=_cmd_params_check)

    d = sub.add_parser("district", help="render one district's pack, build the book, print its page")
    d.add_argument("slug")
    d.add_argument("--snapshot", type=Path, default=None, help="snapshot folder or Fingertips CSV")
    d.add_argument("--force", action="store_true", help="re-execute even if nothing changed")
    d.set_defaults(func=_cmd_district)

    b = sub.add_parser("build", help="render districts (default: all, plus the overview) and the book")
    b.add_argument("districts", nargs="*")
    b.add_argument("--snapshot", type=Path, default=None)
    b.add_argument("--force", action="store_true")
    b.add_argument("--no-book", action="store_true", help="render notebooks only")
    b.set_defaults(func=_cmd_build)

    bk = sub.add_parser("book", help="build the Jupyter Book from the rendered pages")
    bk.set_defaults(func=_cmd_book)

    try:
        from hwb.data.cli import add_commands as add_data_commands
    except ImportError:  # the data layer's commands are optional at import time
        add_data_commands = None
    if add_data_commands is not None:
        add_data_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    try:
        return args.func(args)
    except HwbError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; previous outputs are intact", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
