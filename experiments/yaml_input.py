"""Reading YAML from users: strict about what PyYAML lets through, with messages that say where.

``yaml.safe_load`` keeps the last of two equal keys (so a second ``model:`` block
silently replaces the first), recurses once per nesting level (a 10,000-deep
value is a ``RecursionError``), expands aliases without limit (a "billion laughs"
value of 9 levels holds 10^9 items) and raises a bare ``ValueError`` for an
integer of more than 4,300 digits. :func:`load_yaml` refuses each of these with
the key path and line, and :func:`decode_text` turns a file's bytes into text
with a clear message for anything but UTF-8 (or UTF-16/32 with a byte-order mark,
which is decoded: that is what some Windows editors save).

>>> load_yaml("a: 1\\nb: {c: [1, 2]}")
{'a': 1, 'b': {'c': [1, 2]}}
>>> load_yaml("model: {}\\nmodel: {regime: service}")
Traceback (most recent call last):
...
experiments.errors.UserError: <config>: duplicate key 'model' at line 2 (first at line 1)
"""

from __future__ import annotations

import codecs
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from experiments.errors import UserError

__all__ = ["MAX_DEPTH", "MAX_INT_DIGITS", "MAX_VALUES", "decode_text", "load_yaml"]

MAX_DEPTH = 50
"""Deepest nesting of blocks and lists accepted (a config needs about 5)."""
MAX_VALUES = 1_000_000
"""Most values a document may hold once its aliases are expanded."""
MAX_INT_DIGITS = 400
"""Longest integer accepted; no setting takes a number beyond float range (309 digits)."""

_INT_TAG = "tag:yaml.org,2002:int"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class _Refused(yaml.YAMLError):
    """A document PyYAML would accept but a config must not be."""


class _Loader(yaml.SafeLoader):
    """``SafeLoader`` that stops composing beyond :data:`MAX_DEPTH` levels."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self._depth >= MAX_DEPTH:
            mark = self.peek_event().start_mark
            raise _Refused(
                f"nested deeper than {MAX_DEPTH} levels at line {mark.line + 1}, "
                f"column {mark.column + 1}"
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def decode_text(data: bytes, source: str) -> str:
    """The text of a config file: UTF-8, or UTF-16/32 with a byte-order mark.

    Raises
    ------
    UserError
        Naming the encoding problem and where it is (line and column).
    """
    encoding = "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding = name
            break
    else:
        if b"\x00" in data:
            raise UserError(
                f"{source}: not UTF-8 text (it holds NUL bytes: UTF-16 or UTF-32 without a "
                "byte-order mark?); save the file as UTF-8"
            )
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        label = "UTF-8" if encoding.startswith("utf-8") else encoding.upper()
        if encoding.startswith("utf-8"):
            column = len(before) - (before.rfind(b"\n") + 1) + 1
            where = f"line {line}, column {column}"
        else:
            where = f"byte {error.start}"
        raise UserError(
            f"{source}: not valid {label} text: {error.reason} at {where} "
            f"(bytes {data[error.start : error.start + 4].hex(' ')}); save the file as UTF-8"
        ) from None


def load_yaml(text: str, source: str = "<config>") -> Any:
    """Parse one YAML document, refusing what a config must not hold.

    Raises
    ------
    UserError
        For malformed YAML, a duplicate key, nesting deeper than :data:`MAX_DEPTH`,
        aliases expanding beyond :data:`MAX_VALUES` values, or an integer longer than
        :data:`MAX_INT_DIGITS` digits, naming the key path and line.
    """
    loader = None
    try:
        loader = _Loader(text)  # its reader refuses control characters right away
        node = loader.get_single_node()
        if node is None:
            return None
        _Checker(source).check(node)
        return loader.construct_document(node)
    except _Refused as error:
        raise UserError(f"{source}: {error}") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = error.problem or "invalid YAML"
        raise UserError(f"{source}: malformed YAML{where}: {problem}") from None
    except yaml.reader.ReaderError as error:
        line = text[: error.position].count("\n") + 1
        raise UserError(
            f"{source}: character {error.character!r} at line {line} is not allowed in YAML "
            "(a control character?)"
        ) from None
    except yaml.YAMLError as error:
        raise UserError(f"{source}: malformed YAML: {error}") from None
    finally:
        if loader is not None:
            loader.dispose()


class _Checker:
    """One walk over the composed nodes: duplicate keys, huge integers, expanded size."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.sizes: dict[int, int] = {}
        self.open: set[int] = set()

    def check(self, node: Node) -> None:
        size = self._size(node, "")
        if size > MAX_VALUES:
            raise _Refused(f"aliases expand the document to more than {MAX_VALUES:,} values")

    def _size(self, node: Node, path: str) -> int:
        """Values under ``node`` with aliases expanded (each shared node walked once)."""
        key = id(node)
        if key in self.sizes:
            return self.sizes[key]
        if key in self.open:
            raise _Refused(f"{_name(path)}: refers to itself through an alias{_line(node)}")
        self.open.add(key)
        size = 1
        if isinstance(node, ScalarNode):
            self._check_scalar(node, path)
        elif isinstance(node, SequenceNode):
            for index, item in enumerate(node.value):
                size += self._size(item, f"{path}[{index}]")
                self._limit(size, path)
        elif isinstance(node, MappingNode):
            seen: dict[tuple[str, str], Node] = {}
            for key_node, value_node in node.value:
                label = str(key_node.value) if isinstance(key_node, ScalarNode) else "?"
                if isinstance(key_node, ScalarNode) and key_node.tag != _MERGE_TAG:
                    identity = (key_node.tag, key_node.value)
                    if identity in seen:
                        first = seen[identity].start_mark.line + 1
                        where = f"{path}: " if path else ""
                        raise _Refused(
                            f"{where}duplicate key {label!r} at line "
                            f"{key_node.start_mark.line + 1} (first at line {first})"
                        )
                    seen[identity] = key_node
                size += self._size(key_node, path)
                size += self._size(value_node, f"{path}.{label}" if path else label)
                self._limit(size, path)
        self.open.discard(key)
        self.sizes[key] = size
        return size

    def _check_scalar(self, node: ScalarNode, path: str) -> None:
        if node.tag != _INT_TAG:
            return
        digits = sum(ch.isdigit() for ch in node.value)
        if digits > MAX_INT_DIGITS:
            raise _Refused(
                f"{_name(path)}: an integer of {digits} digits{_line(node)}; "
                "no setting takes a number that large"
            )

    @staticmethod
    def _limit(size: int, path: str) -> None:
        if size > MAX_VALUES:
            raise _Refused(
                f"{_name(path)}: aliases expand this value to more than {MAX_VALUES:,} values"
            )


def _name(path: str) -> str:
    return path or "(the whole document)"


def _line(node: Node) -> str:
    return f" at line {node.start_mark.line + 1}"
