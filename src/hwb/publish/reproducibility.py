"""What a reader needs to rebuild this exact book: commit, lock hash, snapshot hash, tool versions.

The reproducibility page (``book/reproducibility.md``) holds a ``{hwb-build-info}``
directive that :mod:`hwb.publish.sphinx_ext` fills from :func:`build_info` at book-build
time, so the committed page never goes stale and the rendered district notebooks stay
free of anything build-specific.
"""

from __future__ import annotations

import hashlib
import platform
import subprocess
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from hwb import paths
from hwb.data.snapshot import snapshot_sha256

# Distribution names whose versions change what the book shows, in reading order.
TOOLS = (
    "jupyter-book",
    "sphinx",
    "sphinx-book-theme",
    "myst-nb",
    "papermill",
    "nbclient",
    "nbformat",
    "ipykernel",
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "matplotlib",
    "seaborn",
    "PHStatsMethods",
    "pydantic",
    "pandera",
    "lancashire-hwb",
)


@dataclass(frozen=True)
class BuildInfo:
    """The provenance of one build of the book."""

    commit: str
    commit_dirty: bool
    lock_sha256: str
    snapshot_sha256: str
    snapshot_title: str
    snapshot_date: str
    synthetic: bool
    python: str
    tools: dict[str, str] = field(default_factory=dict)

    def rows(self) -> list[tuple[str, str]]:
        """(label, value) pairs in the order the page shows them."""
        commit = self.commit + (" (with uncommitted changes)" if self.commit_dirty else "")
        rows = [
            ("Git commit", commit),
            ("requirements.lock sha256", self.lock_sha256),
            (
                "Data snapshot",
                self.snapshot_title + (" (demonstration data)" if self.synthetic else ""),
            ),
            ("Data snapshot date", self.snapshot_date),
            ("Data snapshot sha256", self.snapshot_sha256),
            ("Python", self.python),
        ]
        rows += [(name, version) for name, version in self.tools.items()]
        return rows


def _git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "not found"


def _snapshot(root: Path) -> tuple[str, str, str, bool]:
    from hwb.data.snapshot import read_manifest

    folder = root / paths.SNAPSHOT.relative_to(paths.ROOT)
    try:
        manifest = read_manifest(folder)
    except Exception as exc:  # noqa: BLE001 - the page says what is missing rather than failing the book
        return ("not found", f"no snapshot manifest ({exc.__class__.__name__})", "unknown", False)
    title = str(manifest.get("title") or (manifest.get("source") or {}).get("name") or "snapshot")
    date = str(manifest.get("date_fetched") or "not recorded")
    return snapshot_sha256(manifest), title, date, bool(manifest.get("synthetic", False))


def tool_versions(names: tuple[str, ...] = TOOLS) -> dict[str, str]:
    """Installed versions of ``names`` ("not installed" for any missing)."""
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def build_info(root: Path | None = None) -> BuildInfo:
    """Collect the provenance of a build of the checkout at ``root`` (default: this repo)."""
    root = Path(root or paths.ROOT)
    commit = _git(root, "rev-parse", "HEAD") or "unknown (not a git checkout)"
    status = _git(root, "status", "--porcelain", "--untracked-files=no")
    snap_hash, title, date, synthetic = _snapshot(root)
    return BuildInfo(
        commit=commit,
        commit_dirty=bool(status),
        lock_sha256=_sha256(root / paths.LOCK.name),
        snapshot_sha256=snap_hash,
        snapshot_title=title,
        snapshot_date=date,
        synthetic=synthetic,
        python=platform.python_version(),
        tools=tool_versions(),
    )


def as_markdown(info: BuildInfo) -> str:
    """The build information as a Markdown table (``hwb build-info`` prints it)."""
    lines = ["| What | Value |", "|---|---|"]
    lines += [f"| {label} | `{value}` |" for label, value in info.rows()]
    return "\n".join(lines) + "\n"
