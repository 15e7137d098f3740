import RegistryCharmTesting
import Testing

@testable import RegistryCharm

/// The one host check every consumer of an address from outside uses (relation data, `http-host`, `certs.d`,
/// `daemon.json`).
@Suite("Host addresses")
struct HostAddressTests {
    /// A DNS name of `length` characters (see ``HostNames/name(length:)``).
    static func name(length: Int) -> String { HostNames.name(length: length) }

    static let valid = [
        "10.0.0.5", "0.0.0.0", "255.255.255.255", "registry", "registry.internal", "a-b.c", "xn--bcher-kva.example",
        "fd00::5", "::1", "::", "2001:db8:0:0:0:0:0:1", "::ffff:10.0.0.5", "fe80::1:2:3:4:5:6",
        String(repeating: "a", count: 63) + ".b", name(length: 253),
    ]

    static let invalid = [
        "evil:x", "a..b", "-a.b", "a-.b", ".a", "a.", "", " a", "a b", "a_b", "a/b", "[fd00::5]", "fd00::5%eth0",
        "1:2:3:4:5:6:7:8:9", "1::2::3", "1:::2", "12345::", "999.1.1.1", "10.0.0.05", "10.0.0.5\nservices: []",
        String(repeating: "a", count: 64) + ".b", name(length: 254), "évil.example",
    ]

    @Test("accepted: IPv4, IPv6 literals, RFC 1123 names at their longest", arguments: valid)
    func accepted(_ host: String) {
        #expect(HostAddress.isValid(host))
        #expect(HostAddress.isValid(host) == (HostAddress.isName(host) || HostAddress.isIPv6(host)))
    }

    @Test(
        "refused: ports, empty or 64-character labels, edge hyphens, 254 characters, zones, brackets",
        arguments: invalid
    )
    func refused(_ host: String) {
        #expect(!HostAddress.isValid(host))
    }

    @Test("every consumer agrees: relation data, http-host and the docker trust accept and refuse the same hosts")
    func consumersAgree() {
        // A bracketed host is already a netloc's form; the netloc check takes it, the host check does not.
        for host in Self.valid + Self.invalid where !host.hasPrefix("[") {
            let valid = HostAddress.isValid(host)
            let netloc = RegistryNetloc.join(host: host, port: 5000)
            #expect(((try? RegistryAddress.validate(netloc)) != nil) == valid, "\(host)")
            if !host.contains(":") { #expect(ParsedURL.isValidHostname(host[...]) == valid, "\(host)") }
            if host.utf8.count <= RelationAddress.maximumLength {
                #expect(RelationAddress.isHostOrAddress(host) == valid, "\(host)")
            }
        }
    }

    @Test("a relation address leaves certs.d/<address>:<port> a file name; longer valid names are refused")
    func fitsFileName() {
        let longest = Self.name(length: RelationAddress.maximumLength)
        #expect(RelationAddress.isHostOrAddress(longest))
        #expect(RegistryNetloc.join(host: longest, port: 65535).utf8.count == 255)
        #expect(!RelationAddress.isHostOrAddress(Self.name(length: RelationAddress.maximumLength + 1)))
        #expect(throws: DockerHostError.self) {
            try RegistryAddress.validateFileName(RegistryNetloc.join(host: Self.name(length: 253), port: 5000))
        }
    }

    @Test("a netloc's port is 1-65535, digits only; an IPv6 host needs brackets with a port")
    func ports() {
        for bad in ["a:0", "a:65536", "a:x", "a:", "fd00::5:5000x", "[fd00::5]x", "[fd00::5", "[a]:5000"] {
            #expect(throws: DockerHostError.invalidNetloc(bad)) { try RegistryAddress.validate(bad) }
        }
        for good in ["a:1", "a:65535", "[fd00::5]:5000", "[::1]", "fd00::5", "10.0.0.5:5000", "a"] {
            #expect(throws: Never.self) { try RegistryAddress.validate(good) }
        }
    }
}
