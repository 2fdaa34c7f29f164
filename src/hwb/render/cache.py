"""The content-hash cache: re-execute a page only when something it depends on changed.

A page's *execution key* covers what can change its executed outputs: the template's
code cells (source and metadata) and notebook metadata, the job's parameters, the
snapshot files it reads (by the manifest's sha256), the indicator catalogue, the ``hwb``
source tree, ``requirements.lock`` and the Python version. Its *render key* adds the
template's markdown cells. So:

* same execution key, same render key, output on disk unchanged  -> ``cached`` (no-op);
* same execution key, new render key (a markdown-only edit)       -> ``rerender``: the new
  markdown is laid around the outputs already executed (:mod:`hwb.render.rerender`);
* anything else, or ``--force``                                   -> ``execute``.

Unlike notebook caches that hash only code (jupyter-cache, Quarto's freeze), data
changes invalidate: each page records the sha256 of every snapshot file it reads, and
every build (a no-op included) first checks every snapshot file's bytes against the
manifest, so a file changed, deleted or added behind the manifest's back is an error,
never a cache hit.

Which files a page reads: the template may declare ``"hwb": {"reads": [...]}`` in its
notebook metadata, naming the areas it reads ("district", "county", "england"); a
manifest entry whose ``areas`` is a list of area codes is read only if it holds one of
those. Otherwise (no declaration, ``"all"``, or a manifest that gives only a count of
areas, as the demo and Fingertips snapshots do today) a page reads every file.

The index lives in ``build/cache/index.json`` (git-ignored), one entry per page,
written atomically after each page so an interrupted build keeps what it finished.
"""

from __future__ import annotations

import ast
import hashlib
import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hwb import paths
from hwb.render import atomic

INDEX_NAME = "index.json"
JOURNAL_NAME = "index.journal.jsonl"  # pages recorded since the index was last written
ROLES = ("district", "county", "england")
# Cell metadata that never reaches the rendered page's meaning (volatile editor/run state).
_VOLATILE_CELL_METADATA = ("execution", "ExecuteTime", "papermill", "collapsed", "scrolled")


