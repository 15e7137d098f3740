#!/usr/bin/env python3
"""Benchmarks of the docker-registry charm: the shipped binary under charm-sim against the real dockerd.

    Benchmarks/run.py [--runs N] [--output FILE]

Needs `make charm` (bin/docker-registry-charm), a charm-sim build (CHARM_SIM_BIN, default the one `make sim-release`
builds, .build-sim-static/release/charm-sim: every hook-tool call is a charm-sim process, and that build starts fastest),
a dockerd that answers and the test images (scripts/test-env.sh). It deploys into a scratch state directory, runs
every measurement, removes the deployment, writes the results as JSON (default Benchmarks/results.json) and prints
a Markdown summary.

Every time is also given as a ratio to references measured in the same run (one bare `docker container inspect`
through the CLI, and the charm binary starting and exiting), because absolute times on these machines move from
run to run. Hook times are the hook process's wall time as charm-sim measures it (spawn to exit); docker calls are
CLI calls counted by a shim (the charm's reads through the engine's socket are not CLI calls); peak RSS is the
hook process's `ru_maxrss`.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REGISTRY_IMAGE = os.environ.get("REGISTRY_IMAGE", "localhost/registry:test")
BUSYBOX_IMAGE = os.environ.get("BUSYBOX_IMAGE", "localhost/busybox:test")


def run(args, check=True, env=None, input_text=None):
    """Runs a command; returns the CompletedProcess (text)."""
    result = subprocess.run(args, capture_output=True, text=True, env=env, input=input_text)
    if check and result.returncode != 0:
        raise SystemExit(f"bench: {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}")
    return result


def median(values):
    return statistics.median(values) if values else float("nan")


def timed(command, runs, env=None):
    """Median wall time in ms of running `command` `runs` times (its exit code ignored)."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, env=env)
        samples.append((time.perf_counter() - start) * 1000)
    return median(samples)


