import SystemLibraries
import Testing

/// SHA-256 and HMAC-SHA256 from the system's libcrypto, against published test vectors.
@Suite("SHA-256 and HMAC")
struct DigestTests {
    @Test("SHA-256 of \"\" and \"abc\" are FIPS 180-2's")
    func sha256Vectors() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("a digest fed in pieces equals the one-shot digest")
    func streaming() {
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var hasher = SHA256Hasher()
        var offset = 0
        for size in [1, 63, 64, 65, 4096, 100_000] where offset < bytes.count {
            let end = min(bytes.count, offset + size)
            hasher.update(Array(bytes[offset..<end]))
            offset = end
        }
        #expect(offset == bytes.count)
        #expect(hasher.finalize() == SHA256.hash(bytes))
    }

    @Test("HMAC-SHA256 matches RFC 4231 test cases 1 and 2")
    func hmacVectors() {
        let case1 = SHA256.hmac(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8))
        #expect(HexText.lowerCase(case1) == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        let case2 = SHA256.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(HexText.lowerCase(case2) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }
}
