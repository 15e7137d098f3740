#!/usr/bin/env python3
"""`mirror` against skopeo and the docker pull/tag/push loop: time, no-op re-runs, requests, memory.

    Benchmarks/mirror.py [--runs 3] [--large-mib 1024] [--output FILE]

Needs what Benchmarks/run.py needs (`make charm`, a charm-sim build, dockerd and the test images) and Debian's
`docker-registry` and `skopeo`. It starts an upstream registry (Debian's distribution 2.8 as a process, http on
127.0.0.1, access log on) into which it pushes, for each copier and run, 12 new images of 2-8 MB (72 MB; two
layers each, uncompressed tars of random bytes, so that docker can unpack them), deploys the charm under charm-sim
(its registry at 127.0.0.1:5000, filesystem storage) and measures, medians of --runs, each tool copying into a fresh
repository prefix of the same registry:

- the set: `mirror images=…` (charm-sim `run`, so the hook's start is included), `skopeo sync --all` of the same
  images (one invocation, a YAML source), and a `docker pull`+`tag`+`push` loop (images removed from dockerd after);
- the re-run with nothing new: `mirror` again against `skopeo sync --all` again;
- the requests per already-mirrored image on the re-run, counted by the upstream's access log and the charm
  registry's (docker logs);
- one image of a single --large-mib random layer: `mirror` against `skopeo copy`, with each copier's peak RSS
  (VmHWM, polled from /proc every 20 ms).
"""
import argparse
import hashlib
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import REGISTRY_IMAGE, ROOT, Deployment, action_status, median, run  # noqa: E402

DEST = "127.0.0.1:5000"


class Upstream:
    """Debian's docker-registry serving a scratch store over http, with its access log in a file."""

    def __init__(self):
        self.directory = tempfile.mkdtemp(prefix="mirror-bench-upstream-")
        self.port = random.randint(30000, 39999)
        self.address = f"127.0.0.1:{self.port}"
        config = os.path.join(self.directory, "config.yml")
        with open(config, "w") as handle:
            handle.write(f"version: 0.1\nlog: {{level: error}}\nstorage:\n  filesystem: {{rootdirectory: "
                         f"{self.directory}/store}}\nhttp:\n  addr: {self.address}\n")
        self.log = open(os.path.join(self.directory, "access.log"), "w")
        self.process = subprocess.Popen(["/usr/bin/docker-registry", "serve", config], stdout=self.log,
                                        stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://{self.address}/v2/", timeout=1)
                return
            except Exception:
                time.sleep(0.05)
        raise SystemExit("bench: the upstream registry did not start")

    def requests(self):
        self.log.flush()
        with open(self.log.name) as handle:
            return sum(1 for line in handle if '"GET /v2/' in line or '"HEAD /v2/' in line or '"PUT /v2/' in line
                       or '"POST /v2/' in line or '"PATCH /v2/' in line)

    def push_blob(self, repository, data):
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        request = urllib.request.Request(f"http://{self.address}/v2/{repository}/blobs/uploads/", method="POST")
        location = urllib.request.urlopen(request).headers["Location"]
        separator = "&" if "?" in location else "?"
        url = location if location.startswith("http") else f"http://{self.address}{location}"
        urllib.request.urlopen(urllib.request.Request(f"{url}{separator}digest={digest}", data=data, method="PUT",
                                                      headers={"Content-Type": "application/octet-stream"}))
        return {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": digest, "size": len(data)}

    def push_image(self, repository, tag, layer_sizes):
        # Each layer an uncompressed tar of one file of random bytes, so that docker can unpack what it pulls; its
        # digest is then also its diff ID.
        layers = []
        for size in layer_sizes:
            buffer = io.BytesIO()
            with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as archive:
                entry = tarfile.TarInfo(f"random-{len(layers)}")
                entry.size = size
                archive.addfile(entry, io.BytesIO(os.urandom(size)))
            layer = self.push_blob(repository, buffer.getvalue())
            layer["mediaType"] = "application/vnd.oci.image.layer.v1.tar"
            layers.append(layer)
        layer_sizes = [layer["size"] for layer in layers]
        config = json.dumps({"architecture": "amd64", "os": "linux",
                             "rootfs": {"type": "layers", "diff_ids": [layer["digest"] for layer in layers]}},
                            sort_keys=True).encode()
        config_descriptor = self.push_blob(repository, config)
        config_descriptor["mediaType"] = "application/vnd.oci.image.config.v1+json"
        manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                               "config": config_descriptor, "layers": layers}, sort_keys=True).encode()
        urllib.request.urlopen(urllib.request.Request(
            f"http://{self.address}/v2/{repository}/manifests/{tag}", data=manifest, method="PUT",
            headers={"Content-Type": "application/vnd.oci.image.manifest.v1+json"}))
        return sum(layer_sizes) + len(config)

    def stop(self):
        self.process.terminate()
        self.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)


