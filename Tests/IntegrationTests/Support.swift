import Foundation

extension String {
    /// The string's UTF-8 bytes in base64, as `tls-*-blob` options take them.
    var base64: String { Data(utf8).base64EncodedString() }
}

/// A CA, a server pair for 127.0.0.1 and a client pair made by Debian's real easy-rsa.
struct EasyRSA {
    var directory: URL
    var ca: String
    var serverCertificate: String
    var serverKey: String
    var caPath: String { directory.appendingPathComponent("pki/ca.crt").path }
    var clientCertificatePath: String { directory.appendingPathComponent("pki/issued/client.crt").path }
    var clientKeyPath: String { directory.appendingPathComponent("pki/private/client.key").path }

    /// Makes a CA and pairs valid for `days` (easy-rsa's default, 825, when `nil`).
    ///
    /// With `serverClient` both pairs carry serverAuth and clientAuth (`build-serverClient-full`), as the easyrsa
    /// charm's certificates do, so the server pair can also serve as a client identity.
    static func make(serverClient: Bool = false, days: Int? = nil) throws -> EasyRSA {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("easyrsa-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let easyrsa = "/usr/share/easy-rsa/easyrsa"
        var environment = ["EASYRSA_BATCH": "1", "EASYRSA_PKI": directory.appendingPathComponent("pki").path]
        if let days { environment["EASYRSA_CERT_EXPIRE"] = String(days) }
        for arguments in [
            ["init-pki"], ["build-ca", "nopass"],
            [
                "--subject-alt-name=IP:127.0.0.1,DNS:localhost,IP:::1,DNS:\(HostsEntry.name)",
                serverClient ? "build-serverClient-full" : "build-server-full", "127.0.0.1", "nopass",
            ],
            [serverClient ? "build-serverClient-full" : "build-client-full", "client", "nopass"],
        ] {
            let output = try shell(easyrsa, arguments, environment: environment)
            guard output.succeeded else { throw TestFailure("easyrsa \(arguments): \(output.stderr)") }
        }
        func read(_ path: String) throws -> String {
            try String(contentsOf: directory.appendingPathComponent(path), encoding: .utf8)
        }
        let issued = try read("pki/issued/127.0.0.1.crt")
        // easy-rsa prints a text dump before the PEM block: keep the PEM only.
        let pem = issued.range(of: "-----BEGIN CERTIFICATE-----").map { String(issued[$0.lowerBound...]) } ?? issued
        return EasyRSA(
            directory: directory,
            ca: try read("pki/ca.crt"),
            serverCertificate: pem,
            serverKey: try read("pki/private/127.0.0.1.key")
        )
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// Polls a URL in the background and counts the polls that got no HTTP answer.
final class AvailabilityPoller: @unchecked Sendable {
    private let url: String
    private let lock = NSLock()
    private var running = false
    private var failures = 0
    private var polls = 0
    private var thread: Thread?

    init(url: String) { self.url = url }

    func start() {
        running = true
        let thread = Thread { [self] in
            while lock.withLock({ running }) {
                let answered = (try? curl(url)) != nil
                lock.withLock {
                    polls += 1
                    if !answered { failures += 1 }
                }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        self.thread = thread
        thread.start()
    }

    /// Stops polling; returns the number of failed polls (and there was at least one poll).
    func stop() -> Int {
        lock.withLock { running = false }
        Thread.sleep(forTimeInterval: 0.3)
        return lock.withLock { polls > 0 ? failures : -1 }
    }
}

/// A name for the IPv6 loopback in /etc/hosts, for clients that must see the registry as a secure one.
///
/// docker treats every registry on 127.0.0.0/8 as insecure and then ignores `certs.d`, so it never presents a
/// client certificate there; a name that resolves to ::1 only is a secure registry to it, as a unit's address is.
enum HostsEntry {
    static let name = "registry-it.test"
    static let line = "::1 \(name) # docker-registry charm integration tests\n"

    /// Adds the entry (once); `remove()` takes it out again.
    static func add() throws {
        let text = (try? String(contentsOfFile: "/etc/hosts", encoding: .utf8)) ?? ""
        guard !text.contains(line) else { return }
        try (text + (text.hasSuffix("\n") || text.isEmpty ? "" : "\n") + line).write(
            toFile: "/etc/hosts",
            atomically: false,
            encoding: .utf8
        )
    }

    /// Removes the entry.
    static func remove() {
        guard let text = try? String(contentsOfFile: "/etc/hosts", encoding: .utf8), text.contains(line) else { return }
        try? text.replacingOccurrences(of: line, with: "").write(
            toFile: "/etc/hosts",
            atomically: false,
            encoding: .utf8
        )
    }
}
