"""Offline stand-in for ansible-test's pip bootstrap script (get-pip.py).

ansible-test downloads get-pip.py from a host that is not reachable from every
machine. This script does the same job with the pip wheel bundled in CPython's
``ensurepip``: it runs that pip to install the pip version ansible-test asks for.
``make sanity`` copies it to ``~/.ansible/test/cache/get_pip_<version>.py``.
"""

import glob
import os
import runpy
import sys

import ensurepip

_WHEELS = glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), "_bundled", "pip-*.whl"))
if not _WHEELS:
    sys.exit("no pip wheel bundled with this Python's ensurepip")
sys.path.insert(0, _WHEELS[0])
sys.argv = ["pip", "install"] + [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
runpy.run_module("pip", run_name="__main__", alter_sys=True)
