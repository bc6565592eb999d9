"""Make the collection's module_utils importable, so that verify reads config.toml with the same code as the role."""

import os
import sys

_ROOT = os.environ.get("MOLECULE_PROJECT_DIRECTORY") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
)
sys.path.insert(0, os.environ.get("RUNNEROPS_COLLECTIONS_PATH") or os.path.join(_ROOT, "collections"))
