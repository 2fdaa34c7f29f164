"""``hwb data …``: assemble the real snapshot, build the demonstration one, fetch, verify, and
clean what killed ones left.

:func:`add_commands` registers the ``data`` command on the main ``hwb`` parser; each
sub-command returns an exit code and raises :class:`~hwb.errors.HwbError` for people.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path


def _writable(out: Path | None) -> None:
    """The folder a new snapshot is swapped into must be writable, checked before any work."""
    from hwb import paths

    paths.check_writable(Path(out or paths.SNAPSHOT).parent)


def _cmd_demo(args: argparse.Namespace) -> int:
    from hwb.data import demo

    started = time.perf_counter()
    seed = demo.DEFAULT_SEED if args.seed is None else args.seed
    areas = demo.DEFAULT_COMPARATORS if args.areas is None else args.areas
    if areas < 0:
        from hwb.errors import BadParameter

        raise BadParameter(
            f"--areas {areas}: the number of comparator districts cannot be negative."
        )
    _writable(args.out)
    target = demo.write_demo_snapshot(args.out, seed=seed, n_comparators=areas)
    _summary(target, time.perf_counter() - started)
    return 0


def _cmd_fetch(args: argparse.Namespace) -> int:
    from hwb.data import fingertips

    started = time.perf_counter()
    _writable(args.out)
    target = fingertips.fetch_snapshot(args.out, progress=not args.quiet)
    _summary(target, time.perf_counter() - started)
    return 0


def _cmd_assemble(args: argparse.Namespace) -> int:
    from hwb.data import assemble

    started = time.perf_counter()
    _writable(args.out)
    target = assemble.assemble_snapshot(args.sources, args.out)
    _summary(target, time.perf_counter() - started)
    return 0


def _cmd_clean(args: argparse.Namespace) -> int:
    from hwb import paths
    from hwb.data.snapshot import shown, sweep_staging

    for path in sweep_staging(args.snapshot or paths.SNAPSHOT):
        print(f"removed {shown(path)} (left by a data command that was killed)")
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    _summary(args.snapshot, None)
    return 0


def _summary(source: Path | str | None, seconds: float | None) -> None:
    """Verify hashes, validate, and print what the snapshot holds."""
    from hwb import paths
    from hwb.data.catalogue import period_mismatches
    from hwb.data.load import describe_quarantined, load_manifest, load_snapshot
    from hwb.data.snapshot import banner_text

    source = Path(source) if source is not None else paths.SNAPSHOT
    manifest = load_manifest(source)
    frame = load_snapshot(source)
    areas = frame["area_code"].nunique()
    took = f" in {seconds:.1f}s" if seconds is not None else ""
    print(
        f"{source}: valid{took} — {len(frame):,} rows, {frame['indicator_id'].nunique()} indicators, "
        f"{areas} areas, periods {frame['period'].min()} … {frame['period'].max()}"
    )
    for entry in manifest.get("files", []):
        print(f"  {entry['name']}  {entry.get('size', 0):,} bytes  sha256 {entry['sha256'][:16]}…")
    for note in frame.attrs.get("dropped_rows", []):
        print(f"  note: {note}")
    held = frame.attrs.get("quarantined", [])
    if held:
        print(f"  quarantined: {len(held)} row(s) left out")
        for finding in held:
            print(f"    {describe_quarantined(finding)}")
    for absent in manifest.get("not_in_snapshot", []) or []:
        print(f"  not in this snapshot: {absent['indicator_id']} ({absent['reason']})")
    for problem in period_mismatches(frame):
        print(f"  catalogue mismatch: {problem}")
    banner = banner_text(manifest)
    if banner:
        print(f"  {banner}")


def add_commands(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``data assemble | demo | fetch | verify`` on the main parser's sub-commands."""
    data = subparsers.add_parser("data", help="build, fetch or verify the data snapshot")
    sub = data.add_subparsers(dest="data_command", required=True)

    p = sub.add_parser("demo", help="generate the seeded demonstration snapshot (synthetic data)")
    p.add_argument(
        "--seed", type=int, default=None, help="random seed (default: the shipped snapshot's)"
    )
    p.add_argument(
        "--areas",
        type=int,
        default=None,
        help="number of synthetic comparator districts (default: the shipped snapshot's, 260)",
    )
    p.add_argument("--out", type=Path, default=None, help="output folder (default data/snapshot)")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser(
        "assemble",
        help="build the shipped snapshot from the public copies of real data in SOURCES "
        "(e.g. ../shared/data), as data/sources.yml chooses",
    )
    p.add_argument("sources", type=Path, help="folder of public sources, e.g. ../shared/data")
    p.add_argument("--out", type=Path, default=None, help="output folder (default data/snapshot)")
    p.set_defaults(func=_cmd_assemble)

    p = sub.add_parser(
        "fetch", help="build a new snapshot from the OHID Fingertips API (needs network)"
    )
    p.add_argument("--out", type=Path, default=None, help="output folder (default data/snapshot)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_fetch)

    p = sub.add_parser(
        "clean",
        help="remove the staging folders (.snapshot-new-*) that killed data commands left "
        "beside the snapshot (a running command's are kept)",
    )
    p.add_argument(
        "snapshot",
        nargs="?",
        type=Path,
        default=None,
        help="snapshot folder (default data/snapshot)",
    )
    p.set_defaults(func=_cmd_clean)

    p = sub.add_parser("verify", help="check a snapshot's hashes and validate it; print a summary")
    p.add_argument(
        "snapshot",
        nargs="?",
        type=Path,
        default=None,
        help="snapshot folder or CSV (default data/snapshot)",
    )
    p.set_defaults(func=_cmd_verify)
    return data
