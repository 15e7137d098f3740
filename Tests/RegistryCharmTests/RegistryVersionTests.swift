import Foundation
import JujuKit
import SystemLibraries
import Testing

@testable import RegistryCharm

/// Reading `registry --version`, what each version may run, and how a `GET /v2/` answer is judged.
@Suite("Registry versions and the /v2/ probe")
struct RegistryVersionTests {
    @Test(
        "registry --version as each image prints it",
        arguments: [
            ("registry github.com/distribution/distribution/v3 3.1.1\n", "3.1.1", 3),
            ("registry github.com/distribution/distribution/v3 v3.0.0", "3.0.0", 3),
            ("registry github.com/docker/distribution v2.8.3", "2.8.3", 2),
            ("registry github.com/docker/distribution 2.8.3", "2.8.3", 2),
            ("docker-registry github.com/docker/distribution 2.8.2+ds1\n", "2.8.2+ds1", 2),
            // A development build of v3: the module path says 3 whatever the version.
            ("registry github.com/distribution/distribution/v3 v0.0.0-unknown+dirty", "0.0.0-unknown+dirty", 3),
        ]
    )
    func parses(output: String, text: String, major: Int) throws {
        let version = try #require(RegistryVersion.parse(output))
        #expect(version.text == text)
        #expect(version.major == major)
        #expect(version.isV3 == (major == 3))
    }

    @Test(
        "anything else is not a registry's answer",
        arguments: [
            "", "\n\n", "sh: --version: not found", "BusyBox v1.35.0 (Debian 1:1.35.0-4+b3) multi-call binary.",
            "registry", "registry github.com/docker/distribution", "registry github.com/x/y $(reboot)",
            "a b c d e github.com/x 1.0",
        ]
    )
    func refuses(output: String) {
        #expect(RegistryVersion.parse(output) == nil)
    }

    @Test("swift storage is refused on v3 only; an unknown major is refused whatever the storage")
    func compatibility() {
        let swift = CharmConfig(options: [
            "storage-swift-authurl": "http://127.0.0.1:7480/auth/1.0", "storage-swift-username": "registry:swift",
            "storage-swift-password": "key", "storage-swift-container": "registry",
        ])
        #expect(swift.problems.isEmpty)
        let v2 = RegistryVersion(text: "2.8.3", major: 2)
        let v3 = RegistryVersion(text: "3.1.1", major: 3)
        #expect(RegistryCompatibility.problems(swift, version: v2).isEmpty)
        let refused = RegistryCompatibility.problems(swift, version: v3)
        #expect(refused.map(\.option) == ["storage-swift-authurl"])
        #expect(RegistryCompatibility.problems(CharmConfig(options: [:]), version: v3).isEmpty)
        let future = RegistryCompatibility.problems(CharmConfig(options: [:]), version: .init(text: "4.0.0", major: 4))
        #expect(future.map(\.option) == ["registry-image"])
    }

    static let httpAuth = RegistryProbe.Expectation(port: 5000, tls: nil, authentication: true)
    static let httpOpen = RegistryProbe.Expectation(port: 5000, tls: nil, authentication: false)

