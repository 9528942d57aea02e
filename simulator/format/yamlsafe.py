"""Loading untrusted YAML safely, keeping the line and column of every value.

Scenario files come from trainers and from the internet, so the loader refuses everything that
makes YAML dangerous or surprising (GUIDE.md section 4): no anchors or aliases (PyYAML has no
alias-expansion limit), no explicit tags, no duplicate keys (safe_load silently keeps the last),
booleans only as `true`/`false` (so a reply `No` stays a string), one document, UTF-8 only, a
size cap and a nesting cap. It is the pure-Python loader on purpose: the C loader bypasses the
overrides, and scenario files are small.
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from simulator.format.diagnostics import Diagnostic, ScenarioError

MAX_BYTES = 1_000_000
MAX_DEPTH = 48
MAX_NODES = 200_000

Path_ = tuple  # a path into the document: keys and list indexes


@dataclass(frozen=True)
class Loaded:
    """The plain data of a document plus where each piece of it was written."""

    data: object
    marks: dict  # path tuple -> (line, col), 1-based; keys of mappings at path + ("<key>",)

    def mark(self, path: tuple) -> tuple[int, int]:
        """The position of `path`, or of its nearest written ancestor."""
        path = tuple(path)
        while path:
            if path in self.marks:
                return self.marks[path]
            path = path[:-1]
        return self.marks.get((), (1, 1))

    def text_mark(self, path: tuple, offset: int) -> tuple[int, int]:
        """The position of character `offset` (0-based) of a one-line string value, else of the value."""
        if (*tuple(path), "<text>") in self.marks:
            line, col = self.marks[(*tuple(path), "<text>")]
            return line, col + offset
        return self.mark(path)

    def key_mark(self, path: tuple) -> tuple[int, int]:
        return self.marks.get((*tuple(path), "<key>"), self.mark(path))


class YamlError(Exception):
    def __init__(self, line: int, col: int, code: str, message: str):
        super().__init__(message)
        self.line, self.col, self.code, self.message = line, col, code, message


class _Refusals(Composer):
    """A composer that refuses aliases, anchors and explicit tags as it meets them."""

    depth = 0
    count = 0

    def compose_node(self, parent, index):
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise YamlError(
                event.start_mark.line + 1,
                event.start_mark.column + 1,
                "yaml-alias",
                f"aliases ('*{event.anchor}') are not allowed in scenario files; write the value out",
            )
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise YamlError(
                event.start_mark.line + 1,
                event.start_mark.column + 1,
                "yaml-anchor",
                f"anchors ('&{event.anchor}') are not allowed in scenario files",
            )
        tag = getattr(event, "tag", None)
        if tag not in (None, "!"):
            raise YamlError(
                event.start_mark.line + 1,
                event.start_mark.column + 1,
                "yaml-tag",
                f"explicit tags ('{tag}') are not allowed in scenario files",
            )
        self.depth += 1
        self.count += 1
        if self.depth > MAX_DEPTH:
            raise YamlError(
                event.start_mark.line + 1,
                event.start_mark.column + 1,
                "yaml-depth",
                f"the document is nested more than {MAX_DEPTH} levels deep",
            )
        if self.count > MAX_NODES:
            raise YamlError(
                event.start_mark.line + 1,
                event.start_mark.column + 1,
                "yaml-size",
                f"the document has more than {MAX_NODES} values",
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _StrictResolver(Resolver):
    """YAML 1.2-minded scalars: booleans are only true/false; yes/no/on/off stay strings."""


_StrictResolver.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in Resolver.yaml_implicit_resolvers.copy().items()
}
for _first in "tTfF":
    _StrictResolver.yaml_implicit_resolvers.setdefault(_first, []).insert(
        0, ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"))
    )


class _Loader(Reader, Scanner, Parser, _Refusals, SafeConstructor, _StrictResolver):
    def __init__(self, stream):
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        _Refusals.__init__(self)
        SafeConstructor.__init__(self)
        _StrictResolver.__init__(self)


def _scalar(node: ScalarNode):
    """Plain Python value of a scalar, by the resolved tag (no custom constructors)."""
    tag = node.tag
    value = node.value
    if tag.endswith(":null"):
        return None
    if tag.endswith(":bool"):
        return value.lower() == "true"
    if tag.endswith(":int"):
        try:
            return int(value.replace("_", ""), 0) if value[:2].lower() in ("0x", "0o") else int(
                value.replace("_", "")
            )
        except ValueError:
            return value
    if tag.endswith(":float"):
        try:
            number = float(value.replace("_", ""))
        except ValueError:
            return value
        return number
    return value


def _build(node, path: tuple, marks: dict):
    marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, ScalarNode):
        if node.start_mark.line == node.end_mark.line:
            # Where the text itself starts (after a quote), so errors inside a value point at their column.
            marks[(*path, "<text>")] = (node.start_mark.line + 1, node.start_mark.column + 1 + (node.style in ("'", '"')))
        return _scalar(node)
    if isinstance(node, SequenceNode):
        return [_build(child, (*path, i), marks) for i, child in enumerate(node.value)]
    if isinstance(node, MappingNode):
        result: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise YamlError(
                    key_node.start_mark.line + 1,
                    key_node.start_mark.column + 1,
                    "yaml-key",
                    "mapping keys must be plain words, not lists or mappings",
                )
            key = _scalar(key_node)
            if isinstance(key, bool | float) or key is None:
                key = key_node.value
            if key in result:
                raise YamlError(
                    key_node.start_mark.line + 1,
                    key_node.start_mark.column + 1,
                    "duplicate-key",
                    f"duplicate key '{key}' (the first is at line "
                    f"{marks[(*path, key, '<key>')][0]})",
                )
            marks[(*path, key, "<key>")] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
            result[key] = _build(value_node, (*path, key), marks)
        return result
    raise YamlError(1, 1, "yaml-node", "unsupported YAML node")


def decode(raw: bytes) -> str:
    """UTF-8 text of a file, or a YamlError saying where it is not text."""
    if len(raw) > MAX_BYTES:
        raise YamlError(1, 1, "too-large", f"the file is {len(raw):,} bytes; the limit is {MAX_BYTES:,}")
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        line = raw.count(b"\n", 0, offset) + 1
        raise YamlError(line, 1, "binary", "the file contains NUL bytes: it is not a text file")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlError(line, col, "encoding", "the file is not valid UTF-8") from None


def load_text(text: str) -> Loaded:
    """Parse one YAML document into plain data and marks, refusing what is unsafe."""
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:
        return _reader_error(text, exc)
    try:
        try:
            node = loader.get_single_node()
        except YamlError:
            raise
        except yaml.reader.ReaderError as exc:
            return _reader_error(text, exc)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            problem = exc.problem or exc.context or "invalid YAML"
            code = "yaml-documents" if "single document" in str(exc) else "yaml-syntax"
            if code == "yaml-documents":
                problem = "the file holds more than one YAML document; a scenario is one document"
            else:
                problem += syntax_hint(text, line, problem)
            raise YamlError(line, col, code, problem) from None
        except yaml.YAMLError as exc:
            raise YamlError(1, 1, "yaml-syntax", str(exc).splitlines()[0]) from None
        except RecursionError:
            raise YamlError(1, 1, "yaml-depth", "the document is nested too deeply") from None
        if node is None:
            return Loaded(None, {(): (1, 1)})
        marks: dict = {}
        try:
            data = _build(node, (), marks)
        except RecursionError:
            raise YamlError(1, 1, "yaml-depth", "the document is nested too deeply") from None
        return Loaded(data, marks)
    finally:
        loader.dispose()


def _reader_error(text: str, exc) -> Loaded:
    """Characters YAML does not allow (control characters): raise with their position."""
    position = getattr(exc, "position", 0) or 0
    line = text.count("\n", 0, position) + 1
    col = position - (text.rfind("\n", 0, position) + 1) + 1
    raise YamlError(line, col, "yaml-character", f"character U+{exc.character:04X} is not allowed in YAML") from None


def load_bytes(raw: bytes) -> Loaded:
    return load_text(decode(raw))


def load_path(path) -> Loaded:
    """Read and parse a file. Raises YamlError (with position) or OSError."""
    p = Path(path)
    info = p.stat()
    if not stat.S_ISREG(info.st_mode):  # a FIFO would block, /dev/zero never ends
        raise YamlError(1, 1, "not-a-file", "not a regular file (a pipe, a device or a directory)")
    size = info.st_size
    if size > MAX_BYTES:
        raise YamlError(1, 1, "too-large", f"the file is {size:,} bytes; the limit is {MAX_BYTES:,}")
    with p.open("rb") as handle:
        raw = handle.read(MAX_BYTES + 1)
    return load_bytes(raw)


def load_checked(path) -> Loaded:
    """Read a YAML file for a checker: any problem becomes a ScenarioError with its position."""
    p = str(path)
    try:
        return load_path(path)
    except YamlError as exc:
        raise ScenarioError([as_diagnostic(p, exc)]) from None
    except OSError as exc:
        raise ScenarioError([Diagnostic(p, 1, 1, "error", "io", exc.strerror or str(exc))]) from None


def syntax_hint(text: str, line: int, problem: str) -> str:
    """What usually causes a YAML syntax error, in the author's terms ('' when nothing fits)."""
    lines = text.splitlines()
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    before = lines[line - 2] if 1 < line <= len(lines) + 1 else ""
    if "'\\t'" in problem or "\t" in here[: len(here) - len(here.lstrip())]:
        return "; YAML indents with spaces, never tabs: replace the tab with spaces"
    for ch in "@`":
        if f"'{ch}'" in problem:
            return f"; a value that starts with {ch} must be in quotes, e.g. from: \"{ch}maple_mum\""
    if "mapping values are not allowed" in problem:
        return "; a value that contains ': ' must be in quotes (text: \"Note: ...\"), or this line is indented too far"
    for source in (here, before):
        if _unquoted_hash(source):
            return "; ' #' starts a comment in YAML, cutting the line short: put a value that contains '#' in quotes"
    return ""


def _unquoted_hash(line: str) -> bool:
    """Whether ` #` (a comment) follows a value on this line outside quotes."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"" and (i == 0 or line[i - 1] in " [{,:"):
            quote = ch
        elif ch == "#" and i > 0 and line[i - 1] in " \t" and line[:i].strip() and not line[:i].strip().endswith(":"):
            return True
    return False


def as_diagnostic(path: str, error: YamlError) -> Diagnostic:
    return Diagnostic(path, error.line, error.col, "error", error.code, error.message)
