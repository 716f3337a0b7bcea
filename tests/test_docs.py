"""Docs and data cannot drift from code: settings, commands and query headers."""

from __future__ import annotations

import re

import pytest

from powkg.cli import make_parser
from powkg.queries import load_queries
from powkg.settings import SECRET_SETTINGS, SETTINGS

from paths import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_in_the_readme_table(setting):
    table = README.split("<!-- settings-table:start -->")[1].split("<!-- settings-table:end -->")[0]
    row = next((line for line in table.splitlines() if f"`{setting.env}`" in line), None)
    assert row is not None, f"{setting.env} missing from the README settings table"
    assert setting.help in row
    if setting.name not in SECRET_SETTINGS:
        assert f"`{setting.flag}`" in row


def test_every_command_is_in_the_readme():
    commands = make_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name in commands:
        assert f"powkg {name}" in README, name


QUERIES = load_queries(REPO / "queries")


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_curated_query_has_a_header_and_declares_its_parameters(name):
    query = QUERIES[name]
    assert query.title and query.description
    used = set(re.findall(r"\?_(\w+)", query.text))
    declared = {p.name for p in query.parameters}
    assert used == declared


def test_the_curated_queries_of_the_issue_exist():
    assert {"exchanges-by-date", "exchange-breakdown", "totals-per-mediator", "cohorts-defending-place",
            "running-totals", "conflicts", "evidence", "totals-per-year"} <= set(QUERIES)
