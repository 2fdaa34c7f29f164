"""Find broken internal links in a built book, without a browser.

Every ``href``/``src`` in every HTML page that points inside the book must name a file
that exists and, if it has a ``#fragment``, an element with that id on the target page.
External links (with a scheme such as https: or mailto:) are not followed: the book is
checked offline. Links to a district's PDF (``pdf/<slug>.pdf``) are checked only once the
PDFs have been printed into the book (``make pdfs``), because the book is built first.
"""
from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from hwb.publish.pdf import HTML_PDF_FOLDER


@dataclass(frozen=True)
class BrokenLink:
    page: str  # relative to the book's root
    link: str
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: {self.link} ({self.reason})"


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        if tag == "a" and values.get("name"):
            self.ids.add(values["name"])
        for attr in ("href", "src"):
            if values.get(attr) and not (tag == "link" and values.get("rel") in ("preconnect", "dns-prefetch")):
                self.links.append(values[attr])


def _parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8", errors="replace"))
    return collector


def broken_links(html_dir: Path) -> list[BrokenLink]:
    """Every broken internal link in the HTML pages under ``html_dir``, sorted."""
    html_dir = Path(html_dir).resolve()
    pdfs_printed = (html_dir / HTML_PDF_FOLDER).is_dir()
    parsed: dict[Path, _Collector] = {}

    def page(path: Path) -> _Collector:
        if path not in parsed:
            parsed[path] = _parse(path)
        return parsed[path]

    broken = []
    for source in sorted(html_dir.rglob("*.html")):
        if "_static" in source.relative_to(html_dir).parts:
            continue
        shown = source.relative_to(html_dir).as_posix()
        for link in page(source).links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("javascript:", "data:")):
                continue
            target = source if not parts.path else (source.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            try:
                inside = target.relative_to(html_dir)
            except ValueError:
                broken.append(BrokenLink(shown, link, "points outside the book"))
                continue
            if inside.parts[:1] == (HTML_PDF_FOLDER,) and not pdfs_printed:
                continue
            if not target.is_file():
                broken.append(BrokenLink(shown, link, "no such file"))
                continue
            if parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in page(target).ids:
                broken.append(BrokenLink(shown, link, f"no element with id '{parts.fragment}'"))
    return sorted(set(broken), key=lambda b: (b.page, b.link))
