"""The one place that reads the environment.

Each setting is declared once, with its flag, environment variable, default and help; the CLI's
flags, the README's settings table and the docs test are all made from ``SETTINGS``.
Precedence: default <- environment <- command-line flag.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _default_store() -> str:
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return "oxigraph:" + str(Path(data_home) / "powkg" / "store")


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: Callable[[], Any]
    parse: Callable[[str], Any]
    help: str

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise ValueError("must be a positive whole number")
    return value


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError("must be a whole number, 0 or more")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise ValueError("must be a positive number")
    return value


def _origins(text: str) -> tuple[str, ...]:
    return tuple(o.strip() for o in text.split(",") if o.strip())


SETTINGS: tuple[Setting, ...] = (
    Setting("store", "POWKG_STORE", _default_store, str,
            "Where the graph lives: oxigraph:PATH (embedded, on disk), memory: (embedded, in memory) "
            "or sparql+http://HOST:PORT/PATH (a SPARQL 1.1 server)"),
    Setting("base_iri", "POWKG_BASE_IRI", lambda: "https://w3id.org/powkg/", str,
            "Base of every IRI powkg mints; data lives under BASE/id/"),
    Setting("home", "POWKG_HOME", lambda: str(PROJECT_ROOT), str,
            "Folder holding ontology/, shapes/ and queries/"),
    Setting("max_article_bytes", "POWKG_MAX_ARTICLE_BYTES", lambda: 10_000_000, _positive_int,
            "Articles larger than this are refused with a clear message"),
    Setting("workers", "POWKG_WORKERS", lambda: os.cpu_count() or 1, _positive_int,
            "Processes that read, extract and check articles in parallel when many are ingested at once"),
    Setting("host", "POWKG_HOST", lambda: "127.0.0.1", str, "Address `powkg serve` listens on"),
    Setting("port", "POWKG_PORT", lambda: 8000, _positive_int, "Port `powkg serve` listens on"),
    Setting("query_timeout", "POWKG_QUERY_TIMEOUT", lambda: 30.0, _positive_float,
            "Seconds a SPARQL query over HTTP may run before it is answered with 503"),
    Setting("result_limit", "POWKG_RESULT_LIMIT", lambda: 100_000, _positive_int,
            "Most rows (or triples) one HTTP query answer may hold"),
    Setting("memory_quads", "POWKG_MEMORY_QUADS", lambda: 4_000_000, _count,
            "A read-only `powkg serve` over an on-disk store answers from a copy in memory, loaded in the "
            "background, when the store holds at most this many quads (1.9 million took about 0.5 GB); 0 never copies"),
    Setting("cache_bytes", "POWKG_CACHE_BYTES", lambda: 64_000_000, _count,
            "Bytes of linked-data pages and documents `powkg serve` keeps ready until the graph changes "
            "(embedded store only: a remote one may change under it); 0 keeps none"),
    Setting("max_body_bytes", "POWKG_MAX_BODY_BYTES", lambda: 5_000_000, _positive_int,
            "Largest request body the HTTP layer accepts"),
    Setting("update_token", "POWKG_UPDATE_TOKEN", lambda: "", str,
            "Bearer token that enables SPARQL Update over HTTP; empty keeps the endpoint read-only "
            "(environment only: never put a secret on a command line)"),
    Setting("cors_origins", "POWKG_CORS_ORIGINS", lambda: ("*",), _origins,
            "Comma-separated origins allowed to call the HTTP API from a browser"),
    Setting("store_timeout", "POWKG_STORE_TIMEOUT", lambda: 60.0, _positive_float,
            "Seconds powkg waits for a remote SPARQL store to answer one request"),
    Setting("store_user", "POWKG_STORE_USER", lambda: "", str,
            "User name for a remote SPARQL store that asks for HTTP basic or digest authentication "
            "(environment only)"),
    Setting("store_password", "POWKG_STORE_PASSWORD", lambda: "", str,
            "Password for POWKG_STORE_USER (environment only: never put a secret on a command line)"),
    Setting("store_token", "POWKG_STORE_TOKEN", lambda: "", str,
            "Bearer token for a remote SPARQL store, instead of a user and password "
            "(environment only: never put a secret on a command line)"),
)

# Read from the environment only, never from a flag: a command line is visible to every user of the machine.
SECRET_SETTINGS = frozenset({"update_token", "store_user", "store_password", "store_token"})


@dataclass(frozen=True)
class Settings:
    store: str
    base_iri: str
    home: str
    max_article_bytes: int
    workers: int
    host: str
    port: int
    query_timeout: float
    result_limit: int
    memory_quads: int
    cache_bytes: int
    max_body_bytes: int
    update_token: str
    cors_origins: tuple[str, ...]
    store_timeout: float
    store_user: str
    store_password: str = field(repr=False)     # secrets stay out of reprs and tracebacks
    store_token: str = field(repr=False)

    @property
    def home_path(self) -> Path:
        return Path(self.home)

    @property
    def ontology_dir(self) -> Path:
        return self.home_path / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.home_path / "shapes"

    @property
    def queries_dir(self) -> Path:
        return self.home_path / "queries"


def load_settings(flags: Mapping[str, Any] | None = None,
                  environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from defaults, then the environment, then flags (``None`` flags are ignored).

    Raises ConfigError naming the setting and the variable when a value cannot be parsed.
    """
    environ = os.environ if environ is None else environ
    flags = flags or {}
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        value = setting.default()
        source = "default"
        if setting.env in environ and environ[setting.env] != "":
            value, source = environ[setting.env], setting.env
        if flags.get(setting.name) is not None and setting.name not in SECRET_SETTINGS:
            value, source = flags[setting.name], setting.flag
        if isinstance(value, str):
            try:
                value = setting.parse(value)
            except ValueError as exc:
                raise ConfigError(f"{setting.name} (from {source}): {value!r} {exc}") from None
        values[setting.name] = value
    if not values["base_iri"].endswith(("/", "#")):
        values["base_iri"] += "/"
    assert {f.name for f in fields(Settings)} == set(values)
    return Settings(**values)
