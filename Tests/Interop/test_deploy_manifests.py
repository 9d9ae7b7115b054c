"""The deployment files say what the code does: docker-compose.yml and deploy/k8s/ run the five
services on the ports the code defaults to, with health checks on the gRPC port, resources, the
autoscalers and a persistent, append-only Redis; every STYLECAST_* variable they name is in
docs/operations.md. The Redis Cluster variants (the overlay deploy/k8s-cluster/, compose's
`cluster` profile) run six cluster nodes, form the cluster with one replica per primary, and
point the services at every node. No services or Redis needed: run alone with
    .venv-test/bin/python -m pytest -q Tests/Interop/test_deploy_manifests.py
scripts/test.sh also validates the manifests against the Kubernetes schemas (kubernetes-validate).
"""
import functools
import json
import os
import pathlib
import re
import shutil
import subprocess

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
CLUSTER = ROOT / "deploy" / "k8s-cluster"
SERVICE_NAMES = ["ingest", "text-embedding", "image-generation", "recommendation", "trend-aggregation"]


@functools.cache
def code_ports() -> dict:
    """name -> (gRPC port, metrics port), from StylecastServiceName's table in the contracts."""
    text = (ROOT / "Shared/StylecastContracts/StylecastServiceName.swift").read_text()
    # `case textEmbedding = "text-embedding"` or `case ingest`: the case and the service's name.
    names = {case: raw or case for case, raw in re.findall(r'^\s*case (\w+)(?: = "([a-z-]+)")?$', text, flags=re.M)}
    found = re.findall(r'^\s*\.(\w+): \((\d+), (\d+)\),$', text, flags=re.M)
    return {names[case]: (int(grpc), int(metrics)) for case, grpc, metrics in found}


@functools.cache
def kustomization() -> dict:
    return yaml.safe_load((K8S / "kustomization.yaml").read_text())


@functools.cache
def manifests() -> list:
    """Every resource of the files kustomization.yaml lists, in order."""
    resources = []
    for name in kustomization()["resources"]:
        resources += [doc for doc in yaml.safe_load_all((K8S / name).read_text()) if doc]
    return resources


def of_kind(kind: str) -> dict:
    return {r["metadata"]["name"]: r for r in manifests() if r["kind"] == kind}


def env_of(container: dict) -> dict:
    return {e["name"]: e.get("value") for e in container.get("env", [])}


@functools.cache
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_code_defines_the_five_services_and_their_ports():
    assert sorted(code_ports()) == sorted(SERVICE_NAMES)


