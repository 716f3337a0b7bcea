"""The pages for people: the home page with its query editor and timeline, served with nothing from
elsewhere; and, when Debian's chromium is installed, the pages as a browser renders them."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile

import pytest

from http_server import client, fixture_store, server  # noqa: F401
from powkg.api.html import STATIC


def test_the_home_page(client):  # noqa: F811
    response = client.get("/", headers={"Accept": "text/html"})
    assert response.status_code == 200
    page = response.text
    assert '<textarea id="query" name="query"' in page
    assert '<div id="timeline-chart" data-source="/queries/exchanges-by-date">' in page
    assert '<option value="exchanges-by-date"' in page
    assert "2 exchanges reported in 2 articles" in page


def test_nothing_is_loaded_from_elsewhere(client):  # noqa: F811
    """Every script, stylesheet and image a page names is on this server (no CDN, nothing at run time)."""
    for path in ("/", "/id/exchange/2024-12-30", "/queries", "/export", "/sparql"):
        page = client.get(path, headers={"Accept": "text/html"}).text
        for attribute in re.findall(r'<(?:script|link|img|iframe)[^>]*(?:src|href)="([^"]+)"', page):
            assert attribute.startswith("/static/"), (path, attribute)
    for asset in STATIC.iterdir():
        text = asset.read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text, asset.name
        assert client.get(f"/static/{asset.name}").status_code == 200
    assert client.get("/docs").status_code == 404, "FastAPI's docs page would load Swagger UI from a CDN"


def test_health(client):  # noqa: F811
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert set(body["engine"]) == {"workers", "running", "past_deadline"}


# -- in a real browser ---------------------------------------------------------------------------
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium); "
                             "the rendered DOM is not checked")


def rendered(url: str) -> str:
    """The DOM after scripts ran, as headless chromium dumps it."""
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
             "--virtual-time-budget=5000", "--dump-dom", url],
            capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@needs_chromium
def test_a_resource_page_in_a_browser(server):  # noqa: F811
    dom = rendered(server + "/id/exchange/2024-12-30")
    assert "<h1>Exchange of 2024-12-30</h1>" in dom
    assert dom.count('<div class="side">') == 2
    assert "“189 Ukrainians returned home”" in dom


@needs_chromium
def test_the_home_page_in_a_browser_draws_the_timeline(server):  # noqa: F811
    dom = rendered(server + "/")
    timeline = dom[dom.index('id="timeline-chart"'):]
    assert "Loading the exchanges" not in timeline, "the timeline script did not run"
    assert "<h3>2024</h3>" in timeline and "<h3>2025</h3>" in timeline
    assert 'class="exchange disputed"' in timeline, "the exchange the sources disagree on is marked"
    assert '<a href="/id/exchange/2024-12-30">2024-12-30</a>' in timeline
    # GROUP_CONCAT gives no order: both stated totals are shown, side by side, in either order
    disputed = re.search(r'<span class="returned" title="the sources disagree">([^<]*)</span>', timeline)
    assert disputed is not None and sorted(disputed.group(1).split(" / ")) == ["150", "189"]