    @Test("a /v2/ answer is as configured only with 401 under auth and 200 without")
    func judge() {
        let ok = RegistryResponse(status: 200)
        let challenge = RegistryResponse(status: 401, headers: ["www-authenticate": "Basic realm=\"x\""])
        #expect(RegistryProbe.judge(challenge, Self.httpAuth) == .asConfigured)
        #expect(RegistryProbe.judge(ok, Self.httpOpen) == .asConfigured)
        #expect(
            RegistryProbe.judge(ok, Self.httpAuth)
                == .mismatch(
                    "it answers GET /v2/ on port 5000 without asking for credentials where authentication is configured"
                )
        )
        #expect(
            RegistryProbe.judge(challenge, Self.httpOpen)
                == .mismatch("it asks for credentials on port 5000 where no authentication is configured")
        )
        let tlsServer = RegistryResponse(
            status: 400,
            body: Array("Client sent an HTTP request to an HTTPS server.\n".utf8)
        )
        #expect(
            RegistryProbe.judge(tlsServer, Self.httpOpen)
                == .mismatch("it answers https on port 5000 where plain http is configured")
        )
        #expect(
            RegistryProbe.judge(RegistryResponse(status: 503), Self.httpOpen)
                == .mismatch("it answers GET /v2/ on port 5000 with status 503")
        )
    }

    /// A transport that refuses a few times, then answers.
    final class Refusing: RegistryTransport, @unchecked Sendable {
        var refusals: Int
        var sent = 0
        init(refusals: Int) { self.refusals = refusals }
        func send(_ request: RegistryRequest, to endpoint: RegistryEndpoint) async throws(RegistryClientError)
            -> RegistryResponse
        {
            sent += 1
            if sent <= refusals { throw .refused(origin: endpoint.origin) }
            return RegistryResponse(status: 401)
        }
    }

    @Test("a registry that does not listen yet is waited for, then judged; one that never listens is named")
    func waitsForTheListener() async {
        let late = Refusing(refusals: 3)
        let probe = RegistryProbe(transport: late, pause: { _ in })
        #expect(await probe.check(Self.httpAuth) == .asConfigured)
        #expect(late.sent == 4)
        let never = Refusing(refusals: .max)
        #expect(
            await RegistryProbe(transport: never, pause: { _ in }).check(Self.httpAuth)
                == .mismatch("nothing answers on port 5000")
        )
        #expect(never.sent == RegistryProbe.attempts)
    }

    /// A transport that always fails with `error`, then answers plain http with 200.
    final class Failing: RegistryTransport, @unchecked Sendable {
        let error: RegistryClientError
        init(_ error: RegistryClientError) { self.error = error }
        func send(_ request: RegistryRequest, to endpoint: RegistryEndpoint) async throws(RegistryClientError)
            -> RegistryResponse
        {
            if endpoint.tls == nil { return RegistryResponse(status: 200) }
            throw error
        }
    }

    @Test(
        "with TLS: plain http behind is named; a refused client certificate after the pinned server one is as configured"
    )
    func tlsVerdicts() async {
        let tls = ServedTLSFiles(certificate: Array("pem".utf8), key: nil, ca: nil)
        let expected = RegistryProbe.Expectation(port: 5000, tls: tls, authentication: true)
        let plain = RegistryProbe(
            transport: Failing(.transport(origin: "o", reason: "wrong version number")),
            pause: { _ in }
        )
        #expect(
            await plain.check(expected) == .mismatch("it answers plain http on port 5000 where https is configured")
        )
        let mutual = RegistryProbe(
            transport: Failing(.clientCertificateRefused(origin: "o", reason: "certificate required")),
            pause: { _ in }
        )
        #expect(await mutual.check(expected) == .asConfigured)
    }

    @Test("the container runs the image's entrypoint with serve <config>; the command is part of the spec digest")
    func serveCommand() throws {
        let spec = ContainerSpec(
            name: "registry",
            image: "registry:3",
            inputsDigest: "d",
            command: RegistryReconciler.serveCommand(configFile: "/etc/docker/registry/config.yml")
        )
        let arguments = try spec.creationArguments(specDigest: "x")
        #expect(arguments.suffix(3) == ["registry:3", "serve", "/etc/docker/registry/config.yml"])
        #expect(!arguments.contains("--entrypoint"))
        let manager = ContainerManager(docker: DockerCLI(runner: FakeRunnerNeverCalled()), digest: { "\($0.count)" })
        var other = spec
        other.command = ["/etc/docker/registry/config.yml"]
        #expect(manager.specDigest(spec) != manager.specDigest(other))
        var empty = spec
        empty.command = [""]
        #expect(throws: DockerError.self) { try empty.creationArguments(specDigest: "x") }
    }

    /// A runner for values that never run anything.
    struct FakeRunnerNeverCalled: CommandRunner {
        func run(_ command: Command) async throws(CommandError) -> CommandResult {
            Issue.record("unexpected command \(command)")
            return CommandResult()
        }
    }
}
