"""Where one evidence pack's own time goes: per notebook cell, per kind of work, per function.

Runs the code cells of ``notebooks/district_pack.md`` in order, in this process, the way a
kernel does (the partnership's validated parameters injected as Papermill would, each
cell's last expression shown through ``_repr_html_`` and ``repr``), and reports:

* per cell: median wall time of ``--runs`` runs (after one warm-up run), and that time split
  into exclusive kinds of work, each timed with ``time.perf_counter`` by wrapping the
  function that does it (time inside a nested kind counts for the inner kind only):

  - ``load``: the loader (``hwb.data.load.load_snapshot`` / ``load_manifest``, the
    catalogue, small-area files, manifest checks);
  - ``model``: the headline table and combined-area frame (``hwb.pages.model.headline_table``,
    ``hwb.pages.partnership.combined_frame``: benchmarks, trends, ranges);
  - ``chart``: building figures (the ``hwb.charts`` chart functions: axes, artists);
  - ``title``: ``hwb.charts.theme.fit_title`` (text measured to fit titles);
  - ``draw``: ``Figure.savefig`` inside ``png_bytes`` (Agg rasterisation, layout);
  - ``encode``: the rest of ``png_bytes`` / ``png_data_uri`` (palette reduction, zlib, base64);
  - ``fits``: ``hwb.stats.projection.project`` (statsmodels OLS fits and predictions);
  - ``other``: the rest of the cell (pandas, statistics, text, HTML);

  plus counts: figures created, Agg draws, statsmodels ``OLS.fit`` calls and how many of
  them repeat a fit already made in the same run (same endog, exog and covariance options);
* the top functions by cumulative time (``cProfile``), medians of ``--runs`` profiled runs;
* with several partnerships: the fits identical across packs (the same series fitted again).

Caches: before each run every ``functools.lru_cache`` in ``hwb`` is cleared except the parsed
snapshot files and the snapshot put together (``hwb.data.load._load_file_cached`` and
``_assembled``), which the build's fork server parses
once for every kernel; ``--keep-caches`` keeps them all. A build kernel starts with the
imports done, so imports are not timed here.

Usage: ``python bench/profile_pack.py [partnership ...] [--runs 3] [--snapshot data/snapshot]
[--template notebooks/summary.md]``
(default partnership: burnley).
"""

from __future__ import annotations

import argparse
import ast
import cProfile
import functools
import hashlib
import os
import platform
import pstats
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "notebooks" / "district_pack.md"
KINDS = ("load", "model", "chart", "title", "draw", "encode", "fits", "other")
KEEP_CACHED = {("hwb.data.load", "_load_file_cached"), ("hwb.data.load", "_assembled")}


# --------------------------------------------------------------------------- the template
@dataclass
class Cell:
    label: str
    source: str


def template_cells(path: Path = TEMPLATE) -> list[Cell]:
    """The template's code cells in order, each labelled by its call (or its heading)."""
    text = path.read_text(encoding="utf-8")
    cells: list[Cell] = []
    heading = "(top)"
    lines = iter(text.splitlines())
    for line in lines:
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        if not line.startswith("```{code-cell}"):
            continue
        body = []
        for inner in lines:
            if inner.startswith("```"):
                break
            if not inner.startswith(":"):
                body.append(inner)
        source = "\n".join(body).strip()
        tree = ast.parse(source)
        last = tree.body[-1] if tree.body else None
        if any(isinstance(n, ast.Assign) and _targets(n) == {"partnership"} for n in tree.body):
            label = "parameters"
        elif "load_partnership_pack" in source or "load_pack" in source:
            label = "load pack + banner"
        elif isinstance(last, ast.Expr):
            label = ast.unparse(last.value).replace("pack, ", "").replace("(pack)", "()")
        else:
            label = heading
        cells.append(Cell(label, source))
    return cells


def _targets(node: ast.Assign) -> set[str]:
    return {t.id for t in node.targets if isinstance(t, ast.Name)}


def run_cell(source: str, namespace: dict) -> None:
    """Execute a cell as IPython does: statements, then show the last expression."""
    tree = ast.parse(source)
    last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    body = ast.Module(body=tree.body[:-1] if last else tree.body, type_ignores=[])
    exec(compile(body, "<cell>", "exec"), namespace)  # noqa: S102 - the template's own code
    if last is not None:
        value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)
        if hasattr(value, "_repr_html_"):
            value._repr_html_()
        repr(value)


# --------------------------------------------------------------------------- timing by kind
@dataclass
class Tally:
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    counts: Counter = field(default_factory=Counter)
    fit_keys: list[str] = field(default_factory=list)
    figures: list[tuple[str, str, float, float]] = field(
        default_factory=list
    )  # chart, px, draw, png