def test_every_resource_listed_in_the_kustomization_exists_and_parses():
    listed = kustomization()["resources"]
    assert listed, "kustomization.yaml lists no resources"
    for name in listed:
        path = K8S / name
        assert path.is_file(), f"kustomization.yaml lists {name}, which does not exist"
        docs = [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
        assert docs, f"{name} holds no resource"
        for doc in docs:
            assert {"apiVersion", "kind", "metadata"} <= doc.keys(), f"{name}: {doc.get('kind')} lacks a field"
    yaml_files = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert yaml_files == set(listed), "every manifest in deploy/k8s is listed in kustomization.yaml"


def test_each_service_has_a_deployment_a_service_and_an_autoscaler():
    deployments, services, hpas = of_kind("Deployment"), of_kind("Service"), of_kind("HorizontalPodAutoscaler")
    # The services, and the cache Redis (redis-cache.yaml), which has neither gRPC nor an autoscaler.
    assert sorted(deployments) == sorted(SERVICE_NAMES + ["redis-cache"])
    for name in SERVICE_NAMES:
        assert name in services, f"no Service {name}"
        # All five are stateless (state in Redis, idempotent consumers), so all five autoscale.
        hpa = hpas[name]["spec"]
        assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
        assert 1 <= hpa["minReplicas"] <= hpa["maxReplicas"]
        # The autoscaler owns the replica count: a fixed one would be reset by every apply.
        assert "replicas" not in deployments[name]["spec"], f"{name}: replicas is set beside an autoscaler"


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_deployment_probes_its_grpc_port_natively_and_sets_resources(name):
    grpc_port, metrics_port = code_ports()[name]
    pod = of_kind("Deployment")[name]["spec"]["template"]
    [container] = pod["spec"]["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"grpc": grpc_port, "metrics": metrics_port}
    env = env_of(container)
    assert env["STYLECAST_GRPC_PORT"] == str(grpc_port)
    assert env["STYLECAST_METRICS_PORT"] == str(metrics_port)
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["grpc"]["port"] == grpc_port, f"{name}: {probe} is not a gRPC probe on {grpc_port}"
    # The image's entrypoint (OpenBLAS kernel) must run: the service goes in args, not command.
    assert "command" not in container and container["args"] == [name]
    for bound in ("requests", "limits"):
        assert {"cpu", "memory"} <= container["resources"][bound].keys(), f"{name}: no {bound}"
    annotations = pod["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/port"] == str(metrics_port)
    assert annotations["prometheus.io/path"] == "/metrics"
    # Longer than the drain the ConfigMap asks for plus the preStop pause.
    drain_s = int(of_kind("ConfigMap")["stylecast-config"]["data"]["STYLECAST_SHUTDOWN_GRACE_MS"]) / 1000
    assert pod["spec"]["terminationGracePeriodSeconds"] > drain_s + 5


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_service_exposes_grpc_and_metrics_of_its_pods(name):
    grpc_port, metrics_port = code_ports()[name]
    spec = of_kind("Service")[name]["spec"]
    pod_labels = of_kind("Deployment")[name]["spec"]["template"]["metadata"]["labels"]
    assert spec["selector"].items() <= pod_labels.items()
    ports = {p["name"]: (p["port"], p["targetPort"]) for p in spec["ports"]}
    assert ports == {"grpc": (grpc_port, "grpc"), "metrics": (metrics_port, "metrics")}


def test_redis_is_a_statefulset_with_a_volume_and_append_only_persistence():
    redis = of_kind("StatefulSet")["redis"]["spec"]
    [claim] = redis["volumeClaimTemplates"]
    [container] = redis["template"]["spec"]["containers"]
    assert {"name": claim["metadata"]["name"], "mountPath": "/data"} in container["volumeMounts"]
    script = " ".join(container["command"])
    assert "--appendonly yes" in script and "--dir /data" in script
    assert "--maxmemory-policy noeviction" in script
    assert of_kind("Service")["redis"]["spec"]["selector"].items() <= redis["template"]["metadata"]["labels"].items()
    assert of_kind("ConfigMap")["stylecast-config"]["data"]["STYLECAST_REDIS_URL"] == "redis://redis:6379/0"


def test_caches_live_in_a_capped_lru_redis_the_callers_cannot_fill_the_main_one_with():
    [container] = of_kind("Deployment")["redis-cache"]["spec"]["template"]["spec"]["containers"]
    args = " ".join(container["args"])
    assert "--maxmemory-policy allkeys-lru" in args and "--maxmemory " in args and "--appendonly no" in args
    assert of_kind("Service")["redis-cache"]["spec"]["selector"].items() <= (
        of_kind("Deployment")["redis-cache"]["spec"]["template"]["metadata"]["labels"].items())
    [embedding] = of_kind("Deployment")["text-embedding"]["spec"]["template"]["spec"]["containers"]
    assert env_of(embedding)["STYLECAST_CACHE_REDIS_URL"] == "redis://redis-cache:6379/0"
    cache = compose()["services"]["redis-cache"]
    assert cache["command"][cache["command"].index("--maxmemory-policy") + 1] == "allkeys-lru"
    assert compose()["services"]["text-embedding"]["environment"]["STYLECAST_CACHE_REDIS_URL"] == "redis://redis-cache:6379/0"


def test_secret_is_an_optional_placeholder():
    secret = of_kind("Secret")["stylecast-secrets"]
    assert not secret.get("data") and not secret.get("stringData"), "real values do not belong in git"
    for name in SERVICE_NAMES:
        [container] = of_kind("Deployment")[name]["spec"]["template"]["spec"]["containers"]
        refs = [source["secretRef"] for source in container["envFrom"] if "secretRef" in source]
        assert refs == [{"name": "stylecast-secrets", "optional": True}]


def test_image_generation_reaches_text_embedding_and_trends_by_service_name():
    ports = code_ports()
    [container] = of_kind("Deployment")["image-generation"]["spec"]["template"]["spec"]["containers"]
    env = env_of(container)
    assert env["STYLECAST_TEXT_EMBEDDING_TARGET"] == f"text-embedding:{ports['text-embedding'][0]}"
    assert env["STYLECAST_TRENDS_TARGET"] == f"trend-aggregation:{ports['trend-aggregation'][0]}"
    compose_env = compose()["services"]["image-generation"]["environment"]
    assert compose_env["STYLECAST_TEXT_EMBEDDING_TARGET"] == f"text-embedding:{ports['text-embedding'][0]}"
    assert compose_env["STYLECAST_TRENDS_TARGET"] == f"trend-aggregation:{ports['trend-aggregation'][0]}"


def test_recommendation_reaches_trends_by_service_name():
    target = f"trend-aggregation:{code_ports()['trend-aggregation'][0]}"
    [container] = of_kind("Deployment")["recommendation"]["spec"]["template"]["spec"]["containers"]
    assert env_of(container)["STYLECAST_TRENDS_TARGET"] == target
    assert compose()["services"]["recommendation"]["environment"]["STYLECAST_TRENDS_TARGET"] == target


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_compose_runs_each_service_with_health_check_and_restart_policy(name):
    grpc_port, metrics_port = code_ports()[name]
    service = compose()["services"][name]
    assert service["command"] == [name]
    assert service["restart"] in ("unless-stopped", "always", "on-failure")
    assert service["healthcheck"]["test"] == ["CMD", "stylecast", "health", "--target", f"127.0.0.1:{grpc_port}"]
    assert service["environment"]["STYLECAST_GRPC_PORT"] == str(grpc_port)
    assert service["environment"]["STYLECAST_METRICS_PORT"] == str(metrics_port)
    # The single Redis unless STYLECAST_REDIS_URL is set where compose runs (the cluster profile).
    assert service["environment"]["STYLECAST_REDIS_URL"] == "${STYLECAST_REDIS_URL:-redis://redis:6379/0}"
    assert service["depends_on"]["redis"]["condition"] == "service_healthy"


def test_compose_redis_is_append_only_on_a_volume():
    redis = compose()["services"]["redis"]
    assert "--appendonly" in redis["command"] and redis["command"][redis["command"].index("--appendonly") + 1] == "yes"
    assert any(volume.endswith(":/data") for volume in redis["volumes"])
    assert "healthcheck" in redis and redis["restart"] == "unless-stopped"


def dockerfile_stages() -> dict:
    """FROM ... AS name -> the stage's text; the last, unnamed stage is "run"."""
    stages, name, lines = {}, None, []
    for line in (ROOT / "deploy/Dockerfile").read_text().splitlines():
        match = re.match(r"FROM \S+(?: AS (\S+))?", line)
        if match:
            if name:
                stages[name] = "\n".join(lines)
            name, lines = match.group(1) or "run", []
        elif name:
            lines.append(line)
    stages[name] = "\n".join(lines)
    return stages


def test_image_builds_every_executable_and_ships_resources_beside_them():
    stages = dockerfile_stages()
    assert {"model", "build", "run"} <= stages.keys()
    products = re.search(r'products="([^"]+)"', stages["build"]).group(1).split()
    assert sorted(products) == sorted(SERVICE_NAMES + ["stylecast"])
    # `swift build` honours only the last --product: one call per product.
    assert re.search(r'for p in \$products; do swift build [^;]*--product "\$p"', stages["build"])
    # Bundle.module looks next to the executable first (the build path does not exist at run time).
    assert 'cp -R "$bin"/*.resources /out/' in stages["build"]
    assert "COPY --from=build /out/ /usr/local/bin/" in stages["run"]
    assert 'ENTRYPOINT ["/usr/local/bin/stylecast-entrypoint"]' in stages["run"]


def release_flags() -> list:
    """The flags every release build shares: stylecast_release_flags in scripts/lib/release-build.sh."""
    text = (ROOT / "scripts/lib/release-build.sh").read_text()
    return re.search(r"^stylecast_release_flags=\(([^)]*)\)$", text, flags=re.M).group(1).split()


def test_every_release_build_uses_the_shared_flags():
    flags = release_flags()
    assert flags[:2] == ["-c", "release"] and "--static-swift-stdlib" in flags
    # The image's binaries are built as the demo and the benchmarks build theirs.
    build = dockerfile_stages()["build"]
    calls = re.findall(r"swift build [^;]*", build)
    assert len(calls) == 2, calls
    assert all(" ".join(flags) in call for call in calls), calls
    # No script builds release binaries by itself (scripts/fuzz.sh builds its instrumented
    # binary in a scratch path of its own): a second set of flags would rebuild every module.
    direct = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "scripts").rglob("*.sh"))
        if path.name != "fuzz.sh"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"swift build\b.*-c release", line)
    ]
    assert not direct, f"release builds outside scripts/lib/release-build.sh: {', '.join(direct)}"
    users = [
        path for path in (ROOT / "scripts").rglob("*.sh") if path.parent.name != "lib" and "release_build " in path.read_text()
    ]
    assert len(users) >= 10 and all(". scripts/lib/release-build.sh" in path.read_text() for path in users)


