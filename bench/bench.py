"""`make bench`: the naive way (serial ``papermill`` per page + ``jupyter-book build``)
against ``make all`` (``hwb build``), in a temporary copy of the project.

One run measures:

* the 10 partnership packs of the 12 districts (with their summaries and the overview):
  cold, no-op, one district's parameters changed, one data file changed, each ``--runs``
  times, interleaved with the naive way (medians and paired ratios);
* with ``--areas N`` (default 300): N synthetic areas from ``hwb data demo --areas N``, each
  its own partnership (2N + 1 pages and the book), on the local pool and on a Dask
  LocalCluster: cold, no-op and one area's parameters changed, ``--area-runs`` times
  (default 1). "One data file changed" is left out there: every page reads every file, so
  it is a cold build again. The naive way for the areas (about 7 s a page, serially: over an
  hour for 300 areas) runs only with ``--naive-areas``.

Seconds, and peak memory: the largest sum of resident memory over the process tree,
sampled every 0.2 s (forked kernels share pages, so the sum over-counts them). Prints a
table and writes it into bench/RESULTS.md between its ``bench:start`` / ``bench:end``
markers, keeping the rest of the file (profiles, notes). Benchmarks print figures; tests
never assert timings.

    python bench/bench.py [--runs 3] [--areas 300] [--area-runs 1] [--naive-areas]
        [--executors pool,dask] [--skip-districts] [--out bench/RESULTS.md]
"""

from __future__ import annotations

import argparse
import gzip
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
PARTNERSHIPS = "partnerships.yml"  # hwb.params.PARTNERSHIPS_FILE, under parameters/
#: each partnership's pages: book/<folder>/<slug>.ipynb rendered from notebooks/<template>
PAGE_FOLDERS = {"districts": "district_pack.ipynb", "summaries": "summary.ipynb"}
VENV_BIN = Path(sys.executable).parent
COPY = (
    "_config.yml",
    "_toc.yml",
    "requirements.lock",
    "Makefile",
    "pyproject.toml",
    "notebooks",
    "parameters",
    "data",
    "book",
    "src",
)


# --------------------------------------------------------------------------- measuring
def _tree_rss(pid: int) -> int:
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for proc in procs:
        try:
            total += proc.memory_info().rss
        except psutil.Error:
            pass
    return total


def measure(command: list[str] | str, env: dict, cwd: Path) -> tuple[float, float, int]:
    """(seconds, peak MiB over the process tree, exit code) of one command."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        command,
        env=env,
        cwd=cwd,
        shell=isinstance(command, str),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = [0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - start
    sampler.join()
    if proc.returncode != 0:
        print(
            f"  ! exit {proc.returncode}: {err.strip().splitlines()[-3:] if err else ''}",
            flush=True,
        )
    return seconds, peak[0] / 2**20, proc.returncode


# --------------------------------------------------------------------------- projects
def make_project(folder: Path, areas: int = 0) -> Path:
    """A copy of the project (or one with ``areas`` synthetic areas) to benchmark in."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name in COPY:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("_build", "*.tmp"))
        elif source.is_file():
            shutil.copy2(source, folder / name)  # keep mtimes: make must not think the lock moved
    (folder / ".venv").symlink_to(REPO / ".venv")
    if areas:
        _synthetic_areas(folder, areas)
    return folder


def _synthetic_areas(folder: Path, n: int) -> None:
    """Replace the 12 districts with ``n`` synthetic ones, each its own partnership, and a matching
    snapshot, parameters/partnerships.yml and _toc."""
    env = {**os.environ, "HWB_ROOT": str(folder), "PYTHONPATH": str(folder / "src")}
    subprocess.run(
        [
            str(VENV_BIN / "hwb"),
            "data",
            "demo",
            "--areas",
            str(n),
            "--out",
            str(folder / "data" / "snapshot"),
        ],
        env=env,
        check=True,
        cwd=folder,
        stdout=subprocess.DEVNULL,
    )
    params = folder / "parameters"
    for path in params.glob("*.yml"):
        if path.name != "defaults.yml":
            path.unlink()
    partnerships = []
    for i in range(1, n + 1):
        slug = f"demo-{i:03d}"
        name = f"Demo District {i:03d} Partnership"
        (params / f"{slug}.yml").write_text(
            yaml.safe_dump(
                {
                    "slug": slug,
                    "name": f"Demo District {i:03d}",
                    "ons_code": f"E079{i:05d}",
                    "parent_code": "E10000017",
                    "partnership": name,
                }
            )
        )
        partnerships.append({"slug": slug, "name": name, "districts": [slug]})
    (params / PARTNERSHIPS).write_text(
        yaml.safe_dump({"partnerships": partnerships}, sort_keys=False)
    )
    for kind in PAGE_FOLDERS:
        for page in (folder / "book" / kind).glob("*.ipynb"):
            page.unlink()
    toc = yaml.safe_load((folder / "_toc.yml").read_text())
    for part in toc["parts"]:
        kinds = [
            k
            for k in PAGE_FOLDERS
            if any(c["file"].startswith(f"book/{k}/") for c in part["chapters"])
        ]
        if kinds:  # each area's pack (and summary, where the book has them), as for a partnership
            part["chapters"] = [
                {"file": f"book/{k}/{p['slug']}"} for p in partnerships for k in kinds
            ]
    (folder / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))