class PeakRSS:
    """Polls the peak resident set (VmHWM) of the processes whose command line contains `pattern`."""

    def __init__(self, pattern):
        self.pattern, self.peak_kib, self.running = pattern, 0, False

    def __enter__(self):
        self.running = True
        self.thread = threading.Thread(target=self.loop)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()

    def loop(self):
        while self.running:
            for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
                try:
                    with open(f"/proc/{pid}/cmdline", "rb") as handle:
                        if self.pattern.encode() not in handle.read():
                            continue
                    with open(f"/proc/{pid}/status") as handle:
                        for line in handle:
                            if line.startswith("VmHWM:"):
                                self.peak_kib = max(self.peak_kib, int(line.split()[1]))
                except OSError:
                    pass
            time.sleep(0.02)


def log_mark():
    """A `docker logs --since` value after everything logged so far (fractional seconds, after a pause)."""
    time.sleep(1.2)
    now = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int((now % 1) * 1e9):09d}Z"


def dest_requests(since):
    logs = run(["docker", "logs", "--since", since, "registry"], check=False)
    text = logs.stdout + logs.stderr
    return sum(text.count(f'"{method} /v2/') for method in ["GET", "HEAD", "PUT", "POST", "PATCH"])


def mirror(deployment, images, prefix, extra=()):
    """Runs the action; returns its wall time (charm-sim `run`, the hook's start included) and results."""
    start = time.perf_counter()
    answer = deployment.sim("run", "mirror", f"images={' '.join(images)}", f"prefix={prefix}", *extra,
                            "--format", "json", check=False)
    seconds = time.perf_counter() - start
    if action_status(answer) != "completed":
        raise SystemExit(f"bench: mirror failed: {answer.stdout} {answer.stderr}")
    results = json.loads(answer.stdout)["docker-registry/0"].get("results", {})
    return seconds, results


def skopeo_sync(upstream, repositories, prefix):
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as handle:
        handle.write(f"{upstream.address}:\n  tls-verify: false\n  images:\n")
        for repository, tag in repositories:
            handle.write(f"    {repository}: [\"{tag}\"]\n")
        source = handle.name
    start = time.perf_counter()
    run(["skopeo", "sync", "--all", "--src", "yaml", "--dest", "docker", "--dest-tls-verify=false", source,
         f"{DEST}/{prefix}"])
    seconds = time.perf_counter() - start
    os.unlink(source)
    return seconds


def docker_loop(upstream, repositories, prefix):
    start = time.perf_counter()
    for repository, tag in repositories:
        source = f"{upstream.address}/{repository}:{tag}"
        target = f"{DEST}/{prefix}/{repository}:{tag}"
        run(["docker", "pull", "-q", source])
        run(["docker", "tag", source, target])
        run(["docker", "push", "-q", target])
    seconds = time.perf_counter() - start
    for repository, tag in repositories:
        run(["docker", "rmi", f"{upstream.address}/{repository}:{tag}", f"{DEST}/{prefix}/{repository}:{tag}"],
            check=False)
    return seconds