def test_image_carries_the_text_model_where_stylecast_models_dir_points():
    stages = dockerfile_stages()
    assert "COPY --from=model /models/ /opt/stylecast/models/" in stages["run"]
    assert re.search(r"STYLECAST_MODELS_DIR=/opt/stylecast/models\b", stages["run"])
    assert "/models/all-MiniLM-L6-v2/model.safetensors" in stages["model"] and "sha256sum -c" in stages["model"]
    reference = pathlib.Path(
        os.environ.get("STYLECAST_REFERENCE_DIR") or ROOT.parent / "shared" / "reference"
    ) / "minilm_reference.json"
    if not reference.is_file():
        pytest.skip(f"{reference} is missing: the model hash cannot be compared")
    expected = json.loads(reference.read_text())["model_safetensors_sha256"]
    assert f"ARG MINILM_SHA256={expected}" in stages["model"]


def test_every_stylecast_variable_in_the_deployment_files_is_documented():
    documented = set(re.findall(r"`(STYLECAST_[A-Z0-9_]+)", (ROOT / "docs/operations.md").read_text()))
    files = [ROOT / "docker-compose.yml", ROOT / "deploy/Dockerfile", *sorted(K8S.glob("*.yaml"))]
    used = {
        (path.name, variable)
        for path in files
        for variable in re.findall(r"STYLECAST_[A-Z0-9_]+", path.read_text())
        if not variable.endswith("_")  # a family named in a comment, e.g. STYLECAST_INGEST_*
    }
    missing = sorted(f"{variable} ({name})" for name, variable in used if variable not in documented)
    assert not missing, f"not in docs/operations.md: {', '.join(missing)}"


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl (with kustomize) is not installed")
def test_kustomization_renders_into_the_stylecast_namespace():
    rendered = subprocess.run(
        ["kubectl", "kustomize", str(K8S)], check=True, capture_output=True, text=True
    ).stdout
    resources = [doc for doc in yaml.safe_load_all(rendered) if doc]
    assert len(resources) == len(manifests())
    for resource in resources:
        if resource["kind"] != "Namespace":
            assert resource["metadata"]["namespace"] == "stylecast", resource["metadata"]["name"]


