import RegistryKit
import Testing

/// ``ImageList`` on Charmed Kubernetes' `container-images.txt` and on plain lists.
@Suite("Image lists")
struct ImageListTests {
    /// Lines in the shape of charmed-kubernetes/bundle's container-images.txt.
    static let containerImages = """
        ci-static: docker.io/library/busybox:1.32 docker.io/library/nginx:1.18 docker.io/sonobuoy/sonobuoy:v0.50.0
        v1.14.10-upstream: docker.io/coredns/coredns{{ multiarch_workaround }}:1.4.0 k8s.gcr.io/addon-resizer:1.8.4 k8s.gcr.io/heapster-{{ arch }}:v1.6.0-beta.1 k8s.gcr.io/k8s-dns-sidecar{{ multiarch_workaround }}:1.14.13
        v1.24-static: docker.io/cdkbot/microbot-amd64:latest k8s.gcr.io/pause:3.4.1 docker.io/calico/node:v3.21.4
        v1.24.0-alpha.3-upstream: docker.io/coredns/coredns:1.8.3 k8s.gcr.io/metrics-server/metrics-server:v0.5.2 rocks.canonical.com/cdk/addon-resizer-{{arch}}:1.8.9
        v1.31-static: rocks.canonical.com/cdk/pause:3.10 docker.io/calico/node:v3.21.4
        """

    @Test("keys pick lines in the order given; {{ arch }} is expanded per architecture; duplicates go")
    func keyed() throws {
        let images = try ImageList.parse(
            Self.containerImages,
            keys: ["v1.24.0-alpha.3-upstream", "v1.24-static", "v1.31-static"],
            arches: ["amd64", "arm64", "amd64"]
        )
        #expect(
            images == [
                "docker.io/coredns/coredns:1.8.3",
                "k8s.gcr.io/metrics-server/metrics-server:v0.5.2",
                "rocks.canonical.com/cdk/addon-resizer-amd64:1.8.9",
                "rocks.canonical.com/cdk/addon-resizer-arm64:1.8.9",
                "docker.io/cdkbot/microbot-amd64:latest",
                "k8s.gcr.io/pause:3.4.1",
                "docker.io/calico/node:v3.21.4",
                "rocks.canonical.com/cdk/pause:3.10",
            ]
        )
    }

    @Test("no keys picks every line; {{ multiarch_workaround }} is removed")
    func allLines() throws {
        let images = try ImageList.parse(Self.containerImages, keys: [], arches: ["s390x"])
        #expect(images.count == 14)
        #expect(images.contains("docker.io/coredns/coredns:1.4.0"))
        #expect(images.contains("k8s.gcr.io/k8s-dns-sidecar:1.14.13"))
        #expect(images.contains("k8s.gcr.io/heapster-s390x:v1.6.0-beta.1"))
        #expect(images.filter { $0.hasSuffix("calico/node:v3.21.4") }.count == 1)
    }

    @Test("a key not in the file is refused, listing the file's keys")
    func unknownKey() {
        #expect(
            throws: ImageListError.unknownKey(
                "v1.32-static",
                available: [
                    "ci-static", "v1.14.10-upstream", "v1.24-static", "v1.24.0-alpha.3-upstream", "v1.31-static",
                ]
            )
        ) {
            try ImageList.parse(Self.containerImages, keys: ["v1.31-static", "v1.32-static"], arches: ["amd64"])
        }
        let error = ImageListError.unknownKey("x", available: ["a", "b"])
        #expect(error.description == "the image list has no key x (its keys: a, b)")
    }

    @Test("unknown and unclosed placeholders, and {{ arch }} without architectures, name their line")
    func placeholders() throws {
        let text = "a: nginx:1\n\nb: quay.io/x/y-{{  os }}:1\nc: quay.io/x/y-{{ arch :1\nd: x-{{arch}}:1\n"
        #expect(throws: ImageListError.unknownPlaceholder(line: 3, name: "os")) {
            try ImageList.parse(text, keys: ["b"], arches: ["amd64"])
        }
        #expect(throws: ImageListError.unclosedPlaceholder(line: 4)) {
            try ImageList.parse(text, keys: ["c"], arches: ["amd64"])
        }
        #expect(throws: ImageListError.noArchitectures(line: 5)) {
            try ImageList.parse(text, keys: ["d"], arches: [])
        }
        // Lines not picked are not read.
        #expect(try ImageList.parse(text, keys: ["a", "d"], arches: ["arm64"]) == ["nginx:1", "x-arm64:1"])
        #expect(
            ImageListError.unknownPlaceholder(line: 3, name: "os").description
                == "line 3 of the image list has an unknown placeholder {{ os }} "
                + "(only {{ arch }} and {{ multiarch_workaround }} are known)"
        )
    }

    @Test("a plain list: one or more references a line, comments and blank lines skipped")
    func plain() throws {
        let text = """
            # mirrored nightly
            localhost:5000/foo:1
              registry.k8s.io/pause:3.10   quay.io/calico/node:v3.28.0  # two on a line

            nginx:1.27
            docker.io/library/nginx:1.27
            10.0.0.5:5000/team/app@sha256:\(String(repeating: "a", count: 64))
            """
        #expect(
            try ImageList.parse(text, keys: [], arches: []) == [
                "localhost:5000/foo:1", "registry.k8s.io/pause:3.10", "quay.io/calico/node:v3.28.0", "nginx:1.27",
                "10.0.0.5:5000/team/app@sha256:" + String(repeating: "a", count: 64),
            ]
        )
        #expect(throws: ImageListError.keysWithoutKeyedLines(keys: ["v1.31-static"])) {
            try ImageList.parse(text, keys: ["v1.31-static"], arches: [])
        }
    }

    @Test("an invalid reference is refused with its line and reason")
    func invalidReference() {
        #expect(
            throws: ImageListError.invalidReference(line: 2, reference: "Quay.io/UPPER/case:1", reason: .invalidPath)
        ) {
            try ImageList.parse("nginx:1\nQuay.io/UPPER/case:1\n", keys: [], arches: [])
        }
        #expect(throws: ImageListError.invalidReference(line: 1, reference: "x-arm64:-bad", reason: .invalidTag)) {
            try ImageList.parse("k: x-{{ arch }}:-bad", keys: [], arches: ["arm64"])
        }
    }

    @Test("a line without a key in a keyed file is refused")
    func missingKey() {
        #expect(throws: ImageListError.missingKey(line: 2)) {
            try ImageList.parse("v1-static: nginx:1\nbusybox:1\n", keys: [], arches: [])
        }
        #expect(throws: ImageListError.missingKey(line: 3)) {
            try ImageList.parse("v1-static: nginx:1\r\n\r\nbusybox:1\r\n", keys: [], arches: [])
        }
    }
}
