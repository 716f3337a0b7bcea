"""The remote store: any server that speaks the SPARQL 1.1 protocols, behind the powkg store protocol.

Queries go through SPARQLWrapper (SPARQL 1.1 Protocol §2.1, POST with URL-encoded parameters).
``replace_graph`` and ``drop_graph`` are each one SPARQL 1.1 Update request (Update §2.2: a request
SHOULD be treated atomically), because the graph, the union graph and the catalogue must change
together; bulk loads go through the SPARQL 1.1 Graph Store HTTP Protocol (POST, §5.5) in batches.

**Bulk loads write every triple twice**, into its graph and into the union graph (below), so the
server's loading work decides their speed. How a server loads fastest is part of its layout, known
by its Graph Store endpoint: Oxigraph server parses and indexes each POST on one thread, so powkg
keeps several batches in flight (both graphs) to use every core; Virtuoso is slower with POSTs at
once than one after the other but copies a graph on the server (``ADD``) at a fraction of the cost
of parsing it, so powkg posts the batches to the graph one at a time and adds the graph to the union
by one ``ADD`` at the end. Figures: bench/README.md, ``bench_store.py``.

How the store guarantees of ``powkg.store`` are kept on a server powkg does not control:

- **Whose graphs.** A shared server holds graphs that are not powkg's (Virtuoso alone ships three
  system graphs). powkg lists the graphs it wrote in a catalogue graph (``<g> a sd:NamedGraph``,
  SPARQL 1.1 Service Description), changed in the same request as the graph. ``graph_names`` reads
  the catalogue; a graph missing from it is invisible to queries.
- **The default graph is a merge** (SPARQL 1.1 Query §13.1), a set of triples: a triple stated by two
  articles is answered once. Both Oxigraph server and Virtuoso answer it once per graph when given
  several ``default-graph-uri``, so powkg keeps the union of the served graphs (all but the
  quarantined ones) in a graph of its own, ``CATALOGUE#union``, maintained in the same request as each
  graph, and queries name it as their default graph (Protocol §2.1.4, ``default-graph-uri``), with the
  served graphs as named graphs. No server option (Oxigraph's union default graph, Virtuoso's
  all-graphs default) is relied on.
- **Blank nodes** travel as skolem IRIs and come back as blank nodes (see ``wire``); ``isBlank``,
  ``isIRI`` and ``isURI`` in a query are rewritten to agree (see ``confine``).
- **Answers** are parsed into pyoxigraph objects and written by the same serialisers as the
  embedded store's (see ``wire``).

Credentials come from settings read from the environment only (POWKG_STORE_USER and
POWKG_STORE_PASSWORD for HTTP basic or digest, POWKG_STORE_TOKEN for a bearer token); they are never
part of the descriptor, a message or a repr.
"""

from __future__ import annotations

import http.client
import re
import urllib.error
import urllib.request
import uuid
from collections import deque
from collections.abc import Collection, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial
from typing import BinaryIO
from urllib.parse import parse_qs, parse_qsl, urljoin, urlsplit, urlunsplit

import httpx
import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node
from SPARQLWrapper import BASIC, CONSTRUCT, DESCRIBE, JSON, POST, TURTLE, URLENCODED, SPARQLWrapper

from ..errors import ConfigError, QueryError, QueryTimeout, StoreError
from ..formats import PREFIXES, Format
from ..iris import DEFAULT_BASE, QUARANTINE_MARK, is_served, served_test
from . import QueryResult
from .confine import confine, drops_everything, has_own_dataset, mentions_graph, unskolemised_tests, written_graphs
from .terms import Answer, answer_to_result, from_ntriples, serialise_answer
from .wire import GENID, UnreadableAnswer, batches, ntriples, parse_answer, skolemise

SD_NAMED_GRAPH = "http://www.w3.org/ns/sparql-service-description#NamedGraph"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DEFAULT_CATALOGUE = DEFAULT_BASE + "graph/catalogue"

RESULTS_ACCEPT = "application/sparql-results+json"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"
NTRIPLES = "application/n-triples"

