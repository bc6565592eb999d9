#!/usr/bin/python
# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ci_job
short_description: Run a CI job on a runner host the way GitLab Runner's docker executor would
version_added: 0.1.0
description:
  - Reads the deployed C(config.toml) of GitLab Runner, picks one C([[runners]]) table and runs a job with the
    host's C(docker) CLI as the docker executor sets it up, to prove that the configuration really works (socket
    passthrough, bind mounts of the builds directory, Docker-in-Docker with or without TLS, private registries).
  - Containers, the network, the volumes, the project directory and any host directory the job created are always
    removed, also when the job fails or cannot be set up.
  - A script that exits non-zero is reported through RV(rc), not as a task failure; the task fails only when the
    job cannot be set up (unreadable C(config.toml), unknown runner, missing image, a service that cannot start, a
    setting GitLab Runner would fail the job for).
  - "B(What it reproduces.) Each rule follows GitLab Runner's source, the Go module C(gitlab.com/gitlab-org/gitlab-runner)
    at C(v1.11.1-0.20260903214710-fc1f1862bd91) (a 19.4.0 development commit); the file and function are named, and
    where the runner has a table-driven test of the rule, this collection's unit tests run its rows against ci_job
    (C(tests/unit/plugins/module_utils/test_runner_tables.py))."
  - "Images: C(pull_policy) within C(allowed_pull_policies), each policy tried in turn (C(common/config.go:
    GetPullPolicies, GetAllowedPullPolicies), C(helpers/pull_policies/pull_policies.go: ComputeEffectivePullPolicies),
    C(executors/docker/internal/pull/manager.go: GetDockerImage)), with the registry credential of
    C(DOCKER_AUTH_CONFIG), the job's over the runner's, longest registry path first
    (C(helpers/docker/auth/auth.go: Resolver.ConfigForImage)). A job image (O(image)) must match
    C(allowed_images) unless it is the runner's own image (C(common/allowed_images.go: VerifyAllowedImage),
    C(executors/docker/docker.go: expandImageName)); the job's services (O(services)) must match
    C(allowed_services) unless they are the runner's own, and there are at most C(services_limit) services in all
    (C(executors/docker/services.go: getServicesDefinitions)). Patterns match as bmatcuk/doublestar v4 does."
  - "Privileges: the job container is privileged when C(privileged) is true and its image matches
    C(allowed_privileged_images), matched against the job's own image and against an empty name when the job names
    none (C(executors/docker/docker.go: createHostConfig, isInAllowedPrivilegedImages)); a service when
    C(services_privileged) (if set) else C(privileged) is true and its image matches C(allowed_privileged_services)
    (C(executors/docker/docker.go: createHostConfigForService))."
  - "Services: each is named after its image, tag, digest and registry port dropped (C(docker:20.10.24-dind) is
    C(docker); C(registry.example.com:5000/group/img:tag) is C(registry.example.com__group__img) and
    C(registry.example.com-group-img)), then its C(alias) names (C(helpers/container/services/services.go:
    SplitNameAndVersion)); a name an earlier service holds is skipped with a warning, a service left without a name
    is not started, and an image name Docker cannot parse fails the job when the service has an alias
    (C(executors/docker/services.go: createFromServiceDefinition)). A non-empty C(entrypoint) replaces the image's
    unless C(disable_entrypoint_overwrite); C(command) replaces its command (C(executors/docker/docker.go:
    createServiceContainerConfig, overwriteEntrypoint))."
  - "Volumes: the runner's C(volumes) go into the job and every service, binds and named volumes as written, an
    anonymous volume such as C(/certs/client) or C(/cache) as a volume (C(executors/docker/internal/volumes/manager.go:
    Create)); the builds directory is a volume of the job unless a volume is defined at that very path
    (C(executors/docker/docker.go: createBuildVolume)). When a volume with a source holds the builds directory, it is
    shared between jobs and the project goes to C(<builds_dir>/<short token>/0/<namespace>/<project>)
    (C(executors/docker/internal/volumes/utils.go: IsHostMountedVolume), C(common/build.go: ProjectUniqueDir),
    C(helpers/shorten_token.go: ShortenToken)), else to C(<builds_dir>/<namespace>/<project>). The project holds
    C(test/int-00/marker), a file with a random string (RV(marker)), so that a job can prove that what it
    bind-mounts is the project's data."
  - "Variables: in the runner's order, a later value winning: C(CI_JOB_IMAGE) (when O(image) is given), the runner's
    (C(CI_RUNNER_SHORT_TOKEN), its C(environment)), its defaults (C(CI_BUILDS_DIR), C(CI_PROJECT_DIR),
    C(CI_SERVER), C(CI_JOB_STATUS), C(CI_JOB_TIMEOUT) from O(timeout)...), GitLab's predefined ones (C(CI),
    C(GITLAB_CI), C(CI_JOB_ID), C(CI_PROJECT_PATH)...), O(variables), then C(CI_DISPOSABLE_ENVIRONMENT),
    C(RUNNER_TEMP_PROJECT_DIR) and C(CI_BUILD_NETWORK_NAME) (C(common/build.go: GetAllVariables),
    C(common/config.go: RunnerConfig.GetVariables)); then C($NAME), C(${NAME}) and C($$) are expanded one level deep
    (C(common/spec/variables.go: Expand)). Services get every job variable and then their own, expanded
    (C(common/build.go: GetServiceVariables)): that is how C(DOCKER_TLS_CERTDIR) reaches a dind service. Image names,
    service names and aliases are expanded with the job's variables (C(common/config.go: GetExpandedServices),
    C(common/build.go: expandContainerOptions))."
  - "The job container runs O(script) with C(sh -c) from the job image, keeping the image's entrypoint (the Docker
    CLI image's entrypoint chooses C(DOCKER_HOST)), in the project directory. Job and services both get
    C(extra_hosts), C(dns) and C(dns_search); only the job gets C(cap_add), C(cap_drop), C(security_opt),
    C(devices) and C(user), which must be in C(allowed_users) (C(executors/docker/docker.go: createHostConfig,
    createHostConfigForService, getBuildContainerUser), C(common/config.go: DockerConfig.IsUserAllowed))."
  - "The job network: with C(FF_NETWORK_PER_BUILD) on (the runner's C(feature_flags) table wins; else the variable,
    read by strconv.ParseBool: C(common/build_settings.go: populateFeatureFlags)) and no C(network_mode), the job
    gets a network of its own with C(network_mtu) as its MTU, the services join it under their names and the job
    container as C(build) (C(executors/docker/internal/networks/manager.go: Create, networkOptionsFromConfig),
    C(executors/docker/docker.go: createContainer))."
  - "Before the script it waits, at most C(wait_for_services_timeout) seconds (default 30, negative for no wait),
    until a TCP port of each service answers: C(HEALTHCHECK_TCP_PORT) of the service's environment (any letter
    case; not a number fails the job), else its exposed TCP ports, the lowest 20; a service without one is reported
    at once (C(executors/docker/services.go: waitForServices), C(executors/docker/docker.go:
    getContainerIPAndExposedPorts), C(commands/helpers/health_check.go)). A service that does not answer is a
    warning and the job runs, as with the runner."
  - "RV(mode) is the same inference as the config.toml findings' (C(docker_modes.infer_mode): the host's socket
    bound, a dind service, or privileged containers), and so is which service is a dind service for O(preload_images)
    (C(docker_modes.is_dind_service): a C(dind) word in its tag, a digest or not, or the alias C(docker))."
  - "B(What it does not reproduce.) Without C(FF_NETWORK_PER_BUILD), or with C(network_mode), the runner puts the job
    and its services on C(network_mode) or Docker's default bridge and writes each service name with its address
    into the job container's C(/etc/hosts), so that services cannot reach each other by name
    (C(executors/docker/services.go: createServices)); ci_job always gives the job a network of its own, without
    C(network_mtu) then. The names the job resolves are the same."
  - "The helper container: no git clone or fetch, no cache or artifact upload or download (the project is a
    generated checkout), no runner-side scripts (C(pre_get_sources_script), C(pre_build_script)...), no job timeout
    but O(timeout), no C(output_limit) and no log masking; the script runs with C(sh -c), not through the runner's
    shell detection on standard input."
  - "An anonymous volume is a fresh volume of this job, removed after it (as with C(disable_cache)); the runner keeps
    it between jobs as a cache volume, or under C(cache_dir) on the host. C(CI_CONCURRENT_ID) and the project slot
    are always 0. Volume destinations are not expanded with the job's variables."
  - "The health check probes the services from the host, one after the other against one deadline; the runner
    probes them at once, from helper containers on the job's network."
  - "Variables the runner adds that are not set: the feature flag variables (C(FF_*)), C(CI_RUNNER_VERSION) and the
    other version variables, file-type and secret variables, and GitLab's predefined variables other than those
    listed above. O(variables) are public, as C(.gitlab-ci.yml) variables are, so services get them too."
  - "Settings of a job's C(.gitlab-ci.yml) other than O(image), O(services), O(variables) and O(script): per-image
    C(pull_policy), C(docker:user), C(docker:platform), service ports."
  - "C([runners.docker]) options other than those above: resources and devices (C(memory), C(cpus),
    C(cgroup_parent), C(ulimit), C(gpus), C(services_devices), C(device_cgroup_rules)...), C(shm_size), C(tmpfs),
    C(services_tmpfs), C(sysctls), C(runtime), C(userns_mode), C(isolation), C(services_security_opt),
    C(ipc_mode), C(pid_mode), C(oom_kill_disable), C(volume_driver), C(volumes_from), C(links), C(mac_address),
    C(log_options), C(container_labels), C(volume_keep), C(helper_image). A C(host) other than a local
    C(unix://) socket is refused: jobs run there, not on this host."
  - "An C(environment) entry without C(=), which the runner leaves out silently, is refused with a message; the
    Windows and autoscaler executors are not supported."
author:
  - runnerops maintainers (@runnerops)
requirements:
  - Python 3.8 or later on the managed host.
options:
  config_path:
    description:
      - Path of the deployed C(config.toml).
    type: path
    default: /etc/gitlab-runner/config.toml
  runner:
    description:
      - C(name) of the C([[runners]]) table to use. Empty uses the first one.
      - Only C(executor = "docker") runners can be run here.
    type: str
    default: ""
  image:
    description:
      - Job image, as C(image:) of a C(.gitlab-ci.yml) job. Empty uses the runner's C([runners.docker] image).
    type: str
    default: ""
  services:
    description:
      - Services of the job, added after the runner's C([[runners.docker.services]]), as C(services:) of a
        C(.gitlab-ci.yml) job.
      - Each is an image string or a dict with C(name) (the image), C(alias) (names separated by commas or
        spaces), C(command) and C(entrypoint) (lists) and C(variables) (a dict).
    type: list
    elements: raw
    default: []
  variables:
    description:
      - Job variables (strings). They override the runner's C(environment) and the C(CI_*) variables and reach the
        services too, as in GitLab (that is how C(DOCKER_TLS_CERTDIR) reaches a dind service).
    type: dict
    default: {}
  script:
    description:
      - Shell lines of the job, run in order with C(sh -c); the first failing line ends the job with its exit code.
      - Each line is echoed as C($ <line>) before it runs, as in a job log.
    type: list
    elements: str
    required: true
  docker_overrides:
    description:
      - Keys merged over the runner's C([runners.docker]), each replacing the runner's value, for example
        C(volumes) without C(/builds:/builds) as a negative control.
    type: dict
    default: {}
  preload_images:
    description:
      - Images to C(docker save) from the host daemon and C(docker load) into each dind service (image tag with
        C(dind), or alias C(docker)) before the script runs.
      - Only for hosts where no registry is reachable; the job then finds the image without a pull. Leave it empty
        where a registry is reachable, so that pulls are tested too.
    type: list
    elements: str
    default: []
  project:
    description:
      - Project path C(namespace/project) under the builds directory (under C(<builds_dir>/<short token>/0) when a
        volume shares the builds directory, as the description says).
      - Empty uses C(runnerops-smoke/ci-job-<job id>), unique for each run. A project directory that already
        exists is never touched; the module fails instead.
    type: str
    default: ""
  timeout:
    description:
      - Seconds the script may run before its container is killed (RV(timed_out)).
    type: int
    default: 600
  plan_only:
    description:
      - Only read C(config.toml) and return the RV(plan) (the commands the job would run, the mode, the effective
        volumes and variables); run nothing. Works in check mode.
    type: bool
    default: false
attributes:
  check_mode:
    description: Runs nothing in check mode.
    support: partial
    details:
      - With O(plan_only=true) the module does its whole work in check mode too.
      - Otherwise it runs containers, so in check mode it only returns C(skipped) with a message.
  diff_mode:
    description: Has no diff to show.
    support: none
  idempotent:
    description: Running it again with the same options changes nothing on the host.
    support: full
    details:
      - Everything the job creates is removed before the module returns, so it always reports C(changed=false).
notes:
  - "Run it on the runner host as root (C(become=true)): it uses the host's Docker daemon and writes under the
    builds directory when a bind puts it on the host."
  - Variables, including the runner's C(environment), appear in RV(argv) and RV(plan); the values of variables
    named like secrets, proxy passwords and tokens are masked.
  - It is a check users can run without a GitLab, not a runner; the description says what of the docker executor it
    reproduces, and what it does not.
seealso:
  - plugin: runnerops.gitlab_runner.config_toml_findings
    plugin_type: filter
"""

EXAMPLES = r"""
- name: Prove that a socket runner's jobs can bind-mount project files (the builds directory is shared)
  runnerops.gitlab_runner.ci_job:
    runner: docker-socket
    script:
      - docker run --rm -v "$CI_PROJECT_DIR/test/int-00:/app/data" docker:27.3.1 cat /app/data/marker
  register: bind_mount
  become: true

- name: Check that the job saw the project's data
  ansible.builtin.assert:
    that:
      - bind_mount.rc == 0
      - bind_mount.marker in bind_mount.output
    fail_msg: "{{ bind_mount.output }}"

- name: Run hello-world through the dind service without TLS
  runnerops.gitlab_runner.ci_job:
    runner: docker-dind
    variables:
      DOCKER_TLS_CERTDIR: ""
    docker_overrides:
      volumes: ["/cache"]
    script:
      - docker info --format '{{ "{{" }}.ServerVersion{{ "}}" }}'
      - docker run --rm hello-world
  register: hello
  become: true

- name: Show what a job of the first runner would run
  runnerops.gitlab_runner.ci_job:
    script: ["true"]
    plan_only: true
  register: job_plan
"""

RETURN = r"""
rc:
  description: Exit code of the script; V(-1) when it was killed after O(timeout) seconds.
  returned: when the job ran
  type: int
  sample: 0
output:
  description: Output of the job (stdout and stderr), each script line preceded by C($ <line>); at most its last
    100000 characters.
  returned: when the job ran
  type: str
  sample: "$ docker run --rm hello-world\n\nHello from Docker!\n..."
timed_out:
  description: Whether the script ran longer than O(timeout) and was killed.
  returned: when the job ran
  type: bool
  sample: false
argv:
  description: The C(docker run) command line of the job container, for debugging.
  returned: when the job ran
  type: list
  elements: str
  sample: [docker, run, -d, --name, runnerops-ci-job-412345678-job, --network, runnerops-ci-job-412345678-network]
marker:
  description: The random string written to C(test/int-00/marker) in the project directory.
  returned: when the job ran
  type: str
  sample: runnerops-marker-3f2a9c0d4b1e6a7f8c9d0e1f2a3b4c5d
project_dir:
  description: C(CI_PROJECT_DIR) of the job, as the job container sees it.
  returned: when the job ran
  type: str
  sample: /builds/runnerops-smoke/ci-job-412345678
host_project_dir:
  description: Where the project lived on the host (removed again), or V(null) when it was in a volume.
  returned: when the job ran
  type: str
  sample: /builds/runnerops-smoke/ci-job-412345678
runner:
  description: Name of the runner whose settings were used.
  returned: always except in check mode without O(plan_only)
  type: str
  sample: docker-socket
mode:
  description: Docker mode of the runner inferred from its settings, V(socket), V(dind) or V(null).
  returned: always except in check mode without O(plan_only)
  type: str
  sample: socket
image:
  description: Job image used.
  returned: when the job ran
  type: str
  sample: docker:20.10.24
services:
  description: The services started, with their readiness.
  returned: when the job ran
  type: list
  elements: dict
  contains:
    image:
      description: Image of the service.
      type: str
    aliases:
      description: Host names of the service on the job network.
      type: list
      elements: str
    container:
      description: Container name (removed again).
      type: str
    privileged:
      description: Whether the service ran privileged.
      type: bool
    ready:
      description: Whether a TCP port of the service answered in time (V(null) when the wait is off).
      type: bool
    waited:
      description: Seconds spent waiting for it.
      type: float
    status:
      description: What the wait found.
      type: str
    logs:
      description: Last lines of its log, when it was not ready or the job failed.
      type: str
  sample: [{image: "docker:20.10.24-dind", aliases: [docker], privileged: true, ready: true, waited: 4.5}]
durations:
  description: Seconds spent setting up, starting services, running the script, cleaning up, and in total.
  returned: when the job ran
  type: dict
  sample: {setup: 0.8, services: 5.1, script: 2.3, cleanup: 1.2, total: 9.4}
cleanup_errors:
  description: What could not be removed (also shown as warnings).
  returned: when the job ran
  type: list
  elements: str
  sample: []
plan:
  description:
    - The job as planned from C(config.toml), O(docker_overrides) and the options; with O(plan_only=true) only.
    - Holds C(runner), C(mode), C(image), C(pull_policy) (the policies in effect), C(privileged) (the job
      container's), C(services_privileged) (the setting; each service's own C(privileged) has the allow-list
      applied), C(network), C(network_per_build), C(network_mtu), C(volumes) (each with C(spec), C(type),
      C(source), C(target), C(per_job) and the C(argument) given to C(docker run -v)), C(builds) (where the project
      lives), C(environment) (the runner's), C(variables) (all job variables), C(services) (each with C(image),
      C(aliases), C(privileged), C(dind), C(environment), C(command) and its C(argv)), C(job) (the C(docker)
      arguments of the job container) and C(warnings) (what GitLab Runner would warn about).
  returned: when O(plan_only=true)
  type: dict
  sample: {runner: docker-dind, mode: dind, image: "docker:20.10.24", volumes: [{spec: /certs/client, target: /certs/client}]}
"""

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_native

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import config_toml_reader, docker_job, secrets


def _argument_spec():
    return dict(
        config_path=dict(type="path", default="/etc/gitlab-runner/config.toml"),
        runner=dict(type="str", default=""),
        image=dict(type="str", default=""),
        services=dict(type="list", elements="raw", default=[]),
        variables=dict(type="dict", default={}),
        script=dict(type="list", elements="str", required=True),
        docker_overrides=dict(type="dict", default={}),
        preload_images=dict(type="list", elements="str", default=[]),
        project=dict(type="str", default=""),
        timeout=dict(type="int", default=600),
        plan_only=dict(type="bool", default=False),
    )


def _read_config(module, path):
    try:
        with open(path, "rb") as handle:
            text = handle.read()
    except (IOError, OSError) as error:
        module.fail_json(
            msg="cannot read %s: %s; point config_path at the deployed config.toml and run as root (become)"
            % (path, to_native(error))
        )
    try:
        return config_toml_reader.loads(text)
    except ValueError as error:
        module.fail_json(msg="%s: %s" % (path, to_native(error)))


def main():
    module = AnsibleModule(argument_spec=_argument_spec(), supports_check_mode=True)
    params = module.params
    if module.check_mode and not params["plan_only"]:
        module.exit_json(
            changed=False,
            skipped=True,
            msg="ci_job runs containers and is skipped in check mode; use plan_only=true to see the plan",
        )
    if params["timeout"] < 1:
        module.fail_json(msg="timeout must be at least 1 second, got %d" % params["timeout"])

    config = _read_config(module, params["config_path"])
    try:
        plan = docker_job.plan_job(
            config,
            runner=params["runner"] or None,
            image=params["image"] or None,
            services=params["services"],
            variables=params["variables"],
            script=params["script"],
            docker_overrides=params["docker_overrides"],
            project=params["project"] or None,
            timeout=params["timeout"],
        )
    except ValueError as error:
        module.fail_json(msg="%s: %s" % (params["config_path"], to_native(error)))
    # The job's variables hold the runner's environment: a proxy password, DOCKER_AUTH_CONFIG. Never in the result.
    # CI_RUNNER_SHORT_TOKEN is public: the runner shows it in every job and in shared project paths.
    for environment in [plan["variables"]] + [service["environment"] for service in plan["services"]]:
        public = dict((name, value) for name, value in environment.items() if name != "CI_RUNNER_SHORT_TOKEN")
        module.no_log_values.update(secret for secret in secrets.environment_secrets(public) if len(secret) >= 4)
    if params["plan_only"]:
        module.exit_json(changed=False, runner=plan["runner"], mode=plan["mode"], plan=plan)

    docker = module.get_bin_path("docker", required=True)

    def _docker(argv):
        return module.run_command([docker] + list(argv), errors="surrogate_then_replace")

    try:
        result = docker_job.run_job(plan, _docker, timeout=params["timeout"], preload_images=params["preload_images"])
    except docker_job.JobSetupError as error:
        module.fail_json(msg=to_native(error), **_reported(module, error.details))
    module.exit_json(changed=False, **_reported(module, result))


def _reported(module, result):
    """Turn the job's warnings and cleanup problems into task warnings; return the rest."""
    result = dict(result)
    for warning in result.pop("warnings", []):
        module.warn(warning)
    for problem in result.get("cleanup_errors", []):
        module.warn("cleanup: %s" % problem)
    return result


if __name__ == "__main__":
    main()