def clean_outputs(folder: Path) -> None:
    shutil.rmtree(folder / "build", ignore_errors=True)
    shutil.rmtree(folder / "book" / "_build", ignore_errors=True)
    for kind in PAGE_FOLDERS:
        for page in (folder / "book" / kind).glob("*.ipynb"):
            page.unlink()
    (folder / "book" / "overview.ipynb").unlink(missing_ok=True)


def slugs(folder: Path) -> list[str]:
    """The districts (every parameter file but the defaults and the partnerships)."""
    return sorted(
        p.stem
        for p in (folder / "parameters").glob("*.yml")
        if p.name not in ("defaults.yml", PARTNERSHIPS)
    )


def partnership_slugs(folder: Path) -> list[str]:
    """The packs: one per partnership in parameters/partnerships.yml."""
    data = yaml.safe_load((folder / "parameters" / PARTNERSHIPS).read_text())
    return [p["slug"] for p in data["partnerships"]]


def change_parameters(folder: Path, slug: str) -> None:
    """A district setting only its partnership's pack reads (the overview receives no horizons)."""
    path = folder / "parameters" / f"{slug}.yml"
    data = yaml.safe_load(path.read_text())
    # differs from the horizons the last build saw, whichever run or executor changed them
    last = (data.get("horizons") or [2030, 2036])[-1]
    data["horizons"] = [2030, 2037 if last == 2036 else 2036]
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def change_data_file(folder: Path, run: int) -> str:
    """Re-compress the first snapshot file (new bytes, same rows) and update the manifest."""
    import hashlib

    snapshot = folder / "data" / "snapshot"
    manifest = yaml.safe_load((snapshot / "manifest.yml").read_text())
    entry = manifest["files"][0]
    path = snapshot / entry["name"]
    raw = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.compress(gzip.decompress(raw), compresslevel=9 - run % 3, mtime=run)
    else:
        data = raw + b"\n" if not raw.endswith(b"\n\n") else raw.rstrip(b"\n") + b"\n"
    path.write_bytes(data)
    entry["sha256"] = hashlib.sha256(data).hexdigest()
    entry["size"] = len(data)
    (snapshot / "manifest.yml").write_text(
        yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True)
    )
    return entry["name"]


# --------------------------------------------------------------------------- the two ways
def naive(folder: Path, env: dict) -> list[str]:
    """Serial papermill per page, then jupyter-book build: a shell script."""
    lines = ["set -e"]
    for slug in partnership_slugs(folder):
        for kind, template in PAGE_FOLDERS.items():
            if (folder / "notebooks" / template).is_file():
                lines.append(
                    f"{VENV_BIN}/papermill --no-progress-bar notebooks/{template} book/{kind}/{slug}.ipynb "
                    f"-p partnership {slug} -k python3 --cwd {folder}"
                )
    if (folder / "notebooks" / "overview.ipynb").is_file():
        lines.append(
            f"{VENV_BIN}/papermill --no-progress-bar notebooks/overview.ipynb book/overview.ipynb -k python3 "
            f"--cwd {folder}"
        )
    lines.append(f"{VENV_BIN}/jupyter-book build {folder} --path-output {folder}/book -q")
    return ["bash", "-c", "\n".join(lines)]


def ours(executor: str = "pool") -> str:
    """``make all`` (told never to rebuild the shared .venv), or the Dask equivalent."""
    if executor == "pool":
        return "make --no-print-directory -o .venv/.installed-from-lock all"
    return f"{VENV_BIN}/hwb build --executor dask"