class Deployment:
    """The charm deployed under charm-sim in a scratch directory, with a docker shim counting CLI calls."""

    def __init__(self, sim_binary, charm_binary):
        self.work = tempfile.mkdtemp(prefix="charm-bench-")
        self.sim_binary = sim_binary
        charm = os.path.join(self.work, "charm")
        os.makedirs(os.path.join(charm, "bin"))
        for name in ["metadata.yaml", "config.yaml", "actions.yaml", "manifest.yaml"]:
            shutil.copy(os.path.join(ROOT, name), charm)
        for name in ["dispatch", "hooks", "actions", "templates"]:
            run(["cp", "-a", os.path.join(ROOT, name), charm])
        shutil.copy(charm_binary, os.path.join(charm, "bin", "docker-registry-charm"))
        self.charm = charm
        shim = os.path.join(self.work, "shim")
        os.makedirs(shim)
        self.call_log = os.path.join(self.work, "docker-calls.log")
        real = shutil.which("docker")
        with open(os.path.join(shim, "docker"), "w") as script:
            script.write(f'#!/bin/sh\necho "$*" >>"$DOCKER_CALL_LOG"\nexec "{real}" "$@"\n')
        os.chmod(os.path.join(shim, "docker"), 0o755)
        self.env = dict(os.environ)
        self.env.update({
            "DOCKER_CALL_LOG": self.call_log,
            "CHARM_SIM_PASSTHROUGH_ENV": "DOCKER_CALL_LOG",
            "PATH": shim + ":" + os.environ["PATH"],
        })

    def sim(self, *args, check=True):
        return run([self.sim_binary, "--state-dir", os.path.join(self.work, "state"), *args], check, self.env)

    def model(self):
        with open(os.path.join(self.work, "state", "model.json")) as handle:
            return json.load(handle)

    def history(self):
        return json.loads(self.sim("history", "--format", "json").stdout)

    def status(self):
        report = json.loads(self.sim("status", "--format", "json").stdout)
        unit = report["application"]["units"]["docker-registry/0"]["workload-status"]
        return unit["current"], unit.get("message", "")

    def measure_hooks(self, label, action, runs):
        """Runs `action` (one hook each) `runs` times; returns the medians of what the hooks cost."""
        before = len(self.history())
        chunks = []
        for _ in range(runs):
            open(self.call_log, "w").close()
            action()
            with open(self.call_log) as log:
                chunks.append(len([line for line in log if line.strip()]))
        records = self.history()[before:]
        failed = [r for r in records if r.get("exit-code") != 0]
        if failed:
            raise SystemExit(f"bench: {label}: a hook failed: {failed[0].get('stderr', '')}")
        return {
            "label": label,
            "runs": runs,
            "median_ms": median([r["duration-ms"] for r in records]),
            "tool_calls": median([len(r.get("tool-calls", [])) for r in records]),
            "tool_call_names": [c.split(" ")[0] for c in records[-1].get("tool-calls", [])],
            "docker_cli_calls": median(chunks),
            "peak_rss_mib": median([r.get("peak-rss-kib", 0) for r in records]) / 1024,
        }

    def direct_update_status(self, runs):
        """Median ms of the charm binary run as `update-status` without charm-sim: its one hook tool, `state-get`,
        is a shell script printing the unit's state as charm-sim holds it. Separates the binary's share of the hook
        from the agent's (charm-sim's hook spawn and its `state-get`)."""
        model = self.model()
        unit = next(u for u in model["units"] if u["name"] == "docker-registry/0")
        tools = os.path.join(self.work, "fake-tools")
        os.makedirs(tools, exist_ok=True)
        with open(os.path.join(tools, "state.json"), "w") as handle:
            json.dump(unit.get("state", {}), handle)
        calls = os.path.join(self.work, "fake-tool-calls.log")
        for name in ["state-get", "config-get", "state-set", "status-set", "juju-log", "unit-get", "relation-ids",
                     "relation-get", "relation-list", "is-leader"]:
            path = os.path.join(tools, name)
            with open(path, "w") as script:
                body = f'cat "{tools}/state.json"' if name == "state-get" else "true"
                script.write(f'#!/bin/sh\necho {name} >>"{calls}"\n{body}\n')
            os.chmod(path, 0o755)
        env = {
            "PATH": tools + ":/usr/bin:/bin",
            "JUJU_DISPATCH_PATH": "hooks/update-status",
            "JUJU_UNIT_NAME": "docker-registry/0",
            "JUJU_CHARM_DIR": self.charm,
            "JUJU_CONTEXT_ID": "bench",
            "JUJU_VERSION": model.get("jujuVersion", "3.6.4"),
        }
        binary = os.path.join(self.charm, "bin", "docker-registry-charm")
        open(calls, "w").close()
        subprocess.run([binary], capture_output=True, env=env, check=True)
        with open(calls) as log:
            names = [line.strip() for line in log if line.strip()]
        return {"median_ms": timed([binary], runs, env=env), "tool_calls": names}

    def remove(self):
        self.sim("remove", check=False)
        run(["docker", "rm", "-f", "registry"], check=False)
        shutil.rmtree(self.work, ignore_errors=True)


def relate(deployment, endpoint, remote, data):
    path = os.path.join(deployment.work, f"data-{endpoint}.json")
    with open(path, "w") as handle:
        json.dump(data, handle)
    answer = deployment.sim("relate", endpoint, remote, "--unit-data", path, "--format", "json")
    return json.loads(answer.stdout)["id"]


def downtime_during_recreation(deployment, toggles=5):
    """Polls /v2/ every 10 ms while the container is re-created; returns the longest gap in ms, per toggle."""
    gaps = []
    for index in range(toggles):
        failures = []
        stop = threading.Event()

        def poll():
            failing_since = None
            while not stop.is_set():
                try:
                    urllib.request.urlopen("http://127.0.0.1:5000/v2/", timeout=1).read()
                    if failing_since is not None:
                        failures.append((time.perf_counter() - failing_since) * 1000)
                        failing_since = None
                except (urllib.error.URLError, ConnectionError, OSError):
                    if failing_since is None:
                        failing_since = time.perf_counter()
                time.sleep(0.01)
            if failing_since is not None:
                failures.append((time.perf_counter() - failing_since) * 1000)

        poller = threading.Thread(target=poll)
        poller.start()
        deployment.sim("config", f"storage-delete={'true' if index % 2 == 0 else 'false'}")
        time.sleep(1.0)
        stop.set()
        poller.join()
        gaps.append(max(failures) if failures else 0.0)
    return gaps


def action_status(answer):
    """The task status from `charm-sim run --format json` (`completed`, `failed`), or why there is none."""
    try:
        report = json.loads(answer.stdout)
        return next(iter(report.values())).get("status", "unknown")
    except (ValueError, StopIteration, AttributeError):
        return f"no result (exit {answer.returncode})"


