"""Make ``ansible_collections.runnerops.gitlab_runner`` importable for the tests.

``make test`` installs the built collection artifact and points
``RUNNEROPS_COLLECTIONS_PATH`` at it, so a file missing from the build fails
the tests. Without it (a quick ``pytest tests/unit`` while editing) the tests
import this checkout through a symlinked collection tree.
"""

import os
import sys

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _dev_collections_path():
    path = os.path.join(_ROOT, ".build", "dev")
    link = os.path.join(path, "ansible_collections", "runnerops", "gitlab_runner")
    if not os.path.islink(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(_ROOT, link)
    return path


COLLECTIONS_PATH = os.environ.get("RUNNEROPS_COLLECTIONS_PATH") or _dev_collections_path()
sys.path.insert(0, COLLECTIONS_PATH)
