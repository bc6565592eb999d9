# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection (may change in any release): GitLab Runner config.toml schema: ``{section: {key: type}}`` as data.

Generated: do not edit. ``make schema RUNNER_MODULE_VERSION=<version>`` writes it with
tools/runner-source (``runner-source schema``) from the Go module
gitlab.com/gitlab-org/gitlab-runner@v1.11.1-0.20260903214710-fc1f1862bd91: every table and key of the
structs under ``common.Config`` with its ``toml`` name, type and nesting.
tools/runner-source/schema_meta.json adds what the source cannot tell (the
type words' meanings, notes, keys removed in earlier releases), and
tests/unit/plugins/module_utils/test_config_toml_schema.py regenerates it from
the module and fails when this file differs.

``global`` is the root table, ``runners`` a ``[[runners]]`` entry,
``runners.docker.services`` a ``[[runners.docker.services]]`` entry;
``SCHEMA["_meta"]["type_vocabulary"]`` explains the type words,
``SCHEMA["_meta"]["deprecated"]`` and ``SCHEMA["_meta"]["removed"]`` mark keys by section.
A Python literal, not a JSON file, so that modules running on managed hosts
can import it.
"""

from __future__ import annotations

SCHEMA = {
    "_meta": {
        "description": (
            "GitLab Runner config.toml keys and value types, extracted from the Go struct `toml` tags "
            "(BurntSushi/toml). Section names are dotted TOML table paths; 'runners' is the [[runners]] "
            "array-of-tables entry, 'runners.docker.services' is [[runners.docker.services]], etc. Keys listed under "
            "a section are the keys allowed directly in that table."
        ),
        "source_module": "gitlab.com/gitlab-org/gitlab-runner",
        "source_ref": "v1.11.1-0.20260903214710-fc1f1862bd91",
        "source_commit": "fc1f1862bd91",
        "source_version_file": "19.4.0",
        "source_files": [
            "cache/cacheconfig/cacheconfig.go",
            "common/config.go",
            "common/config/runner/monitoring.go",
            "common/config/runner/monitoring/job_queuing_durations.go",
            "helpers/docker/credentials.go",
            "referees/metrics.go",
            "referees/referees.go",
        ],
        "type_vocabulary": {
            "string": "TOML string",
            "int": "TOML integer (Go int/int64)",
            "float": "TOML float (Go float64)",
            "bool": "TOML boolean",
            "duration-string": (
                "Go time.Duration: TOML string parsed by time.ParseDuration (\"30s\", \"1h30m\", \"15m0s\"); a bare TOML "
                "integer is taken as nanoseconds (BurntSushi/toml v1.6.0 decode.go)"
            ),
            "datetime": (
                "Go time.Time (implements TextUnmarshaler): a TOML offset date-time (token_expires_at = "
                "2024-01-01T00:00:00Z) or an RFC 3339 string both decode; `register`/SaveConfig writes the unquoted "
                "TOML form, 0001-01-01T00:00:00Z when the token never expires"
            ),
            "list[string]": "TOML array of strings",
            "list[int]": "TOML array of integers",
            "list[float]": "TOML array of floats",
            "string-or-list[string]": (
                "either a single string or an array of strings (StringOrArray, custom UnmarshalTOML) -- used by "
                "runners.docker.pull_policy"
            ),
            "map[string]string": "TOML table / inline table with string values",
            "map[string]int": "table with integer values",
            "map[string]bool": "table of booleans (feature_flags)",
            "map[string]list[string]": "table whose values are string arrays",
            "map[string]any": "free-form table (plugin_config)",
            "table": "sub-table ([a.b]) -- its keys are listed under the dotted section name",
            "array-of-tables": "[[a.b]] -- element keys listed under the dotted section name",
            "int-or-string": "k8s IntOrString",
        },
        "notes": [
            (
                "Key matching in BurntSushi/toml: exact name first, then case-insensitive (strings.EqualFold) "
                "fallback; unknown keys are silently ignored by the runner loader (toml.DecodeFile metadata "
                "discarded), but `gitlab-runner lint` (present from v19.3.0) reports them as errors."
            ),
            (
                "[runners.cache], [runners.cache.s3|gcs|azure] and [runners.machine] keys are CamelCase (Type, Path, "
                "Shared, ServerAddress, BucketName, IdleCount, MachineDriver, ...); all other sections are "
                "snake_case. Note the dashed keys tls-ca-file / tls-cert-file / tls-key-file in [[runners]]."
            ),
            (
                "Fields that are Go pointers (*bool/*int/*string/*time.Duration) are tri-state: absent means 'use "
                "default' (e.g. runners.docker.services_privileged absent => follows privileged; "
                "runners.custom_build_dir.enabled absent => executor default)."
            ),
            (
                "Global log_level accepts logrus levels: panic, fatal, error, warn/warning, info, debug (trace also "
                "parses). log_format: runner, text, json."
            ),
            (
                "concurrent = 0 is forbidden (docs); check_interval <=0 -> default 3 s; shutdown_timeout <=0 -> "
                "default 30 s; request_concurrency default 1 (jsonschema min=1); output_limit default 4096 KB."
            ),
            (
                "Executors (main.go provider registry): shell, custom, instance, docker, docker-windows, "
                "docker-autoscaler, docker+machine, kubernetes, ssh, parallels, virtualbox. Shell enum (jsonschema "
                "tag): bash, sh, cmd, pwsh, powershell, or empty."
            ),
            "runners.docker.pull_policy / allowed_pull_policies values: always (default), if-not-present, never.",
            (
                "url and token in [[runners]] are passed through os.ExpandEnv at load time ($VAR / ${VAR}) -- "
                "documented from v18.11."
            ),
            (
                "The docs table for [runners.docker] lists helper_image_autoset_arch_and_os, but in code that key "
                "exists only in [runners.kubernetes]."
            ),
            (
                "Keys with no toml tag use the Go field name (only [runners.machine] IdleCount, IdleScaleFactor, "
                "IdleCountMin, MachineDriver, MachineName, MachineOptions, MachineOptionsWithName and "
                "[[runners.machine.autoscaling]] Periods, Timezone, IdleCount, IdleScaleFactor, IdleCountMin, "
                "IdleTime)."
            ),
            (
                "Docs-vs-code discrepancies found (code is authoritative): docs show [runners.referees.metrics] "
                "metric_queries, the struct key is `queries`; docs list helper_image_autoset_arch_and_os in the "
                "[runners.docker] table but it exists only in [runners.kubernetes]."
            ),
            (
                "config.toml is (re)written by the runner itself with BurntSushi's encoder (file mode 0600, parent "
                "dir 0700): by `register`, `unregister`, `verify --delete`, `reset-token` and by `run` when it "
                "rotates an expiring authentication token (at token_obtained_at + 0.75*(token_expires_at - "
                "token_obtained_at), unless feature flag FF_DISABLE_AUTOMATIC_TOKEN_ROTATION=true). Comments and "
                "formatting are not preserved."
            ),
            (
                "Keys of older releases that this source no longer has are in _meta.removed, each with the last "
                "release that had it and the key that replaced it; _meta.deprecated lists the keys the source marks "
                "deprecated."
            ),
        ],
        "how_to_validate": (
            "Every table in a config.toml must be one of the section names below (dotted path; 'global' is the root); "
            "every key must be listed in its section; value must match the type. Sections reached through an "
            "array-of-tables ([[runners]], [[runners.docker.services]], [[runners.autoscaler.policy]], "
            "[[runners.machine.autoscaling]], [[runners.monitoring.job_queuing_durations]], kubernetes volume "
            "lists...) use the same dotted name for each element."
        ),
        "deprecated": {
            "runners.machine": {
                "OffPeakPeriods": "Time periods when the scheduler is in the OffPeak mode. DEPRECATED",
                "OffPeakTimezone": "Timezone for the OffPeak periods (defaults to Local). DEPRECATED",
                "OffPeakIdleCount": "Maximum idle machines when the scheduler is in the OffPeak mode. DEPRECATED",
                "OffPeakIdleTime": (
                    "Minimum time after machine can be destroyed when the scheduler is in the OffPeak mode. DEPRECATED"
                ),
            },
            "experimental.usage_logger": {
                "log_dir": "Use Logrotate.LogDir instead",
                "max_backup_files": "Use Logrotate.MaxBackupFiles instead",
                "max_rotation_age": "Use Logrotate.MaxRotationAge instead",
                "labels": "Use Logrotate.Labels instead",
            },
        },
        "removed": {
            "runners": {
                "post_clone_script": {
                    "last_release": "v16.11.0",
                    "replaced_by": "post_get_sources_script",
                },
                "pre_clone_script": {
                    "last_release": "v16.11.0",
                    "replaced_by": "pre_get_sources_script",
                },
            },
            "runners.kubernetes": {
                "terminationGracePeriodSeconds": {
                    "last_release": "v16.11.0",
                    "replaced_by": "pod_termination_grace_period_seconds",
                },
            },
        },
    },
    "global": {
        "listen_address": "string",
        "session_server": "table",
        "labels": "map[string]string",
        "concurrent": "int",
        "check_interval": "int",
        "log_level": "string",
        "log_format": "string",
        "log_field_schema_version": "int",
        "log_field_dual_emit_target": "int",
        "user": "string",
        "runners": "array-of-tables",
        "sentry_dsn": "string",
        "connection_max_age": "duration-string",
        "machine": "table",
        "experimental": "table",
        "shutdown_timeout": "int",
    },
    "session_server": {
        "listen_address": "string",
        "advertise_address": "string",
        "session_timeout": "int",
    },
    "runners": {
        "name": "string",
        "limit": "int",
        "output_limit": "int",
        "request_concurrency": "int",
        "strict_check_interval": "bool",
        "unhealthy_requests_limit": "int",
        "unhealthy_interval": "duration-string",
        "job_status_final_update_retry_limit": "int",
        "experimental": "table",
        "url": "string",
        "id": "int",
        "token": "string",
        "token_obtained_at": "datetime",
        "token_expires_at": "datetime",
        "tls-ca-file": "string",
        "tls-cert-file": "string",
        "tls-key-file": "string",
        "labels": "map[string]string",
        "executor": "string",
        "builds_dir": "string",
        "cache_dir": "string",
        "clone_url": "string",
        "environment": "list[string]",
        "proxy_exec": "bool",
        "pre_get_sources_script": "string",
        "post_get_sources_script": "string",
        "pre_build_script": "string",
        "post_build_script": "string",
        "prepare_timeout": "duration-string",
        "get_sources_timeout": "duration-string",
        "debug_trace_disabled": "bool",
        "safe_directory_checkout": "bool",
        "clean_git_config": "bool",
        "shell": "string",
        "custom_build_dir": "table",
        "referees": "table",
        "cache": "table",
        "artifact": "table",
        "feature_flags": "map[string]bool",
        "monitoring": "table",
        "use_slot_cgroups": "bool",
        "slot_cgroup_template": "string",
        "instance": "table",
        "ssh": "table",
        "docker": "table",
        "parallels": "table",
        "virtualbox": "table",
        "machine": "table",
        "kubernetes": "table",
        "custom": "table",
        "autoscaler": "table",
        "step_runner_image": "string",
    },
    "runners.experimental": {
        "boot_verify": "table",
    },
    "runners.experimental.boot_verify": {
        "enabled": "bool",
        "verify_auth": "bool",
        "verify_server_url": "bool",
        "verify_server_url_insecure": "bool",
        "verify_cache": "bool",
        "verify_commands": "list[string]",
        "verify_helper_version": "bool",
        "timeout": "duration-string",
        "acquire_min_backoff": "duration-string",
        "acquire_max_backoff": "duration-string",
    },
    "runners.custom_build_dir": {
        "enabled": "bool",
    },
    "runners.referees": {
        "metrics": "table",
    },
    "runners.referees.metrics": {
        "prometheus_address": "string",
        "query_interval": "int",
        "queries": "list[string]",
    },
    "runners.cache": {
        "Type": "string",
        "Path": "string",
        "Shared": "bool",
        "MaxUploadedArchiveSize": "int",
        "RedactURL": "bool",
        "s3": "table",
        "gcs": "table",
        "azure": "table",
    },
    "runners.cache.s3": {
        "ServerAddress": "string",
        "AccessKey": "string",
        "SecretKey": "string",
        "SessionToken": "string",
        "BucketName": "string",
        "BucketLocation": "string",
        "Insecure": "bool",
        "AuthenticationType": "string",
        "ServerSideEncryption": "string",
        "ServerSideEncryptionKeyID": "string",
        "DualStack": "bool",
        "PathStyle": "bool",
        "Accelerate": "bool",
        "RoleARN": "string",
        "UploadRoleARN": "string",
        "AssumeRoleMaxConcurrency": "int",
        "DisableAssumeRoleCredentialsCaching": "bool",
    },
    "runners.cache.gcs": {
        "AccessID": "string",
        "PrivateKey": "string",
        "CredentialsFile": "string",
        "BucketName": "string",
        "UniverseDomain": "string",
    },
    "runners.cache.azure": {
        "AccountName": "string",
        "AccountKey": "string",
        "ContainerName": "string",
        "StorageDomain": "string",
    },
    "runners.artifact": {
        "upload_timeout": "duration-string",
        "response_header_timeout": "duration-string",
    },
    "runners.monitoring": {
        "job_queuing_durations": "array-of-tables",
    },
    "runners.monitoring.job_queuing_durations": {
        "periods": "list[string]",
        "timezone": "string",
        "threshold": "duration-string",
        "jobs_running_for_project": "string",
    },
    "runners.instance": {
        "allowed_images": "list[string]",
        "use_common_build_dir": "bool",
    },
    "runners.ssh": {
        "user": "string",
        "password": "string",
        "host": "string",
        "port": "string",
        "identity_file": "string",
        "disable_strict_host_key_checking": "bool",
        "known_hosts_file": "string",
    },
    "runners.docker": {
        "host": "string",
        "tls_cert_path": "string",
        "tls_verify": "bool",
        "hostname": "string",
        "image": "string",
        "runtime": "string",
        "memory": "string",
        "memory_swap": "string",
        "memory_reservation": "string",
        "cgroup_parent": "string",
        "cpuset_cpus": "string",
        "cpuset_mems": "string",
        "cpus": "string",
        "cpu_shares": "int",
        "dns": "list[string]",
        "dns_search": "list[string]",
        "privileged": "bool",
        "services_privileged": "bool",
        "disable_entrypoint_overwrite": "bool",
        "user": "string",
        "allowed_users": "list[string]",
        "group_add": "list[string]",
        "userns_mode": "string",
        "cap_add": "list[string]",
        "cap_drop": "list[string]",
        "oom_kill_disable": "bool",
        "oom_score_adjust": "int",
        "security_opt": "list[string]",
        "services_security_opt": "list[string]",
        "devices": "list[string]",
        "device_cgroup_rules": "list[string]",
        "gpus": "string",
        "services_devices": "map[string]list[string]",
        "disable_cache": "bool",
        "volumes": "list[string]",
        "volume_keep": "bool",
        "volume_driver": "string",
        "volume_driver_ops": "map[string]string",
        "cache_dir": "string",
        "extra_hosts": "list[string]",
        "volumes_from": "list[string]",
        "network_mode": "string",
        "pid_mode": "string",
        "ipcmode": "string",
        "mac_address": "string",
        "links": "list[string]",
        "services": "array-of-tables",
        "services_limit": "int",
        "service_memory": "string",
        "service_memory_swap": "string",
        "service_memory_reservation": "string",
        "service_cgroup_parent": "string",
        "service_slot_cgroup_template": "string",
        "service_cpuset_cpus": "string",
        "service_cpus": "string",
        "service_cpu_shares": "int",
        "service_gpus": "string",
        "wait_for_services_timeout": "int",
        "allowed_images": "list[string]",
        "allowed_privileged_images": "list[string]",
        "allowed_privileged_services": "list[string]",
        "allowed_pull_policies": "list[string]",
        "allowed_services": "list[string]",
        "pull_policy": "string-or-list[string]",
        "isolation": "string",
        "shm_size": "int",
        "tmpfs": "map[string]string",
        "services_tmpfs": "map[string]string",
        "sysctls": "map[string]string",
        "helper_image": "string",
        "helper_image_flavor": "string",
        "container_labels": "map[string]string",
        "enable_ipv6": "bool",
        "ulimit": "map[string]string",
        "network_mtu": "int",
        "log_options": "map[string]string",
    },
    "runners.docker.services": {
        "name": "string",
        "alias": "string",
        "command": "list[string]",
        "entrypoint": "list[string]",
        "environment": "list[string]",
        "suspend_data_path": "string",
    },
    "runners.parallels": {
        "base_name": "string",
        "template_name": "string",
        "disable_snapshots": "bool",
        "time_server": "string",
        "allowed_images": "list[string]",
    },
    "runners.virtualbox": {
        "base_name": "string",
        "base_snapshot": "string",
        "base_folder": "string",
        "disable_snapshots": "bool",
        "allowed_images": "list[string]",
        "start_type": "string",
    },
    "runners.machine": {
        "MaxGrowthRate": "int",
        "IdleCount": "int",
        "IdleScaleFactor": "float",
        "IdleCountMin": "int",
        "IdleTime": "int",
        "MaxBuilds": "int",
        "MachineDriver": "string",
        "MachineName": "string",
        "MachineOptions": "list[string]",
        "MachineOptionsWithName": "list[string]",
        "MaxRemovalAttempts": "int",
        "HeartbeatInterval": "duration-string",
        "OffPeakPeriods": "list[string]",
        "OffPeakTimezone": "string",
        "OffPeakIdleCount": "int",
        "OffPeakIdleTime": "int",
        "autoscaling": "array-of-tables",
    },
    "runners.machine.autoscaling": {
        "Periods": "list[string]",
        "Timezone": "string",
        "IdleCount": "int",
        "IdleScaleFactor": "float",
        "IdleCountMin": "int",
        "IdleTime": "int",
    },
    "runners.kubernetes": {
        "host": "string",
        "context": "string",
        "cert_file": "string",
        "key_file": "string",
        "ca_file": "string",
        "bearer_token_overwrite_allowed": "bool",
        "bearer_token": "string",
        "image": "string",
        "namespace": "string",
        "namespace_overwrite_allowed": "string",
        "namespace_per_job": "bool",
        "privileged": "bool",
        "runtime_class_name": "string",
        "allow_privilege_escalation": "bool",
        "cpu_limit": "string",
        "cpu_limit_overwrite_max_allowed": "string",
        "cpu_request": "string",
        "cpu_request_overwrite_max_allowed": "string",
        "memory_limit": "string",
        "memory_limit_overwrite_max_allowed": "string",
        "memory_request": "string",
        "memory_request_overwrite_max_allowed": "string",
        "ephemeral_storage_limit": "string",
        "ephemeral_storage_limit_overwrite_max_allowed": "string",
        "ephemeral_storage_request": "string",
        "ephemeral_storage_request_overwrite_max_allowed": "string",
        "service_cpu_limit": "string",
        "service_cpu_limit_overwrite_max_allowed": "string",
        "service_cpu_request": "string",
        "service_cpu_request_overwrite_max_allowed": "string",
        "service_memory_limit": "string",
        "service_memory_limit_overwrite_max_allowed": "string",
        "service_memory_request": "string",
        "service_memory_request_overwrite_max_allowed": "string",
        "service_ephemeral_storage_limit": "string",
        "service_ephemeral_storage_limit_overwrite_max_allowed": "string",
        "service_ephemeral_storage_request": "string",
        "service_ephemeral_storage_request_overwrite_max_allowed": "string",
        "helper_cpu_limit": "string",
        "helper_cpu_limit_overwrite_max_allowed": "string",
        "helper_cpu_request": "string",
        "helper_cpu_request_overwrite_max_allowed": "string",
        "helper_memory_limit": "string",
        "helper_memory_limit_overwrite_max_allowed": "string",
        "helper_memory_request": "string",
        "helper_memory_request_overwrite_max_allowed": "string",
        "helper_ephemeral_storage_limit": "string",
        "helper_ephemeral_storage_limit_overwrite_max_allowed": "string",
        "helper_ephemeral_storage_request": "string",
        "helper_ephemeral_storage_request_overwrite_max_allowed": "string",
        "pod_cpu_limit": "string",
        "pod_cpu_limit_overwrite_max_allowed": "string",
        "pod_cpu_request": "string",
        "pod_cpu_request_overwrite_max_allowed": "string",
        "pod_memory_limit": "string",
        "pod_memory_limit_overwrite_max_allowed": "string",
        "pod_memory_request": "string",
        "pod_memory_request_overwrite_max_allowed": "string",
        "allowed_images": "list[string]",
        "allowed_pull_policies": "list[string]",
        "allowed_services": "list[string]",
        "allowed_users": "list[string]",
        "allowed_groups": "list[string]",
        "pull_policy": "string-or-list[string]",
        "node_selector": "map[string]string",
        "node_selector_overwrite_allowed": "string",
        "node_tolerations": "map[string]string",
        "node_tolerations_overwrite_allowed": "string",
        "affinity": "table",
        "image_pull_secrets": "list[string]",
        "use_service_account_image_pull_secrets": "bool",
        "helper_image": "string",
        "helper_image_flavor": "string",
        "helper_image_autoset_arch_and_os": "bool",
        "pod_termination_grace_period_seconds": "int",
        "cleanup_grace_period_seconds": "int",
        "cleanup_resources_timeout": "duration-string",
        "poll_interval": "int",
        "poll_timeout": "int",
        "resource_availability_check_max_attempts": "int",
        "retry_limit": "int",
        "retry_backoff_max": "int",
        "retry_limits": "map[string]int",
        "pod_labels": "map[string]string",
        "pod_labels_overwrite_allowed": "string",
        "scheduler_name": "string",
        "service_account": "string",
        "service_account_overwrite_allowed": "string",
        "automount_service_account_token": "bool",
        "pod_annotations": "map[string]string",
        "pod_annotations_overwrite_allowed": "string",
        "pod_security_context": "table",
        "init_permissions_container_security_context": "table",
        "build_container_security_context": "table",
        "helper_container_security_context": "table",
        "service_container_security_context": "table",
        "volumes": "table",
        "host_aliases": "array-of-tables",
        "services": "array-of-tables",
        "cap_add": "list[string]",
        "cap_drop": "list[string]",
        "suspend_pvc_size": "string",
        "suspend_pvc_storage_class": "string",
        "dns_policy": "string",
        "dns_config": "table",
        "container_lifecycle": "table",
        "priority_class_name": "string",
        "pod_spec": "array-of-tables",
        "logs_base_dir": "string",
        "scripts_base_dir": "string",
        "print_pod_warning_events": "bool",
        "pod_disruption_budget": "bool",
        "autoscaler": "table",
    },
    "runners.kubernetes.affinity": {
        "node_affinity": "table",
        "pod_affinity": "table",
        "pod_anti_affinity": "table",
    },
    "runners.kubernetes.affinity.node_affinity": {
        "required_during_scheduling_ignored_during_execution": "table",
        "preferred_during_scheduling_ignored_during_execution": "array-of-tables",
    },
    "runners.kubernetes.affinity.node_affinity.required_during_scheduling_ignored_during_execution": {
        "node_selector_terms": "array-of-tables",
    },
    (
        "runners.kubernetes.affinity.node_affinity.required_during_scheduling_ignored_during_execution."
        "node_selector_terms"
    ): {
        "match_expressions": "array-of-tables",
        "match_fields": "array-of-tables",
    },
    (
        "runners.kubernetes.affinity.node_affinity.required_during_scheduling_ignored_during_execution."
        "node_selector_terms.match_expressions"
    ): {
        "key": "string",
        "operator": "string",
        "values": "list[string]",
    },
    (
        "runners.kubernetes.affinity.node_affinity.required_during_scheduling_ignored_during_execution."
        "node_selector_terms.match_fields"
    ): {
        "key": "string",
        "operator": "string",
        "values": "list[string]",
    },
    "runners.kubernetes.affinity.node_affinity.preferred_during_scheduling_ignored_during_execution": {
        "weight": "int",
        "preference": "table",
    },
    "runners.kubernetes.affinity.node_affinity.preferred_during_scheduling_ignored_during_execution.preference": {
        "match_expressions": "array-of-tables",
        "match_fields": "array-of-tables",
    },
    (
        "runners.kubernetes.affinity.node_affinity.preferred_during_scheduling_ignored_during_execution.preference."
        "match_expressions"
    ): {
        "key": "string",
        "operator": "string",
        "values": "list[string]",
    },
    (
        "runners.kubernetes.affinity.node_affinity.preferred_during_scheduling_ignored_during_execution.preference."
        "match_fields"
    ): {
        "key": "string",
        "operator": "string",
        "values": "list[string]",
    },
    "runners.kubernetes.affinity.pod_affinity": {
        "required_during_scheduling_ignored_during_execution": "array-of-tables",
        "preferred_during_scheduling_ignored_during_execution": "array-of-tables",
    },
    "runners.kubernetes.affinity.pod_affinity.required_during_scheduling_ignored_during_execution": {
        "label_selector": "table",
        "namespaces": "list[string]",
        "topology_key": "string",
        "namespace_selector": "table",
        "match_label_keys": "list[string]",
        "mismatch_label_keys": "list[string]",
    },
    "runners.kubernetes.affinity.pod_affinity.required_during_scheduling_ignored_during_execution.label_selector": {
        "match_labels": "map[string]string",
        "match_expressions": "array-of-tables",
    },
    (
        "runners.kubernetes.affinity.pod_affinity.required_during_scheduling_ignored_during_execution.label_selector."
        "match_expressions"
    ): {
        "key": "string",
        "operator": "string",
        "values": "list[string]",
    },
    (
        "runners.kubernetes.affinity.pod_affinity.required_during_scheduling_ignored_during_execution."
        "namespace_selector"
    ): {
        "match_labels": "map[string]string",
        "match_expressions": "array-of-tables",
    },
    (
        "runners.kubernetes.affinity.pod_affinity.required_during_scheduling_ignored_during_execution."
        "namespace_selector.match_expressions"
    ): {
        "key": "string",
        "operator": "string",
        "values": "list[string]",
    },
    "runners.kubernetes.affinity.pod_affinity.preferred_during_scheduling_ignored_during_execution": {
        "weight": "int",
        "pod_affinity_term": "table",
    },
    (
        "runners.kubernetes.affinity.pod_affinity.preferred_during_scheduling_ignored_during_execution."
        "pod_affinity_term"
    ): {
        "label_selector": "table",
        "namespaces": "list[string]",
        "topology_key": "string",
        "namespace_selector": "table",
        "match_label_keys": "list[string]",
        "mismatch_label_keys": "list[string]",
    },
    (
        "runners.kubernetes.affinity.pod_affinity.preferred_during_scheduling_ignored_during_execution."
        "pod_affinity_term.label_selector"
    ): {
        "match_labels": "map[string]string",
        "match_expressions": "array-of-tables",
    },
    (
        "runners.kubernetes.affinity.pod_affinity.preferred_during_scheduling_ignored_during_execution."
        "pod_affinity_term.label_selector.match_expressions"
    ): {
        "key": "string",
        "operator": "string",
        "values": "list[string]",
    },
    (
        "runners.kubernetes.affinity.pod_affinity.preferred_during_scheduling_ignored_during_execution."
        "pod_affinity_term.namespace_selector"
    ): {
        "match_labels": "map[string]string",
        "match_expressions": "array-of-tables",
    },
    (
        "runners.kubernetes.affinity.pod_affinity.preferred_during_scheduling_ignored_during_execution."
        "pod_affinity_term.namespace_selector.match_expressions"
    ): {
        "key": "string",
        "operator": "string",
        "values": "list[string]",
    },
    "runners.kubernetes.affinity.pod_anti_affinity": {
        "required_during_scheduling_ignored_during_execution": "array-of-tables",
        "preferred_during_scheduling_ignored_during_execution": "array-of-tables",
    },
    "runners.kubernetes.affinity.pod_anti_affinity.required_during_scheduling_ignored_during_execution": {
        "label_selector": "table",
        "namespaces": "list[string]",
        "topology_key": "string",
        "namespace_selector": "table",
        "match_label_keys": "list[string]",
        "mismatch_label_keys": "list[string]",
    },
    (
        "runners.kubernetes.affinity.pod_anti_affinity.required_during_scheduling_ignored_during_execution."
        "label_selector"
    ): {
        "match_labels": "map[string]string",
        "match_expressions": "array-of-tables",
    },
    (
        "runners.kubernetes.affinity.pod_anti_affinity.required_during_scheduling_ignored_during_execution."
        "label_selector.match_expressions"
    ): {
        "key": "string",
        "operator": "string",
        "values": "list[string]",
    },
    (
        "runners.kubernetes.affinity.pod_anti_affinity.required_during_scheduling_ignored_during_execution."
        "namespace_selector"
    ): {
        "match_labels": "map[string]string",
        "match_expressions": "array-of-tables",
    },
    (
        "runners.kubernetes.affinity.pod_anti_affinity.required_during_scheduling_ignored_during_execution."
        "namespace_selector.match_expressions"
    ): {
        "key": "string",
        "operator": "string",
        "values": "list[string]",
    },
    "runners.kubernetes.affinity.pod_anti_affinity.preferred_during_scheduling_ignored_during_execution": {
        "weight": "int",
        "pod_affinity_term": "table",
    },
    (
        "runners.kubernetes.affinity.pod_anti_affinity.preferred_during_scheduling_ignored_during_execution."
        "pod_affinity_term"
    ): {
        "label_selector": "table",
        "namespaces": "list[string]",
        "topology_key": "string",
        "namespace_selector": "table",
        "match_label_keys": "list[string]",
        "mismatch_label_keys": "list[string]",
    },
    (
        "runners.kubernetes.affinity.pod_anti_affinity.preferred_during_scheduling_ignored_during_execution."
        "pod_affinity_term.label_selector"
    ): {
        "match_labels": "map[string]string",
        "match_expressions": "array-of-tables",
    },
    (
        "runners.kubernetes.affinity.pod_anti_affinity.preferred_during_scheduling_ignored_during_execution."
        "pod_affinity_term.label_selector.match_expressions"
    ): {
        "key": "string",
        "operator": "string",
        "values": "list[string]",
    },
    (
        "runners.kubernetes.affinity.pod_anti_affinity.preferred_during_scheduling_ignored_during_execution."
        "pod_affinity_term.namespace_selector"
    ): {
        "match_labels": "map[string]string",
        "match_expressions": "array-of-tables",
    },
    (
        "runners.kubernetes.affinity.pod_anti_affinity.preferred_during_scheduling_ignored_during_execution."
        "pod_affinity_term.namespace_selector.match_expressions"
    ): {
        "key": "string",
        "operator": "string",
        "values": "list[string]",
    },
    "runners.kubernetes.pod_security_context": {
        "fs_group": "int",
        "run_as_group": "int",
        "run_as_non_root": "bool",
        "run_as_user": "int",
        "supplemental_groups": "list[int]",
        "selinux_type": "string",
        "seccomp_profile": "table",
        "app_armor_profile": "table",
    },
    "runners.kubernetes.pod_security_context.seccomp_profile": {
        "type": "string",
        "localhost_profile": "string",
    },
    "runners.kubernetes.pod_security_context.app_armor_profile": {
        "type": "string",
        "localhost_profile": "string",
    },
    "runners.kubernetes.init_permissions_container_security_context": {
        "capabilities": "table",
        "privileged": "bool",
        "run_as_user": "int",
        "run_as_group": "int",
        "run_as_non_root": "bool",
        "read_only_root_filesystem": "bool",
        "allow_privilege_escalation": "bool",
        "selinux_type": "string",
        "proc_mount": "string",
        "seccomp_profile": "table",
        "app_armor_profile": "table",
    },
    "runners.kubernetes.init_permissions_container_security_context.capabilities": {
        "add": "list[api.Capability]",
        "drop": "list[api.Capability]",
    },
    "runners.kubernetes.init_permissions_container_security_context.seccomp_profile": {
        "type": "string",
        "localhost_profile": "string",
    },
    "runners.kubernetes.init_permissions_container_security_context.app_armor_profile": {
        "type": "string",
        "localhost_profile": "string",
    },
    "runners.kubernetes.build_container_security_context": {
        "capabilities": "table",
        "privileged": "bool",
        "run_as_user": "int",
        "run_as_group": "int",
        "run_as_non_root": "bool",
        "read_only_root_filesystem": "bool",
        "allow_privilege_escalation": "bool",
        "selinux_type": "string",
        "proc_mount": "string",
        "seccomp_profile": "table",
        "app_armor_profile": "table",
    },
    "runners.kubernetes.build_container_security_context.capabilities": {
        "add": "list[api.Capability]",
        "drop": "list[api.Capability]",
    },
    "runners.kubernetes.build_container_security_context.seccomp_profile": {
        "type": "string",
        "localhost_profile": "string",
    },
    "runners.kubernetes.build_container_security_context.app_armor_profile": {
        "type": "string",
        "localhost_profile": "string",
    },
    "runners.kubernetes.helper_container_security_context": {
        "capabilities": "table",
        "privileged": "bool",
        "run_as_user": "int",
        "run_as_group": "int",
        "run_as_non_root": "bool",
        "read_only_root_filesystem": "bool",
        "allow_privilege_escalation": "bool",
        "selinux_type": "string",
        "proc_mount": "string",
        "seccomp_profile": "table",
        "app_armor_profile": "table",
    },
    "runners.kubernetes.helper_container_security_context.capabilities": {
        "add": "list[api.Capability]",
        "drop": "list[api.Capability]",
    },
    "runners.kubernetes.helper_container_security_context.seccomp_profile": {
        "type": "string",
        "localhost_profile": "string",
    },
    "runners.kubernetes.helper_container_security_context.app_armor_profile": {
        "type": "string",
        "localhost_profile": "string",
    },
    "runners.kubernetes.service_container_security_context": {
        "capabilities": "table",
        "privileged": "bool",
        "run_as_user": "int",
        "run_as_group": "int",
        "run_as_non_root": "bool",
        "read_only_root_filesystem": "bool",
        "allow_privilege_escalation": "bool",
        "selinux_type": "string",
        "proc_mount": "string",
        "seccomp_profile": "table",
        "app_armor_profile": "table",
    },
    "runners.kubernetes.service_container_security_context.capabilities": {
        "add": "list[api.Capability]",
        "drop": "list[api.Capability]",
    },
    "runners.kubernetes.service_container_security_context.seccomp_profile": {
        "type": "string",
        "localhost_profile": "string",
    },
    "runners.kubernetes.service_container_security_context.app_armor_profile": {
        "type": "string",
        "localhost_profile": "string",
    },
    "runners.kubernetes.volumes": {
        "host_path": "array-of-tables",
        "pvc": "array-of-tables",
        "config_map": "array-of-tables",
        "secret": "array-of-tables",
        "empty_dir": "array-of-tables",
        "csi": "array-of-tables",
        "nfs": "array-of-tables",
    },
    "runners.kubernetes.volumes.host_path": {
        "name": "string",
        "mount_path": "string",
        "sub_path": "string",
        "read_only": "bool",
        "host_path": "string",
        "mount_propagation": "string",
    },
    "runners.kubernetes.volumes.pvc": {
        "name": "string",
        "mount_path": "string",
        "sub_path": "string",
        "read_only": "bool",
        "mount_propagation": "string",
    },
    "runners.kubernetes.volumes.config_map": {
        "name": "string",
        "mount_path": "string",
        "sub_path": "string",
        "read_only": "bool",
        "items": "map[string]string",
    },
    "runners.kubernetes.volumes.secret": {
        "name": "string",
        "mount_path": "string",
        "sub_path": "string",
        "read_only": "bool",
        "items": "map[string]string",
    },
    "runners.kubernetes.volumes.empty_dir": {
        "name": "string",
        "mount_path": "string",
        "sub_path": "string",
        "medium": "string",
        "size_limit": "string",
        "mount_propagation": "string",
    },
    "runners.kubernetes.volumes.csi": {
        "name": "string",
        "mount_path": "string",
        "sub_path": "string",
        "driver": "string",
        "fs_type": "string",
        "read_only": "bool",
        "volume_attributes": "map[string]string",
    },
    "runners.kubernetes.volumes.nfs": {
        "name": "string",
        "mount_path": "string",
        "sub_path": "string",
        "server": "string",
        "path": "string",
        "read_only": "bool",
    },
    "runners.kubernetes.host_aliases": {
        "ip": "string",
        "hostnames": "list[string]",
    },
    "runners.kubernetes.services": {
        "name": "string",
        "alias": "string",
        "command": "list[string]",
        "entrypoint": "list[string]",
        "environment": "list[string]",
        "suspend_data_path": "string",
    },
    "runners.kubernetes.dns_config": {
        "nameservers": "list[string]",
        "options": "array-of-tables",
        "searches": "list[string]",
    },
    "runners.kubernetes.dns_config.options": {
        "name": "string",
        "value": "string",
    },
    "runners.kubernetes.container_lifecycle": {
        "post_start": "table",
        "pre_stop": "table",
    },
    "runners.kubernetes.container_lifecycle.post_start": {
        "exec": "table",
        "http_get": "table",
        "tcp_socket": "table",
    },
    "runners.kubernetes.container_lifecycle.post_start.exec": {
        "command": "list[string]",
    },
    "runners.kubernetes.container_lifecycle.post_start.http_get": {
        "host": "string",
        "http_headers": "array-of-tables",
        "path": "string",
        "port": "int",
        "scheme": "string",
    },
    "runners.kubernetes.container_lifecycle.post_start.http_get.http_headers": {
        "name": "string",
        "value": "string",
    },
    "runners.kubernetes.container_lifecycle.post_start.tcp_socket": {
        "host": "string",
        "port": "int",
    },
    "runners.kubernetes.container_lifecycle.pre_stop": {
        "exec": "table",
        "http_get": "table",
        "tcp_socket": "table",
    },
    "runners.kubernetes.container_lifecycle.pre_stop.exec": {
        "command": "list[string]",
    },
    "runners.kubernetes.container_lifecycle.pre_stop.http_get": {
        "host": "string",
        "http_headers": "array-of-tables",
        "path": "string",
        "port": "int",
        "scheme": "string",
    },
    "runners.kubernetes.container_lifecycle.pre_stop.http_get.http_headers": {
        "name": "string",
        "value": "string",
    },
    "runners.kubernetes.container_lifecycle.pre_stop.tcp_socket": {
        "host": "string",
        "port": "int",
    },
    "runners.kubernetes.pod_spec": {
        "name": "string",
        "patch_path": "string",
        "patch": "string",
        "patch_type": "string",
    },
    "runners.kubernetes.autoscaler": {
        "max_pause_pods": "int",
        "pause_pod_image": "string",
        "pause_pod_priority_class_name": "string",
        "policy": "array-of-tables",
        "pause_pod_image_pull_secrets": "list[string]",
    },
    "runners.kubernetes.autoscaler.policy": {
        "periods": "list[string]",
        "timezone": "string",
        "idle_count": "int",
        "idle_time": "duration-string",
        "scale_factor": "float",
        "scale_factor_limit": "int",
        "preemptive_mode": "bool",
    },
    "runners.custom": {
        "config_exec": "string",
        "config_args": "list[string]",
        "config_exec_timeout": "int",
        "prepare_exec": "string",
        "prepare_args": "list[string]",
        "prepare_exec_timeout": "int",
        "run_exec": "string",
        "run_args": "list[string]",
        "cleanup_exec": "string",
        "cleanup_args": "list[string]",
        "cleanup_exec_timeout": "int",
        "graceful_kill_timeout": "int",
        "force_kill_timeout": "int",
    },
    "runners.autoscaler": {
        "capacity_per_instance": "int",
        "max_use_count": "int",
        "max_instances": "int",
        "plugin": "string",
        "plugin_config": "map[string]any",
        "connector_config": "table",
        "policy": "array-of-tables",
        "instance_ready_command": "string",
        "instance_acquire_timeout": "duration-string",
        "update_interval": "duration-string",
        "update_interval_when_expecting": "duration-string",
        "deletion_retry_interval": "duration-string",
        "shutdown_deletion_interval": "duration-string",
        "shutdown_deletion_retries": "int",
        "failure_threshold": "int",
        "scale_throttle": "table",
        "reservation_throttling": "bool",
        "log_internal_ip": "bool",
        "log_external_ip": "bool",
        "delete_instances_on_shutdown": "bool",
        "vm_isolation": "table",
        "state_storage": "table",
        "instance_operation_time_buckets": "list[float]",
        "instance_creation_time_buckets": "list[float]",
        "instance_is_running_time_buckets": "list[float]",
        "instance_deletion_time_buckets": "list[float]",
        "instance_readiness_time_buckets": "list[float]",
        "instance_life_duration_buckets": "list[float]",
    },
    "runners.autoscaler.connector_config": {
        "os": "string",
        "arch": "string",
        "protocol": "string",
        "protocol_port": "int",
        "username": "string",
        "password": "string",
        "key_path": "string",
        "use_static_credentials": "bool",
        "keepalive": "duration-string",
        "timeout": "duration-string",
        "use_external_addr": "bool",
    },
    "runners.autoscaler.policy": {
        "periods": "list[string]",
        "timezone": "string",
        "idle_count": "int",
        "idle_time": "duration-string",
        "scale_factor": "float",
        "scale_factor_limit": "int",
        "preemptive_mode": "bool",
    },
    "runners.autoscaler.scale_throttle": {
        "limit": "int",
        "burst": "int",
    },
    "runners.autoscaler.vm_isolation": {
        "enabled": "bool",
        "nesting_host": "string",
        "nesting_config": "map[string]any",
        "image": "string",
        "connector_config": "table",
    },
    "runners.autoscaler.vm_isolation.connector_config": {
        "os": "string",
        "arch": "string",
        "protocol": "string",
        "protocol_port": "int",
        "username": "string",
        "password": "string",
        "key_path": "string",
        "use_static_credentials": "bool",
        "keepalive": "duration-string",
        "timeout": "duration-string",
        "use_external_addr": "bool",
    },
    "runners.autoscaler.state_storage": {
        "enabled": "bool",
        "dir": "string",
        "keep_instance_with_acquisitions": "bool",
    },
    "machine": {
        "shutdown_drain": "table",
        "heartbeat": "table",
    },
    "machine.shutdown_drain": {
        "enabled": "bool",
        "concurrency": "int",
        "max_retries": "int",
        "retry_backoff": "duration-string",
    },
    "machine.heartbeat": {
        "concurrency": "int",
    },
    "experimental": {
        "usage_logger": "table",
    },
    "experimental.usage_logger": {
        "enabled": "bool",
        "writers": "list[string]",
        "logrotate": "table",
        "snowplow_billing": "table",
        "log_dir": "string",
        "max_backup_files": "int",
        "max_rotation_age": "duration-string",
        "labels": "map[string]string",
    },
    "experimental.usage_logger.logrotate": {
        "log_dir": "string",
        "max_backup_files": "int",
        "max_rotation_age": "duration-string",
        "labels": "map[string]string",
    },
    "experimental.usage_logger.snowplow_billing": {
        "collector_uri": "string",
        "app_id": "string",
        "category": "string",
        "realm": "string",
        "deployment_type": "string",
        "metadata": "map[string]string",
        "enable_oidc": "bool",
        "batch_delivery_duration_buckets": "list[float]",
        "skip_oidc_if_unsupported_cloud": "bool",
        "skip_runner_system_failure": "bool",
    },
}
