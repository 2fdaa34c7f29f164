"""Find broken internal links in a built book, without a browser.

Every ``href``/``src`` in every HTML page that points inside the book must name a file
that exists and, if it has a ``#fragment``, an element with that id on the target page.
External links (with a scheme such as https: or mailto:) are not followed: the book is
checked offline. Links to PDFs are checked like any other (the book links a PDF only once it
is printed, see :mod:`hwb.publish.pdf`), and every PDF in the site is opened and its own
links checked (:func:`pdf_problems`): a link inside a PDF must go to a place in the same PDF
or to an external web address, never to the local server it was printed from.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


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
            if values.get(attr) and not (
                tag == "link" and values.get("rel") in ("preconnect", "dns-prefetch")
            ):
                self.links.append(values[attr])


def _parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8", errors="replace"))
    return collector


def broken_links(html_dir: Path) -> list[BrokenLink]:
    """Every broken internal link in the HTML pages under ``html_dir``, sorted."""
    html_dir = Path(html_dir).resolve()
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
                target.relative_to(html_dir)
            except ValueError:
                broken.append(BrokenLink(shown, link, "points outside the book"))
                continue
            if not target.is_file():
                broken.append(BrokenLink(shown, link, "no such file"))
                continue
            if (
                parts.fragment
                and target.suffix == ".html"
                and unquote(parts.fragment) not in page(target).ids
            ):
                broken.append(BrokenLink(shown, link, f"no element with id '{parts.fragment}'"))
    for pdf in sorted(html_dir.rglob("*.pdf")):
        shown = pdf.relative_to(html_dir).as_posix()
        broken += [BrokenLink(shown, link, reason) for link, reason in pdf_problems(pdf)]
    return sorted(set(broken), key=lambda b: (b.page, b.link))


_LOCAL_HOSTS = ("127.0.0.1", "localhost", "0.0.0.0", "[::1]")


def pdf_problems(path: Path) -> list[tuple[str, str]]:
    """(link, reason) for every link inside a PDF that cannot work for its reader."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    names = {str(n).lstrip("/") for n in reader.named_destinations}
    problems = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            action = annotation.get("/A")
            action = action.get_object() if action is not None else {}
            target = (
                annotation.get("/Dest") if annotation.get("/Dest") is not None else action.get("/D")
            )
            if action.get("/S") == "/URI":
                uri = str(action.get("/URI", ""))
                parts = urlsplit(uri)
                if parts.scheme not in ("http", "https", "mailto"):
                    problems.append((uri, "not a web address"))
                elif parts.hostname in _LOCAL_HOSTS or (parts.netloc or "").startswith(
                    _LOCAL_HOSTS
                ):
                    problems.append((uri, "points at the local server the PDF was printed from"))
            elif target is not None and not isinstance(target, list):
                name = str(target).lstrip("/")
                if name not in names:
                    problems.append((f"#{name}", "no such destination in the PDF"))
    return problems
