import JujuKit
import RegistryKit
import Testing

@testable import RegistryCharm

/// The pure parts of the actions: option allow-lists, tags, redaction, the collector's summary, pagination.
@Suite("Action plans")
struct ActionPlanTests {
    @Test("docker images options: allowed flags, valued options in both forms, combined short flags; others refused")
    func optionPolicy() throws {
        let policy = DockerOptionPolicy.images
        #expect(
            try policy.arguments("-aq --filter dangling=true --format='{{.ID}}' -f \"reference=busy*\"")
                == ["-aq", "--filter", "dangling=true", "--format={{.ID}}", "-f", "reference=busy*"]
        )
        for refused in ["--privileged", "-x", "busybox", "--all;", "-ax", "--output=x", "$(id)"] {
            #expect(throws: ActionFailure.self, "\(refused)") { try policy.arguments(refused) }
        }
        #expect(throws: ActionFailure("The option '--filter' of docker images needs a value.")) {
            try policy.arguments("--filter")
        }
        #expect(throws: ActionFailure("The options parameter cannot be split into words: a quote is never closed.")) {
            try policy.arguments("--format '{{.ID}}")
        }
        #expect(try DockerOptionPolicy.rmi.arguments("-f --no-prune") == ["-f", "--no-prune"])
        #expect(throws: ActionFailure.self) { try DockerOptionPolicy.rmi.arguments("--all") }
    }

    @Test("the default push target replaces the image's registry host and defaults the tag to latest")
    func defaultTarget() throws {
        let netloc = "10.0.0.1:5000"
        func target(_ image: String) throws -> String {
            PushAction.defaultTarget(try ImageReference.parse(image), netloc: netloc).description
        }
        #expect(try target("busybox") == "10.0.0.1:5000/busybox:latest")
        #expect(try target("ubuntu:22.04") == "10.0.0.1:5000/ubuntu:22.04")
        #expect(try target("registry.example.com:5000/team/app:1.0") == "10.0.0.1:5000/team/app:1.0")
        #expect(try target("10.0.0.1:5000/team/app:1.0") == "10.0.0.1:5000/team/app:1.0")
        #expect(try target("docker.io/library/nginx") == "10.0.0.1:5000/library/nginx:latest")
    }

    @Test("the digest of docker push output is read from its last digest line")
    func pushDigest() {
        let digest = "sha256:" + String(repeating: "ab", count: 32)
        #expect(PushAction.digest(inPushOutput: "a: Pushed\nv1: digest: \(digest) size: 527\n") == digest)
        #expect(PushAction.digest(inPushOutput: "v1: digest: sha256:beef size: 1\n") == nil)
        #expect(PushAction.digest(inPushOutput: "") == nil)
    }

    @Test("debug redaction: secret keys in YAML and JSON, and credentials in URLs")
    func redaction() {
        let yaml = """
            http:
              secret: "abc"
              addr: ":5000"
            proxy:
              password: 'pw'
            storage:
              s3:
                accesskey: "AK"
                secretkey: "SK"
            """
        let redacted = DebugAction.redact(yaml)
        #expect(
            !redacted.contains("abc") && !redacted.contains("pw") && !redacted.contains("AK")
                && !redacted.contains("SK")
        )
        #expect(redacted.contains("  secret: \"REDACTED\""))
        #expect(redacted.contains("addr: \":5000\""))
        #expect(DebugAction.redact("    \"secret\" : \"abc\",") == "    \"secret\": \"REDACTED\",")
        #expect(
            DebugAction.redact("HTTP Proxy: http://user:pa55@proxy:3128, https://h/x")
                == "HTTP Proxy: http://REDACTED@proxy:3128, https://h/x"
        )
    }

    @Test("the garbage collector's summary: blobs and manifests eligible, and the blob digests")
    func collectorSummary() {
        let digest = "sha256:" + String(repeating: "c", count: 64)
        let output = """
            busybox
            busybox: marking manifest sha256:aaaa
            blob eligible for deletion: \(digest)
            {"level":"info","msg":"Deleting blob: /docker/registry/v2/blobs/sha256/cc/cccc"}

            7 blobs marked, 1 blobs and 2 manifests eligible for deletion
            """
        let summary = GarbageCollection.summary(output)
        #expect(summary.blobs == 1)
        #expect(summary.manifests == 2)
        #expect(summary.eligibleBlobs == [digest])
        #expect(summary.line == "7 blobs marked, 1 blobs and 2 manifests eligible for deletion")
        #expect(GarbageCollection.summary("").blobs == 0)
    }

    @Test("catalog pagination follows rel=next links on the registry's own paths only")
    func nextPage() {
        #expect(LinkHeader.nextPage("</v2/_catalog?last=b&n=100>; rel=\"next\"") == "/v2/_catalog?last=b&n=100")
        #expect(LinkHeader.nextPage(nil) == nil)
        #expect(LinkHeader.nextPage("<https://evil.example/v2/x>; rel=\"next\"") == nil)
        #expect(LinkHeader.nextPage("</v2/_catalog?last=b>; rel=\"prev\"") == nil)
    }

    @Test("sizes print in binary units")
    func byteCounts() {
        #expect(ListAction.byteCount(512) == "512 B")
        #expect(ListAction.byteCount(2048) == "2.0 KiB")
        #expect(ListAction.byteCount(3 << 20) == "3.0 MiB")
    }
}
