"""Make the collection's module_utils importable, so that verify checks the deployed config.toml with the same code."""

import os
import sys

_ROOT = os.environ.get("MOLECULE_PROJECT_DIRECTORY") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
)
sys.path.insert(0, os.path.join(_ROOT, "tests"))

from checkout_collection import collections_path  # noqa: E402  pylint: disable=wrong-import-position

sys.path.insert(0, collections_path())
