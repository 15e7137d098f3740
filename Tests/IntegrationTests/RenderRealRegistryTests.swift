import Foundation
import RegistryCharm
import RegistryCharmTesting
import Testing

/// Debian's real registry binary loads every golden file and serves `/v2/`.
///
/// Swift, which needs its backend at start, must get past configuration parsing to the storage connection. Ports
/// and paths are rewritten to loopback and a temporary directory; TLS and htpasswd files are made in the test;
/// nothing but 127.0.0.1 is contacted.
@Suite(
    "Rendered config accepted by the real registry",
    .serialized,
    .enabled(if: CharmUnderTest.enabled),
    .enabled(if: FileManager.default.isExecutableFile(atPath: RealRegistry.binary), "needs Debian's docker-registry")
)
struct RenderRealRegistryTests {
    /// `s3cret-pass` hashed with bcrypt (cost 5), the only hash type the registry's htpasswd accepts.
    static let basicHash = "$2b$05$X6McoSFBz9UJuhs920S9g.6oeAk6HRUFzsw.NVi5YFsuC1P3HeLW2"
    static let apiVersionHeader = "Docker-Distribution-API-Version"

    @Test(arguments: RenderScenarios.names)
    func registryAcceptsRenderedFile(name: String) async throws {
        let scenario = try #require(RenderScenarios.named(name))
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("registry-render-\(scenario.name)-\(UUID().uuidString)", isDirectory: true)
        let etc = directory.appendingPathComponent("etc", isDirectory: true)
        try FileManager.default.createDirectory(at: etc, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let config = scenario.config
        let port = try RealRegistry.freePort()
        let debugPort = try RealRegistry.freePort()
        var text = try String(contentsOf: RenderGolden.url(scenario.name), encoding: .utf8)
        try Self.replace(&text, "\"addr\" : \":\(config.registryPort)\"", "\"addr\" : \"127.0.0.1:\(port)\"")
        if config.prometheusMetrics {
            try Self.replace(&text, "\"addr\" : \":\(config.debugPort)\"", "\"addr\" : \"127.0.0.1:\(debugPort)\"")
        }
        text = text.replacingOccurrences(of: "\"/var/lib/registry\"", with: "\"\(directory.path)/data\"")
        text = text.replacingOccurrences(of: "\"/etc/docker/registry/", with: "\"\(etc.path)/")

        // Pull-through caches contact their upstream at start: give them a real one, another local registry.
        var upstream: RegistryProcess?
        defer { upstream?.stop() }
        if let cache = config.cache {
            let (process, upstreamPort) = try await Self.startUpstream(in: directory)
            upstream = process
            try Self.replace(
                &text,
                "\"remoteurl\" : \"\(cache.remoteURL.text)\"",
                "\"remoteurl\" : \"http://127.0.0.1:\(upstreamPort)\""
            )
        }
        let closedPort = try RealRegistry.freePort()
        switch config.storage {
        case .filesystem: break
        case .swift(let swift):
            try Self.replace(
                &text,
                "\"authurl\" : \"\(swift.authURL)\"",
                "\"authurl\" : \"http://127.0.0.1:\(closedPort)/v3\""
            )
        case .s3(let s3):
            if let endpoint = s3.regionEndpoint {
                try Self.replace(
                    &text,
                    "\"regionendpoint\" : \"\(endpoint)\"",
                    "\"regionendpoint\" : \"http://127.0.0.1:\(closedPort)\""
                )
            } else {
                try Self.replace(
                    &text,
                    "\"s3\" : {",
                    "\"s3\" : {\n      \"regionendpoint\" : \"http://127.0.0.1:\(closedPort)\","
                )
            }
        }
        if case .basic(let user, _) = config.auth {
            try Data("\(user):\(Self.basicHash)\n".utf8).write(to: etc.appendingPathComponent("htpasswd"))
        }
        if case .token = config.auth {
            try RealRegistry.makeCertificates(in: etc)
            try FileManager.default.copyItem(
                at: etc.appendingPathComponent("ca.crt"),
                to: etc.appendingPathComponent("auth_token.pem")
            )
        }
        if scenario.inputs.tls != nil {
            try RealRegistry.makeCertificates(in: etc)
        }
        #expect(!text.contains("\":5000\"") && !text.contains("/etc/docker/registry"), "\(text)")
        let configFile = directory.appendingPathComponent("config.yml")
        try Data(text.utf8).write(to: configFile)

        let registry = try RegistryProcess(config: configFile, directory: directory)
        defer { registry.stop() }
        if case .swift = config.storage {
            try await Self.expectStorageConnectionFailure(registry, marker: "swift authentication failed")
            return
        }
        let scheme = scenario.inputs.tls == nil ? "http" : "https"
        let tlsOptions =
            scenario.inputs.tls == nil
            ? []
            : ["--cacert", "\(etc.path)/ca.crt", "--cert", "\(etc.path)/client.crt", "--key", "\(etc.path)/client.key"]
        let base = "\(scheme)://127.0.0.1:\(port)"
        let answer = try await Self.waitForAPI(registry, url: base + "/v2/", options: tlsOptions)
        try Self.checkBehaviour(scenario, answer: answer, base: base, tlsOptions: tlsOptions, debugPort: debugPort)
    }

    /// What each configuration must do once it serves.
    static func checkBehaviour(
        _ scenario: RenderScenario,
        answer: RealRegistry.Answer,
        base: String,
        tlsOptions: [String],
        debugPort: Int
    ) throws {
        let config = scenario.config
        switch config.auth {
        case .none:
            #expect(answer.status == 200)
        case .basic(let user, let password):
            #expect(answer.status == 401)
            #expect(answer.header("WWW-Authenticate") == "Basic realm=\"docker-registry\"")
            let authorised = try RealRegistry.get(base + "/v2/", tlsOptions + ["-u", "\(user):\(password)"])
            #expect(authorised?.status == 200)
        case .token(let issuer, let realm, let service, _):
            #expect(answer.status == 401)
            #expect(answer.header("WWW-Authenticate") == "Bearer realm=\"\(realm)\",service=\"\(service)\"")
            #expect(!issuer.isEmpty)
        case .accounts:
            Issue.record("the render scenarios have no accounts; AccountsIntegrationTests cover them")
        }
        if scenario.inputs.tls != nil {
            let withoutClientCertificate = try RealRegistry.get(
                base + "/v2/",
                Array(tlsOptions.prefix(2))
            )
            #expect(withoutClientCertificate == nil || withoutClientCertificate?.status != 200)
            let plain = try RealRegistry.get(base.replacingOccurrences(of: "https://", with: "http://") + "/v2/")
            #expect(plain?.status != 200)
        }
        if config.prometheusMetrics {
            let metrics = try RealRegistry.get("http://127.0.0.1:\(debugPort)/metrics")
            #expect(metrics?.status == 200)
            #expect(metrics?.body.contains("# HELP") == true)
        }
        if case .none = config.auth, config.cache == nil, config.storage == .filesystem {
            // Starting an upload proves the storage is writable, or refused when read-only.
            let upload = try RealRegistry.get(base + "/v2/probe/blobs/uploads/", tlsOptions + ["-X", "POST"])
            #expect(upload?.status == (config.storageReadOnly ? 405 : 202))
        }
    }

    /// Replaces `target` in `text`, failing when it is not there (the rewrite must not silently miss).
    static func replace(_ text: inout String, _ target: String, _ replacement: String) throws {
        guard text.contains(target) else { throw RewriteError.missing(target) }
        text = text.replacingOccurrences(of: target, with: replacement)
    }

    enum RewriteError: Error, CustomStringConvertible {
        case missing(String)
        var description: String {
            switch self {
            case .missing(let target): return "rendered file has no \(target)"
            }
        }
    }

    /// Polls `url` until the registry answers with its API version header (20 s at most).
    static func waitForAPI(
        _ registry: RegistryProcess,
        url: String,
        options: [String]
    ) async throws -> RealRegistry.Answer {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if !registry.isRunning {
                Issue.record("registry exited: \(registry.output)")
                throw RegistryError.exited
            }
            if let answer = try RealRegistry.get(url, options), answer.header(apiVersionHeader) == "registry/2.0" {
                return answer
            }
            try await Task.sleep(for: .milliseconds(150))
        }
        Issue.record("registry did not serve \(url) in 20 s: \(registry.output)")
        throw RegistryError.timedOut
    }

