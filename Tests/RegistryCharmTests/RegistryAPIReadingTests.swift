import JujuKit
import RegistryKit
import SystemLibraries
import Testing

@testable import RegistryCharm

/// How ``RegistryAPI`` reads the registry's JSON answers (with RegistryKit's readers): what it accepts, and the one
/// error for a body that is not the documented JSON.
@Suite("Registry API answers")
struct RegistryAPIReadingTests {
    static let endpoint = RegistryEndpoint(host: "127.0.0.1", port: 5000)

    static func api(_ bodies: [(status: Int, headers: [String: String], body: String)]) -> RegistryAPI {
        let answers = bodies.map {
            Answer.response(RegistryResponse(status: $0.status, headers: $0.headers, body: Array($0.body.utf8)))
        }
        return RegistryAPI(transport: ScriptedTransport(answers), endpoint: endpoint)
    }

    static let unreadableCatalog = RegistryClientError.unreadable(
        request: "GET /v2/_catalog?n=100",
        reason: "the body is not the documented JSON"
    )

    @Test("catalog pages: names, a missing or null list is none, unknown members are ignored")
    func catalog() async throws {
        let api = Self.api([
            (200, ["link": "</v2/_catalog?last=b&n=100>; rel=\"next\""], #"{"repositories":["a","b"],"x":1}"#),
            (200, ["link": "</v2/_catalog?last=c&n=100>; rel=\"next\""], #"{"repositories":null}"#),
            (200, [:], "{}"),
        ])
        #expect(try await api.repositories() == ["a", "b"])
    }

    @Test(
        "a catalog body that is not the documented JSON is unreadable",
        arguments: [
            "", "[]", "not json", #"{"repositories":"a"}"#, #"{"repositories":["a",1]}"#, #"{"repositories":[null]}"#,
        ]
    )
    func unreadableCatalog(body: String) async {
        let api = Self.api([(200, [:], body)])
        await #expect(throws: Self.unreadableCatalog) { try await api.repositories() }
    }

    @Test("tags: a 404 is no tags; a tag list of another type is unreadable")
    func tags() async throws {
        #expect(try await Self.api([(404, [:], "")]).tags(of: "app") == [])
        #expect(try await Self.api([(200, [:], #"{"name":"app","tags":["1","2"]}"#)]).tags(of: "app") == ["1", "2"])
        await #expect(
            throws: RegistryClientError.unreadable(
                request: "GET /v2/app/tags/list?n=100",
                reason: "the body is not the documented JSON"
            )
        ) { try await Self.api([(200, [:], #"{"tags":{"1":true}}"#)]).tags(of: "app") }
    }

    @Test("a manifest's size adds its config, layers and manifests; its media type falls back to the header")
    func manifest() async throws {
        let body = #"""
            {"schemaVersion":2,"config":{"size":10,"digest":"sha256:c"},
             "layers":[{"size":100,"digest":"sha256:a"},{"size":1000,"digest":"sha256:b"}]}
            """#
        let api = Self.api([
            (200, ["docker-content-digest": "sha256:m", "content-type": "application/x-from-header"], body)
        ])
        let manifest = try #require(try await api.manifest("app", "1"))
        #expect(
            manifest
                == RegistryAPI.Manifest(
                    digest: "sha256:m",
                    mediaType: "application/x-from-header",
                    size: 1110,
                    blobs: [
                        .init(digest: "sha256:c", size: 10), .init(digest: "sha256:a", size: 100),
                        .init(digest: "sha256:b", size: 1000),
                    ],
                    configDigest: "sha256:c"
                )
        )

        let index =
            #"{"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"size":7,"digest":"sha256:x"},"#
            + #"{"size":8,"digest":"sha256:y"}]}"#
        let listed = try await Self.api([(200, ["docker-content-digest": "sha256:i"], index)]).manifest("app", "1")
        #expect(
            listed
                == RegistryAPI.Manifest(
                    digest: "sha256:i",
                    mediaType: "application/vnd.oci.image.index.v1+json",
                    size: 15,
                    children: ["sha256:x", "sha256:y"]
                )
        )
    }

    @Test(
        "a manifest whose members have other types is unreadable",
        arguments: [
            #"{"mediaType":1}"#, #"{"config":[]}"#, #"{"layers":[{"size":"1"}]}"#, #"{"layers":[{"size":1.5}]}"#,
            #"{"manifests":[1]}"#, "[]", #"{"layers":[{"size":1}]}"#,
        ]
    )
    func unreadableManifest(body: String) async {
        let api = Self.api([(200, ["docker-content-digest": "sha256:m"], body)])
        await #expect(
            throws: RegistryClientError.unreadable(
                request: "GET /v2/app/manifests/1",
                reason: "the body is not the documented JSON"
            )
        ) { try await api.manifest("app", "1") }
    }

    @Test("a registry error body gives its first code and message, lower-cased; anything else gives nothing")
    func errorMessage() {
        let body = #"{"errors":[{"code":"UNSUPPORTED","message":"The operation is unsupported."},{"code":"X"}]}"#
        #expect(RegistryErrorBody.message(Array(body.utf8)) == "unsupported: the operation is unsupported.")
        #expect(RegistryErrorBody.message(Array(#"{"errors":[{"message":"Denied"}]}"#.utf8)) == "denied")
        for other in [
            "", "nope", "{}", #"{"errors":[]}"#, #"{"errors":[{"code":1}]}"#, #"{"errors":[{"code":"A"},2]}"#,
        ] {
            #expect(RegistryErrorBody.message(Array(other.utf8)) == "", "\(other)")
        }
    }

    @Test("a refused request names the registry's own error")
    func statusMessage() async {
        let api = Self.api([(401, [:], #"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"#)])
        await #expect(
            throws: RegistryClientError.status(
                request: "/v2/_catalog?n=100",
                status: 401,
                message: "unauthorized: authentication required"
            )
        ) { try await api.repositories() }
    }
}
