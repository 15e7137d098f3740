import JujuKit
import RegistryCharmTesting
import SystemLibraries
import Testing

/// bcrypt from the system's libxcrypt, judged by Apache's htpasswd.
@Suite("bcrypt")
struct BcryptTests {
    @Test("a fresh hash is $2b$ at the cost asked, salted anew each time, and verifies only its password")
    func hashAndVerify() throws {
        let first = try Bcrypt.hash("s3cret pass", cost: 5)
        let second = try Bcrypt.hash("s3cret pass", cost: 5)
        #expect(first.hasPrefix("$2b$05$") && first.count == 60)
        #expect(first != second)
        #expect(Bcrypt.verify("s3cret pass", hash: first))
        #expect(!Bcrypt.verify("s3cret pasS", hash: first))
        #expect(!Bcrypt.verify("s3cret pass", hash: "$1$abc$notbcrypt"))
        #expect(!Bcrypt.verify("s3cret pass", hash: String(first.dropLast())))
    }

    @Test("a cost outside 4...31 is refused with libxcrypt's reason")
    func badCost() {
        #expect(throws: CryptError.self) { try Bcrypt.hash("x", cost: 3) }
        #expect(throws: CryptError.self) { try Bcrypt.hash("x", cost: 32) }
    }

    @Test("Apache's htpasswd -B ($2y$) hashes verify; ours verify under htpasswd -v")
    func apacheInterop() async throws {
        let apache = try await DockerTestShell.run("/usr/bin/htpasswd", ["-nbB", "-C", "5", "alice", "pa:ss word"])
        let hash = String(apache.split(separator: ":", maxSplits: 1)[1]).trimmingWhitespace()
        #expect(hash.hasPrefix("$2y$05$"))
        #expect(Bcrypt.verify("pa:ss word", hash: hash))
        #expect(!Bcrypt.verify("pa:ss Word", hash: hash))

        let directory = try DockerTestShell.temporaryDirectory("bcrypt")
        try DockerTestShell.write("bob:\(try Bcrypt.hash("other pass", cost: 5))\n", to: "\(directory)/htpasswd")
        let good = try await DockerTestShell.result(
            "/usr/bin/htpasswd",
            ["-vb", "\(directory)/htpasswd", "bob", "other pass"]
        )
        let bad = try await DockerTestShell.result(
            "/usr/bin/htpasswd",
            ["-vb", "\(directory)/htpasswd", "bob", "other"]
        )
        #expect(good.exitCode == 0)
        #expect(bad.exitCode != 0)
    }
}