def forget_copies(root="/srv/registry"):
    """Removes what the copiers stored in the charm's registry (their repositories, then the blobs nothing names)."""
    repositories = os.path.join(root, "docker", "registry", "v2", "repositories")
    for name in ["mirror", "skopeo", "docker"]:
        shutil.rmtree(os.path.join(repositories, name), ignore_errors=True)
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as handle:
        handle.write(f"version: 0.1\nstorage:\n  filesystem: {{rootdirectory: {root}}}\nhttp:\n  addr: 127.0.0.1:1\n")
    run(["/usr/bin/docker-registry", "garbage-collect", handle.name], check=False)
    os.unlink(handle.name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--large-mib", type=int, default=1024)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--output", default=os.path.join(ROOT, "Benchmarks", "mirror-results.json"))
    options = parser.parse_args()
    sim_binary = os.environ.get("CHARM_SIM_BIN", os.path.join(ROOT, ".build-sim-static", "release", "charm-sim"))
    charm_binary = os.environ.get("CHARM_BINARY", os.path.join(ROOT, "bin", "docker-registry-charm"))
    run(["docker", "rm", "-f", "registry"], check=False)
    upstream = Upstream()
    deployment = Deployment(sim_binary, charm_binary)
    results = {"machine": {"cores": os.cpu_count()}, "runs": options.runs}
    try:
        deployment.sim("deploy", deployment.charm, f"registry-image={REGISTRY_IMAGE}")
        # 12 images of 2-8 MB, 72 MB in all (the set the issue measured skopeo and the docker loop on).
        sizes = [megabytes * 1000 * 1000 for megabytes in [2, 3, 4, 5, 6, 7, 8, 8, 7, 6, 8, 8]]

        def fresh_set(label):
            """12 new images of new random content under bench/<label>/: no copier has seen a blob of them."""
            repositories, total = [], 0
            for index, size in enumerate(sizes):
                repository = f"bench/{label}/set-{index}"
                total += upstream.push_image(repository, "1", [size // 2, size - size // 2])
                repositories.append((repository, "1"))
            return repositories, total

        timings = {"mirror": [], "skopeo_sync": [], "docker_loop": [], "mirror_rerun": [], "skopeo_rerun": []}
        requests = []
        for number in range(options.runs):
            repositories, total = fresh_set(f"m{number}")
            images = [f"{upstream.address}/{repository}:{tag}" for repository, tag in repositories]
            seconds, answer = mirror(deployment, images, "mirror", (f"concurrency={options.concurrency}",))
            if int(answer.get("copied", 0)) != len(images):
                raise SystemExit(f"bench: mirror copied {answer}")
            timings["mirror"].append(seconds)
            before_upstream = upstream.requests()
            since = log_mark()
            seconds, answer = mirror(deployment, images, "mirror")
            if int(answer.get("skipped", 0)) != len(images):
                raise SystemExit(f"bench: the re-run copied {answer}")
            timings["mirror_rerun"].append(seconds)
            signed = {"upstream": upstream.requests() - before_upstream, "destination": dest_requests(since)}
            before_upstream = upstream.requests()
            since = log_mark()
            mirror(deployment, images, "mirror", ("signatures=false",))
            requests.append({"signatures": signed, "no_signatures": {
                "upstream": upstream.requests() - before_upstream, "destination": dest_requests(since)}})
            skopeo_set, _ = fresh_set(f"s{number}")
            timings["skopeo_sync"].append(skopeo_sync(upstream, skopeo_set, "skopeo"))
            timings["skopeo_rerun"].append(skopeo_sync(upstream, skopeo_set, "skopeo"))
            docker_set, _ = fresh_set(f"d{number}")
            timings["docker_loop"].append(docker_loop(upstream, docker_set, "docker"))
        results["set"] = {"images": len(sizes), "bytes": total}
        medians = {name: median(values) for name, values in timings.items()}
        results["set"]["seconds"] = medians
        results["set"]["all_runs"] = timings
        results["set"]["ratios"] = {
            "mirror_over_skopeo_sync": medians["mirror"] / medians["skopeo_sync"],
            "mirror_over_docker_loop": medians["mirror"] / medians["docker_loop"],
            "mirror_rerun_over_skopeo_rerun": medians["mirror_rerun"] / medians["skopeo_rerun"],
        }
        results["rerun_requests"] = {
            "per_run": requests,
            "per_image_median": median([(r["signatures"]["upstream"] + r["signatures"]["destination"]) / len(images)
                                        for r in requests]),
            "per_image_median_without_signatures": median([
                (r["no_signatures"]["upstream"] + r["no_signatures"]["destination"]) / len(images) for r in requests]),
        }

        size = options.large_mib * 1024 * 1024
        large = {"bytes": size, "mirror": [], "skopeo_copy": [], "mirror_peak_rss_mib": [], "skopeo_peak_rss_mib": []}
        for number in range(options.runs):
            # A new layer for each copier and run, so neither finds it already in the registry.
            upstream.push_image(f"bench/large-m{number}", "1", [size])
            with PeakRSS("charm/dispatch") as peak:
                seconds, _ = mirror(deployment, [f"{upstream.address}/bench/large-m{number}:1"], "mirror")
            large["mirror"].append(seconds)
            large["mirror_peak_rss_mib"].append(peak.peak_kib / 1024)
            upstream.push_image(f"bench/large-s{number}", "1", [size])
            with PeakRSS("skopeo") as peak:
                start = time.perf_counter()
                run(["skopeo", "copy", "--quiet", "--src-tls-verify=false", "--dest-tls-verify=false",
                     f"docker://{upstream.address}/bench/large-s{number}:1",
                     f"docker://{DEST}/skopeo/bench/large-s{number}:1"])
                large["skopeo_copy"].append(time.perf_counter() - start)
            large["skopeo_peak_rss_mib"].append(peak.peak_kib / 1024)
        large["medians"] = {key: median(large[key]) for key in ["mirror", "skopeo_copy", "mirror_peak_rss_mib",
                                                                 "skopeo_peak_rss_mib"]}
        large["ratio_mirror_over_skopeo"] = large["medians"]["mirror"] / large["medians"]["skopeo_copy"]
        results["large"] = large
    finally:
        deployment.sim("remove", check=False)
        run(["docker", "rm", "-f", "registry"], check=False)
        upstream.stop()
        forget_copies()
    with open(options.output, "w") as handle:
        json.dump(results, handle, indent=2)
    print(json.dumps({"set": results["set"]["seconds"], "ratios": results["set"]["ratios"],
                      "rerun_requests": results["rerun_requests"],
                      "large": results["large"]["medians"]}, indent=2))


if __name__ == "__main__":
    main()