def digest(value: Any) -> str:
    """sha256 of a JSON-able value (sorted keys), or of bytes."""
    data = (
        value
        if isinstance(value, bytes)
        else json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
    )
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def tree_digest(
    folder: Path,
    suffixes: tuple[str, ...] = (".py", ".yml", ".yaml", ".json", ".txt", ".css", ".typed"),
) -> str:
    """sha256 over every source file under ``folder`` (names and bytes; caches skipped)."""
    folder = Path(folder)
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file() or path.suffix not in suffixes:
            continue
        h.update(path.relative_to(folder).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


# --------------------------------------------------------------------------- templates
def _clean_metadata(metadata: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in metadata.items() if k not in _VOLATILE_CELL_METADATA}


@dataclass(frozen=True)
class TemplateParts:
    """The parts of a template that the two keys hash, and what it says it reads."""

    code: str
    markdown: str
    reads: tuple[str, ...]


def read_template(template: Path) -> dict[str, Any]:
    """A notebook as plain JSON, each cell's ``source`` joined into one string.

    Not nbformat: importing it costs the build (a no-op one included) about 1.5 s.
    """
    nb = json.loads(Path(template).read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        source = cell.get("source", "")
        cell["source"] = "".join(source) if isinstance(source, list) else source
    return nb


def template_parts(template: Path) -> TemplateParts:
    """Split a template into its code part (cells that run, notebook metadata) and markdown part."""
    nb = read_template(template)
    code, markdown = [], []
    for index, cell in enumerate(nb.get("cells", [])):
        source = cell["source"]
        metadata = _clean_metadata(cell.get("metadata", {}))
        if cell.get("cell_type") == "code":
            code.append([index, source, metadata])
        else:
            markdown.append(
                [index, cell.get("cell_type"), source, metadata, cell.get("attachments")]
            )
    # Where the code cells sit among the others matters only to the rendering.
    code_only = [[c[1], c[2]] for c in code]
    metadata = nb.get("metadata", {})
    declared = metadata.get("hwb", {}).get("reads", ["all"])
    reads = tuple(declared) if isinstance(declared, list) else (str(declared),)
    return TemplateParts(
        code=digest([code_only, metadata, nb.get("nbformat"), nb.get("nbformat_minor")]),
        markdown=digest([markdown, [c[0] for c in code]]),
        reads=reads,
    )


# --------------------------------------------------------------------------- snapshot files
def snapshot_files(snapshot: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(manifest without its file list, file entries) for a snapshot folder or a bare CSV.

    A folder's files are checked against its manifest first, byte for byte (sha256, size,
    rows; no file missing, none unlisted): the cache trusts the manifest's hashes only
    once the files are shown to match them, so a tampered, deleted or added file stops
    the build (:class:`~hwb.errors.SnapshotMismatch`) instead of being served from cache.
    """
    snapshot = Path(snapshot)
    if snapshot.is_dir():
        from hwb.data.snapshot import verify_snapshot

        manifest = dict(verify_snapshot(snapshot))
        files = list(manifest.pop("files", []))
        return manifest, files
    return {"bare_csv": snapshot.name}, [{"name": snapshot.name, "sha256": file_digest(snapshot)}]


def area_codes(reads: Iterable[str], params: Mapping[str, Any] | None) -> frozenset[str] | None:
    """The area codes a page reads, or None for every file.

    ``params`` is a district's parameters, or a partnership's with its member districts'
    under ``districts`` (the page reads each member's areas). Parameters that name no
    area code for a role the template declares mean every file: a page is never
    fingerprinted on fewer files than it may read.
    """
    reads = tuple(reads)
    if params is None or not reads or "all" in reads or any(r not in ROLES for r in reads):
        return None
    members = params.get("districts")
    areas = (
        [m for m in members if isinstance(m, Mapping)] if isinstance(members, list) else [params]
    )
    codes = set()
    for area in areas:
        by_role = {
            "district": area.get("ons_code"),
            "county": area.get("parent_code"),
            "england": area.get("england_code"),
        }
        found = [by_role[role] for role in reads]
        if not all(found):
            return None
        codes.update(found)
    return frozenset(codes) if codes else None


def files_read(files: list[dict[str, Any]], codes: frozenset[str] | None) -> dict[str, str]:
    """{file name: sha256} of the snapshot files a page with these area codes reads."""
    chosen = {}
    for entry in files:
        listed = entry.get("areas")
        if codes is None or not isinstance(listed, list) or codes.intersection(listed):
            chosen[entry["name"]] = entry.get("sha256", "")
    return chosen


# --------------------------------------------------------------------------- keys
@dataclass
class Fingerprint:
    """The hashed parts of one page's inputs; ``files`` lists the data files it reads."""

    parts: dict[str, str]
    markdown: str
    files: dict[str, str] = field(default_factory=dict)

    @property
    def execution_key(self) -> str:
        return digest(self.parts)

    @property
    def render_key(self) -> str:
        return digest([self.execution_key, self.markdown])


class Fingerprinter:
    """Computes fingerprints for a run, hashing each shared input (source tree, lock,
    snapshot manifest, templates) only once."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root or paths.ROOT)
        self._templates: dict[Path, TemplateParts] = {}
        self._snapshots: dict[Path, tuple[dict, list]] = {}
        import hwb

        src = Path(hwb.__file__).parent  # the library the kernels will import
        lock = self.root / "requirements.lock"
        catalogue = self.root / "data" / "catalogue.yml"
        self.shared = {
            "hwb_source": tree_digest(src) if src.is_dir() else "",
            "lock": file_digest(lock) if lock.is_file() else "",
            "catalogue": file_digest(catalogue) if catalogue.is_file() else "",
            "python": sys.version,
        }

    def template(self, path: Path) -> TemplateParts:
        path = Path(path)
        if path not in self._templates:
            self._templates[path] = template_parts(path)
        return self._templates[path]

    def snapshot(self, path: Path) -> tuple[dict, list]:
        path = Path(path).resolve()
        if path not in self._snapshots:
            self._snapshots[path] = snapshot_files(path)
        return self._snapshots[path]

    def fingerprint(self, job) -> Fingerprint:
        """The fingerprint of one :class:`~hwb.render.execute.Job`."""
        parts = self.template(job.template)
        manifest, files = self.snapshot(job.snapshot or paths.SNAPSHOT)
        params = (
            job.parameters.get("params") if isinstance(job.parameters.get("params"), dict) else None
        )
        used = files_read(files, area_codes(parts.reads, params))
        return Fingerprint(
            parts={
                "template_code": parts.code,
                "parameters": digest([dict(job.parameters), dict(job.markdown)]),
                "data_manifest": digest(manifest),
                "data_files": digest(used),
                **self.shared,
            },
            markdown=parts.markdown,
            files=used,
        )


# --------------------------------------------------------------------------- decisions
@dataclass
class Decision:
    """What to do with one page and why."""

    action: str  # "cached" | "rerender" | "execute"
    reasons: list[str]
    fingerprint: Fingerprint


def _changed_files(old: Mapping[str, str], new: Mapping[str, str]) -> list[str]:
    names = sorted(set(old) | set(new))
    return [n for n in names if old.get(n) != new.get(n)]


_PART_WORDS = {
    "template_code": "template code cells",
    "parameters": "parameters",
    "data_manifest": "snapshot manifest (provenance)",
    "hwb_source": "hwb source",
    "lock": "requirements.lock",
    "catalogue": "indicator catalogue",
    "python": "Python version",
}


class CacheIndex:
    """``build/cache/index.json``: per page, its keys, parts, data files and output sha256.

    Each page is recorded the moment it is written, by appending one line to a journal
    beside the index (``index.journal.jsonl``), so an interrupted build keeps every page it
    finished; :meth:`compact` folds the journal into the index at the end of a build. Writing
    the whole index after every page instead costs time quadratic in the number of pages
    (300 areas: 601 pages, a 2 MB index rewritten 601 times, in the process that hands out
    the work). A journal line cut short by an interruption is ignored.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.path = Path(folder or paths.BUILD / "cache") / INDEX_NAME
        self.journal = self.path.with_name(JOURNAL_NAME)
        try:
            self.entries: dict[str, dict[str, Any]] = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            self.entries = {}
        try:
            lines = self.journal.read_text("utf-8").splitlines()
        except OSError:
            lines = []
        for line in lines:
            try:
                change = json.loads(line)
            except ValueError:
                continue  # the last line of an interrupted append
            if change.get("entry") is None:
                self.entries.pop(change["output"], None)
            else:
                self.entries[change["output"]] = change["entry"]

    def decide(self, job, fingerprint: Fingerprint, force: bool = False) -> Decision:
        """Whether ``job`` can be skipped, re-rendered from its outputs, or must execute."""
        entry = self.entries.get(str(job.output))
        if force:
            return Decision("execute", ["forced (FORCE=1 / --force)"], fingerprint)
        if entry is None:
            return Decision("execute", ["never built (no cache entry)"], fingerprint)
        output = Path(job.output)
        if not output.is_file():
            return Decision("execute", [f"output {output.name} is missing"], fingerprint)
        if file_digest(output) != entry.get("output_sha256"):
            return Decision("execute", [f"output {output.name} changed on disk"], fingerprint)
        if entry.get("execution_key") != fingerprint.execution_key:
            reasons = []
            old_parts = entry.get("parts", {})
            for part, value in fingerprint.parts.items():
                if old_parts.get(part) == value:
                    continue
                if part == "data_files":
                    changed = _changed_files(entry.get("files", {}), fingerprint.files)
                    reasons.append(f"data files changed: {', '.join(changed) or '(list)'}")
                else:
                    reasons.append(f"{_PART_WORDS.get(part, part)} changed")
            return Decision("execute", reasons or ["cache key changed"], fingerprint)
        if entry.get("render_key") != fingerprint.render_key:
            return Decision("rerender", ["template markdown changed (outputs reused)"], fingerprint)
        return Decision("cached", ["unchanged"], fingerprint)

    def record(self, job, fingerprint: Fingerprint, seconds: float | None = None) -> None:
        """Remember a page just written (call after its output is in place), and how long it
        took to execute (``seconds``; :meth:`last_seconds`)."""
        entry = {
            "slug": job.slug,
            "execution_key": fingerprint.execution_key,
            "render_key": fingerprint.render_key,
            "parts": fingerprint.parts,
            "files": fingerprint.files,
            "output_sha256": file_digest(job.output),
        }
        previous = self.entries.get(str(job.output), {}).get("seconds")
        if seconds is not None or previous is not None:
            entry["seconds"] = round(seconds, 3) if seconds is not None else previous
        self.entries[str(job.output)] = entry
        self._append(str(job.output), entry)

    def last_seconds(self, job) -> float | None:
        """How long ``job``'s page took when it was last executed, if known."""
        return self.entries.get(str(job.output), {}).get("seconds")

    def forget(self, job) -> None:
        if self.entries.pop(str(job.output), None) is not None:
            self._append(str(job.output), None)

    def _append(self, output: str, entry: dict[str, Any] | None) -> None:
        self.journal.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"output": output, "entry": entry}, sort_keys=True) + "\n"
        with self.journal.open("a", encoding="utf-8") as journal:
            journal.write(line)

    def save(self) -> None:
        """Write the whole index and drop the journal it now holds."""
        atomic.write_text(self.path, json.dumps(self.entries, indent=1, sort_keys=True) + "\n")
        self.journal.unlink(missing_ok=True)

    def compact(self) -> None:
        """:meth:`save`, if pages were recorded since the index was last written."""
        if self.journal.exists():
            self.save()


def template_imports(template_paths: Iterable[Path]) -> list[str]:
    """Top-level modules a template's code cells import, in first-seen order.

    Only plain ``import``/``from … import`` statements at the top level of a cell count;
    cells that are not valid Python (magics) are skipped. (What the fork server preloads,
    :mod:`hwb.render.forkserver`, and whether a page reads models, :mod:`hwb.render.models`.)
    """
    seen: dict[str, None] = {}
    for template in template_paths:
        if not Path(template).is_file():
            continue
        for cell in read_template(template).get("cells", []):
            if cell.get("cell_type") != "code":
                continue
            try:
                tree = ast.parse(cell["source"])
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, ast.Import):
                    for alias in node.names:
                        seen.setdefault(alias.name, None)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    seen.setdefault(node.module, None)
    return list(seen)
