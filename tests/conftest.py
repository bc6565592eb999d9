"""Make ``ansible_collections.runnerops.gitlab_runner`` importable for the tests.

``make test`` installs the built collection artifact and points ``RUNNEROPS_COLLECTIONS_PATH`` at it, so a file
missing from the build fails the tests. Without it (a quick ``pytest tests/unit`` while editing) the tests import
this checkout through a link made outside it (see checkout_collection.py).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from checkout_collection import collections_path  # noqa: E402  pylint: disable=wrong-import-position

COLLECTIONS_PATH = collections_path()
sys.path.insert(0, COLLECTIONS_PATH)
