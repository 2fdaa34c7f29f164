"""Review and publishing configuration: pre-commit hooks, jupytext pairing, the Pages workflow."""

from __future__ import annotations

import re

import yaml

from hwb import paths


def _hooks() -> dict[str, dict]:
    config = yaml.safe_load((paths.ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    return {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}


def test_nbstripout_strips_templates_but_never_rendered_packs():
    files = re.compile(_hooks()["nbstripout-templates"]["files"])
    assert files.search("notebooks/district_pack.ipynb")
    assert not files.search("book/districts/burnley.ipynb")
    assert not files.search("book/overview.ipynb")


def test_pre_commit_has_ruff_and_a_large_file_check():
    hooks = _hooks()
    assert "ruff" in hooks and "--maxkb=" in hooks["check-added-large-files"]["entry"]


def test_templates_are_paired_with_text_files_and_in_sync():
    import jupytext

    templates = sorted(paths.NOTEBOOKS.glob("*.ipynb"))
    assert templates, "no templates in notebooks/"
    for template in templates:
        text = template.with_suffix(".md")
        assert text.is_file(), (
            f"{template.name} has no paired {text.name}; run `jupytext --sync {template}`"
        )
        from_ipynb = jupytext.writes(jupytext.read(template), fmt="md:myst")
        from_md = jupytext.writes(jupytext.read(text), fmt="md:myst")
        assert from_ipynb == from_md, (
            f"{template.name} and {text.name} differ; run `jupytext --sync {template}`"
        )


def test_publish_workflow_builds_on_published_data_and_deploys_the_html():
    workflow = yaml.safe_load(
        (paths.ROOT / ".github/workflows/publish.yml").read_text(encoding="utf-8")
    )
    steps = workflow["jobs"]["build"]["steps"]
    commands = [s.get("run", "") for s in steps]
    order = [
        next(i for i, c in enumerate(commands) if c.startswith(f"make {t}"))
        for t in ("data", "all", "pdfs")
    ]
    assert order == sorted(order)
    upload = next(
        s for s in steps if str(s.get("uses", "")).startswith("actions/upload-pages-artifact")
    )
    assert upload["with"]["path"] == "book/_build/html"
    assert "deploy-pages" in str(workflow["jobs"]["deploy"]["steps"])