class Timer:
    """Exclusive time per kind: a nested kind's time is taken out of its parent's."""

    def __init__(self) -> None:
        self.tally = Tally()
        self.stack: list[list] = []  # [kind, start, time spent in nested kinds]

    def wrap(self, kind: str, func, on_exit=None):
        """``func`` timed as ``kind``; ``on_exit(args, result, seconds)`` after each call."""

        @functools.wraps(func)
        def timed(*args, **kwargs):
            frame = [kind, time.perf_counter(), 0.0]
            self.stack.append(frame)
            result = None
            try:
                result = func(*args, **kwargs)
                return result
            finally:
                elapsed = time.perf_counter() - frame[1]
                self.stack.pop()
                self.tally.seconds[kind] += elapsed - frame[2]
                if self.stack:
                    self.stack[-1][2] += elapsed
                if on_exit is not None:
                    on_exit(args, result, elapsed)

        return timed

    def chart_made(self, name: str):
        def tag(_args, result, _elapsed) -> None:
            fig = result[0] if isinstance(result, tuple) else result
            if fig is not None and not hasattr(fig, "_profile_chart"):
                fig._profile_chart = name

        return tag

    def drawn(self, args, _result, elapsed) -> None:
        args[0]._profile_draw = getattr(args[0], "_profile_draw", 0.0) + elapsed

    def encoded(self, args, _result, elapsed) -> None:
        fig = args[0]
        px = f"{round(fig.get_figwidth() * 200)}x{round(fig.get_figheight() * 200)}"
        chart = getattr(fig, "_profile_chart", "(not a hwb.charts function)")
        self.tally.figures.append((chart, px, getattr(fig, "_profile_draw", 0.0), elapsed))


def _replace_everywhere(original, replacement, undo: list) -> None:
    """Rebind ``original`` to ``replacement`` in every module that imported it by name."""
    for module in list(sys.modules.values()):
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        for name, value in list(namespace.items()):
            if value is original:
                namespace[name] = replacement
                undo.append(lambda ns=namespace, n=name: ns.__setitem__(n, original))


def _patch(cls, attr: str, replacement, undo: list) -> None:
    own = attr in vars(cls)
    original = vars(cls).get(attr)
    setattr(cls, attr, replacement)
    undo.append(lambda: setattr(cls, attr, original) if own else delattr(cls, attr))


def instrument(timer: Timer):
    """Wrap the functions that do each kind of work (see the module docstring); returns undo."""
    import importlib

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from statsmodels.regression.linear_model import OLS

    targets = {
        "load": [
            ("hwb.data.load", "load_snapshot"),
            ("hwb.data.load", "load_manifest"),
            ("hwb.data.catalogue", "load_catalogue"),
            ("hwb.data.small_areas", "load_small_areas"),
            ("hwb.data.small_areas", "read_rows"),
            ("hwb.data.small_areas", "district_wards"),
            ("hwb.data.snapshot", "verify_snapshot"),
            ("hwb.data.snapshot", "read_manifest"),
        ],
        "model": [
            ("hwb.pages.model", "headline_table"),
            ("hwb.pages.partnership", "combined_frame"),
        ],
        "chart": [
            ("hwb.charts.gaps", "gap_chart"),
            ("hwb.charts.projection", "projection_grid"),
            ("hwb.charts.pyramid", "pyramid_chart"),
            ("hwb.charts.spc", "spc_grid"),
            ("hwb.charts.spine", "spine_chart"),
            ("hwb.charts.trends", "trend_grid"),
            ("hwb.charts.wards", "ward_chart"),
        ],
        "title": [("hwb.charts.theme", "fit_title")],
        "encode": [("hwb.charts.theme", "png_bytes"), ("hwb.charts.theme", "png_data_uri")],
        "fits": [("hwb.stats.projection", "project")],
    }
    undo: list = []
    for kind, names in targets.items():
        for module_name, attr in names:
            module = importlib.import_module(module_name)
            original = getattr(module, attr)
            hook = {"chart": timer.chart_made(attr)}.get(kind)
            if attr == "png_bytes":
                hook = timer.encoded
            _replace_everywhere(original, timer.wrap(kind, original, hook), undo)

    _patch(Figure, "savefig", timer.wrap("draw", Figure.savefig, timer.drawn), undo)

    figure_init = Figure.__init__

    def counted_init(self, *args, **kwargs):
        timer.tally.counts["figures"] += 1
        return figure_init(self, *args, **kwargs)

    _patch(Figure, "__init__", counted_init, undo)

    agg_draw = FigureCanvasAgg.draw

    def counted_draw(self, *args, **kwargs):
        timer.tally.counts["agg draws"] += 1
        return agg_draw(self, *args, **kwargs)

    _patch(FigureCanvasAgg, "draw", counted_draw, undo)

    ols_fit = OLS.fit

    def counted_fit(self, *args, **kwargs):
        digest = hashlib.sha1(usedforsecurity=False)
        digest.update(self.endog.tobytes())
        digest.update(self.exog.tobytes())
        digest.update(repr((args, sorted(kwargs.items()))).encode())
        timer.tally.fit_keys.append(digest.hexdigest())
        timer.tally.counts["OLS fits"] += 1
        return ols_fit(self, *args, **kwargs)

    _patch(OLS, "fit", counted_fit, undo)

    def restore() -> None:
        for step in reversed(undo):
            step()

    return restore


