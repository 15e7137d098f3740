import Foundation
import JujuKit
import RegistryCharm
import RegistryCharmTesting
import Testing

/// bcrypt htpasswd entries: format, verification, refusals, and acceptance by Apache's htpasswd and the registry.
@Suite("htpasswd")
struct HtpasswdTests {
    @Test("an entry is user:$2b$10$ plus a 53-character salt and hash, and verifies")
    func entryVerifies() throws {
        let entry = try Htpasswd.entry(user: "admin", password: "s3cret pass")
        #expect(entry.hasPrefix("admin:$2b$10$"))
        #expect(entry.count == "admin:".count + 60)
        #expect(Htpasswd.verify(content: entry, user: "admin", password: "s3cret pass"))
        #expect(Htpasswd.verify(content: "other:x\n" + entry + "\n", user: "admin", password: "s3cret pass"))
    }

    @Test("a wrong password, another user, or a truncated hash does not verify")
    func wrongDoesNotVerify() throws {
        let entry = try Htpasswd.entry(user: "admin", password: "right", cost: 4)
        #expect(!Htpasswd.verify(content: entry, user: "admin", password: "wrong"))
        #expect(!Htpasswd.verify(content: entry, user: "root", password: "right"))
        #expect(!Htpasswd.verify(content: String(entry.dropLast(5)), user: "admin", password: "right"))
        #expect(!Htpasswd.verify(content: "admin:{SHA}abc", user: "admin", password: "right"))
        #expect(!Htpasswd.verify(content: "", user: "admin", password: "right"))
    }

    @Test("two entries for the same credentials differ (fresh salt) yet both verify")
    func freshSalt() throws {
        let first = try Htpasswd.entry(user: "u", password: "p", cost: 4)
        let second = try Htpasswd.entry(user: "u", password: "p", cost: 4)
        #expect(first != second)
        #expect(Htpasswd.verify(content: second, user: "u", password: "p"))
    }

