import Foundation
import JujuKit
import Synchronization
import SystemLibraries
import Testing

@testable import RegistryCharm

private typealias Support = ConfigTestSupport

/// The pure parts of S3 and Swift storage: the auth version, incomplete option groups, the SigV4 signature and the
/// probe's reading of the store's answers.
@Suite("Object storage: options, signature, probe")
struct ObjectStorageTests {
    @Test(
        "the swift auth version comes from the url's path",
        arguments: [
            ("/auth/1.0", 1), ("/auth/v1.0", 1), ("/swift/v1.0", 1), ("/v2.0", 2), ("/identity/v2.0/", 2),
            ("/v3", 3), ("/identity/v3", 3), ("/V3", 3), ("", nil), ("/auth", nil), ("/1.0", nil), ("/v3x", nil),
        ] as [(String, Int?)]
    )
    func authVersion(path: String, version: Int?) {
        #expect(SwiftAuthVersion.derive(fromPath: path) == version)
    }

    @Test("radosgw's /auth/1.0 renders authversion 1; a url naming no version is refused")
    func authVersionReachesTheDriver() throws {
        let swift = [
            "storage-swift-authurl": JSONValue.string("http://127.0.0.1:7480/auth/1.0"),
            "storage-swift-username": "test:swift", "storage-swift-password": "key",
        ]
        guard case .swift(let settings) = Support.config(swift).storage else {
            Issue.record("swift not selected")
            return
        }
        #expect(RegistryConfig.SwiftParameters(settings).authversion == 1)
        Support.expectProblem(
            swift.merging(["storage-swift-authurl": "http://127.0.0.1:7480/swift"]) { $1 },
            option: "storage-swift-authurl",
            message: SwiftAuthVersion.advice
        )
    }

    @Test("incomplete S3 and Swift groups: one blocked message naming every missing option")
    func incompleteGroups() {
        let cases: [([String: JSONValue], [String])] = [
            (["storage-s3-accesskey": "AK"], ["storage-s3-region", "storage-s3-bucket", "storage-s3-secretkey"]),
            (["storage-s3-regionendpoint": "http://127.0.0.1:7480"], ["storage-s3-region", "storage-s3-bucket"]),
            (
                ["storage-s3-region": "us-east-1", "storage-s3-bucket": "b", "storage-s3-secretkey": "s"],
                ["storage-s3-accesskey"]
            ),
            (["storage-swift-username": "u", "storage-swift-password": "p"], ["storage-swift-authurl"]),
            (["storage-swift-tenant": "t"], ["storage-swift-authurl"]),
        ]
        for (options, missing) in cases {
            let problems = Support.config(options).problems
            #expect(Set(problems.map(\.option)) == Set(missing), "\(options): \(problems)")
            let message = problems.blockedMessage
            #expect(message.hasPrefix("Invalid charm config: "))
            for option in missing { #expect(message.contains(option), "\(message)") }
        }
        Support.expectValid([
            "storage-s3-region": "us-east-1", "storage-s3-bucket": "b", "storage-s3-accesskey": "a",
            "storage-s3-secretkey": "s", "storage-s3-regionendpoint": "http://127.0.0.1:7480",
        ])
    }

    /// AWS's documented example "GET Bucket (List Objects)" for Signature Version 4.
    @Test("Signature V4 matches AWS's documented list-objects example")
    func signatureMatchesAWSExample() {
        let headers = S3Signature(
            accessKey: "AKIAIOSFODNN7EXAMPLE",
            secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            region: "us-east-1"
        ).headers(
            method: "GET",
            host: "examplebucket.s3.amazonaws.com",
            path: "/",
            query: [("prefix", "J"), ("max-keys", "2")],
            date: Date(timeIntervalSince1970: 1_369_353_600)
        )
        #expect(headers["x-amz-date"] == "20130524T000000Z")
        #expect(
            headers["Authorization"]
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
                + "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"
        )
    }

    static let s3 = S3Storage(region: "us-east-1", bucket: "images")

    static func s3Store() -> S3Storage {
        var s3 = s3
        s3.accessKey = "AK"
        s3.secretKey = "SK"
        s3.regionEndpoint = "http://127.0.0.1:7480"
        s3.secure = false
        s3.rootDirectory = "/reg/"
        return s3
    }

    static func probe(_ answers: [Answer]) -> (ObjectStorageProbe, ScriptedTransport) {
        let transport = ScriptedTransport(answers)
        return (
            ObjectStorageProbe(transport: transport, now: Date(timeIntervalSince1970: 0), trustedPEM: nil), transport
        )
    }

    static func s3Error(_ status: Int, _ code: String) -> Answer {
        .response(RegistryResponse(status: status, body: Array("<Error><Code>\(code)</Code></Error>".utf8)))
    }

