"""The words a regular expression cannot match without: a cheap test before an expensive search.

Python's engine has no fast scan for a pattern that starts with ``\\b``, a look-behind, an optional
part or a choice of words: it tries the whole pattern at every position, about 50 ns each, so a cue
searched in a sentence costs microseconds whether it is there or not. Most cues are rare, and each
needs one of a few words ('youngest', 'for the first time', 'women' or 'female'): ``str.find`` rules
the sentence out in a fraction of that time, and the search runs only where one of them is.

``required_words(pattern)`` reads the words from Python's own parse of the pattern (``re._parser``),
so they cannot drift from it: a run of literal characters must appear in every match, so must one
alternative of a choice, and a part repeated at least once. Look-arounds, classes, anchors and
optional parts require nothing. The words are only a filter: where one of them is found, the
pattern itself decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

try:    # CPython's own parser (3.11 on), not in typeshed. Without it there is no filter: every search runs.
    from re import _constants as _sre  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]
except ImportError:     # pragma: no cover
    _sre = _parser = None

__all__ = ["required_words"]

# More words than this, or shorter ones, cost about as much to look for as the search they would save.
MAX_WORDS = 12
MIN_LENGTH = 3

_REPEATS = (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT) if _sre else ()


def required_words(pattern: str) -> tuple[str, ...]:
    """Strings one of which is in every match of ``pattern`` (a pattern without IGNORECASE: the words
    are compared as written); empty when there are none worth looking for."""
    if _parser is None:
        return ()
    parsed = _parser.parse(pattern)
    if parsed.state.flags & (re.IGNORECASE | re.VERBOSE) or parsed.data[:1] == [(_sre.AT, _sre.AT_BEGINNING)]:
        return ()   # ... or a pattern anchored at the start, which is tried at one position only
    found = _required(parsed.data)
    if not found:
        return ()
    # a word that holds another adds nothing: where it is, the shorter one is too
    words = sorted(w for w in found if not any(other != w and other in w for other in found))
    if len(words) > MAX_WORDS or min(map(len, words)) < MIN_LENGTH:
        return ()
    return tuple(words)


def _required(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    """The words one of which a sequence of parsed items needs: of the runs of literal characters
    and of the parts it cannot do without, those whose shortest word is longest."""
    options: list[frozenset[str]] = []
    run: list[str] = []
    for op, arg in items:
        if op is _sre.LITERAL:
            run.append(chr(arg))
            continue
        if run:
            options.append(frozenset({"".join(run)}))
            run = []
        inner: frozenset[str] | None = None
        if op is _sre.SUBPATTERN and not arg[1] and not arg[2]:   # a group without flags of its own
            inner = _required(arg[3].data)
        elif op is _sre.BRANCH:
            inner = _either(branch.data for branch in arg[1])
        elif op in _REPEATS and arg[0] >= 1:
            inner = _required(arg[2].data)
        if inner:
            options.append(inner)
    if run:
        options.append(frozenset({"".join(run)}))
    return max(options, key=lambda words: (min(map(len, words)), -len(words)), default=None)


def _either(branches: Iterable[list[tuple[Any, Any]]]) -> frozenset[str] | None:
    """The words of a choice: those of every alternative, or none when one alternative needs none."""
    words: frozenset[str] = frozenset()
    for branch in branches:
        needed = _required(branch)
        if not needed:
            return None
        words |= needed
    return words