def clear_caches() -> None:
    for name, module in list(sys.modules.items()):
        if not (name == "hwb" or name.startswith("hwb.")):
            continue
        for attr, value in list(vars(module).items()):
            if (name, attr) in KEEP_CACHED:
                continue
            if callable(getattr(value, "cache_clear", None)) and hasattr(value, "cache_info"):
                value.cache_clear()


# --------------------------------------------------------------------------- one pack
@dataclass
class CellResult:
    seconds: float
    kinds: dict[str, float]
    counts: Counter
    fit_keys: list[str]
    figures: list[tuple[str, str, float, float]]


def run_pack(
    slug: str, snapshot: str, cells: list[Cell], timer: Timer | None, keep: bool
) -> list[CellResult]:
    import matplotlib.pyplot as plt

    from hwb.partnerships import resolve_partnership

    if not keep:
        clear_caches()
    params = resolve_partnership(slug).to_notebook()
    namespace: dict = {"__name__": "__main__"}
    results = []
    for cell in cells:
        if timer is not None:
            timer.tally = Tally()
        source = cell.source
        if cell.label == "parameters":  # Papermill's injected parameters follow the defaults
            source += f"\npartnership = {slug!r}\nparams = {params!r}\nsnapshot = {snapshot!r}"
        start = time.perf_counter()
        run_cell(source, namespace)
        seconds = time.perf_counter() - start
        if timer is None:
            results.append(CellResult(seconds, {}, Counter(), [], []))
            continue
        kinds = dict(timer.tally.seconds)
        kinds["other"] = seconds - sum(kinds.values())
        results.append(
            CellResult(
                seconds, kinds, timer.tally.counts, timer.tally.fit_keys, timer.tally.figures
            )
        )
    leaked = plt.get_fignums()
    if leaked:
        print(f"note: {len(leaked)} figure(s) left open after {slug}", file=sys.stderr)
        plt.close("all")
    return results


def profiled(slug: str, snapshot: str, cells: list[Cell], keep: bool) -> dict:
    """Cumulative seconds and primitive call counts by function for one run."""
    profile = cProfile.Profile()
    profile.enable()
    run_pack(slug, snapshot, cells, None, keep)
    profile.disable()
    stats = pstats.Stats(profile)
    out = {}
    for (filename, line, name), (cc, _nc, _tt, ct, _callers) in stats.stats.items():
        out[(_short(filename), line, name)] = (ct, cc)
    return out