PARAMETERS = ("query", "update", "store", "load", "auth", "catalogue")
AUTH_SCHEMES = ("basic", "digest")
# Triples per INSERT DATA operation: Virtuoso refuses an update whose text it would build past 10 MB.
TRIPLES_PER_OPERATION = 2_000
# The first bulk-load batch when one POST is in flight: the server starts while the client cuts the rest.
FIRST_BATCH = 1 << 20


@dataclass(frozen=True)
class Layout:
    """Where a kind of server keeps its endpoints, relative to the query URL, and how it loads fastest."""

    update: str | None         # None: the query URL takes updates too
    store: str | None          # the Graph Store Protocol endpoint; None: none
    load: str = ""             # URL parameters of bulk-load requests
    posts: int = 2             # bulk-load POSTs in flight at once
    union_by_add: bool = False  # fill the union by one ADD at the end, not by posting each batch again


# Layouts known by the query URL's last path segment, or the Graph Store endpoint's when it is given
# (figures: bench/README.md, bench_store.py). Oxigraph server loads with its bulk loader under
# no_transaction (3x faster here), each POST of under a million triples on one thread, so several at
# once use every core; it copies a graph (ADD) in a transaction, slower than parsing the batches
# again. Virtuoso copies a graph (ADD) at a quarter of the cost of parsing it, and loads POSTs at
# once more slowly than one after the other.
LAYOUTS: dict[str, Layout] = {
    "query": Layout("update", "store", "no_transaction", posts=4),                          # Oxigraph server
    "sparql": Layout(None, "sparql-graph-crud", posts=1, union_by_add=True),                # Virtuoso
    "sparql-auth": Layout(None, "sparql-graph-crud-auth", posts=1, union_by_add=True),      # ... authenticated
}

_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


@dataclass(frozen=True)
class Credentials:
    """HTTP credentials for a remote store; the secrets never appear in a repr."""

    user: str = ""
    password: str = field(default="", repr=False)
    token: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        if self.token and self.user:
            raise ConfigError("POWKG_STORE_TOKEN and POWKG_STORE_USER are both set: "
                              "use a bearer token or a user and password, not both")
        if self.password and not self.user:
            raise ConfigError("POWKG_STORE_PASSWORD is set but POWKG_STORE_USER is not")


@dataclass(frozen=True)
class Endpoints:
    """The URLs of one remote store, parsed from its descriptor (see ``powkg.store``)."""

    query: str
    update: str
    store: str | None          # the Graph Store Protocol endpoint; None: writes by SPARQL Update
    load: tuple[tuple[str, str], ...]   # URL parameters added to bulk loads (Oxigraph: no_transaction)
    auth: str                  # "basic" or "digest", used when a user is given
    catalogue: str             # the graph listing powkg's graphs
    posts: int = 2             # bulk-load POSTs in flight at once (see Layout)
    union_by_add: bool = False  # a bulk load fills the union by ADD at the end (see Layout)

    @property
    def union(self) -> str:
        """The graph holding the union of the served graphs: every query's default graph."""
        return self.catalogue + "#union"

    @property
    def nothing(self) -> str:
        """A graph nothing is ever written to: the default graph of an empty dataset."""
        return self.catalogue + "#nothing"

    @classmethod
    def parse(cls, descriptor: str, *, catalogue: str = DEFAULT_CATALOGUE) -> Endpoints:
        parts = urlsplit(descriptor)
        scheme = parts.scheme.removeprefix("sparql+")
        # A descriptor with user:password@ is named without them: the message must not repeat a secret.
        shown = descriptor.replace(parts.netloc, "…@" + parts.netloc.rpartition("@")[2], 1) \
            if "@" in parts.netloc else descriptor
        where = f"store {shown!r}"
        if not parts.scheme.startswith("sparql+") or scheme not in ("http", "https"):
            raise ConfigError(f"{where}: expected sparql+http://HOST:PORT/PATH or sparql+https://...")
        if "@" in parts.netloc:
            raise ConfigError(f"{where}: credentials never go in the descriptor; set POWKG_STORE_USER and "
                              "POWKG_STORE_PASSWORD (or POWKG_STORE_TOKEN) in the environment")
        if not parts.hostname:
            raise ConfigError(f"{where}: no host")
        params = parse_qs(parts.query, keep_blank_values=True)
        unknown = sorted(set(params) - set(PARAMETERS))
        if unknown:
            raise ConfigError(f"{where}: unknown parameter {', '.join(unknown)}; known: {', '.join(PARAMETERS)}")
        given = {name: values[-1] for name, values in params.items()}
        base = urlunsplit((scheme, parts.netloc, parts.path or "/", "", ""))
        query = urljoin(base, given["query"]) if given.get("query") else base
        layout = LAYOUTS.get(_last_segment(query), Layout(None, None))
        update = urljoin(query, given.get("update") or layout.update or query)
        store_given = given.get("store")
        if store_given == "none":
            store = None
        elif store_given:
            # A layout's ways of loading go with its Graph Store endpoint, known by its last path segment.
            store = urljoin(query, store_given)
            layout = next((known for known in LAYOUTS.values() if known.store == _last_segment(store)),
                          Layout(None, None))
        else:
            store = urljoin(query, layout.store) if layout.store else None
        load = given.get("load", layout.load)
        auth = given.get("auth", "basic")
        if auth not in AUTH_SCHEMES:
            raise ConfigError(f"{where}: auth={auth!r}; choose one of: {', '.join(AUTH_SCHEMES)}")
        return cls(query=query, update=update, store=store, load=tuple(parse_qsl(load, keep_blank_values=True)),
                   auth=auth, catalogue=given.get("catalogue") or catalogue, posts=layout.posts,
                   union_by_add=layout.union_by_add)