def run_scenarios(
    label: str,
    folder: Path,
    runs: int,
    do_naive: bool,
    executors: list[str],
    cold_only: bool = False,
    data_change: bool = True,
) -> list[dict]:
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL")}
    env["HWB_ROOT"] = str(folder)
    # The copy's own hwb (not the shared editable one), so edits elsewhere cannot move the figures.
    env["PYTHONPATH"] = str(folder / "src")
    rows = []
    target = slugs(folder)[len(slugs(folder)) // 2]
    names = {e: "make all" if e == "pool" else "hwb build --executor dask" for e in executors}
    naive_figures: list = []
    scenarios = {
        e: {
            "cold": [],
            "no-op": [],
            f"parameters of {target} changed": [],
            "one data file changed": [],
        }
        for e in executors
    }
    counts: dict = {e: {} for e in executors}
    # Runs interleave the naive way and ours, so a machine that slows down or speeds up
    # during the benchmark moves both alike and the ratios stay fair.
    for run in range(runs):
        if do_naive:
            clean_outputs(folder)
            naive_figures.append(measure(naive(folder, env), env, folder))
            print(f"  {label} naive run {run + 1}: {naive_figures[-1][0]:.1f}s", flush=True)
        for executor in executors:
            command, mine = ours(executor), scenarios[executor]
            clean_outputs(folder)
            _timed(mine, counts[executor], "cold", command, env, folder)
            _timed(mine, counts[executor], "no-op", command, env, folder)
            if not cold_only:
                change_parameters(folder, target)
                _timed(
                    mine, counts[executor], f"parameters of {target} changed", command, env, folder
                )
            if not cold_only and data_change:
                change_data_file(folder, run)
                _timed(mine, counts[executor], "one data file changed", command, env, folder)
            print(
                f"  {label} {names[executor]} run {run + 1}: "
                + ", ".join(f"{k} {v[-1][0]:.1f}s" for k, v in mine.items() if v),
                flush=True,
            )
    if naive_figures:
        rows.append(
            _row(label, "naive (serial papermill + jupyter-book)", "any (no cache)", naive_figures)
        )
    for executor in executors:
        for scenario, figures in scenarios[executor].items():
            if figures:
                rows.append(_row(label, names[executor], scenario, figures))
                rows[-1]["note"] = counts[executor].get(scenario, "")
    return rows


def _timed(scenarios: dict, counts: dict, scenario: str, command, env: dict, folder: Path) -> None:
    """Measure one build for ``scenario``; keep what it rendered and cached."""
    scenarios[scenario].append(measure(command, env, folder))
    counts[scenario] = _counts(folder)


def _counts(folder: Path) -> str:
    """What the last build did, from its run manifest: pages rendered and cached."""
    import json

    manifest = folder / "build" / "run-manifest.json"
    if not manifest.is_file():
        return ""
    counts = json.loads(manifest.read_text()).get("counts", {})
    return f"last run: {counts.get('rendered', '?')} rendered, {counts.get('cached', '?')} cached"


def _row(label, way, scenario, figures) -> dict:
    seconds = [f[0] for f in figures]
    return {
        "set": label,
        "way": way,
        "scenario": scenario,
        "runs": len(figures),
        "seconds": statistics.median(seconds),
        "all": seconds,
        "peak_mib": statistics.median(f[1] for f in figures),
        "failed": sum(f[2] != 0 for f in figures),
        "note": "",
    }


def paired(rows: list[dict]) -> str:
    """Each cold run against the naive run just before it (the two alternate), per set."""
    lines = []
    for naive in (r for r in rows if r["way"].startswith("naive")):
        for r in rows:
            same = r["set"] == naive["set"] and len(r["all"]) == len(naive["all"])
            if same and r["scenario"] == "cold":
                ratios = ", ".join(
                    f"{o / n:.2f}" for o, n in zip(r["all"], naive["all"], strict=True)
                )
                lines.append(f"\nPaired cold / naive ({r['set']}, {r['way']}): {ratios}.\n")
    return "".join(lines)


# --------------------------------------------------------------------------- report
def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0))
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = os.getloadavg()
    return (
        f"{cpu}; {cores} cores; {mem:.0f} GiB RAM; {platform.platform()}; Python "
        f"{platform.python_version()}; load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
    )