def push_comparison(deployment, runs):
    """Median ms of the push action against a plain docker tag + push of the same image to a fresh tag.

    The action is timed twice: the whole `charm-sim run` (the operator's command: charm-sim loading and saving its
    model, building the context, spawning the action, collecting the results) and the action process alone, spawn
    to exit, as charm-sim records it in its model (the way hooks are timed)."""
    action, process, plain = [], [], []
    tool_calls = []
    for index in range(runs):
        start = time.perf_counter()
        result = deployment.sim("run", "push", f"image={BUSYBOX_IMAGE}", "pull=false",
                                f"tag=127.0.0.1:5000/bench/action:{index}", "--format", "json", check=False)
        action.append((time.perf_counter() - start) * 1000)
        if action_status(result) != "completed":
            return {"error": result.stdout.strip() or result.stderr.strip()}
        record = deployment.model()["actions"][-1]
        process.append(record["durationMilliseconds"])
        tool_calls = record.get("toolCalls", [])
        # Through the same docker shim as the charm's calls (the deployment's PATH), so both sides pay it.
        start = time.perf_counter()
        run(["docker", "tag", BUSYBOX_IMAGE, f"127.0.0.1:5000/bench/plain:{index}"], env=deployment.env)
        run(["docker", "push", f"127.0.0.1:5000/bench/plain:{index}"], env=deployment.env)
        plain.append((time.perf_counter() - start) * 1000)
        run(["docker", "rmi", f"127.0.0.1:5000/bench/action:{index}", f"127.0.0.1:5000/bench/plain:{index}"],
            check=False)
    return {"action_ms": median(action), "action_process_ms": median(process), "plain_ms": median(plain),
            "ratio": median(action) / median(plain), "process_ratio": median(process) / median(plain),
            "action_tool_calls": tool_calls}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--output", default=os.path.join(ROOT, "Benchmarks", "results.json"))
    options = parser.parse_args()
    sim_binary = os.environ.get("CHARM_SIM_BIN", os.path.join(ROOT, ".build-sim-static", "release", "charm-sim"))
    charm_binary = os.environ.get("CHARM_BINARY", os.path.join(ROOT, "bin", "docker-registry-charm"))
    for path in [sim_binary, charm_binary]:
        if not os.access(path, os.X_OK):
            raise SystemExit(f"bench: {path} is missing (make charm sim-release)")
    run(["docker", "info"])
    run(["docker", "rm", "-f", "registry"], check=False)
    runs = options.runs
    results = {
        "machine": {"cores": os.cpu_count(), "load": open("/proc/loadavg").read().split()[0]},
        "runs": runs,
        "binary_size_mib": os.path.getsize(charm_binary) / 1024 / 1024,
        "charm_sim": {"path": os.path.relpath(sim_binary, ROOT), "size_mib": os.path.getsize(sim_binary) / 1024 / 1024},
    }
    deployment = Deployment(sim_binary, charm_binary)
    try:
        start = time.perf_counter()
        deployment.sim("deploy", deployment.charm, f"registry-image={REGISTRY_IMAGE}")
        results["deploy_to_active_ms"] = (time.perf_counter() - start) * 1000
        results["deploy_status"] = deployment.status()
        run(["docker", "tag", BUSYBOX_IMAGE, "127.0.0.1:5000/bench/first:1"])
        run(["docker", "push", "127.0.0.1:5000/bench/first:1"])
        results["deploy_to_first_push_ms"] = (time.perf_counter() - start) * 1000
        run(["docker", "rmi", "127.0.0.1:5000/bench/first:1"], check=False)
        deployment.sim("update-status")

        results["reference_inspect_ms"] = timed(["docker", "container", "inspect", "registry"], runs)
        results["reference_binary_start_ms"] = timed(["env", "-i", charm_binary], runs)

        hooks = []
        hooks.append(deployment.measure_hooks("update-status, nothing to do", lambda: deployment.sim("update-status"),
                                              runs))
        results["direct_update_status"] = deployment.direct_update_status(runs)
        hooks.append(deployment.measure_hooks("config-changed, nothing changed",
                                              lambda: deployment.sim("hook", "config-changed"), runs))
        flip = {"value": False}

        def change_without_restart():
            flip["value"] = not flip["value"]
            deployment.sim("config", f"nagios_context={'bench' if flip['value'] else 'juju'}")

        hooks.append(deployment.measure_hooks("config-changed, changed without restart", change_without_restart,
                                              runs))

        def change_with_recreation():
            flip["value"] = not flip["value"]
            deployment.sim("config", f"storage-delete={'true' if flip['value'] else 'false'}")

        hooks.append(deployment.measure_hooks("config-changed, changed with re-creation", change_with_recreation,
                                              max(5, runs // 4)))
        clients = relate(deployment, "docker-registry", "containerd", {})
        website = relate(deployment, "website", "haproxy", {"ingress-address": "127.0.0.1"})
        nrpe = relate(deployment, "nrpe-external-master", "nrpe", {})
        for name, relation, unit in [("docker-registry", clients, "containerd/0"), ("website", website, "haproxy/0"),
                                     ("nrpe-external-master", nrpe, "nrpe/0")]:
            hooks.append(deployment.measure_hooks(
                f"{name}-relation-changed, nothing new",
                lambda: deployment.sim("hook", f"{name}-relation-changed", "--relation", str(relation),
                                       "--remote-unit", unit), runs))
        hooks.append(deployment.measure_hooks("update-status with three relations",
                                              lambda: deployment.sim("update-status"), runs))
        for hook in hooks:
            hook["x_inspect"] = hook["median_ms"] / results["reference_inspect_ms"]
            hook["x_binary_start"] = hook["median_ms"] / results["reference_binary_start_ms"]
        results["hooks"] = hooks

        actions = {}
        for name, params in [("images", []), ("list", [])]:
            samples = []
            for _ in range(max(5, runs // 4)):
                start = time.perf_counter()
                answer = deployment.sim("run", name, *params, "--format", "json", check=False)
                samples.append((time.perf_counter() - start) * 1000)
            actions[name] = {"median_ms": median(samples), "status": action_status(answer)}
        results["actions"] = actions
        results["push"] = push_comparison(deployment, max(5, runs // 4))
        results["downtime_ms"] = downtime_during_recreation(deployment)
    finally:
        deployment.remove()

    with open(options.output, "w") as handle:
        json.dump(results, handle, indent=2)
    print_summary(results)


def print_summary(results):
    inspect = results["reference_inspect_ms"]
    print(f"machine: {results['machine']['cores']} cores, load {results['machine']['load']}; "
          f"{results['runs']} runs per hook; binary {results['binary_size_mib']:.1f} MiB")
    print(f"reference: bare `docker container inspect` {inspect:.1f} ms; "
          f"charm binary start and exit {results['reference_binary_start_ms']:.1f} ms")
    direct = results.get("direct_update_status")
    if direct:
        print(f"idle update-status run directly (no charm-sim; state-get a shell script): "
              f"{direct['median_ms']:.1f} ms = {direct['median_ms'] / inspect:.2f} x inspect; "
              f"tool calls: {', '.join(direct['tool_calls'])}")
    print()
    print("| hook | median | × inspect | tool calls | docker CLI calls | peak RSS |")
    print("| --- | --- | --- | --- | --- | --- |")
    for hook in results["hooks"]:
        print(f"| {hook['label']} | {hook['median_ms']:.1f} ms | {hook['x_inspect']:.2f} | "
              f"{hook['tool_calls']:.0f} ({', '.join(hook['tool_call_names'])}) | {hook['docker_cli_calls']:.0f} | "
              f"{hook['peak_rss_mib']:.1f} MiB |")
    print()
    print(f"deploy → active: {results['deploy_to_active_ms']:.0f} ms ({results['deploy_status'][1]}); "
          f"→ first push: {results['deploy_to_first_push_ms']:.0f} ms")
    gaps = results["downtime_ms"]
    print(f"downtime during a re-creation (poll every 10 ms): median {median(gaps):.0f} ms, max {max(gaps):.0f} ms")
    push = results["push"]
    if "error" in push:
        print(f"push action: {push['error']}")
    else:
        print(f"push action {push['action_ms']:.0f} ms (charm-sim run), its process {push['action_process_ms']:.0f} ms "
              f"({len(push['action_tool_calls'])} tool calls: {', '.join(push['action_tool_calls'])}) vs docker tag + "
              f"push {push['plain_ms']:.0f} ms: ratios {push['ratio']:.2f}, {push['process_ratio']:.2f}")
    for name, action in results["actions"].items():
        print(f"action {name}: {action['median_ms']:.0f} ms (charm-sim run, {action['status']})")


if __name__ == "__main__":
    sys.exit(main())
