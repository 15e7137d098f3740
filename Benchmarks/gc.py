#!/usr/bin/env python3
"""Garbage collection that never stops pulls: how long the registry is read-only per GB of storage.

    Benchmarks/gc.py [--sizes-mib 256,1024] [--layer-mib 64] [--output FILE]

Needs what Benchmarks/run.py needs (`make charm`, a charm-sim build, dockerd and the test images). For each size it
deploys the charm under charm-sim (filesystem storage in /srv/registry, storage-delete on), pushes images of one
random layer each until the store holds that much, deletes half of them, and runs `garbage-collect` while a client
pulls a kept image (its manifest and every blob) and tries an upload every fourth round, on new connections, without
pause. It reports the store's size, the seconds the registry was read-only (the action's `read-only-seconds`), the
action's wall time, the bytes freed (the action's and `du`'s), and the pulls and uploads with how they ended
(target: 0 failed pulls). The images it pushed are deleted and collected before the deployment is removed.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import BUSYBOX_IMAGE, REGISTRY_IMAGE, ROOT, Deployment, action_status, run  # noqa: E402

ORIGIN = "http://127.0.0.1:5000"
ACCEPT = "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json"


def du(path="/srv/registry"):
    return int(run(["du", "-sb", path]).stdout.split()[0])


def random_image(reference, mib):
    """A local image of one layer of `mib` MiB of random bytes (docker import of a tar)."""
    with tempfile.TemporaryDirectory() as directory:
        with open(os.path.join(directory, "random"), "wb") as handle:
            for _ in range(mib):
                handle.write(os.urandom(1024 * 1024))
        tar = os.path.join(directory, "layer.tar")
        run(["tar", "-C", directory, "-cf", tar, "random"])
        run(["docker", "import", tar, reference])


class Poller:
    """Pulls `repository:tag` over and over on new connections; every fourth round starts an upload."""

    def __init__(self, repository, tag):
        self.repository, self.tag = repository, tag
        self.pulls, self.failed, self.uploads = 0, [], []
        self.running = False
        request = urllib.request.Request(f"{ORIGIN}/v2/{repository}/manifests/{tag}", headers={"Accept": ACCEPT})
        manifest = json.load(urllib.request.urlopen(request, timeout=30))
        self.blobs = [manifest["config"]["digest"]] + [layer["digest"] for layer in manifest["layers"]]

    def loop(self):
        round_number = 0
        while self.running:
            round_number += 1
            try:
                request = urllib.request.Request(
                    f"{ORIGIN}/v2/{self.repository}/manifests/{self.tag}", headers={"Accept": ACCEPT}
                )
                urllib.request.urlopen(request, timeout=60).read()
                for blob in self.blobs:
                    urllib.request.urlopen(f"{ORIGIN}/v2/{self.repository}/blobs/{blob}", timeout=60).read()
                self.pulls += 1
            except (urllib.error.URLError, OSError) as error:
                self.pulls += 1
                self.failed.append(f"{time.strftime('%T')} {error}")
            if round_number % 4 == 0:
                try:
                    request = urllib.request.Request(f"{ORIGIN}/v2/gc-bench/blobs/uploads/", method="POST")
                    self.uploads.append(urllib.request.urlopen(request, timeout=60).status)
                except urllib.error.HTTPError as error:
                    self.uploads.append(error.code)
                except (urllib.error.URLError, OSError):
                    self.uploads.append(0)

    def __enter__(self):
        self.running = True
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *_):
        self.running = False
        self.thread.join()


def measure(deployment, size_mib, layer_mib):
    count = max(2, size_mib // layer_mib)
    tags = []
    for index in range(count):
        local = f"localhost/gc-bench:{index}"
        random_image(local, layer_mib)
        target = f"127.0.0.1:5000/gc-bench/image:{index}"
        run(["docker", "tag", local, target])
        run(["docker", "push", target])
        run(["docker", "rmi", local, target], check=False)
        tags.append(str(index))
    run(["docker", "tag", BUSYBOX_IMAGE, "127.0.0.1:5000/gc-bench/kept:1"])
    run(["docker", "push", "127.0.0.1:5000/gc-bench/kept:1"])
    for tag in tags[: count // 2]:
        answer = deployment.sim("run", "delete", f"image=gc-bench/image:{tag}", "--format", "json", check=False)
        if action_status(answer) != "completed":
            raise SystemExit(f"bench: delete failed: {answer.stdout} {answer.stderr}")
    store = du()
    with Poller("gc-bench/kept", "1") as poller:
        time.sleep(1)
        start = time.perf_counter()
        answer = deployment.sim("run", "garbage-collect", "--format", "json", check=False)
        action_seconds = time.perf_counter() - start
        time.sleep(1)
    if action_status(answer) != "completed":
        raise SystemExit(f"bench: garbage-collect failed: {answer.stdout} {answer.stderr}")
    results = next(iter(json.loads(answer.stdout).values()))["results"]
    read_only = float(results["read-only-seconds"])
    return {
        "store_mib": round(store / 1048576),
        "images": count,
        "deleted": count // 2,
        "read_only_seconds": read_only,
        "read_only_seconds_per_gib": round(read_only / (store / 1073741824), 2),
        "action_seconds": round(action_seconds, 1),
        "bytes_freed_action": int(results.get("bytes-freed", "0")),
        "bytes_freed_du": store - du(),
        "pulls": poller.pulls,
        "failed_pulls": len(poller.failed),
        "failures": poller.failed[:5],
        "uploads": {str(code): poller.uploads.count(code) for code in sorted(set(poller.uploads))},
    }, tags[count // 2:]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes-mib", default="256,1024")
    parser.add_argument("--layer-mib", type=int, default=64)
    parser.add_argument("--output", default=os.path.join(ROOT, "Benchmarks", "gc-results.json"))
    arguments = parser.parse_args()
    sim = os.environ.get("CHARM_SIM_BIN", os.path.join(ROOT, ".build-sim-static", "release", "charm-sim"))
    figures = []
    for size in [int(value) for value in arguments.sizes_mib.split(",")]:
        deployment = Deployment(sim, os.path.join(ROOT, "bin", "docker-registry-charm"))
        try:
            deployment.sim("deploy", deployment.charm, "--juju-version", "3.6.4", f"registry-image={REGISTRY_IMAGE}",
                           "storage-delete=true")
            figure, left = measure(deployment, size, arguments.layer_mib)
            figures.append(figure)
            print(json.dumps(figure), flush=True)
            for tag in left:
                deployment.sim("run", "delete", f"image=gc-bench/image:{tag}", check=False)
            deployment.sim("run", "garbage-collect", check=False)
        finally:
            deployment.remove()
    with open(arguments.output, "w") as handle:
        json.dump({"gc": figures}, handle, indent=2, sort_keys=True)
    print("\n| store | images deleted | read-only | per GiB | action | freed (action / du) | pulls (failed) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for f in figures:
        print(f"| {f['store_mib']} MiB | {f['deleted']} of {f['images']} | {f['read_only_seconds']} s |"
              f" {f['read_only_seconds_per_gib']} s | {f['action_seconds']} s |"
              f" {f['bytes_freed_action'] / 1048576:.0f} / {f['bytes_freed_du'] / 1048576:.0f} MiB |"
              f" {f['pulls']} ({f['failed_pulls']}) |")


if __name__ == "__main__":
    main()
