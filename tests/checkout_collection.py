"""This checkout as the collection runnerops.gitlab_runner, for test runs that do not use the built artifact.

Python and Ansible import a collection from ``<path>/ansible_collections/<namespace>/<name>``. ``make test``
installs the built artifact and sets ``RUNNEROPS_COLLECTIONS_PATH``; a quick ``pytest`` while editing gets a
collections path in the temporary directory whose ``runnerops/gitlab_runner`` links to this checkout. The link is
outside the checkout, so tools that follow links inside it (``find -L``, ``grep -R``) do not loop.
"""

import os
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def collections_path():
    """The collections path to import this collection from (created on first use)."""
    if os.environ.get("RUNNEROPS_COLLECTIONS_PATH"):
        return os.environ["RUNNEROPS_COLLECTIONS_PATH"]
    base = os.path.join(tempfile.gettempdir(), "runnerops-checkout-%d" % os.getuid())
    namespace = os.path.join(base, "ansible_collections", "runnerops")
    link = os.path.join(namespace, "gitlab_runner")
    if os.path.realpath(link) != os.path.realpath(ROOT):
        os.makedirs(namespace, exist_ok=True)
        temporary = "%s.%d" % (link, os.getpid())
        os.symlink(ROOT, temporary)
        os.replace(temporary, link)  # atomic: concurrent test runs never see a half-made link
    return base
