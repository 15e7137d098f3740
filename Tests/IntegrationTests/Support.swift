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

    /// Makes the PKI; with `serverClient` the server pair may also serve as a client identity (extended key usage
    /// serverAuth and clientAuth), which the charm needs when the registry requires client certificates.
    static func make(serverClient: Bool = false) throws -> EasyRSA {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("easyrsa-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let easyrsa = "/usr/share/easy-rsa/easyrsa"
        let environment = ["EASYRSA_BATCH": "1", "EASYRSA_PKI": directory.appendingPathComponent("pki").path]
        for arguments in [
            ["init-pki"], ["build-ca", "nopass"],
            [
                "--subject-alt-name=IP:127.0.0.1,DNS:localhost",
                serverClient ? "build-serverClient-full" : "build-server-full", "127.0.0.1", "nopass",
            ],
            ["build-client-full", "client", "nopass"],
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