def _short(filename: str) -> str:
    for marker in ("/site-packages/", "/src/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    if filename.startswith(str(ROOT)):
        return os.path.relpath(filename, ROOT)
    return filename


def _skip(key: tuple) -> bool:
    filename, _line, name = key
    return (
        filename in ("~", "<cell>", "<string>")
        or "profile_pack.py" in filename
        or name.startswith(("<built-in method builtins.exec", "<built-in method builtins.eval"))
    )


# --------------------------------------------------------------------------- report
def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def report(slug: str, runs: list[list[CellResult]], warm_up: list[CellResult], cells) -> None:
    print(f"\n### {slug}\n")
    total_runs = [sum(c.seconds for c in run) for run in runs]
    print(
        f"Whole pack: median {median(total_runs):.2f} s "
        f"(runs {' / '.join(f'{t:.2f}' for t in total_runs)}); "
        f"warm-up run {sum(c.seconds for c in warm_up):.2f} s.\n"
    )
    header = [
        "cell",
        "median s",
        "share",
        *KINDS,
        "figures",
        "Agg draws",
        "OLS fits",
        "repeat fits",
    ]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    grand = median(total_runs)
    totals = defaultdict(list)
    for i, cell in enumerate(cells):
        per_run = [run[i] for run in runs]
        seconds = median([r.seconds for r in per_run])
        kinds = {k: median([r.kinds.get(k, 0.0) for r in per_run]) for k in KINDS}
        last = per_run[-1]
        repeats = len(last.fit_keys) - len(set(last.fit_keys))
        row = [
            f"`{cell.label}`",
            f"{seconds:.3f}",
            f"{seconds / grand:.0%}" if grand else "",
            *(f"{kinds[k]:.3f}" for k in KINDS),
            str(last.counts["figures"]),
            str(last.counts["agg draws"]),
            str(last.counts["OLS fits"]),
            str(repeats),
        ]
        print("| " + " | ".join(row) + " |")
    for run in runs:
        for k in KINDS:
            totals[k].append(sum(c.kinds.get(k, 0.0) for c in run))
    last = runs[-1]
    keys = [k for c in last for k in c.fit_keys]
    row = [
        "**whole pack**",
        f"{grand:.3f}",
        "100%",
        *(f"{median(totals[k]):.3f}" for k in KINDS),
        str(sum(c.counts["figures"] for c in last)),
        str(sum(c.counts["agg draws"] for c in last)),
        str(len(keys)),
        str(len(keys) - len(set(keys))),
    ]
    print("| " + " | ".join(row) + " |")
    shares = ", ".join(f"{k} {median(totals[k]) / grand:.0%}" for k in KINDS if grand)
    print(f"\nShares of the whole pack: {shares}.")
    print(f"\nPer figure ({slug}; draw = savefig, encode = the rest of png_bytes; medians):\n")
    print("| cell | chart function | pixels | draw s | encode s |")
    print("|---|---|---|---|---|")
    for i, cell in enumerate(cells):
        for j, (chart, px, _draw, _png) in enumerate(runs[-1][i].figures):
            draws = [run[i].figures[j][2] for run in runs if len(run[i].figures) > j]
            pngs = [run[i].figures[j][3] for run in runs if len(run[i].figures) > j]
            encode = median([p - d for p, d in zip(pngs, draws, strict=True)])
            print(f"| `{cell.label}` | `{chart}` | {px} | {median(draws):.3f} | {encode:.3f} |")


def report_profile(slug: str, profiles: list[dict], top: int) -> None:
    keys = set().union(*profiles)
    rows = []
    for key in keys:
        if _skip(key):
            continue
        cums = [p.get(key, (0.0, 0))[0] for p in profiles]
        calls = profiles[-1].get(key, (0.0, 0))[1]
        rows.append((median(cums), key, calls))
    rows.sort(key=lambda r: (-r[0], r[1]))
    print(f"\nTop {top} functions by cumulative time under cProfile ({slug}, median of runs):\n")
    print("| cumulative s | calls | function |")
    print("|---|---|---|")
    for seconds, (filename, line, name), calls in rows[:top]:
        where = f"{filename}:{line}({name})" if line else name
        print(f"| {seconds:.3f} | {calls} | `{where}` |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("partnerships", nargs="*", default=["burnley"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--snapshot", default="data/snapshot")
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--keep-caches", action="store_true")
    parser.add_argument(
        "--template", default=str(TEMPLATE), help="template to run (e.g. notebooks/summary.md)"
    )
    args = parser.parse_args(argv)
    os.chdir(ROOT)

    import matplotlib

    matplotlib.use("agg")
    import hwb.pages
    import hwb.pages.partnership
    import hwb.pages.partnership_sections
    import hwb.partnerships  # noqa: F401

    cells = template_cells(Path(args.template))
    load = os.getloadavg()
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; load average at start "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}; "
        f"{'caches kept' if args.keep_caches else 'hwb caches cleared per run except parsed snapshot files'}"
    )
    fit_sets: dict[str, set[str]] = {}
    for slug in args.partnerships:
        warm_up = run_pack(slug, args.snapshot, cells, None, args.keep_caches)
        profiles = [
            profiled(slug, args.snapshot, cells, args.keep_caches) for _ in range(args.runs)
        ]
        timer = Timer()
        restore = instrument(timer)
        runs = [
            run_pack(slug, args.snapshot, cells, timer, args.keep_caches) for _ in range(args.runs)
        ]
        restore()
        report(slug, runs, warm_up, cells)
        report_profile(slug, profiles, args.top)
        fit_sets[slug] = {k for c in runs[-1] for k in c.fit_keys}
    if len(fit_sets) > 1:
        slugs = list(fit_sets)
        common = set.intersection(*fit_sets.values())
        sizes = ", ".join(f"{s} {len(fit_sets[s])}" for s in slugs)
        print(
            f"\nDistinct fits per pack: {sizes}; identical in every pack profiled: {len(common)} "
            "(the same series, e.g. England's, fitted again in each pack)."
        )
    load = os.getloadavg()
    print(f"\nLoad average at end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
