# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json
import os

import pytest

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.config_toml_schema import SCHEMA

# The {section: {key: type}} JSON read from GitLab Runner's config structs, where one is at hand; the generator
# that would make it from the Go module waits for a gitlab-runner release a Go module proxy can serve.
REFERENCE_JSON = os.environ.get("RUNNEROPS_SCHEMA_REFERENCE", "")


@pytest.mark.skipif(not os.path.isfile(REFERENCE_JSON),
                    reason="set RUNNEROPS_SCHEMA_REFERENCE to a config.toml schema JSON read from GitLab Runner's "
                           "sources to compare config_toml_schema.py with it")
def test_schema_equals_reference_json():
    with open(REFERENCE_JSON, encoding="utf-8") as handle:
        reference = json.load(handle)
    assert SCHEMA == reference, "config_toml_schema.py drifted from %s: regenerate it" % REFERENCE_JSON


def test_meta_names_the_source_release():
    assert SCHEMA["_meta"]["source_ref"] == "v19.3.0"
    assert "type_vocabulary" in SCHEMA["_meta"]


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


@pytest.mark.parametrize(
    "section, key, type_word",
    [
        ("global", "concurrent", "int"),
        ("global", "runners", "array-of-tables"),
        ("runners", "tls-ca-file", "string"),
        ("runners", "token_expires_at", "datetime"),
        ("runners.docker", "volumes", "list[string]"),
        ("runners.docker", "pull_policy", "string-or-list[string]"),
        ("runners.docker", "services", "array-of-tables"),
        ("runners.docker.services", "alias", "string"),
        ("runners.cache", "Type", "string"),
        ("runners.cache.s3", "BucketName", "string"),
    ],
)
def test_well_known_keys(section, key, type_word):
    assert SCHEMA[section][key] == type_word
