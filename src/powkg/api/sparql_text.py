"""What a SPARQL request is, read from its text before any engine sees it.

The HTTP layer needs three answers before it runs anything: the form of the operation (to negotiate
a format, and to refuse an update sent as a query), whether it names a URL the engine would fetch
(``SERVICE``, SPARQL 1.1 Federated Query; ``LOAD``, SPARQL 1.1 Update §3.1.4), and whether it carries
its own dataset (``FROM`` / ``FROM NAMED``, SPARQL 1.1 Query §13.2).

pyoxigraph fetches both ``SERVICE`` and ``LOAD`` URLs itself, so this check is what keeps the server
from ever contacting an address a client names. It errs towards refusing:

- the text is read token by token, so a keyword inside a string, an IRI or a comment is not a keyword,
  and a variable (``?service``) or a prefixed name (``ex:service``) is not one either;
- SPARQL 1.1 Query §19.2 lets ``\\u`` and ``\\U`` escapes stand for any character *before* parsing, so
  the text is read twice, as sent and with escapes decoded, and a keyword found in either counts;
- text the tokenizer cannot read (an unterminated string) is searched for the bare words instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
UPDATE_FORMS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})
FETCHING = frozenset({"SERVICE", "LOAD"})

# One token at a time (SPARQL 1.1 Query §19.8, approximated where no keyword can hide).
_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<unterminated>['"])
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$]\w+)
  | (?P<pname>(?:[^\W\d_][\w.-]*)?:[\w.:%\\-]*)
  | (?P<word>[^\W\d]\w*)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True, slots=True)
class Operation:
    """The form of a SPARQL request ("SELECT", "CONSTRUCT", "INSERT", ...; "" when none is found),
    and the keywords it uses, upper-cased."""

    form: str
    keywords: frozenset[str]

    @property
    def is_update(self) -> bool:
        return self.form in UPDATE_FORMS

    @property
    def is_graph(self) -> bool:
        """CONSTRUCT and DESCRIBE answer with a graph; SELECT and ASK with results."""
        return self.form in ("CONSTRUCT", "DESCRIBE")

    @property
    def fetches(self) -> frozenset[str]:
        """The keywords that would make the engine fetch a URL."""
        return self.keywords & FETCHING

    @property
    def has_dataset(self) -> bool:
        return "FROM" in self.keywords


def decode_escapes(text: str) -> str:
    """SPARQL 1.1 Query §19.2: codepoint escapes replaced by their characters."""
    def char(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group(0)
    return _ESCAPE.sub(char, text)


def _words(text: str) -> list[str] | None:
    """The keywords of ``text`` in order, or None when it cannot be tokenized."""
    words = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "unterminated":
            return None
        if kind == "word":
            words.append(match.group().upper())
    return words


def _bare_words(text: str) -> list[str]:
    return [w.upper() for w in re.findall(r"(?<![\w?$:])[^\W\d]\w*(?![\w:])", text)]


def inspect(text: str) -> Operation:
    """The operation a SPARQL text holds. Never raises: the engine's parser judges the syntax."""
    keywords: set[str] = set()
    form = ""
    variants = (text, decode_escapes(text)) if "\\u" in text or "\\U" in text else (text,)
    for variant in variants:
        words = _words(variant)
        if words is None:
            words = _bare_words(variant)
        keywords.update(words)
        if not form:
            form = next((w for w in words if w in QUERY_FORMS or w in UPDATE_FORMS), "")
    return Operation(form=form, keywords=frozenset(keywords))
