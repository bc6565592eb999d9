# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures shared by the module_utils tests."""

from __future__ import annotations

import pytest


class FakeClock:
    """Time that moves only when the code under test sleeps; ``sleeps`` lists each wait."""

    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock():
    return FakeClock()


def pytest_terminal_summary(terminalreporter, config):
    """Lines the tests asked to show after the run (``summary_line``), e.g. how many rows of a table they checked."""
    lines = getattr(config, "_runnerops_summary", [])
    if lines:
        terminalreporter.section("checked")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture
def summary_line(request):
    """Call with a line to show in the terminal summary, whatever pytest's verbosity."""
    lines = request.config.__dict__.setdefault("_runnerops_summary", [])
    return lines.append
