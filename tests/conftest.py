"""Shared fixtures: paths to the shared seeds and corpus, a project loaded once, stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from powkg.settings import load_settings
from powkg.store import open_store

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
CORPUS = SHARED / "corpus"
SAMPLE = REPO / "data" / "sample"


@pytest.fixture(scope="session")
def settings():
    return load_settings({"store": "memory:"}, environ={})


@pytest.fixture(scope="session")
def project(settings):
    from powkg.pipeline import Project

    return Project.load(settings)


@pytest.fixture(params=["memory", "disk"])
def store(request, tmp_path):
    """Every embedded store variant; the remote stores join this list when they exist."""
    descriptor = "memory:" if request.param == "memory" else f"oxigraph:{tmp_path / 'store'}"
    opened = open_store(descriptor)
    yield opened
    opened.close()
