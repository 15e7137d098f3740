import Foundation
import Testing

/// The fixture's options plus a `type: secret` option, `db-pass`.
private let secretConfig = Fixture.config + "  db-pass: {type: secret, description: the database credentials}\n"

@Suite("Secrets: user secrets, secret hook tools, revisions and secret hooks", .serialized)
struct SecretTests {
    /// A harness whose charm has a secret option; not deployed.
    private func harness() throws -> SimHarness {
        let sim = try SimHarness()
        try sim.write(secretConfig, to: sim.charm + "/config.yaml")
        return sim
    }

    /// `add-secret` and the new secret's id.
    private func addSecret(_ sim: SimHarness, _ arguments: String...) throws -> String {
        let output = try sim.simArgs(["add-secret"] + arguments)
        #expect(output.code == 0, "add-secret failed: \(output.stderr)")
        return String(output.stdout.trimmingCharacters(in: .whitespacesAndNewlines).dropFirst("secret:".count))
    }

    /// The id at the end of a `secret-add` URI (`secret://<model-uuid>/<id>`).
    private func id(of uri: String) -> String {
        String(uri.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "/").last ?? "")
    }

    /// Times replaced by `T`, so outputs compare exactly.
    private func untimed(_ text: String) -> String {
        text.replacingOccurrences(of: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"#, with: "T", options: .regularExpression)
    }

    /// Hooks run on a unit, with their outcome.
    private func outcomes(_ sim: SimHarness, unit: String = "demo/0") throws -> [String] {
        try sim.history().filter { ($0["unit"] as? String) == unit }.map {
            "\($0["hook"] as? String ?? "") \($0["outcome"] as? String ?? "")"
        }
    }

    @Test("add-secret prints secret:<xid>; secrets (tabular, yaml, json) and show-secret --reveal; name and key errors")
    func userSecretVerbs() throws {
        let sim = try harness()
        let id = try addSecret(sim, "dbpass", "password=s3cret", "user=admin", "--info", "db creds")
        #expect(id.range(of: #"^[0-9a-v]{19}[0g]$"#, options: .regularExpression) != nil, "\(id)")
        let table = try sim.ok("secrets").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(table[0] == "ID                    Name    Owner    Rotation  Revision  Last updated")
        #expect(table[1].hasPrefix("\(id)  dbpass  <model>  never            1  "), "\(table[1])")
        let yaml = untimed(try sim.ok("secrets", "--format", "yaml"))
        #expect(
            yaml == "\(id):\n  revision: 1\n  owner: <model>\n  description: db creds\n  name: dbpass\n"
                + "  created: T\n  updated: T\n"
        )
        let json = untimed(try sim.ok("secrets", "--format", "json"))
        #expect(
            json == #"{"\#(id)":{"revision":1,"owner":"\u003cmodel\u003e","description":"db creds","name":"dbpass","#
                + #""created":"T","updated":"T"}}"# + "\n"
        )
        let shown = untimed(try sim.ok("show-secret", "dbpass", "--reveal"))
        #expect(shown.hasSuffix("  updated: T\n  content:\n    password: s3cret\n    user: admin\n"), "\(shown)")
        #expect(try sim.ok("show-secret", "secret:" + id, "--format", "json").contains(#""name":"dbpass""#))

        let duplicate = try sim.sim("add-secret", "dbpass", "other=value")
        #expect(duplicate.code == 1 && duplicate.stderr == "ERROR secret with name \"dbpass\" already exists\n")
        let badKey = try sim.sim("add-secret", "other", "ca=x")
        #expect(badKey.code == 2 && badKey.stderr == "ERROR usage: key \"ca\" not valid\n")
        #expect(try sim.sim("add-secret", "other").code == 2)
        #expect(try sim.sim("show-secret", "nosuch").stderr == "ERROR secret \"nosuch\" not found\n")
        let reveal = try sim.sim("show-secret", "dbpass", "--reveal", "--revisions")
        #expect(reveal.stderr == "ERROR usage: specify either --revisions or --reveal but not both\n")

        try sim.write("-----BEGIN CERTIFICATE-----\nMIIB\n", to: sim.root + "/cert.pem")
        _ = try addSecret(sim, "files", "cert#file=\(sim.root)/cert.pem", "blob#base64=aGVsbG8=")
        let files = try sim.ok("show-secret", "files", "--reveal", "--format", "json")
        #expect(files.contains(#""content":{"blob":"hello","cert":"-----BEGIN CERTIFICATE-----\nMIIB\n"}"#), "\(files)")

        #expect(try sim.ok("remove-secret", "files").isEmpty)
        #expect(!(try sim.ok("secrets")).contains("files"))
    }

    @Test("a secret option takes the URI; secret-get is 'permission denied' until grant-secret, then reads")
    func grantAndGet() throws {
        let sim = try harness()
        let id = try addSecret(sim, "dbpass", "password=s3cret", "user=admin")
        try sim.deploy("db-pass=secret:" + id)
        let bad = try sim.sim("config", "db-pass=not-a-uri")
        #expect(bad.code == 1 && bad.stderr.contains("option \"db-pass\" expected secret"), "\(bad.stderr)")
        let before = try sim.tools(["config-get db-pass", "secret-get $(config-get db-pass)"])
        #expect(before[0].stdout == "secret:\(id)\n")
        #expect(before[1].code == 1 && before[1].stderr == "ERROR permission denied\n")

        let unknown = try sim.sim("grant-secret", "dbpass", "demo,nosuch")
        #expect(unknown.code == 1)
        #expect(unknown.stderr == "ERROR failed to grant/revoke secret: application \"nosuch\" not found\n")
        let runs = try sim.tools([
            "secret-get secret:\(id)",
            "secret-get secret:\(id) --format=json",
            "secret-get secret:\(id) password",
            "secret-get \(id) password#base64",
            "secret-get secret:\(id) nokey",
            "secret-get secret:aaaaaaaaaaaaaaaaaaa0",
            "secret-get bogus",
            "secret-get",
            "secret-get secret:\(id) --peek --refresh",
            "secret-get secret:\(id) user extra",
        ])
        #expect(runs[0].stdout == "password: s3cret\nuser: admin\n")
        #expect(runs[1].stdout == #"{"password":"s3cret","user":"admin"}"# + "\n")
        #expect(runs[2].stdout == "s3cret\n")
        #expect(runs[3].stdout == "czNjcmV0\n")
        #expect(runs[4].code == 1 && runs[4].stderr == "ERROR secret key value \"nokey\" not found\n")
        #expect(runs[5].code == 1 && runs[5].stderr == "ERROR secret \"secret:aaaaaaaaaaaaaaaaaaa0\" not found\n")
        #expect(runs[6].code == 2 && runs[6].stderr == "ERROR secret URI \"bogus\" not valid\n")
        #expect(runs[7].code == 2 && runs[7].stderr == "ERROR require either a secret URI or label\n")
        #expect(runs[8].code == 2 && runs[8].stderr == "ERROR specify one of --peek or --refresh but not both\n")
        #expect(runs[9].code == 2 && runs[9].stderr == "ERROR unrecognized args: [\"extra\"]\n")

        let shown = try sim.ok("show-secret", "dbpass")
        #expect(shown.contains("  access:\n  - target: application-demo\n    scope: model-"), "\(shown)")
        try sim.ok("revoke-secret", "dbpass", "demo")
        #expect(try sim.tool("secret-get secret:\(id)").stderr == "ERROR permission denied\n")
    }

    @Test("a consumer keeps its revision: update-secret queues secret-changed (id, label, revision); peek and refresh")
    func revisionsAndSecretChanged() throws {
        let sim = try harness()
        let id = try addSecret(sim, "dbpass", "password=s3cret")
        try sim.deploy("--unit-count", "2", "db-pass=secret:" + id)
        try sim.ok("grant-secret", "dbpass", "demo")
        #expect(try sim.tool("secret-get secret:\(id) --label dbcreds").stdout == "password: s3cret\n")
        try sim.setHandler(
            "secret-changed",
            """
            env | grep ^JUJU_SECRET_ | sort > ../changed-env
            for flag in "" --peek "" --refresh ""; do secret-get "$JUJU_SECRET_ID" password $flag; done > ../changed-get
            secret-get --label dbcreds >> ../changed-get
            """
        )
        let hooksBefore = try outcomes(sim, unit: "demo/1").count
        try sim.ok("update-secret", "dbpass", "password=n3w")
        let agent = sim.state + "/agents/unit-demo-0/"
        #expect(
            sim.read(agent + "changed-env")
                == "JUJU_SECRET_ID=secret:\(id)\nJUJU_SECRET_LABEL=dbcreds\nJUJU_SECRET_REVISION=2\n"
        )
        #expect(sim.read(agent + "changed-get") == "s3cret\nn3w\ns3cret\nn3w\nn3w\npassword: n3w\n")
        #expect(try outcomes(sim).last == "secret-changed ok")
        #expect(try sim.history().last?["secret-id"] as? String == "secret:" + id)
        // demo/1 never read the secret: it tracks nothing and gets no hook.
        #expect(try outcomes(sim, unit: "demo/1").count == hooksBefore)

        // The same content again is no new revision, and no hook.
        let hooks = try outcomes(sim).count
        try sim.ok("update-secret", "dbpass", "password=n3w")
        #expect(try sim.ok("show-secret", "dbpass").contains("  revision: 2\n"))
        #expect(try outcomes(sim).count == hooks)
        let nothing = try sim.sim("update-secret", "dbpass")
        #expect(nothing.stderr == "ERROR at least one attribute to update must be specified\n")
    }

    @Test("charm secrets: the leader adds, reads, lists; non-leaders read as consumers and get secret-changed")
    func charmSecrets() throws {
        let sim = try harness()
        try sim.deploy("--unit-count", "2")
        let leader = try sim.tools([
            "secret-add --label http-secret --description 'the http secret' token=abc123",
            "secret-get --label http-secret",
            "secret-ids",
            "secret-info-get --label http-secret",
            "secret-info-get --label http-secret --format=json",
        ])
        #expect(leader[0].stdout.hasPrefix("secret://00000000-0000-4000-8000-000000000000/"))
        let id = id(of: leader[0].stdout)
        #expect(leader[1].stdout == "token: abc123\n")
        #expect(leader[2].stdout == id + "\n")
        #expect(
            leader[3].stdout
                == "\(id):\n  revision: 1\n  label: http-secret\n  owner: application\n  description: the http secret\n"
        )
        #expect(
            leader[4].stdout
                == #"{"\#(id)":{"revision":1,"label":"http-secret","owner":"application","description":"the http secret"}}"#
                + "\n"
        )
        let follower = try sim.tools(
            [
                "secret-add token=xyz", "secret-get --label http-secret", "secret-ids --format=json",
                "secret-info-get --label http-secret",
            ],
            unit: "demo/1"
        )
        #expect(follower[0].code == 1 && follower[0].stderr == "ERROR this unit is not the leader\n")
        #expect(follower[1].stdout == "token: abc123\n")
        #expect(follower[2].stdout == "null\n")
        #expect(follower[3].code == 1 && follower[3].stderr == "ERROR secret \"http-secret\" not found\n")

        try sim.setHandler(
            "secret-changed",
            """
            env | grep ^JUJU_SECRET_ | sort > ../changed-env
            { secret-get "$JUJU_SECRET_ID" token; secret-get "$JUJU_SECRET_ID" token --refresh; } > ../changed-get
            """,
            unit: "demo/1"
        )
        try sim.setHandler(
            "secret-remove",
            """
            env | grep ^JUJU_SECRET_ | sort > ../remove-env
            secret-remove "$JUJU_SECRET_ID" --revision "$JUJU_SECRET_REVISION"
            """
        )
        let set = try sim.tools(["secret-set secret:\(id) token=xyz789", "secret-get secret:\(id) token"])
        #expect(set[1].stdout == "abc123\n", "the leader reads the committed revision until the hook commits")
        let other = sim.state + "/agents/unit-demo-1/"
        #expect(
            sim.read(other + "changed-env")
                == "JUJU_SECRET_ID=secret:\(id)\nJUJU_SECRET_LABEL=http-secret\nJUJU_SECRET_REVISION=2\n"
        )
        #expect(sim.read(other + "changed-get") == "abc123\nxyz789\n")
        // Once demo/1 refreshed, revision 1 is obsolete: the leader is told, and removes it.
        #expect(
            sim.read(sim.state + "/agents/unit-demo-0/remove-env")
                == "JUJU_SECRET_ID=secret:\(id)\nJUJU_SECRET_LABEL=http-secret\nJUJU_SECRET_REVISION=1\n"
        )
        #expect(try outcomes(sim).suffix(2) == ["update-status ok", "secret-remove ok"])
        let revisions = untimed(try sim.ok("show-secret", "secret:" + id, "--revisions"))
        #expect(revisions.contains("  revisions:\n  - revision: 2\n    backend: internal\n"), "\(revisions)")
        #expect(!revisions.contains("- revision: 1\n"))
        #expect(try sim.ok("secrets").contains("\n\(id)  -     demo   never            2  just now"))
    }

    @Test("writes are buffered: a failed hook drops secret-add; a write the unit may not make fails the hook")
    func bufferedWrites() throws {
        let sim = try harness()
        try sim.deploy("--unit-count", "2")
        let failed = try sim.tools(["secret-add --label gone token=abcd", "secret-get --label gone"], exitCode: 1)
        #expect(failed[1].stdout == "token: abcd\n")
        try sim.ok("resolve", "--no-retry")
        #expect(try sim.tool("secret-ids").stdout == "")
        let id = id(of: try sim.tool("secret-add --label kept token=abcd").stdout)

        try sim.setHandler("update-status", "secret-set secret:\(id) token=other", unit: "demo/1")
        let refused = try sim.sim("hook", "update-status", "--unit", "demo/1")
        #expect(refused.code == 1)
        let last = try #require(try sim.history().last)
        #expect(last["outcome"] as? String == "failed" && last["exit-code"] as? Int == 0)
        #expect(last["stderr"] as? String == "ERROR committing requested changes failed: permission denied\n")
        try sim.ok("resolve", "--no-retry")
        #expect(try sim.tool("secret-get secret:\(id)").stdout == "token: abcd\n")

        let action = try sim.sim("run", "noop", "--format", "json")
        #expect(action.code == 0)
        try sim.setHandler("noop", "secret-remove secret:aaaaaaaaaaaaaaaaaaa0")
        let failedAction = try sim.sim("run", "noop", "--format", "json")
        #expect(failedAction.stdout.contains(#""message":"committing requested changes failed""#))
        #expect(failedAction.stdout.contains(#""status":"failed""#))
    }

    @Test("a unit's own secret (--owner unit) is managed by that unit alone and goes with it")
    func unitOwned() throws {
        let sim = try harness()
        try sim.deploy("--unit-count", "2")
        let id = id(of: try sim.tool("secret-add --owner unit --label mine token=abcd", unit: "demo/1").stdout)
        let own = try sim.tools(["secret-info-get --label mine", "secret-ids"], unit: "demo/1")
        #expect(own[0].stdout.contains("  owner: unit\n") && own[1].stdout == id + "\n")
        #expect(try sim.tool("secret-get secret:\(id)").stderr == "ERROR permission denied\n")
        #expect(try sim.ok("secrets", "--owner", "unit-demo-1").contains(id + "  -     demo/1"))
        try sim.ok("remove-unit", "demo/1")
        #expect(!(try sim.ok("secrets")).contains(id))
    }

    @Test("secret-grant and secret-revoke over a relation: flags, errors, secret-info-get access; grants die with it")
    func grants() throws {
        let sim = try harness()
        try sim.deploy()
        let relation = try sim.ok("relate", "db", "postgresql").trimmingCharacters(in: .whitespacesAndNewlines)
        let id = id(of: try sim.tool("secret-add --label pw token=abcd").stdout)
        let runs = try sim.tools([
            "secret-grant secret:\(id) -r \(relation)",
            "secret-grant secret:\(id)",
            "secret-grant secret:\(id) -r \(relation) --unit other/0",
            "secret-grant secret:\(id) -r \(relation) --unit postgresql/0",
            "secret-grant -r \(relation)",
            "secret-grant secret:aaaaaaaaaaaaaaaaaaa0 -r \(relation)",
            "secret-info-get secret:\(id)",
        ])
        #expect(runs[0].code == 0)
        #expect(runs[1].code == 2 && runs[1].stderr == "ERROR no relation id specified\n")
        #expect(runs[2].stderr == "ERROR cannot specify unit \"other/0\" in relation to application \"postgresql\"\n")
        #expect(runs[3].code == 0, "a unit grant under an application grant is a no-op")
        #expect(runs[4].code == 2 && runs[4].stderr == "ERROR missing secret URI\n")
        #expect(runs[5].code == 1 && runs[5].stderr == "ERROR secret \"aaaaaaaaaaaaaaaaaaa0\" not found\n")
        #expect(
            runs[6].stdout
                == "\(id):\n  revision: 1\n  label: pw\n  owner: application\n  access:\n"
                + "  - target: application-postgresql\n    scope: relation-demo.db#postgresql.db\n    role: view\n"
        )
        let revoke = try sim.tools([
            "secret-revoke secret:\(id)",
            "secret-revoke secret:\(id) --app postgresql --unit postgresql/0",
            "secret-revoke secret:\(id) --app postgresql",
            "secret-info-get secret:\(id) --format=json",
        ])
        #expect(revoke[0].code == 2 && revoke[0].stderr == "ERROR missing relation or application or unit\n")
        #expect(revoke[1].code == 2 && revoke[1].stderr == "ERROR specify only one of application or unit\n")
        #expect(revoke[3].stdout == #"{"\#(id)":{"revision":1,"label":"pw","owner":"application"}}"# + "\n")

        #expect(try sim.tool("secret-grant secret:\(id) -r \(relation)").code == 0)
        try sim.ok("unrelate", relation)
        #expect(!(try sim.tool("secret-info-get secret:\(id)").stdout.contains("access")))
    }

    @Test("secret-add and secret-set usage errors exit 2 with Juju's messages")
    func upsertGrammar() throws {
        let sim = try harness()
        try sim.deploy()
        let runs = try sim.tools([
            "secret-add",
            "secret-add --rotate sometimes token=abc",
            "secret-add --expire soon token=abc",
            "secret-add --expire -1h token=abc",
            "secret-add --owner nobody token=abc",
            "secret-add foo",
            "secret-add token#file=/nonexistent",
            "secret-set",
            "secret-set foo:bar token=abc",
            "secret-remove secret:aaaaaaaaaaaaaaaaaaa0 --revision x",
            "secret-info-get",
            "secret-info-get secret:aaaaaaaaaaaaaaaaaaa0 --label x",
            "secret-ids extra",
        ])
        let expected = [
            "missing secret value or filename", "rotate policy \"sometimes\" not valid",
            "expire time or duration \"soon\" not valid", "negative expire duration \"-1h\" not valid",
            "secret owner \"nobody\" not valid", "key value \"foo\" not valid",
            "reading content for secret key \"token\": open /nonexistent: no such file or directory",
            "missing secret URI", "secret URI scheme \"foo\" not valid",
            "invalid value \"x\" for flag --revision: strconv.ParseInt: parsing \"x\": invalid syntax",
            "require either a secret URI or label", "specify either a secret URI or label but not both",
            "unrecognized args: [\"extra\"]",
        ]
        for (run, message) in zip(runs, expected) {
            #expect(run.code == 2 && run.stderr == "ERROR \(message)\n", "\(run.stderr)")
        }
    }

    @Test("secret-expired at update-status when a revision expired; secret-rotate through hook --secret")
    func ownerHooks() throws {
        let sim = try harness()
        try sim.deploy()
        let id = id(of: try sim.tool("secret-add --label exp --expire 2000-01-01T00:00:00Z token=abcd").stdout)
        #expect(try sim.tool("secret-info-get --label exp").stdout.contains("  expiry: 2000-01-01T00:00:00Z\n"))
        for hook in ["secret-expired", "secret-rotate"] {
            try sim.setHandler(hook, "env | grep ^JUJU_SECRET_ | sort > ../\(hook)-env")
        }
        try sim.setHandler("update-status", "true")
        try sim.ok("update-status")
        let agent = sim.state + "/agents/unit-demo-0/"
        #expect(
            sim.read(agent + "secret-expired-env")
                == "JUJU_SECRET_ID=secret:\(id)\nJUJU_SECRET_LABEL=exp\nJUJU_SECRET_REVISION=1\n"
        )
        try sim.ok("update-status")
        #expect(try outcomes(sim).filter { $0.hasPrefix("secret-expired") }.count == 1, "told once")
        try sim.ok("hook", "secret-rotate", "--secret", "secret:" + id)
        #expect(sim.read(agent + "secret-rotate-env") == "JUJU_SECRET_ID=secret:\(id)\nJUJU_SECRET_LABEL=exp\n")
    }

    @Test("Juju 4.0: not-found text and 8 KiB values; Juju 2.9: no secret tools and no user secrets")
    func versions() throws {
        let sim = try harness()
        try sim.deploy("--juju-version", "4.0")
        let runs = try sim.tools([
            "secret-get secret:aaaaaaaaaaaaaaaaaaa0",
            "secret-add big=$(head -c 9000 /dev/zero | tr '\\0' a)",
        ])
        #expect(
            runs[0].stderr
                == "ERROR getting latest secret revision: secret \"secret:aaaaaaaaaaaaaaaaaaa0\" not found\n"
        )
        #expect(runs[1].code == 2 && runs[1].stderr == "ERROR secret content for key \"big\" too large: 9000 bytes\n")

        let old = try harness()
        try old.deploy("--juju-version", "2.9")
        #expect(try old.tool("secret-ids").code == 127)
        let refused = try old.sim("add-secret", "x", "token=abc")
        #expect(refused.code == 1 && refused.stderr.contains("user secrets need Juju 3.3 or later"))
    }
}
