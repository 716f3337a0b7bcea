"""Shared fixtures: paths to the shared seeds and corpus, a project loaded once, stores."""

from __future__ import annotations

import pytest

from powkg.settings import load_settings
from powkg.store import open_store

from paths import CORPUS, REPO, SAMPLE, SEEDS, SHARED  # noqa: F401  (re-exported for tests)


@pytest.fixture(scope="session")
def settings():
    return load_settings({"store": "memory:"}, environ={})


@pytest.fixture(scope="session")
def project(settings):
    from powkg.pipeline import Project

    return Project.load(settings)


STORE_KINDS = ["memory", "disk", "oxigraph-server", "virtuoso"]
SERVER_FIXTURES = {"oxigraph-server": "oxigraph_server", "virtuoso": "virtuoso_server"}


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    """A real Oxigraph server on a free loopback port, for the whole session."""
    from servers import OxigraphServer

    with OxigraphServer(tmp_path_factory.mktemp("oxigraph-server")) as server:
        yield server


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory):
    """A real Virtuoso 7 on free loopback ports, for the whole session (skipped only if not installed)."""
    from servers import NO_VIRTUOSO, VIRTUOSO, VirtuosoServer

    if VIRTUOSO is None:
        pytest.skip(NO_VIRTUOSO)
    with VirtuosoServer(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


@pytest.fixture(params=STORE_KINDS)
def store(request, tmp_path):
    """Every store: embedded in memory and on disk, an Oxigraph server and a Virtuoso (emptied first)."""
    if request.param in SERVER_FIXTURES:
        server = request.getfixturevalue(SERVER_FIXTURES[request.param])
        server.clear()
        opened = server.open()
    else:
        descriptor = "memory:" if request.param == "memory" else f"oxigraph:{tmp_path / 'store'}"
        opened = open_store(descriptor)
    yield opened
    opened.close()


# Known gaps, each an open defect named in the issue notes: the tests stay and run, and are reported as
# xfail (or xpass once fixed) instead of hiding the defect by deleting or loosening the assertion.
KNOWN_GAPS = {
    "test_rules.py::test_corpus_closure_is_owlrls":
        "under heavy load an unraisable exception was seen once in its fixture; passes alone",
}


def pytest_collection_modifyitems(items):
    for item in items:
        for prefix, reason in KNOWN_GAPS.items():
            if item.nodeid.removeprefix("tests/").startswith(prefix):
                item.add_marker(pytest.mark.xfail(reason=reason, strict=False))
