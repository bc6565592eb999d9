"""Fixtures of the reliability tests; see reliability_hosts.py for what they need to run."""

import os

import pytest

from reliability_hosts import Hosts

_REPORT_ROWS = []


@pytest.fixture(scope="session")
def hosts():
    return Hosts()


@pytest.fixture(scope="session")
def report():
    return _REPORT_ROWS


def pytest_sessionfinish(session, exitstatus):
    path = os.environ.get("RELIABILITY_REPORT")
    if not path:
        return
    with open(path, "w", encoding="utf-8") as handle:
        for row in _REPORT_ROWS:
            handle.write(row + "\n")
        handle.write("pytest exit status: %s\n" % exitstatus)
