import Testing

@testable import RegistryCharm

/// How action failures quote parameters, and how `rmi` recognises the registry's image id.
@Suite("Action quoting and image ids")
struct ActionQuoteTests {
    @Test("short values are quoted whole; long ones as a 64-character prefix with their length")
    func quoting() {
        #expect(ActionQuote.quoted("busybox:1") == "'busybox:1'")
        let long = String(repeating: "x", count: 65)
        #expect(ActionQuote.quoted(long) == "'\(String(repeating: "x", count: 64))…' (65 characters)")
        #expect(ActionQuote.bounded("abc", limit: 2) == "ab…")
        #expect(ActionQuote.bounded("ab", limit: 2) == "ab")
    }

    @Test("an image id is the registry's when it is a prefix of the container's image id")
    func imageIDs() {
        let full = "sha256:" + String(repeating: "ab", count: 32)
        #expect(LocalImagesAction.sameImageID(String(repeating: "ab", count: 6), full))
        #expect(LocalImagesAction.sameImageID("sha256:" + String(repeating: "ab", count: 8), full))
        #expect(!LocalImagesAction.sameImageID("0123456789ab", full))
    }
}

/// Which host texts are IP literals (the certificate check asks for an IP SAN for those): the one host check's.
@Suite("IP address literals")
struct IPAddressTextTests {
    static func isIP(_ text: String) -> Bool { HostAddress.isIPv4(text) || HostAddress.isIPv6(text) }

    @Test func literals() {
        #expect(Self.isIP("10.0.0.5"))
        #expect(Self.isIP("fd00::1"))
        #expect(!Self.isIP("registry.example.com"))
        #expect(!Self.isIP("1.2.3.4.example"))
        #expect(!Self.isIP("256.1.1.1"))
    }
}
