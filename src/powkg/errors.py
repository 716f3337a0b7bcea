"""One error tree for powkg. Every error says what was wrong and where.

    PowkgError                       exit 2, HTTP 500
    ├── ConfigError                  a setting has a bad value            exit 2, HTTP 500
    ├── InputError                   an article cannot be read            exit 2, HTTP 400
    │   └── UnreadableArticle        empty, binary, not UTF-8, too large
    ├── QueryError                   a SPARQL query is malformed          exit 2, HTTP 400
    │   ├── UnknownQuery             no curated query by that name        HTTP 404
    │   ├── QueryRefused             update, SERVICE or LOAD on a read-only endpoint   HTTP 403
    │   └── QueryTimeout             a query ran past its time limit      HTTP 503
    ├── NotAcceptable                no format the client accepts         HTTP 406
    ├── StoreError                   the store cannot be opened or written  exit 2, HTTP 503
    └── ShapesError                  the shapes or ontology do not parse  exit 2, HTTP 500

Exit code 1 is not an error: it means a run completed and found violations.
"""

from __future__ import annotations


class PowkgError(Exception):
    """Base of every error powkg raises on purpose."""

    status_code = 500
    exit_code = 2


class ConfigError(PowkgError):
    """A setting (flag or environment variable) has a value powkg cannot use."""


class InputError(PowkgError):
    """An input file or request body cannot be used."""

    status_code = 400


class UnreadableArticle(InputError):
    """An article file is empty, binary, not UTF-8 or too large; the rest are still ingested."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class QueryError(PowkgError):
    """A SPARQL query is malformed; the message is the parser's."""

    status_code = 400


class UnknownQuery(QueryError):
    status_code = 404


class QueryRefused(QueryError):
    """The query asks for something this endpoint never does (update, SERVICE, LOAD)."""

    status_code = 403


class QueryTimeout(QueryError):
    status_code = 503


class NotAcceptable(PowkgError):
    """No representation matches the client's Accept header."""

    status_code = 406

    def __init__(self, offered: list[str]) -> None:
        super().__init__("cannot serve any of the accepted media types; available: " + ", ".join(offered))
        self.offered = offered


class StoreError(PowkgError):
    """The store cannot be opened, read or written; the message names the store."""

    status_code = 503


class ShapesError(PowkgError):
    """The ontology, vocabulary or shapes files do not parse."""
