"""Benchmark: validating the runner role's inputs for many runners (what validate_inputs does after templating).

Prints ``bench: validate runners=<N> <seconds>`` (the best of a few rounds) for N = 1, 100 and 1000, and the
ratio 1000/1. Run with ``make bench``; nothing here asserts a time.
"""

import os
import sys
import time

import yaml

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(_ROOT, "tests"))

# pylint: disable=wrong-import-position
from checkout_collection import collections_path  # noqa: E402

sys.path.insert(0, collections_path())

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import role_inputs, runner_inputs  # noqa: E402


def _values(runners):
    with open(os.path.join(_ROOT, "roles", "runner", "meta", "argument_specs.yml"), encoding="utf-8") as handle:
        options = yaml.safe_load(handle)["argument_specs"]["main"]["options"]
    with open(os.path.join(_ROOT, "roles", "runner", "defaults", "main.yml"), encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    raw.update(
        runner_gitlab_url="https://gitlab.example.com", runner_access_token="glpat-bench-token-0001",
        runner_docker_image="docker:27.5.1", runner_dind_base_image="docker:27.5.1-dind",
        runner_dind_image="docker:27.5.1-dind", runner_install_method="repository",
        runner_dind_registry_mirrors=["http://10.0.0.5:5000"],
        runner_entries=[{"name": "runner-%04d" % number, "mode": ("socket", "dind")[number % 2],
                         "tags": ["docker", "bench", "n%d" % number], "run_untagged": False,
                         "maximum_timeout": "3600", "settings": {"limit": 2, "output_limit": 8192},
                         "docker": {"pull_policy": ["if-not-present"], "memory": "2g"}}
                        for number in range(runners)])
    return options, raw


def _validate(options, raw):
    report = role_inputs.Report()
    values = role_inputs.coerce(options, raw, "", report)
    plan = runner_inputs.check(values, report)
    assert not report.errors and plan is not None, report.error_lines()[:3]


def main():
    figures = {}
    for runners in (1, 100, 1000):
        options, raw = _values(runners)
        best = None
        for _round in range(3):
            started = time.perf_counter()
            _validate(options, raw)
            seconds = time.perf_counter() - started
            best = seconds if best is None else min(best, seconds)
        figures[runners] = best
        print("bench: validate runners=%d %.3f" % (runners, best))
    print("bench: ratio validate 1000/1 %.1f" % (figures[1000] / figures[1]))


if __name__ == "__main__":
    main()
