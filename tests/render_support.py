"""Shared helpers for the build-engine tests: a throw-away project root with small templates.

The templates here are small but exercise what matters for byte-identity (pandas, a
seaborn/matplotlib figure, a warning, stderr, markdown placeholders), so the tests do not
depend on the real pack's content. No tests live in this file.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from hwb import paths

REPO = Path(__file__).resolve().parents[1]
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def small_template(
    path: Path,
    *,
    extra_markdown: str = "",
    reads=None,
    fail_for: str = "",
    extra_code: str = "",
    sleeps: bool = True,
) -> Path:
    """A pack template (parameters as a partnership's pack gets them); ``fail_for`` names a
    slug that raises. With ``sleeps``, the page of the partnership named in
    ``$HWB_TEST_SLOW`` (in the build's environment) sleeps a minute
    (``$HWB_TEST_SLOW_SECONDS``: that many seconds); a summary template does not: only the
    pack a test kills should wait."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    if reads is not None:
        nb.metadata["hwb"] = {"reads": reads}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# {{ district_name }}: test pack"),
        nbformat.v4.new_code_cell(
            'partnership = "burnley"\nparams = None\nsnapshot = "data/snapshot"',
            metadata={"tags": ["parameters"]},
        ),
        nbformat.v4.new_code_cell(
            "import os\nimport time\nimport warnings\nimport sys\n"
            "import numpy as np\nimport pandas as pd\nimport matplotlib.pyplot as plt\nimport seaborn as sns"
        ),
        nbformat.v4.new_markdown_cell(
            "Figures for {{ district_name }} ({{ partnership }})." + extra_markdown
        ),
        nbformat.v4.new_code_cell(
            "district = partnership\n"
            + (
                "if os.environ.get('HWB_TEST_SLOW') == district:\n"
                "    time.sleep(float(os.environ.get('HWB_TEST_SLOW_SECONDS', 60)))\n"
                if sleeps
                else ""
            )
            + f"if district == {fail_for!r}:\n    raise ValueError('deliberate failure for ' + district)\n"
            "rng = np.random.default_rng(len(district))\n"
            "frame = pd.DataFrame({'year': range(2015, 2021), 'value': rng.normal(50, 5, 6).round(2)})\n"
            "frame"
        ),
        nbformat.v4.new_code_cell(
            "print(params['name'], params['districts'][0]['ons_code'])\n"
            "warnings.warn('a warning shown in the notebook')\n"
            "print('to stderr', file=sys.stderr)"
        ),
        nbformat.v4.new_code_cell(
            "plt.rcParams['svg.hashsalt'] = 'hwb'\n"
            "fig, ax = plt.subplots(figsize=(4, 3))\n"
            "sns.lineplot(data=frame, x='year', y='value', ax=ax)\n"
            "ax.set_title(params['name'])\n"
            "plt.show()" + extra_code
        ),
    ]
    nbformat.write(nb, str(path))
    return path


def write_snapshot(folder: Path, files: dict[str, list[str]]) -> Path:
    """A snapshot folder whose manifest lists, per file, its sha256 and area codes."""
    import hashlib

    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for name, areas in files.items():
        data = ("Area Code\n" + "\n".join(areas) + "\n").encode()
        (folder / name).write_bytes(data)
        entries.append(
            {
                "name": name,
                "sha256": hashlib.sha256(data).hexdigest(),
                "size": len(data),
                "areas": areas,
            }
        )
    manifest = {"schema_version": 1, "synthetic": True, "title": "test", "files": entries}
    (folder / "manifest.yml").write_text(yaml.safe_dump(manifest, sort_keys=False))
    return folder


def change_file(folder: Path, name: str) -> None:
    """Change one snapshot file's bytes and record the new hash in the manifest."""
    import hashlib

    path = folder / name
    path.write_bytes(path.read_bytes() + b"E92000001\n")
    manifest = yaml.safe_load((folder / "manifest.yml").read_text())
    for entry in manifest["files"]:
        if entry["name"] == name:
            entry["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
            entry["size"] = path.stat().st_size
    (folder / "manifest.yml").write_text(yaml.safe_dump(manifest, sort_keys=False))


def make_root(root: Path, **template_options) -> Path:
    """A minimal project root: parameters (the repo's), a small template, a split snapshot."""
    (root / "notebooks").mkdir(parents=True)
    (root / "book" / "districts").mkdir(parents=True)
    shutil.copytree(REPO / "parameters", root / "parameters")
    shutil.copy(REPO / "requirements.lock", root / "requirements.lock")
    shutil.copy(REPO / "_toc.yml", root / "_toc.yml")
    small_template(root / "notebooks" / "district_pack.ipynb", **template_options)
    small_template(root / "notebooks" / "summary.ipynb", sleeps=False, **template_options)
    write_snapshot(
        root / "data" / "snapshot",
        {
            "england.csv": ["E92000001"],
            "lancashire.csv": ["E10000017"],
            "burnley.csv": ["E07000117"],
            "chorley.csv": ["E07000118"],
            "fylde.csv": ["E07000119"],
            "hyndburn.csv": ["E07000120"],
            "lancaster.csv": ["E07000121"],
        },
    )
    return root


def point_paths_at(monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
    """Make :mod:`hwb.paths` (read at call time everywhere) describe ``root``."""
    values = {
        "ROOT": root,
        "PARAMETERS": root / "parameters",
        "NOTEBOOKS": root / "notebooks",
        "DATA": root / "data",
        "SNAPSHOT": root / "data" / "snapshot",
        "CATALOGUE": root / "data" / "catalogue.yml",
        "BOOK": root / "book",
        "DISTRICT_PAGES": root / "book" / "districts",
        "BOOK_BUILD": root / "book" / "_build",
        "BOOK_HTML": root / "book" / "_build" / "html",
        "BUILD": root / "build",
        "MODELS": root / "build" / "model",
        "FAILED": root / "build" / "failed",
        "LOCK": root / "requirements.lock",
        "DISTRICT_TEMPLATE": root / "notebooks" / "district_pack.ipynb",
        "SUMMARY_TEMPLATE": root / "notebooks" / "summary.ipynb",
        "SUMMARY_PAGES": root / "book" / "summaries",
    }
    for name, value in values.items():
        monkeypatch.setattr(paths, name, value)


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A temporary project root that :mod:`hwb.paths` points at for the test."""
    root = make_root(tmp_path / "root")
    point_paths_at(monkeypatch, root)
    return root


class ConfigProbe:
    """An engine that executes nothing: it fails every job with the Dask settings its worker
    sees, as JSON (so a test can read them back from the job's outcome)."""

    name = "probe"

    def __init__(self, keys: list[str]) -> None:
        self.keys = keys

    def ready(self) -> ConfigProbe:
        return self

    def execute(self, job):
        import json

        import dask

        from hwb.errors import HwbError

        raise HwbError(json.dumps({key: dask.config.get(key) for key in self.keys}))


def hold_lock(root, command: str = "hwb build") -> subprocess.Popen:
    """Another process holding ``root``'s build lock (as ``command``) until killed."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, time\n"
                "from hwb.render.housekeeping import build_lock\n"
                f"with build_lock({command!r}):\n"
                "    print('held', flush=True)\n"
                "    time.sleep(120)\n"
            ),
        ],
        env={**os.environ, "HWB_ROOT": str(root)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    return holder


def district_page_is_clean(content: str) -> None:
    """What a reader must (not) see on Burnley's built pack page."""
    assert re.search(r"<h1>Burnley\b", content)
    assert "injected-parameters" not in content  # the parameter cell is hidden
    assert "Last updated" not in content
    assert "sphinx-thebe" not in content and "thebe-launch" not in content  # no Thebe
    assert "launch-buttons" not in content and "btn-launch" not in content  # no launch buttons