class RemoteStore:
    """A SPARQL 1.1 server behind the powkg store protocol (see the module docstring for how)."""

    def __init__(self, descriptor: str, *, credentials: Credentials | None = None, timeout: float = 60.0,
                 catalogue: str = DEFAULT_CATALOGUE, batch_bytes: int = 16 << 20) -> None:
        self.descriptor = descriptor
        self.endpoints = Endpoints.parse(descriptor, catalogue=catalogue)
        self.timeout = timeout
        self.batch_bytes = batch_bytes
        self._credentials = credentials or Credentials()
        self._opener = self._url_opener()
        self._http = httpx.Client(timeout=timeout, auth=self._httpx_auth(), headers=self._bearer())

    def __repr__(self) -> str:
        return f"RemoteStore({self.descriptor!r})"

    # -- writing --------------------------------------------------------------------------------
    def replace_graph(self, name: str, graph: Iterable[tuple[Node, Node, Node]]) -> None:
        """Replace ``name`` in one SPARQL Update request: the graph, the union and the catalogue change
        together or not at all."""
        _check_iri(name)
        lines = ntriples(graph)
        served = is_served(name)
        operations = [self._withdraw([name])] if served else []
        operations.append(f"DROP SILENT GRAPH <{name}>")
        operations += _insert_data([name, self.endpoints.union] if served else [name], lines)
        operations.append(self._catalogue(name, listed=bool(lines)))
        self._update(" ;\n".join(operations), what=f"replacing graph <{name}> ({len(lines)} triples)")

    def add_graphs(self, graphs: Mapping[str, bytes]) -> None:
        """One request per graph: a server may refuse an update of many graphs' size."""
        for name, body in graphs.items():
            self.replace_graph(name, from_ntriples(body))

    def drop_graph(self, name: str) -> None:
        _check_iri(name)
        operations = [self._withdraw([name])] if is_served(name) else []
        operations += [f"DROP SILENT GRAPH <{name}>", self._catalogue(name, listed=False)]
        self._update(" ;\n".join(operations), what=f"dropping graph <{name}>")

    def bulk_load(self, name: str, ntriples: Iterable[bytes]) -> None:
        """Replace ``name`` by the N-Triples read from ``ntriples`` (chunks of bytes), sent in batches.

        The graph is emptied (and catalogued) first, then each batch is appended with a Graph Store
        POST (with the layout's load parameters: Oxigraph's bulk loader), the layout's number of POSTs
        in flight at once; the next batch is cut while the server loads the last ones. The union graph
        gets each batch too, by a POST of its own, or, where the layout says the server copies faster
        than it parses (Virtuoso), by one ADD of the whole graph at the end. Without a Graph Store
        endpoint each batch is one INSERT DATA update into both. Not one transaction: readers may see
        part of the graph while it loads (and in the union only after the ADD), and a failure leaves
        part of it; loading again replaces it whole.
        """
        _check_iri(name)
        served = is_served(name)
        union, store = self.endpoints.union, self.endpoints.store
        self._update(" ;\n".join([*([self._withdraw([name])] if served else []), f"DROP SILENT GRAPH <{name}>",
                                  self._catalogue(name, listed=True)]), what=f"emptying graph <{name}> to load it")
        scope = uuid.uuid4().hex[:12]          # blank-node labels are local to this load
        by_add = served and store is not None and self.endpoints.union_by_add
        targets = [name, union] if served and not by_add else [name]
        in_flight = self.endpoints.posts if store is not None else 1
        # One request at a time: the server would wait for the client to cut (and skolemise) a whole
        # batch before its first, so batches grow from FIRST_BATCH while it loads the one before.
        first = FIRST_BATCH if in_flight == 1 else None
        loaded = False
        with ThreadPoolExecutor(max_workers=in_flight, thread_name_prefix="powkg-bulk-load") as sender:
            pending: deque[Future[None]] = deque()
            for number, batch in enumerate(batches(ntriples, self.batch_bytes, first=first), start=1):
                batch = skolemise(batch, scope)
                what = f"loading batch {number} ({len(batch):,} bytes of N-Triples) into graph <{name}>"
                if store is None:
                    sends = [partial(self._insert_batch, targets, batch, what)]
                else:
                    sends = [partial(self._graph_store, "POST", target, batch, extra=self.endpoints.load,
                                     what=what if target == name else f"{what} (its union)") for target in targets]
                for send in sends:
                    while len(pending) >= in_flight:
                        pending.popleft().result()
                    pending.append(sender.submit(send))
                loaded = True
            while pending:
                pending.popleft().result()
        if not loaded:
            self.drop_graph(name)
        elif by_add:
            self._update(f"ADD <{name}> TO <{union}>", what=f"adding graph <{name}> to the union")

    def _insert_batch(self, targets: list[str], batch: bytes, what: str) -> None:
        self._update(" ;\n".join(_insert_data(targets, batch.splitlines(keepends=True))), what=what)

    def update(self, sparql: str, *, writes: Collection[str] | None = None) -> None:
        """Run a SPARQL 1.1 Update in one request; the catalogue and the union follow it.

        Its WHERE clauses read the dataset a query reads: the union as default graph, powkg's graphs
        (and those the update names) as named graphs, never the catalogue or the union graph itself
        (protocol parameters using-graph-uri and using-named-graph-uri, unless the update has its own
        USING or WITH). The graphs it writes are ``writes`` when the caller knows them, else every
        graph it names as a constant (after GRAPH, WITH, INTO, TO, MOVE, COPY or ADD; graphs reached
        only through variables are not seen). Each is catalogued if it then holds triples, and leaves
        the catalogue if it does not; with ``writes`` the union follows those graphs alone, otherwise
        it is rebuilt whole; all in the same request. DROP/CLEAR of ALL, NAMED or DEFAULT is refused:
        on a shared server (and on Virtuoso, whose own configuration lives in graphs) powkg drops by name.
        """
        if drops_everything(sparql):
            raise QueryError("malformed SPARQL update: a remote store drops and clears graphs by name only, "
                             "never ALL, NAMED or DEFAULT")
        catalogue, union = self.endpoints.catalogue, self.endpoints.union
        written = sorted(g for g in (written_graphs(sparql) if writes is None else set(writes))
                         if not _IRI_FORBIDDEN.search(g) and g not in (catalogue, union))
        known = list(dict.fromkeys([*self.graph_names(), *written]))
        operations = []
        changed = [g for g in written if is_served(g)]
        if writes is not None and changed:
            # The dataset's named graphs do not include the catalogue: the other graphs are listed.
            operations.append(self._withdraw(changed, others=[g for g in known if is_served(g) and g not in changed]))
        operations.append(sparql.rstrip().removesuffix(";"))
        # Out of the catalogue, then back in if it holds a triple; each graph by name, and no FILTER
        # (NOT) EXISTS: in an update, Virtuoso 7 ignores those without another pattern beside them, and
        # finds nothing in a GRAPH ?g inside one when given several using-named-graph-uri.
        for g in written:
            operations += [self._catalogue(g, listed=False),
                           f"INSERT {{ GRAPH <{catalogue}> {{ <{g}> <{RDF_TYPE}> <{SD_NAMED_GRAPH}> }} }} WHERE {{ "
                           f"SELECT ?s WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }} LIMIT 1 }}"]
        served = " ".join(f"<{g}>" for g in (changed if writes is not None else known) if is_served(g))
        if writes is None:
            operations.append(f"DROP SILENT GRAPH <{union}>")
        if served:
            operations.append(f"INSERT {{ GRAPH <{union}> {{ ?s ?p ?o }} }} "
                              f"WHERE {{ VALUES ?g {{ {served} }} GRAPH ?g {{ ?s ?p ?o }} }}")
        dataset = () if has_own_dataset(sparql) else (
            ("using-graph-uri", union), *(("using-named-graph-uri", g) for g in known))
        try:
            self._update("\n;\n".join(operations), what=f"running the update {_summary(sparql)!r}", params=dataset)
        except _WriteRefused as refused:
            if refused.status == 400:
                raise QueryError(f"malformed SPARQL update: {_server(self.endpoints.update)} answered: "
                                 f"{refused.message}") from None
            if refused.status == 500:
                raise QueryError(f"the update could not be applied: {_server(self.endpoints.update)} "
                                 f"answered: {refused.message}") from None
            raise

    def _withdraw(self, names: list[str], *, others: list[str] | None = None) -> str:
        """An operation removing from the union the triples that only the graphs ``names`` state: that no
        other served graph (``others``, or those the catalogue lists) states."""
        stated = f"GRAPH <{names[0]}>" if len(names) == 1 else \
            f"VALUES ?g {{ {' '.join(f'<{g}>' for g in names)} }} GRAPH ?g"
        if others is None:
            elsewhere = (f"GRAPH <{self.endpoints.catalogue}> {{ ?other <{RDF_TYPE}> <{SD_NAMED_GRAPH}> }} "
                         f"FILTER(?other NOT IN ({', '.join(f'<{g}>' for g in names)}) && {served_test('?other')})")
        elif others:
            elsewhere = f"VALUES ?other {{ {' '.join(f'<{g}>' for g in others)} }}"
        else:
            elsewhere = ""
        unless = f" FILTER NOT EXISTS {{ {elsewhere} GRAPH ?other {{ ?s ?p ?o }} }}" if elsewhere else ""
        return f"DELETE {{ GRAPH <{self.endpoints.union}> {{ ?s ?p ?o }} }} WHERE {{ {stated} {{ ?s ?p ?o }}{unless} }}"

    def _catalogue(self, name: str, *, listed: bool) -> str:
        verb = "INSERT" if listed else "DELETE"
        return f"{verb} DATA {{ GRAPH <{self.endpoints.catalogue}> {{ <{name}> <{RDF_TYPE}> <{SD_NAMED_GRAPH}> }} }}"

    # -- reading --------------------------------------------------------------------------------
    def graph_names(self) -> list[str]:
        catalogue = [self.endpoints.catalogue]
        answer = self._answer(f"SELECT ?g WHERE {{ ?g <{RDF_TYPE}> <{SD_NAMED_GRAPH}> }}",
                              default=catalogue, named=catalogue, what="listing powkg's graphs")
        assert isinstance(answer, ox.QuerySolutions)
        return sorted({g.value for row in answer if isinstance(g := row["g"], ox.NamedNode)})

    def graph(self, name: str) -> Graph:
        return answer_to_result(self._triples(name)).graph or Graph()

    def query(self, sparql: str, *, default_graphs: Sequence[str] | None = None) -> QueryResult:
        return answer_to_result(self.evaluate(sparql, default_graphs=default_graphs))

    def query_to(self, sparql: str, fmt: Format, *,
                 default_graphs: Sequence[str] | None = None) -> tuple[str, bytes]:
        return serialise_answer(self.evaluate(sparql, default_graphs=default_graphs), fmt)

    def export(self, output: BinaryIO, fmt: Format, graphs: Iterable[str]) -> None:
        names = list(graphs)
        if fmt.dataset:
            quads = (ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(name))
                     for name in names for t in self._triples(name))
            ox.serialize(quads, output, fmt.oxigraph, prefixes=PREFIXES)  # type: ignore[arg-type]
            return
        triples = (t for name in names for t in self._triples(name))
        ox.serialize(triples, output, fmt.oxigraph, prefixes=PREFIXES)  # type: ignore[arg-type]

    def close(self) -> None:
        self._http.close()

    def evaluate(self, sparql: str, *, default_graphs: Sequence[str] | None = None,
                 named_graphs: Sequence[str] | None = None, query_dataset: bool = False) -> Answer:
        """Run a query and return its answer as pyoxigraph objects (QuerySolutions, QueryBoolean, or a
        list of Triples), parsed from the server's whole answer.

        The dataset: ``query_dataset`` keeps the query's own FROM / FROM NAMED; otherwise the given
        graphs (``named_graphs`` None: the same as the default graphs), or by default the union of
        the served graphs (all but quarantined and scratch graphs) with every graph but the quarantined
        ones as named graphs, as in the embedded store.
        """
        _refuse_update(sparql)
        if query_dataset:
            return self._answer(unskolemised_tests(sparql, GENID), default=(), named=())
        if default_graphs is None and named_graphs is None:
            # Without a GRAPH pattern the named graphs cannot matter: no need to ask which there are.
            # Quarantine graphs are hidden from GRAPH patterns too; scratch graphs are not (reasoning reads them).
            visible = [g for g in self.graph_names() if QUARANTINE_MARK not in g] if mentions_graph(sparql) else []
            return self._answer_within(sparql, [self.endpoints.union], visible)
        default = list(default_graphs or ())
        return self._answer_within(sparql, default, default if named_graphs is None else list(named_graphs))

    def _answer_within(self, sparql: str, default: list[str], named: list[str]) -> Answer:
        # <nothing> is a named graph of every dataset: Virtuoso answers a GRAPH <g> outside the named
        # graphs with one empty solution (ASK says true), but an empty graph inside them correctly.
        nothing = self.endpoints.nothing
        named = [*named, nothing]
        text = unskolemised_tests(confine(sparql, set(named), nothing), GENID)
        return self._answer(text, default=default or [nothing], named=named)

    def _triples(self, name: str) -> list[ox.Triple]:
        # A SELECT, not a CONSTRUCT: Virtuoso cuts both at ResultSetMaxRows, but says so only for a SELECT.
        _check_iri(name)
        answer = self._answer("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", default=[name], named=[self.endpoints.nothing],
                              what=f"reading graph <{name}>")
        assert isinstance(answer, ox.QuerySolutions)
        return [ox.Triple(row["s"], row["p"], row["o"]) for row in answer]  # type: ignore[arg-type]

    # -- the SPARQL 1.1 Protocol, through SPARQLWrapper ---------------------------------------------
    def _answer(self, sparql: str, *, default: Sequence[str], named: Sequence[str],
                what: str | None = None) -> Answer:
        client = _Wrapper(self.endpoints.query, self._opener)
        client.setMethod(POST)
        client.setRequestMethod(URLENCODED)
        client.setOnlyConneg(True)     # no format=/output= parameters, which some servers prefer to Accept
        client.setQuery(sparql)
        graph_form = client.queryType in (CONSTRUCT, DESCRIBE)
        client.setReturnFormat(TURTLE if graph_form else JSON)
        client.addCustomHttpHeader("Accept", GRAPH_ACCEPT if graph_form else RESULTS_ACCEPT)
        for name in default:
            client.addParameter("default-graph-uri", name)
        for name in named:
            client.addParameter("named-graph-uri", name)
        self._authenticate(client)
        client.timeout = self.timeout  # type: ignore[assignment]  # setTimeout() truncates to whole seconds
        what = what or f"running the query {_summary(sparql)!r}"
        url = self.endpoints.query
        try:
            with closing(client.query().response) as response:
                media_type = response.headers.get("Content-Type", "")
                cut_at = response.headers.get("X-SPARQL-MaxRows")
                body = response.read()
        except _Refused as refused:
            if refused.status == 400:
                raise QueryError(f"malformed SPARQL query: {_server(url)} answered: {refused.message}") from None
            raise StoreError(self._refusal(url, refused.status, refused.message, what)) from None
        except TimeoutError as exc:               # socket.timeout is TimeoutError
            raise QueryTimeout(self._timed_out(url, what)) from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise QueryTimeout(self._timed_out(url, what)) from exc
            raise StoreError(f"cannot reach {_server(url)} when {what}: {exc.reason}") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise StoreError(f"{_server(url)} broke off when {what}: {exc or type(exc).__name__}") from exc
        if cut_at:
            raise StoreError(f"{_server(url)} cut its answer short at {cut_at} rows when {what}; raise the "
                             "server's limit (Virtuoso: ResultSetMaxRows in the [SPARQL] section of virtuoso.ini)")
        try:
            return parse_answer(media_type, body)
        except UnreadableAnswer as exc:
            raise StoreError(f"{_server(url)} gave an answer powkg cannot read when {what}: {exc}") from None

    def _authenticate(self, client: SPARQLWrapper) -> None:
        if self._credentials.token:
            client.addCustomHttpHeader("Authorization", f"Bearer {self._credentials.token}")
        elif self._credentials.user and self.endpoints.auth == "basic":
            client.setHTTPAuth(BASIC)
            client.setCredentials(self._credentials.user, self._credentials.password)
        # digest: answered by this store's own URL opener (see _url_opener)

    def _url_opener(self) -> urllib.request.OpenerDirector:
        # SPARQLWrapper's own digest support installs a process-wide urllib opener for one fixed realm;
        # this store keeps its own opener, which answers the challenge of any realm of the query URL.
        handlers: list[urllib.request.BaseHandler] = []
        if self._credentials.user and self.endpoints.auth == "digest":
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, self.endpoints.query, self._credentials.user,  # type: ignore[arg-type]
                                   self._credentials.password)
            handlers.append(urllib.request.HTTPDigestAuthHandler(passwords))
        return urllib.request.build_opener(*handlers)

    # -- SPARQL 1.1 Update and the Graph Store Protocol, through httpx ----------------------------------
    def _update(self, update: str, *, what: str, params: tuple[tuple[str, str], ...] = ()) -> None:
        self._send("POST", self.endpoints.update, what=what, content=update.encode("utf-8"), params=params,
                   headers={"Content-Type": "application/sparql-update; charset=utf-8"})

    def _graph_store(self, method: str, name: str, body: bytes, *, what: str,
                     extra: tuple[tuple[str, str], ...] = ()) -> None:
        assert self.endpoints.store is not None
        # Graph Store Protocol §4.2: a graph named by IRI is addressed indirectly, ?graph=IRI.
        self._send(method, self.endpoints.store, what=what, content=body, params=(("graph", name), *extra),
                   headers={"Content-Type": NTRIPLES})

    def _send(self, method: str, url: str, *, what: str, content: bytes,
              headers: dict[str, str], params: tuple[tuple[str, str], ...] = ()) -> None:
        try:
            response = self._http.request(method, url, content=content, headers=headers, params=params)
        except httpx.TimeoutException as exc:
            raise StoreError(self._timed_out(url, what)) from exc
        except httpx.HTTPError as exc:
            raise StoreError(f"cannot reach {_server(url)} when {what}: {exc}") from exc
        if not response.is_success:
            message = _excerpt(response.content)
            raise _WriteRefused(self._refusal(url, response.status_code, message, what), response.status_code, message)

    def _httpx_auth(self) -> httpx.Auth | None:
        if not self._credentials.user:
            return None
        if self.endpoints.auth == "digest":
            return httpx.DigestAuth(self._credentials.user, self._credentials.password)
        return httpx.BasicAuth(self._credentials.user, self._credentials.password)

    def _bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._credentials.token}"} if self._credentials.token else {}

    # -- messages -------------------------------------------------------------------------------
    def _timed_out(self, url: str, what: str) -> str:
        return f"{_server(url)} did not answer within {self.timeout:g} s (POWKG_STORE_TIMEOUT) when {what}"

    def _refusal(self, url: str, status: int, message: str, what: str) -> str:
        if status in (401, 403):
            given = ("with the bearer token of POWKG_STORE_TOKEN" if self._credentials.token else
                     f"as user {self._credentials.user!r} (POWKG_STORE_USER, {self.endpoints.auth} auth)"
                     if self._credentials.user else
                     "without credentials (set POWKG_STORE_USER and POWKG_STORE_PASSWORD, or POWKG_STORE_TOKEN)")
            return f"{_server(url)} refused access (HTTP {status}) {given} when {what}"
        return f"{_server(url)} answered HTTP {status} when {what}: {message}"


    def merge_graph(self, source: str, target: str, *, less: str | None = None) -> None:
        """Add graph ``source``'s triples to graph ``target`` and drop ``source``, in one request; the
        triples graph ``less`` holds are kept out of ``target``. The union follows the two graphs."""
        kept = f"GRAPH <{source}> {{ ?s ?p ?o }}"
        ops = []
        if less is not None:
            kept += f" FILTER NOT EXISTS {{ GRAPH <{less}> {{ ?s ?p ?o }} }}"
            ops.append(f"DELETE {{ GRAPH <{target}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{less}> {{ ?s ?p ?o }} "
                       f"GRAPH <{target}> {{ ?s ?p ?o }} }}")
        ops += [f"INSERT {{ GRAPH <{target}> {{ ?s ?p ?o }} }} WHERE {{ {kept} }}", f"DROP SILENT GRAPH <{source}>"]
        self.update(" ;\n".join(ops), writes=(source, target))