# The Redis Cluster variant of deploy/k8s: the overlay deploy/k8s-cluster.


@functools.cache
def cluster_kustomization() -> dict:
    return yaml.safe_load((CLUSTER / "kustomization.yaml").read_text())


@functools.cache
def cluster_manifests() -> list:
    """Every resource of the overlay's own files (not its base's), in order."""
    resources = []
    for name in cluster_kustomization()["resources"]:
        if (CLUSTER / name).is_file():
            resources += [doc for doc in yaml.safe_load_all((CLUSTER / name).read_text()) if doc]
    return resources


def cluster_of_kind(kind: str) -> dict:
    return {r["metadata"]["name"]: r for r in cluster_manifests() if r["kind"] == kind}


def cluster_patches() -> list:
    """(where, patch document) of every patch of the overlay, from a file or inline."""
    found = []
    for patch in cluster_kustomization()["patches"]:
        text = (CLUSTER / patch["path"]).read_text() if "path" in patch else patch["patch"]
        found += [(patch.get("path", "inline"), doc) for doc in yaml.safe_load_all(text) if doc]
    return found


def cluster_statefulset() -> dict:
    [statefulset] = cluster_of_kind("StatefulSet").values()
    return statefulset


def cluster_node_script() -> str:
    [container] = cluster_statefulset()["spec"]["template"]["spec"]["containers"]
    return " ".join(container["command"])


def cluster_config() -> dict:
    [patch] = [doc for _, doc in cluster_patches() if doc["kind"] == "ConfigMap"]
    return patch["data"]


def node_count_and_primaries() -> tuple:
    """(pods of the StatefulSet, primaries): the create Job gives each primary one replica."""
    replicas = cluster_statefulset()["spec"]["replicas"]
    return replicas, replicas // 2


def seed_hosts(url: str) -> tuple:
    """redis://[userinfo@]h1:p1,h2:p2,.../db -> ([(host, port), ...], db)."""
    match = re.fullmatch(r"redis://(?:[^@/]*@)?([^/@]+)/(\d+)", url)
    assert match, f"not a redis:// URL with a database: {url}"
    seeds = [(host, int(port)) for host, port in (node.rsplit(":", 1) for node in match.group(1).split(","))]
    return seeds, int(match.group(2))