    @Test(
        "the S3 probe names the option to fix",
        arguments: [
            (
                s3Error(404, "NoSuchBucket"), "storage-s3-bucket",
                "bucket images does not exist at http://127.0.0.1:7480"
            ),
            (s3Error(403, "InvalidAccessKeyId"), "storage-s3-accesskey", "InvalidAccessKeyId"),
            (s3Error(403, "SignatureDoesNotMatch"), "storage-s3-secretkey", "SignatureDoesNotMatch"),
            (s3Error(403, "AccessDenied"), "storage-s3-bucket", "denies these keys access"),
            (Answer.unreachable, "storage-s3-regionendpoint", "no answer from http://127.0.0.1:7480: refused"),
        ] as [(Answer, String, String)]
    )
    func s3Problems(answer: Answer, option: String, words: String) async {
        let (probe, _) = Self.probe([answer])
        guard case .problem(let problem) = await probe.check(.s3(Self.s3Store())) else {
            Issue.record("no problem found")
            return
        }
        #expect(problem.option == option)
        #expect(problem.message.contains(words), "\(problem.message)")
        #expect(!problem.message.contains("SK"))
    }

    @Test("the S3 probe lists one key under the root directory, signed, and tells an empty registry")
    func s3Ready() async {
        let (probe, transport) = Self.probe([
            .response(RegistryResponse(status: 200, body: Array("<ListBucketResult><KeyCount>0</KeyCount>".utf8))),
            .response(RegistryResponse(status: 200, body: Array("<ListBucketResult><Contents><Key>x".utf8))),
        ])
        #expect(await probe.check(.s3(Self.s3Store())) == .ready(empty: true))
        #expect(await probe.check(.s3(Self.s3Store())) == .ready(empty: false))
        let sent = transport.sent[0]
        #expect(
            sent.request.target
                == "/images?list-type=2&max-keys=1&prefix=reg%2Fdocker%2Fregistry%2Fv2%2Frepositories%2F"
        )
        #expect(sent.endpoint.origin == "http://127.0.0.1:7480")
        #expect(sent.endpoint.authorization?.hasPrefix("AWS4-HMAC-SHA256 Credential=AK/19700101/us-east-1/s3/") == true)
        #expect(sent.request.headers["x-amz-date"] == "19700101T000000Z")
    }

    static let swiftStore = SwiftStorage(
        authURL: "http://127.0.0.1:7480/auth/1.0",
        username: "test:swift",
        password: "KEY",
        container: "images",
        authVersion: 1
    )

    @Test("the Swift v1 probe authenticates, lists the container, and names refused credentials")
    func swiftProbe() async {
        let token = RegistryResponse(
            status: 204,
            headers: ["x-auth-token": "TOKEN", "x-storage-url": "http://127.0.0.1:7480/swift/v1"]
        )
        let (probe, transport) = Self.probe([
            .response(token), .response(RegistryResponse(status: 404)),
            .response(token), .response(RegistryResponse(status: 200, body: Array("files/docker/x\n".utf8))),
            .response(RegistryResponse(status: 401)),
        ])
        #expect(await probe.check(.swift(Self.swiftStore)) == .ready(empty: true))
        #expect(await probe.check(.swift(Self.swiftStore)) == .ready(empty: false))
        guard case .problem(let problem) = await probe.check(.swift(Self.swiftStore)) else {
            Issue.record("refused credentials not reported")
            return
        }
        #expect(problem.option == "storage-swift-password")
        #expect(!problem.message.contains("KEY"))
        let sent = transport.sent
        #expect(sent[0].request.headers["X-Auth-User"] == "test:swift")
        #expect(sent[0].request.target == "/auth/1.0")
        #expect(
            sent[1].request.target
                == "/swift/v1/images?format=plain&limit=1&prefix=files%2Fdocker%2Fregistry%2Fv2%2Frepositories%2F"
        )
        #expect(sent[1].request.headers["X-Auth-Token"] == "TOKEN")
    }
}

/// One scripted answer of ``ScriptedTransport``.
enum Answer: Sendable {
    case response(RegistryResponse)
    case unreachable
}

/// Answers requests from a script, in order, and records them.
final class ScriptedTransport: RegistryTransport {
    private let state: Mutex<(answers: [Answer], sent: [(request: RegistryRequest, endpoint: RegistryEndpoint)])>

    init(_ answers: [Answer]) { state = Mutex((answers, [])) }

    var sent: [(request: RegistryRequest, endpoint: RegistryEndpoint)] { state.withLock { $0.sent } }

    func send(_ request: RegistryRequest, to endpoint: RegistryEndpoint) async throws(RegistryClientError)
        -> RegistryResponse
    {
        let answer = state.withLock { state -> Answer in
            state.sent.append((request, endpoint))
            return state.answers.isEmpty ? .response(RegistryResponse(status: 500)) : state.answers.removeFirst()
        }
        switch answer {
        case .response(let response): return response
        case .unreachable: throw .transport(origin: endpoint.origin, reason: "refused")
        }
    }
}
