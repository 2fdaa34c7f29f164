"""Reading YAML: PyYAML's C parser (libyaml) when the installed wheel has it, strictly.

The pure-Python parser takes ~22 ms for the snapshot manifest (libyaml ~3 ms), and
every pack reads the manifest twice, the catalogue and its parameters; libyaml builds
the same objects. Only the safe subset of YAML is ever read, and of that only what a
hand-written file needs:

* a key given twice in one mapping is refused (:class:`DuplicateKey`): YAML keeps the
  last silently, so an appended ``name: Pendle`` would rename Burnley's pack;
* an alias (``*name``, a reference to an ``&name`` anchor) is refused (:class:`AliasRefused`):
  nine nested levels of nine aliases expand to 9^9 values, an "alias bomb" that took
  minutes and gigabytes to validate and print. Only ``data/sources.yml``, written by the
  project's developers, shares settings by aliases (``aliases=True``); even there a
  document that would expand to more than :data:`MAX_EXPANDED_NODES` values is refused.

:func:`read_text` decodes a file as UTF-8, naming the file when it is not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError

from hwb.errors import HwbError

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SHOWN_CHARACTERS = 60  # the most of one input value an error message echoes
MAX_EXPANDED_NODES = 100_000  # values a document with aliases may stand for, written out


class DuplicateKey(ConstructorError):
    """A mapping gives the same key twice."""


class AliasRefused(ConstructorError):
    """The document uses an alias (``*name``)."""


def shorten(value: Any, limit: int = SHOWN_CHARACTERS) -> str:
    """``repr(value)``, cut to ``limit`` characters with the length it had, for messages that
    echo what someone typed (a 2 GB value must not become a 2 GB error message)."""
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _expanded_size(root: yaml.Node) -> int:
    """How many values the node graph stands for with every alias written out (each shared
    node counted once per reference, but measured once: linear in the document's size)."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:  # post-order without recursion (a deep document must not overflow)
        node, children_done = stack.pop()
        if children_done:
            total = 1 + sum(sizes.get(id(c), 1) for c in _children(node))
            sizes[id(node)] = min(total, MAX_EXPANDED_NODES + 1)
        elif id(node) not in sizes:
            sizes[id(node)] = 1  # in progress (a recursive alias counts as one value)
            stack.append((node, True))
            stack.extend((c, False) for c in _children(node) if id(c) not in sizes)
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


class SafeLoader(_Base):  # type: ignore[misc, valid-type]
    """Safe YAML (libyaml where available) that refuses duplicate keys and aliases.

    The composer hands an aliased node over as the very node its anchor made, so a node
    reached a second time during construction is an alias (or a recursive one).
    """

    allow_aliases = False

    def construct_document(self, node: yaml.Node) -> Any:
        if self.allow_aliases and _expanded_size(node) > MAX_EXPANDED_NODES:
            raise AliasRefused(
                None,
                None,
                f"its aliases (*name) expand to more than {MAX_EXPANDED_NODES:,} values; "
                "write the values out instead",
                None,
            )
        return super().construct_document(node)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if self.allow_aliases:
            return super().construct_object(node, deep=deep)
        if node in self.constructed_objects or node in self.recursive_objects:
            raise AliasRefused(
                None,
                None,
                f"aliases (*name) are not allowed (one refers to the value anchored on line "
                f"{_line(node)}); write each value out in full",
                None,
            )
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    continue
                key = self.construct_scalar(key_node)
                tag_key = (key_node.tag, key)
                if tag_key in seen:
                    raise DuplicateKey(
                        None,
                        None,
                        f"line {_line(key_node)}: duplicate key {shorten(key)} (first given on "
                        f"line {seen[tag_key]}); keep one",
                        None,
                    )
                seen[tag_key] = _line(key_node)
        return super().construct_mapping(node, deep=deep)


class _AliasLoader(SafeLoader):
    allow_aliases = True


class _Dumper(yaml.SafeDumper):
    """Writes shared values out in full: what it writes, :func:`safe_load` reads back."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def safe_load(text: str, aliases: bool = False) -> Any:
    """Parse ``text`` as safe YAML (as :func:`yaml.safe_load`, faster), refusing duplicate keys
    and aliases (:class:`DuplicateKey`, :class:`AliasRefused`, both :class:`yaml.YAMLError`).
    ``aliases=True`` allows aliases in a document that expands to at most
    :data:`MAX_EXPANDED_NODES` values."""
    return yaml.load(text, Loader=_AliasLoader if aliases else SafeLoader)


def safe_dump(value: Any, **options: Any) -> str:
    """:func:`yaml.safe_dump` without anchors and aliases (so :func:`safe_load` reads it)."""
    return yaml.dump(value, Dumper=_Dumper, **options)


def describe(error: yaml.YAMLError) -> str:
    """One line for a YAML error: ``line 3, column 2: did not find expected key (while parsing
    a block mapping that starts on line 1, column 1)``, in place of PyYAML's four."""
    if not isinstance(error, yaml.MarkedYAMLError):
        return " ".join(str(error).split())
    problem = error.problem or "not valid YAML"
    where = error.problem_mark or error.context_mark
    text = f"line {where.line + 1}, column {where.column + 1}: {problem}" if where else problem
    if error.context:
        mark = error.context_mark
        start = f" that starts on line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        text += f" ({error.context}{start})"
    return text


def read_text(path: Path | str) -> str:
    """A text file's contents, which must be UTF-8 (a byte-order mark is dropped); anything
    else is one :class:`~hwb.errors.HwbError` naming the file and the line of the first
    undecodable byte."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise HwbError(
            f"{path}: line {line}: not UTF-8 (byte 0x{data[exc.start]:02x}); files must be "
            "saved as UTF-8 (re-save it as UTF-8 in your editor, or `iconv -f latin1 -t utf-8`)"
        ) from None


def load_file(path: Path | str, aliases: bool = False) -> Any:
    """:func:`read_text` then :func:`safe_load`."""
    return safe_load(read_text(path), aliases=aliases)