def test_cluster_overlay_builds_on_the_base_and_lists_its_own_files():
    kustomization = cluster_kustomization()
    assert kustomization["namespace"] == "stylecast"
    # The whole base: a folder, so kustomize builds it (with its images and labels) first.
    assert "../k8s" in kustomization["resources"]
    own = [name for name in kustomization["resources"] if name != "../k8s"]
    patch_files = [patch["path"] for patch in kustomization["patches"] if "path" in patch]
    for name in own + patch_files:
        path = CLUSTER / name
        assert path.is_file(), f"kustomization.yaml lists {name}, which does not exist"
        for doc in (doc for doc in yaml.safe_load_all(path.read_text()) if doc):
            assert {"apiVersion", "kind", "metadata"} <= doc.keys(), f"{name}: {doc.get('kind')} lacks a field"
    yaml_files = {p.name for p in CLUSTER.glob("*.yaml")} - {"kustomization.yaml"}
    assert yaml_files == set(own + patch_files), "every manifest in deploy/k8s-cluster is listed"


def test_cluster_overlay_replaces_the_single_redis_and_keeps_the_cache_redis():
    base = {(r["kind"], r["metadata"]["name"]) for r in manifests()}
    for where, doc in cluster_patches():
        assert (doc["kind"], doc["metadata"]["name"]) in base, f"patch {where} targets nothing in deploy/k8s"
    deleted = {(doc["kind"], doc["metadata"]["name"]) for _, doc in cluster_patches() if doc.get("$patch") == "delete"}
    # The cache Redis (disposable LRU entries, redis-cache) stays one node.
    assert deleted == {("StatefulSet", "redis"), ("Service", "redis")}


def test_redis_cluster_is_a_statefulset_of_six_cluster_enabled_nodes_with_volumes():
    statefulset = cluster_statefulset()
    spec = statefulset["spec"]
    assert spec["replicas"] == 6
    # No pod is ready before the cluster is formed: all must start at once.
    assert spec["podManagementPolicy"] == "Parallel"
    [container] = spec["template"]["spec"]["containers"]
    script = cluster_node_script()
    assert "--cluster-enabled yes" in script
    timeout = int(re.search(r"--cluster-node-timeout (\d+)", script).group(1))
    assert 1000 <= timeout <= 15000, f"cluster-node-timeout {timeout} ms"
    assert "--appendonly yes" in script and "--dir /data" in script
    assert "--maxmemory-policy noeviction" in script
    [claim] = spec["volumeClaimTemplates"]
    assert {"name": claim["metadata"]["name"], "mountPath": "/data"} in container["volumeMounts"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"redis": 6379, "cluster-bus": 16379}
    readiness = " ".join(container["readinessProbe"]["exec"]["command"])
    assert "cluster_state:ok" in readiness
    assert {"startupProbe", "livenessProbe"} <= container.keys()
    # The governing Service: headless, publishing pods before they are ready (the create Job
    # and the other nodes reach them by name first).
    service = cluster_of_kind("Service")[spec["serviceName"]]["spec"]
    assert service["clusterIP"] == "None" and service["publishNotReadyAddresses"] is True
    assert service["selector"].items() <= spec["template"]["metadata"]["labels"].items()
    budget = cluster_of_kind("PodDisruptionBudget")[statefulset["metadata"]["name"]]["spec"]
    assert budget["maxUnavailable"] == 1 and budget["selector"] == spec["selector"]


def test_create_job_forms_the_cluster_with_one_replica_per_primary_only_when_empty():
    [job] = cluster_of_kind("Job").values()
    [container] = job["spec"]["template"]["spec"]["containers"]
    script = " ".join(container["command"])
    assert "redis-cli --cluster create" in script
    assert re.search(r"--cluster create .*--cluster-replicas 1 --cluster-yes", script)
    # It waits for every pod of the StatefulSet, by its DNS name.
    statefulset = cluster_statefulset()
    assert int(re.search(r"\breplicas=(\d+)", script).group(1)) == statefulset["spec"]["replicas"]
    name, service = statefulset["metadata"]["name"], statefulset["spec"]["serviceName"]
    assert f"host={name}-$i.{service}" in script
    # Idempotent: it counts the empty nodes (knowing no other node, holding no slot) and creates
    # only when all are, else checks.
    assert script.count("--cluster create") == 1
    assert script.index("cluster_known_nodes:1") < script.index("cluster_slots_assigned:0") < script.index("--cluster create")
    assert re.search(r'if \[ "\$empty" -eq "\$replicas" \]; then\n(?:[^\n]*\n)?\s*redis-cli --cluster create ', container["command"][-1])
    assert "redis-cli --cluster check" in script
    _, primaries = node_count_and_primaries()
    assert primaries >= 3, "Redis Cluster needs at least three primaries"


