# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""config_toml_schema.py is what tools/runner-source generates from GitLab Runner's Go module.

The module is downloaded at test time (tests/runner_module.py: ``GITLAB_RUNNER_MODULE_VERSION``,
``GITLAB_RUNNER_GOMODCACHE``); without go or the module the generator test skips and says why.
"""

from __future__ import annotations

import pytest
import runner_module

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import config_toml_schema
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.config_toml_schema import SCHEMA

SCHEMA_META = runner_module.RUNNER_SOURCE / "schema_meta.json"


def _schema_of(text):
    namespace = {}
    exec(compile(text, "generated config_toml_schema.py", "exec"), namespace)  # pylint: disable=exec-used
    return namespace["SCHEMA"]


def differences(committed, generated):
    """One line per section or key that differs, ``_meta`` entries included."""
    lines = []
    for section in sorted(set(committed) | set(generated)):
        if section not in generated:
            lines.append("[%s]: committed, not in the source" % section)
        elif section not in committed:
            lines.append("[%s]: in the source, not committed" % section)
        else:
            for key in sorted(set(committed[section]) | set(generated[section])):
                if key not in generated[section]:
                    lines.append("%s.%s: committed as %r, not in the source" % (section, key, committed[section][key]))
                elif key not in committed[section]:
                    lines.append("%s.%s: in the source as %r, not committed" % (section, key, generated[section][key]))
                elif committed[section][key] != generated[section][key]:
                    lines.append("%s.%s: committed %r, source %r" % (
                        section, key, committed[section][key], generated[section][key]))
    return lines


def test_committed_schema_is_the_generated_one(tmp_path):
    module = runner_module.module_dir("GitLab Runner's Go module (for the config.toml schema)")
    output = tmp_path / "config_toml_schema.py"
    runner_module.runner_source("schema", "-module", module, "-version", runner_module.version(),
                                "-meta", SCHEMA_META, "-o", output)
    text = output.read_text(encoding="utf-8")
    generated = _schema_of(text)
    lines = differences(SCHEMA, generated)
    assert not lines, (
        "config_toml_schema.py differs from what tools/runner-source generates from %s@%s; run "
        "`make schema RUNNER_MODULE_VERSION=%s` (or fix schema_meta.json):\n%s"
        % (runner_module.MODULE, runner_module.version(), runner_module.version(), "\n".join(lines))
    )
    with open(config_toml_schema.__file__, encoding="utf-8") as handle:
        assert handle.read() == text, "config_toml_schema.py was edited by hand: run `make schema` again"


def test_differences_are_named_by_key():
    committed = {"a": {"x": "int", "y": "string"}, "gone": {}}
    generated = {"a": {"x": "string", "z": "bool"}, "new": {}}
    assert differences(committed, generated) == [
        "a.x: committed 'int', source 'string'",
        "a.y: committed as 'string', not in the source",
        "a.z: in the source as 'bool', not committed",
        "[gone]: committed, not in the source",
        "[new]: in the source, not committed",
    ]


def test_meta_names_the_source_module_version():
    assert SCHEMA["_meta"]["source_module"] == runner_module.MODULE
    assert SCHEMA["_meta"]["source_ref"] == runner_module.DEFAULT_VERSION
    assert SCHEMA["_meta"]["source_version_file"] == "19.4.0"
    assert "type_vocabulary" in SCHEMA["_meta"]


def test_every_type_word_is_explained():
    vocabulary = SCHEMA["_meta"]["type_vocabulary"]
    unexplained = set(
        word for section, keys in SCHEMA.items() if section != "_meta" for word in keys.values()
        if word not in vocabulary and "." not in word  # api.Capability: another module's type, named as it is
    )
    assert unexplained == set()


def test_every_table_key_has_its_section():
    missing = []
    for section, keys in SCHEMA.items():
        if section == "_meta":
            continue
        for key, type_word in keys.items():
            if type_word in ("table", "array-of-tables"):
                child = key if section == "global" else "%s.%s" % (section, key)
                if child not in SCHEMA:
                    missing.append(child)
    assert missing == []


def test_deprecated_keys_are_keys_and_removed_keys_are_not():
    for section, keys in SCHEMA["_meta"]["deprecated"].items():
        assert set(keys) <= set(SCHEMA[section]), section
    for section, keys in SCHEMA["_meta"]["removed"].items():
        assert not set(keys) & set(SCHEMA[section]), section
        for key, entry in keys.items():
            assert entry["replaced_by"] in SCHEMA[section], (section, key)


@pytest.mark.parametrize(
    "section, key, type_word",
    [
        ("global", "concurrent", "int"),
        ("global", "runners", "array-of-tables"),
        ("global", "connection_max_age", "duration-string"),
        ("runners", "tls-ca-file", "string"),
        ("runners", "token_expires_at", "datetime"),
        ("runners", "feature_flags", "map[string]bool"),
        ("runners.docker", "host", "string"),  # embedded docker.Credentials
        ("runners.docker", "volumes", "list[string]"),
        ("runners.docker", "pull_policy", "string-or-list[string]"),
        ("runners.docker", "allowed_pull_policies", "list[string]"),
        ("runners.docker", "services", "array-of-tables"),
        ("runners.docker.services", "alias", "string"),
        ("runners.docker.services", "suspend_data_path", "string"),
        ("runners.cache", "Type", "string"),
        ("runners.cache.s3", "BucketName", "string"),
        ("runners.machine", "IdleCount", "int"),  # no toml tag: the Go field name
        ("runners.kubernetes.build_container_security_context.capabilities", "add", "list[api.Capability]"),
    ],
)
def test_well_known_keys(section, key, type_word):
    assert SCHEMA[section][key] == type_word


@pytest.mark.parametrize("section, key", [
    ("runners.machine", "OffPeakPeriods"),
    ("experimental.usage_logger", "log_dir"),
])
def test_deprecated_markers_come_from_the_source(section, key):
    assert SCHEMA["_meta"]["deprecated"][section][key]


def test_removed_keys_come_from_the_meta_file():
    assert SCHEMA["_meta"]["removed"]["runners"]["pre_clone_script"] == {
        "last_release": "v16.11.0", "replaced_by": "pre_get_sources_script"}
