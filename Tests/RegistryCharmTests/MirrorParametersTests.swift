import JujuKit
import Testing

@testable import RegistryCharm

/// The `mirror` action's parameters: each refusal is one sentence naming the parameter, before anything runs.
struct MirrorParametersTests {
    func read(_ values: [String: JSONValue], files: [String: String] = [:]) throws -> MirrorParameters {
        try MirrorParameters.read(ActionParameters(values)) { path in
            guard let text = files[path] else { throw ActionFailure("no such file") }
            return text
        }
    }

    func refusal(_ values: [String: JSONValue], files: [String: String] = [:]) -> String? {
        do {
            _ = try read(values, files: files)
            return nil
        } catch let failure as ActionFailure {
            return failure.message
        } catch {
            return "\(error)"
        }
    }

    @Test func imagesAcrossSpacesAndLinesWithTheDefaults() throws {
        let images = "registry.k8s.io/pause:3.10\nnginx:1.27  quay.io/a/b@sha256:\(hex)"
        let parameters = try read(["images": .string(images)])
        let expected = MirrorParameters.Origin.references(
            ["registry.k8s.io/pause:3.10", "nginx:1.27", "quay.io/a/b@sha256:\(hex)"]
        )
        #expect(parameters.origin == expected)
        #expect(parameters.prefix == "")
        #expect(parameters.signatures)
        #expect(!parameters.dryRun)
        #expect(parameters.concurrency == 8)
        #expect(parameters.secret == nil)
    }

    @Test func exactlyOneSource() {
        let sentence = "Give exactly one of the images, file and archive parameters."
        #expect(refusal([:]) == sentence)
        #expect(refusal(["images": "nginx", "archive": "/root/a.tar"]) == sentence)
    }

    @Test func aBadReferenceIsNamed() {
        #expect(
            refusal(["images": "nginx Bad/Name:1"])
                == "The image Bad/Name:1 is not a valid reference: the repository path must be lower-case letters and"
                + " digits, separated by '/', '.', '_' or '-'."
        )
    }

    @Test func aContainerImagesFileWithKeysAndArches() throws {
        let file = """
            v1.31-static: rocks.canonical.com/cdk/pause-{{ arch }}:3.10 rocks.canonical.com/cdk/coredns:1.11{{ multiarch_workaround }}
            v1.31-upstream: registry.k8s.io/kube-proxy:v1.31.2
            """
        let parameters = try read(
            ["file": "/root/images.txt", "keys": "v1.31-static", "arches": "amd64 arm64"],
            files: ["/root/images.txt": file]
        )
        guard case .references(let references) = parameters.origin else {
            Issue.record("not references")
            return
        }
        #expect(
            Set(references) == [
                "rocks.canonical.com/cdk/pause-amd64:3.10", "rocks.canonical.com/cdk/pause-arm64:3.10",
                "rocks.canonical.com/cdk/coredns:1.11",
            ]
        )
        #expect(
            refusal(["file": "/root/images.txt", "keys": "v9-static"], files: ["/root/images.txt": file])?
                .contains("v9-static") == true
        )
        #expect(refusal(["file": "images.txt"]) == "The file parameter must be an absolute path.")
        #expect(
            refusal(["images": "nginx", "keys": "v1"])
                == "The keys and arches parameters apply to a container-images.txt given as file."
        )
    }

    @Test func prefixConcurrencyAndSecretAreChecked() throws {
        #expect(try read(["images": "nginx", "prefix": "/mirror/k8s/"]).prefix == "mirror/k8s")
        #expect(
            refusal(["images": "nginx", "prefix": "Mirror"])
                == "The prefix Mirror must be lower-case letters and digits, separated by '/', '.', '_' or '-'."
        )
        #expect(
            refusal(["images": "nginx", "concurrency": 0]) == "The concurrency parameter must be between 1 and 32."
        )
        #expect(
            refusal(["images": "nginx", "concurrency": "many"]) == "The concurrency parameter must be a whole number."
        )
        #expect(
            refusal(["images": "nginx", "secret": "s3cret"])
                == "The secret parameter must be a secret URI (secret:...) from juju add-secret."
        )
        #expect(try read(["images": "nginx", "secret": "secret:abc"]).secret == "secret:abc")
    }

    private let hex = String(repeating: "ab", count: 32)
}
