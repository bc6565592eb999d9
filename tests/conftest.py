"""Make ``ansible_collections.runnerops.gitlab_runner`` importable for the tests.

``make test`` installs the built collection artifact and points
``RUNNEROPS_COLLECTIONS_PATH`` at it, so a file missing from the build fails
the tests. Without it (a quick ``pytest tests/unit`` while editing) the tests
import this checkout through the ``collections/`` link.
"""

import os
import sys

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

COLLECTIONS_PATH = os.environ.get("RUNNEROPS_COLLECTIONS_PATH") or os.path.join(_ROOT, "collections")
sys.path.insert(0, COLLECTIONS_PATH)
