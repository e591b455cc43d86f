"""What the chart and compose file must hold beyond schema validity (scripts/test-deploy).

Usage: check_manifests.py chart RENDERED.yaml [--fixed-workers] | compose COMPOSE_CONFIG.yaml
"""
import sys

import yaml


def fail(msg):
    print(f"check_manifests: {msg}", file=sys.stderr)
    sys.exit(1)


def by_kind(docs, kind):
    return {d["metadata"]["name"]: d for d in docs if d and d.get("kind") == kind}


def check_chart(path, fixed_workers):
    docs = [d for d in yaml.safe_load_all(open(path)) if d]
    deployments = by_kind(docs, "Deployment")
    roles = {}
    for name, d in deployments.items():
        pod = d["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        args = container["args"]
        if args[:2] != ["serve", "--role"]:
            fail(f"{name}: runs {args}, not serve --role")
        roles[args[2]] = d
        if not pod["securityContext"].get("runAsNonRoot"):
            fail(f"{name}: pods may run as root")
        if container["securityContext"].get("allowPrivilegeEscalation") is not False:
            fail(f"{name}: privilege escalation allowed")
        if container["livenessProbe"]["httpGet"]["path"] != "/health":
            fail(f"{name}: liveness probe is not /health")
        if container["readinessProbe"]["httpGet"]["path"] != "/ready":
            fail(f"{name}: readiness probe is not /ready")
        env = {e["name"]: e for e in container["env"]}
        for secret in ("AGENTRY_DATABASE_URL", "AGENTRY_ENCRYPTION_KEY"):
            if "secretKeyRef" not in env.get(secret, {}).get("valueFrom", {}):
                fail(f"{name}: {secret} does not come from a Secret")
        selector = d["spec"]["selector"]["matchLabels"]
        labels = d["spec"]["template"]["metadata"]["labels"]
        if any(labels.get(k) != v for k, v in selector.items()):
            fail(f"{name}: the selector does not match the pod labels")
    if set(roles) != {"api", "worker", "scheduler"}:
        fail(f"deployments for roles {sorted(roles)}, want api, worker and scheduler")
    if "replicas" not in roles["api"]["spec"] or "replicas" not in roles["scheduler"]["spec"]:
        fail("api and scheduler need their own replica counts")

    hpas = by_kind(docs, "HorizontalPodAutoscaler")
    if fixed_workers:
        if hpas or "replicas" not in roles["worker"]["spec"]:
            fail("with autoscaling off, workers need a fixed replica count and no HPA")
    else:
        (hpa,) = hpas.values()
        target = hpa["spec"]["scaleTargetRef"]["name"]
        if target != roles["worker"]["metadata"]["name"]:
            fail(f"the HPA scales {target}, not the workers")
        if "replicas" in roles["worker"]["spec"]:
            fail("an autoscaled Deployment must not set replicas (the HPA owns it)")

    pdbs = by_kind(docs, "PodDisruptionBudget")
    covered = {p["spec"]["selector"]["matchLabels"]["app.kubernetes.io/component"] for p in pdbs.values()}
    if not {"api", "worker"} <= covered:
        fail(f"PodDisruptionBudgets cover {sorted(covered)}, want api and worker")

    jobs = by_kind(docs, "Job")
    (job,) = jobs.values()
    if job["spec"]["template"]["spec"]["containers"][0]["args"] != ["migrate"]:
        fail("the migration Job does not run `agentry migrate`")
    if "pre-upgrade" not in job["metadata"]["annotations"].get("helm.sh/hook", ""):
        fail("the migration Job is not a pre-upgrade hook")

    secrets = by_kind(docs, "Secret")
    refs = {
        e["valueFrom"]["secretKeyRef"]["name"]
        for d in deployments.values()
        for e in d["spec"]["template"]["spec"]["containers"][0]["env"]
        if "valueFrom" in e
    }
    missing = refs - set(secrets) - {"agentry-db", "agentry-keys"}
    if missing:
        fail(f"Deployments refer to Secrets the chart does not make: {sorted(missing)}")
    if not by_kind(docs, "Service"):
        fail("no Service for the API")
    print(f"chart ok: {len(docs)} manifests, roles {sorted(roles)}")


def check_compose(path):
    config = yaml.safe_load(open(path))
    services = config["services"]
    commands = {name: s.get("command", []) for name, s in services.items()}
    api = [n for n, c in commands.items() if c[:3] == ["serve", "--role", "api,scheduler"]]
    workers = [n for n, c in commands.items() if c[:3] == ["serve", "--role", "worker"]]
    if len(api) != 2 or len(workers) != 2:
        fail(f"want two API and two worker processes, got {api} and {workers}")
    for needed in ("postgres", "redis", "migrate"):
        if needed not in services:
            fail(f"no {needed} service")
    for name in api + workers:
        env = services[name]["environment"]
        if not env["AGENTRY_DATABASE_URL"].startswith("postgres://"):
            fail(f"{name} is not on PostgreSQL")
        if "redis" not in env.get("AGENTRY_REDIS_URL", ""):
            fail(f"{name} does not use Redis")
        if services[name]["depends_on"]["migrate"]["condition"] != "service_completed_successfully":
            fail(f"{name} may start before the migrations ran")
    print(f"compose ok: {len(services)} services, API {api}, workers {workers}")


def check_dockerfile(path):
    stages = open(path).read().split("\nFROM ")
    last = stages[-1]
    users = [line.split()[1] for line in last.splitlines() if line.startswith("USER ")]
    if len(stages) < 3:
        fail("the Dockerfile is not multi-stage")
    if not users or users[-1].split(":")[0] in ("root", "0"):
        fail("the runtime image runs as root")
    print(f"Dockerfile ok: {len(stages)} stages, runs as {users[-1]}")


if __name__ == "__main__":
    what = sys.argv[1]
    if what == "chart":
        check_chart(sys.argv[2], "--fixed-workers" in sys.argv)
    elif what == "compose":
        check_compose(sys.argv[2])
    elif what == "dockerfile":
        check_dockerfile(sys.argv[2])
    else:
        fail(f"unknown check {what}")
