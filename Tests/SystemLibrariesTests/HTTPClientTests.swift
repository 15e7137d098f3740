import Foundation
import RegistryCharmTesting
import SystemLibraries
import Testing

/// The one HTTP client (libcurl), against openssl's s_server and Python's http.server on loopback.
@Suite("HTTP client", .serialized)
struct HTTPClientTests {
    static func get(_ url: String, tls: HTTPTLS = HTTPTLS(), socket: String? = nil, limit: Int = 1 << 20)
        throws(HTTPTransferError) -> HTTPResponse
    {
        try HTTPClient().perform(
            HTTPRequest(
                url: url,
                unixSocketPath: socket,
                tls: tls,
                connectTimeoutMilliseconds: 5000,
                timeoutMilliseconds: 10_000,
                maximumBodyBytes: limit
            )
        )
    }

    @Test("a server presenting exactly the trusted leaf is accepted, whoever signed it; so is one chaining to the CA")
    func pinnedLeafAndCA() async throws {
        let pki = try await TestPKI.make()
        let server = try TestServer.tls(certificate: pki.server, key: pki.serverKey)
        let url = "https://127.0.0.1:\(server.port)/"
        let pinned = try Self.get(url, tls: HTTPTLS(trustedPEM: try pki.bytes(pki.server), verifiesHostName: false))
        #expect(pinned.status == 200)
        #expect(String(decoding: pinned.body, as: UTF8.self).contains("s_server"))
        let viaCA = try Self.get(url, tls: HTTPTLS(trustedPEM: try pki.bytes(pki.ca), verifiesHostName: true))
        #expect(viaCA.status == 200)
    }