    /// Waits for the registry to stop on a storage connection error (not a configuration error).
    static func expectStorageConnectionFailure(_ registry: RegistryProcess, marker: String) async throws {
        let deadline = Date().addingTimeInterval(20)
        while registry.isRunning, Date() < deadline {
            try await Task.sleep(for: .milliseconds(150))
        }
        let output = registry.output
        #expect(!registry.isRunning, "registry still running: \(output)")
        #expect(!output.contains("configuration error"), "\(output)")
        #expect(output.lowercased().contains(marker), "\(output)")
        #expect(output.contains("127.0.0.1") && output.contains("connection refused"), "\(output)")
    }

    /// A plain local registry to act as a pull-through cache's upstream.
    static func startUpstream(in directory: URL) async throws -> (RegistryProcess, Int) {
        let upstreamDirectory = directory.appendingPathComponent("upstream", isDirectory: true)
        try FileManager.default.createDirectory(at: upstreamDirectory, withIntermediateDirectories: true)
        let port = try RealRegistry.freePort()
        let config = RegistryConfig(
            log: .init(level: "info"),
            http: .init(addr: "127.0.0.1:\(port)"),
            storage: .init(
                driver: .filesystem(rootdirectory: upstreamDirectory.path + "/data"),
                redirect: .init(disable: true)
            )
        )
        let file = upstreamDirectory.appendingPathComponent("config.yml")
        try Data(config.rendered().utf8).write(to: file)
        let process = try RegistryProcess(config: file, directory: upstreamDirectory)
        _ = try await waitForAPI(process, url: "http://127.0.0.1:\(port)/v2/", options: [])
        return (process, port)
    }

    enum RegistryError: Error {
        case exited
        case timedOut
    }
}