def report(rows: list[dict], runs: int) -> str:
    naive = {r["set"]: r["seconds"] for r in rows if r["way"].startswith("naive")}
    lines = [
        "| set | way | scenario | median s | runs (s) | vs naive | peak MiB | note |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        ratio = (
            f"{r['seconds'] / naive[r['set']]:.2f}x"
            if r["set"] in naive and not r["way"].startswith("naive")
            else ""
        )
        fails = f"; {r['failed']} run(s) failed" if r["failed"] else ""
        lines.append(
            f"| {r['set']} | {r['way']} | {r['scenario']} | {r['seconds']:.1f} | "
            f"{' / '.join(f'{s:.1f}' for s in r['all'])} | {ratio} | {r['peak_mib']:.0f} | "
            f"{r['note']}{fails} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--areas", type=int, default=300, help="also benchmark N synthetic areas (0: none)"
    )
    parser.add_argument(
        "--naive-areas",
        action="store_true",
        help="also the naive way for the synthetic set (serial: over an hour for 300 areas)",
    )
    parser.add_argument("--area-runs", type=int, default=1, help="runs for the synthetic set")
    parser.add_argument(
        "--areas-cold-only",
        action="store_true",
        help="synthetic set: only the cold and no-op scenarios",
    )
    parser.add_argument("--skip-districts", action="store_true", help="only the synthetic set")
    parser.add_argument(
        "--executors",
        default="pool,dask",
        help="synthetic set: comma-separated executors to time (pool, dask)",
    )
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "RESULTS.md")
    parser.add_argument(
        "--work", type=Path, default=None, help="scratch folder (default: a temp dir)"
    )
    args = parser.parse_args()
    executors = [e.strip() for e in args.executors.split(",") if e.strip()]
    unknown = sorted(set(executors) - {"pool", "dask"})
    if unknown:
        parser.error(f"--executors: unknown {', '.join(unknown)}; expected pool and/or dask")
    work = args.work or Path(tempfile.mkdtemp(prefix="hwb-bench-"))
    rows = []
    print(f"benchmarking in {work}", flush=True)
    if not args.skip_districts:
        project = make_project(work / "districts")
        rows += run_scenarios("10 partnerships (12 districts)", project, args.runs, True, ["pool"])
        _write(args.out, rows, args)
    if args.areas:
        project = make_project(work / "areas", args.areas)
        rows += run_scenarios(
            f"{args.areas} synthetic areas",
            project,
            args.area_runs,
            args.naive_areas,
            executors,
            args.areas_cold_only,
            data_change=False,
        )
        _write(args.out, rows, args)
    print(report(rows, args.runs))
    return 0


START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def _write(out: Path, rows: list[dict], args) -> None:
    """The figures into ``out`` between :data:`START` and :data:`END` (the rest of the file,
    such as profiles and notes, is kept; a file without the markers gets them at the top)."""
    flags = [f"--runs {args.runs}", f"--areas {args.areas}"]
    flags += [f"--area-runs {args.area_runs}"] if args.areas else []
    flags += ["--naive-areas"] if args.naive_areas else []
    flags += ["--areas-cold-only"] if args.areas_cold_only else []
    flags += ["--skip-districts"] if args.skip_districts else []
    flags += [f"--executors {args.executors}"] if args.executors != "pool,dask" else []
    block = (
        f"{START}\n"
        "Written by `make bench` (bench/bench.py). Naive = serial `papermill` per page, then\n"
        "`jupyter-book build`; ours = `make all` (`hwb build`: content-hash cache, fork-server\n"
        "kernels, one page more at once than the cores) or `hwb build --executor dask`\n"
        "(LocalCluster on loopback). Medians of the runs shown; peak memory is the largest sum\n"
        "of resident memory over the process tree (forked kernels share pages, so it over-counts\n"
        "them). The naive way has no cache, so its one figure stands for every scenario.\n\n"
        f"Machine: {machine()}\n\n"
        f"Command: `python bench/bench.py {' '.join(flags)}` at commit {_commit()}\n\n"
        + report(rows, args.runs)
        + f"\n{paired(rows)}{END}\n"
    )
    text = out.read_text() if out.is_file() else "# Build benchmark\n\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        text = before + block + rest.split(END, 1)[1].lstrip("\n")
    else:
        head, _, tail = text.partition("\n\n")
        text = f"{head}\n\n{block}\n{tail}"
    out.write_text(text)


def _commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,  # not a git checkout: say so in the report
    )
    return done.stdout.strip() or "(unknown)"


if __name__ == "__main__":
    sys.exit(main())