    @Test("another certificate, or the system's CAs for a private CA, are refused with OpenSSL's reason")
    func untrustedServer() async throws {
        let pki = try await TestPKI.make()
        let server = try TestServer.tls(certificate: pki.server, key: pki.serverKey)
        let url = "https://127.0.0.1:\(server.port)/"
        #expect(throws: HTTPTransferError.peerCertificateRefused(reason: "unable to get local issuer certificate")) {
            try Self.get(url, tls: HTTPTLS(trustedPEM: try pki.bytes(pki.other), verifiesHostName: false))
        }
        #expect {
            try Self.get(url, tls: HTTPTLS(trustedPEM: nil, verifiesHostName: false))
        } throws: { error in
            guard case .peerCertificateRefused = error as? HTTPTransferError else { return false }
            return true
        }
    }

    @Test("the host name is checked only when asked: a trusted certificate for another name passes only unchecked")
    func hostNameCheck() async throws {
        let pki = try await TestPKI.make()
        let server = try TestServer.tls(certificate: pki.other, key: pki.otherKey)
        let url = "https://127.0.0.1:\(server.port)/"
        let trusted = try pki.bytes(pki.other)
        #expect(try Self.get(url, tls: HTTPTLS(trustedPEM: trusted, verifiesHostName: false)).status == 200)
        #expect {
            try Self.get(url, tls: HTTPTLS(trustedPEM: trusted, verifiesHostName: true))
        } throws: { error in
            guard case .peerCertificateRefused(let reason) = error as? HTTPTransferError else { return false }
            return reason.contains("127.0.0.1") || reason.contains("subject")
        }
    }

    @Test("a server that requires a client certificate refuses none (a TLS alert), and accepts one its CA signed")
    func mutualTLS() async throws {
        let pki = try await TestPKI.make()
        let server = try TestServer.tls(certificate: pki.server, key: pki.serverKey, requireClientCA: pki.ca)
        let url = "https://127.0.0.1:\(server.port)/"
        let trust = try pki.bytes(pki.ca)
        #expect {
            try Self.get(url, tls: HTTPTLS(trustedPEM: trust))
        } throws: { error in
            guard case .tlsFailed(let reason) = error as? HTTPTransferError else { return false }
            return reason.contains("alert")
        }
        let withClient = HTTPTLS(
            trustedPEM: trust,
            clientCertificatePEM: try pki.bytes(pki.client),
            clientKeyPEM: try pki.bytes(pki.clientKey)
        )
        #expect(try Self.get(url, tls: withClient).status == 200)
    }

    @Test("a registry requiring client certificates refuses a server-only pair with a TLS alert naming the certificate")
    func registryRefusesServerPairAsClient() async throws {
        let pki = try await TestPKI.make()
        let port = DockerTestShell.freePort()
        try DockerTestShell.write(
            """
            version: 0.1
            storage:
              filesystem:
                rootdirectory: \(pki.directory)/data
            http:
              addr: 127.0.0.1:\(port)
              tls:
                certificate: \(pki.server)
                key: \(pki.serverKey)
                clientcas:
                  - \(pki.ca)

            """,
            to: "\(pki.directory)/config.yml"
        )
        let registry = try TestServer("/usr/bin/docker-registry", ["serve", "\(pki.directory)/config.yml"], port: port)
        let url = "https://127.0.0.1:\(registry.port)/v2/"
        let trust = try pki.bytes(pki.ca)
        let serverPair = HTTPTLS(
            trustedPEM: trust,
            clientCertificatePEM: try pki.bytes(pki.server),
            clientKeyPEM: try pki.bytes(pki.serverKey)
        )
        #expect {
            try Self.get(url, tls: serverPair)
        } throws: { error in
            guard case .tlsFailed(let reason) = error as? HTTPTransferError else { return false }
            return reason.contains("alert") && reason.contains("certificate")
        }
        let clientPair = HTTPTLS(
            trustedPEM: trust,
            clientCertificatePEM: try pki.bytes(pki.client),
            clientKeyPEM: try pki.bytes(pki.clientKey)
        )
        let answer = try Self.get(url, tls: clientPair)
        #expect(answer.status == 200)
        #expect(answer.headers["docker-distribution-api-version"] == "registry/2.0")
    }

    @Test("TLS over a unix socket (as the docker engine's socket is reached, with http)")
    func unixSocket() async throws {
        let pki = try await TestPKI.make()
        let socket = "\(pki.directory)/server.sock"
        let server = try TestServer(
            "/usr/bin/openssl",
            ["s_server", "-unix", socket, "-cert", pki.server, "-key", pki.serverKey, "-www", "-quiet"],
            port: 0,
            unixSocket: socket
        )
        let response = try Self.get(
            "https://localhost/",
            tls: HTTPTLS(trustedPEM: try pki.bytes(pki.ca)),
            socket: socket
        )
        #expect(response.status == 200)
        _ = server
    }

    @Test("nothing listening is a refused connection; a body over the limit stops the transfer")
    func refusedAndLimit() async throws {
        let port = DockerTestShell.freePort()
        #expect {
            try Self.get("http://127.0.0.1:\(port)/")
        } throws: { error in
            guard case .connectionRefused = error as? HTTPTransferError else { return false }
            return true
        }
        let pki = try await TestPKI.make()
        let server = try TestServer.tls(certificate: pki.server, key: pki.serverKey)
        #expect(throws: HTTPTransferError.bodyTooLarge(limit: 16)) {
            try Self.get(
                "https://127.0.0.1:\(server.port)/",
                tls: HTTPTLS(trustedPEM: try pki.bytes(pki.ca)),
                limit: 16
            )
        }
    }

    @Test("plain http: status, lower-case headers and body of GET; HEAD has no body; other methods are sent as named")
    func plainHTTP() throws {
        let directory = try DockerTestShell.temporaryDirectory("http")
        try DockerTestShell.write("hello", to: "\(directory)/file")
        let port = DockerTestShell.freePort()
        let server = try TestServer(
            "/usr/bin/python3",
            ["-m", "http.server", "--bind", "127.0.0.1", "--directory", directory, String(port)],
            port: port
        )
        let get = try Self.get("http://127.0.0.1:\(server.port)/file")
        #expect(get.status == 200)
        #expect(get.headers["content-length"] == "5")
        #expect(get.body == Array("hello".utf8))
        let head = try HTTPClient().perform(HTTPRequest(method: "HEAD", url: "http://127.0.0.1:\(port)/file"))
        #expect(head.status == 200 && head.body.isEmpty && head.headers["content-length"] == "5")
        let delete = try HTTPClient().perform(HTTPRequest(method: "DELETE", url: "http://127.0.0.1:\(port)/file"))
        #expect(delete.status == 501)
        #expect(try Self.get("http://127.0.0.1:\(port)/missing").status == 404)
    }

    @Test("a proxy is used only when named: a name that does not resolve reaches the proxy, and fails without it")
    func explicitProxy() throws {
        let directory = try DockerTestShell.temporaryDirectory("proxy")
        let port = DockerTestShell.freePort()
        let proxy = try TestServer(
            "/usr/bin/python3",
            ["-m", "http.server", "--bind", "127.0.0.1", "--directory", directory, String(port)],
            port: port
        )
        let request = HTTPRequest(
            url: "http://registry.invalid/v2/",
            proxy: HTTPProxy(url: "http://127.0.0.1:\(proxy.port)")
        )
        // http.server answers the proxied request itself: 404 for the absolute URL it cannot map to a file.
        #expect(try HTTPClient().perform(request).status == 404)
        #expect(throws: HTTPTransferError.self) {
            try HTTPClient().perform(HTTPRequest(url: "http://registry.invalid/v2/", connectTimeoutMilliseconds: 3000))
        }
    }
}
