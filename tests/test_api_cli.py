"""``powkg serve``: serves an existing store on the address it is given and says where."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys

import httpx
import pytest

from http_server import FIXTURE, load_trig, wait_for_health
from powkg.settings import PROJECT_ROOT
from powkg.store import open_store

pytestmark = pytest.mark.slow


def test_powkg_serve(tmp_path):
    location = tmp_path / "store"
    store = open_store(f"oxigraph:{location}")
    load_trig(store, FIXTURE)     # article graphs present: serve does not build the sample first
    store.close()
    with socket.socket() as probe:        # a port the OS gives, released for the server to take
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "powkg.cli", "--store", f"oxigraph:{location}", "serve", "--port", str(port)],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, 60, lambda: None if process.poll() is None else process.communicate()[1])
        answer = httpx.get(url + "/sparql", params={"query": "ASK { ?e a <https://w3id.org/powkg/ontology#Exchange> }"})
        assert answer.json()["boolean"] is True
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    assert f"powkg: serving the graph at {url}/ (SPARQL endpoint {url}/sparql)" in err
    assert "building the graph" not in err