class _WriteRefused(StoreError):
    """A write answered with an error status; ``RemoteStore.update`` turns 400 and 500 into a QueryError
    (the user's update is malformed, or the server could not apply it: Virtuoso answers those with 500)."""

    def __init__(self, text: str, status: int, message: str) -> None:
        super().__init__(text)
        self.status = status
        self.message = message


# -- SPARQLWrapper, keeping the server's own message ----------------------------------------------------
class _Refused(Exception):
    def __init__(self, status: int, body: bytes) -> None:
        super().__init__(status)
        self.status = status
        self.message = _excerpt(body)


class _Wrapper(SPARQLWrapper):
    """SPARQLWrapper that opens requests with this store's opener and keeps the server's message.

    SPARQLWrapper's own exceptions keep the status and body only as a repr inside their text.
    """

    def __init__(self, endpoint: str, opener: urllib.request.OpenerDirector) -> None:
        super().__init__(endpoint)
        self._opener = opener

    def _query(self):  # type: ignore[no-untyped-def]
        request = self._createRequest()
        try:
            return self._opener.open(request, timeout=self.timeout), self.returnFormat
        except urllib.error.HTTPError as exc:
            with closing(exc):
                raise _Refused(exc.code, exc.read()) from None


# -- helpers ----------------------------------------------------------------------------------------
def _insert_data(graphs: list[str], lines: list[bytes]) -> list[str]:
    """INSERT DATA operations writing the N-Triples ``lines`` (no blank nodes) into each of ``graphs``."""
    operations = []
    for start in range(0, len(lines), TRIPLES_PER_OPERATION):
        triples = b"".join(lines[start:start + TRIPLES_PER_OPERATION]).decode("utf-8")
        operations.append("INSERT DATA { " + " ".join(f"GRAPH <{g}> {{\n{triples}}}" for g in graphs) + " }")
    return operations


def _refuse_update(sparql: str) -> None:
    probe = SPARQLWrapper("http://localhost/")
    probe.setQuery(sparql)
    if probe.isSparqlUpdateRequest():       # SPARQLWrapper would send it to the update endpoint
        raise QueryError("malformed SPARQL query: an update was given where a query was expected")


def _last_segment(url: str) -> str:
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]


def _check_iri(name: str) -> None:
    if not name or _IRI_FORBIDDEN.search(name):
        raise StoreError(f"{name!r} is not an IRI a graph can be named by")


def _server(url: str) -> str:
    return f"the SPARQL store at {url}"


def _summary(sparql: str, width: int = 100) -> str:
    """The query's title (a curated query's #+ title) or its first words, for messages."""
    title = re.search(r"^\s*#\+\s*title:\s*(.+)$", sparql, re.MULTILINE)
    if title:
        return title.group(1).strip()
    text = " ".join(line for line in sparql.splitlines() if not line.lstrip().startswith("#"))
    text = re.sub(r"\b(PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)", "", text, flags=re.IGNORECASE)
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


def _excerpt(body: bytes, width: int = 300) -> str:
    text = " ".join(body.decode("utf-8", "replace").split())
    return text if len(text) <= width else text[:width - 1] + "…"