    @Test(
        "users and passwords that cannot go into an htpasswd file are refused, without the password in the message",
        arguments: [
            ("a:b", "pw", "the htpasswd user \"a:b\" contains ':'"),
            ("a\nb", "pw", "the htpasswd user \"a\\nb\" contains a line break"),
            ("a\tb", "pw", "the htpasswd user \"a\\tb\" contains a control character"),
            ("", "pw", "the htpasswd user is empty"),
            ("admin", "", "the htpasswd password is empty"),
            ("admin", "pa\u{0}ss", "the htpasswd password contains a NUL character"),
            (
                "admin", String(repeating: "é", count: 37),
                "the htpasswd password is 74 bytes long; bcrypt uses at most 72"
            ),
        ]
    )
    func refusals(user: String, password: String, message: String) {
        #expect(throws: HtpasswdError.self) { try Htpasswd.entry(user: user, password: password) }
        do {
            _ = try Htpasswd.entry(user: user, password: password)
        } catch {
            #expect(error.description == message)
            if password.count > 2 { #expect(!error.description.contains(password)) }
        }
    }

    @Test("a cost outside 4...31 is refused instead of trapping")
    func invalidCost() {
        #expect(throws: HtpasswdError.invalidCost(3)) { try Htpasswd.entry(user: "u", password: "p", cost: 3) }
        #expect(throws: HtpasswdError.invalidCost(32)) { try Htpasswd.entry(user: "u", password: "p", cost: 32) }
    }

    @Test("a 72-byte password is accepted")
    func longestPassword() throws {
        let password = String(repeating: "x", count: 72)
        let entry = try Htpasswd.entry(user: "u", password: password, cost: 4)
        #expect(Htpasswd.verify(content: entry, user: "u", password: password))
    }

    @Test("content(reusing:) keeps a file that still verifies, so the container is not re-created for nothing")
    func reuse() throws {
        let file = try Htpasswd.content(user: "admin", password: "pw", reusing: nil, cost: 4)
        #expect(file.hasSuffix("\n") && file.split(separator: "\n").count == 1)
        #expect(try Htpasswd.content(user: "admin", password: "pw", reusing: file, cost: 4) == file)
        let changedPassword = try Htpasswd.content(user: "admin", password: "new", reusing: file, cost: 4)
        #expect(changedPassword != file && Htpasswd.verify(content: changedPassword, user: "admin", password: "new"))
        let changedUser = try Htpasswd.content(user: "root", password: "pw", reusing: file, cost: 4)
        #expect(changedUser.hasPrefix("root:"))
        let extraUser = try Htpasswd.content(user: "admin", password: "pw", reusing: file + "intruder:x\n", cost: 4)
        #expect(extraUser != file + "intruder:x\n" && !extraUser.contains("intruder"))
    }

    @Test("bcrypt at cost 10 finishes well within a hook (time printed)")
    func timing() throws {
        let clock = ContinuousClock()
        var entry = ""
        let elapsed = try clock.measure { entry = try Htpasswd.entry(user: "admin", password: "timing") }
        let verify = clock.measure { _ = Htpasswd.verify(content: entry, user: "admin", password: "timing") }
        print("bcrypt cost 10: hash \(elapsed), verify \(verify)")
        #expect(elapsed < .seconds(5))
    }

    @Test(
        "Apache's htpasswd verifies our $2b$ entry; its own $2y$ entry (the reactive charm's) is kept by content(reusing:)",
        .enabled(if: DockerTestShell.exists("/usr/bin/htpasswd"))
    )
    func apacheCrossCheck() async throws {
        let directory = try DockerTestShell.temporaryDirectory("htpasswd")
        let path = "\(directory)/htpasswd"
        try DockerTestShell.write(try Htpasswd.content(user: "admin", password: "pw-1", reusing: nil), to: path)
        // Test-only: the password on argv is acceptable here; the charm never does this.
        let good = try await DockerTestShell.result("/usr/bin/htpasswd", ["-vb", path, "admin", "pw-1"])
        #expect(good.exitCode == 0, "\(good.standardError)")
        let bad = try await DockerTestShell.result("/usr/bin/htpasswd", ["-vb", path, "admin", "pw-2"])
        #expect(bad.exitCode != 0)
        let apache = try await DockerTestShell.run("/usr/bin/htpasswd", ["-nbB", "admin", "pw-1"])
        let apacheLine = apache.trimmingCharacters(in: .whitespacesAndNewlines) + "\n"
        #expect(apacheLine.hasPrefix("admin:$2y$"))
        #expect(Htpasswd.verify(content: apacheLine, user: "admin", password: "pw-1"))
        #expect(!Htpasswd.verify(content: apacheLine, user: "admin", password: "pw-2"))
        #expect(try Htpasswd.content(user: "admin", password: "pw-1", reusing: apacheLine, cost: 4) == apacheLine)
        let rewritten = try Htpasswd.content(user: "admin", password: "pw-2", reusing: apacheLine, cost: 4)
        #expect(rewritten.hasPrefix("admin:$2b$04$"))
    }

    @Test(
        "the real registry accepts the entry: 401 without or with wrong credentials, 200 with them",
        .enabled(if: DockerTestShell.exists("/usr/bin/docker-registry") && DockerTestShell.exists("/usr/bin/curl"))
    )
    func registryAcceptsEntry() async throws {
        let directory = try DockerTestShell.temporaryDirectory("htpasswd-registry")
        let port = DockerTestShell.freePort()
        let password = "p@ss: \"word\" #1"
        try DockerTestShell.write(
            try Htpasswd.content(user: "admin", password: password, reusing: nil),
            to: "\(directory)/htpasswd"
        )
        try DockerTestShell.write(
            """
            version: 0.1
            log:
              level: error
            storage:
              filesystem:
                rootdirectory: "\(directory)/data"
            http:
              addr: "127.0.0.1:\(port)"
            auth:
              htpasswd:
                realm: "test"
                path: "\(directory)/htpasswd"

            """,
            to: "\(directory)/config.yml"
        )
        let registry = Process()
        registry.executableURL = URL(fileURLWithPath: "/usr/bin/docker-registry")
        registry.arguments = ["serve", "\(directory)/config.yml"]
        registry.standardOutput = FileHandle.nullDevice
        registry.standardError = FileHandle.nullDevice
        try registry.run()
        defer { registry.terminate() }
        let url = "http://127.0.0.1:\(port)/v2/"
        var status = 0
        for _ in 0..<100 where status == 0 {
            status = try await DockerTestShell.httpStatus(url)
            if status == 0 { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(status == 401)
        #expect(try await DockerTestShell.httpStatus(url, user: "admin", password: password) == 200)
        #expect(try await DockerTestShell.httpStatus(url, user: "admin", password: "wrong") == 401)
        #expect(try await DockerTestShell.httpStatus(url, user: "root", password: password) == 401)
    }
}