def test_cluster_configmap_points_the_services_at_every_pod_by_its_dns_name():
    statefulset = cluster_statefulset()
    name, service = statefulset["metadata"]["name"], statefulset["spec"]["serviceName"]
    replicas, _ = node_count_and_primaries()
    seeds, database = seed_hosts(cluster_config()["STYLECAST_REDIS_URL"])
    # The pod's name in its namespace (short), or fully qualified.
    hosts = [re.sub(r"\.stylecast(\.svc(\.cluster\.local)?)?$", "", host) for host, _ in seeds]
    assert len(seeds) > 1, "a single seed: the client loses the cluster when that pod is away"
    assert sorted(hosts) == sorted(f"{name}-{i}.{service}" for i in range(replicas))
    assert {port for _, port in seeds} == {6379}
    assert database == 0, "Redis Cluster has database 0 only"


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl (with kustomize) is not installed")
def test_cluster_overlay_renders_without_the_single_redis():
    rendered = subprocess.run(
        ["kubectl", "kustomize", str(CLUSTER)], check=True, capture_output=True, text=True
    ).stdout
    resources = [doc for doc in yaml.safe_load_all(rendered) if doc]
    names = {(r["kind"], r["metadata"]["name"]) for r in resources}
    assert ("StatefulSet", "redis") not in names and ("Service", "redis") not in names
    assert {("StatefulSet", "redis-cluster"), ("Job", "redis-cluster-create"), ("Deployment", "redis-cache")} <= names
    assert len(resources) == len(manifests()) - 2 + len(cluster_manifests())
    for resource in resources:
        if resource["kind"] != "Namespace":
            assert resource["metadata"]["namespace"] == "stylecast", resource["metadata"]["name"]
    [config] = [r for r in resources if r["kind"] == "ConfigMap"]
    base = of_kind("ConfigMap")["stylecast-config"]["data"]
    assert config["data"] == {**base, **cluster_config()}, "the patch changes only its own keys"


def compose_cluster_nodes() -> dict:
    return {name: service for name, service in compose()["services"].items()
            if service.get("profiles") == ["cluster"] and name.startswith("redis-node-")}


def test_compose_cluster_profile_runs_six_cluster_nodes_and_a_create_service():
    nodes = compose_cluster_nodes()
    assert sorted(nodes) == [f"redis-node-{i}" for i in range(1, 7)]
    for name, node in nodes.items():
        script = " ".join(node["command"])
        assert "--cluster-enabled yes" in script and "--appendonly yes" in script, name
        assert node["environment"]["NODE_NAME"] == name
        assert any(volume.endswith(":/data") for volume in node["volumes"]), name
        assert "healthcheck" in node, name
    create = compose()["services"]["redis-cluster-create"]
    assert create["profiles"] == ["cluster"] and create["restart"] == "no"
    assert {name: d["condition"] for name, d in create["depends_on"].items()} == {n: "service_healthy" for n in nodes}
    script = " ".join(create["command"])
    assert re.search(r"--cluster create .*--cluster-replicas 1 --cluster-yes", script)
    assert script.count("--cluster create") == 1
    assert re.search(r'if \[ "\$\$empty" -eq 6 \]; then\n(?:[^\n]*\n)?\s*redis-cli --cluster create ', create["command"][-1])
    assert f"for name in {' '.join(sorted(nodes))};" in script
    # Without the profile, compose runs what it ran before: the single Redis and the services.
    plain = {name for name, service in compose()["services"].items() if "profiles" not in service}
    assert plain == {"redis", "redis-cache", *SERVICE_NAMES}


def test_compose_file_shows_the_seed_list_of_its_cluster_nodes():
    text = (ROOT / "docker-compose.yml").read_text()
    [url] = re.findall(r"^#\s+STYLECAST_REDIS_URL=(\S+)", text, flags=re.M)
    seeds, database = seed_hosts(url)
    assert sorted(host for host, _ in seeds) == sorted(compose_cluster_nodes())
    assert {port for _, port in seeds} == {6379} and database == 0
