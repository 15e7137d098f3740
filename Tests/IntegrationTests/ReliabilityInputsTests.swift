import Foundation
import Testing

/// The reliability suite's input areas: another application's relation data and an operator's action parameters,
/// however wrong, through charm-sim against the real engine: every hook exits 0, nothing is applied from them, no
/// action runs anything it was not meant to, and the registry keeps serving.
@Suite("Reliability: bad relation data and bad action input", .serialized, .enabled(if: CharmUnderTest.enabled))
struct ReliabilityInputsTests {
    static let pem = "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"

    static let relationCases: [(endpoint: String, remote: String, data: [String: String])] = [
        (
            "cert-provider", "easyrsa",
            ["ca": pem, "docker-registry_0.server.cert": "x", "docker-registry_0.server.key": "y"]
        ),
        (
            "cert-provider", "easyrsa",
            ["ca": pem, "docker-registry_0.server.cert": pem, "docker-registry_0.server.key": pem]
        ),
        ("cert-provider", "easyrsa", ["ca": pem, "docker-registry_0.processed_requests": "{not json"]),
        ("cert-provider", "easyrsa", ["ca": pem, "docker-registry_0.processed_requests": "[1, 2]"]),
        (
            "nrpe-external-master", "nrpe",
            ["nagios_hostname": "h\n}\ndefine command {", "nagios_host_context": "$(id)"]
        ),
        ("nrpe-external-master", "nrpe", ["nagios_hostname": String(repeating: "a", count: 5000)]),
        ("website", "haproxy", ["ingress-address": "10.0.0.9\nservices: []"]),
        ("website", "haproxy", ["ingress-address": "", "private-address": ""]),
        ("docker-registry", "containerd", ["registry_netloc": "\"evil:1\"", "image": "$(reboot)"]),
    ]

    @Test("bad relation data: hooks exit 0, nothing applied, the registry keeps serving")
    func badRelationData() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        let container = try charm.containerID()
        let config = try String(contentsOfFile: "/etc/docker/registry/config.yml", encoding: .utf8)
        var passed = 0
        for (endpoint, remote, data) in Self.relationCases {
            let before = try charm.hookCount()
            let id = try charm.relate(endpoint, remote, unitData: data)
            let failed = try charm.failedHooks(since: before)
            let nagios = (try? shell("grep", ["-rl", "define command", "/etc/nagios", "/var/lib/nagios"]).stdout) ?? ""
            let sameContainer = try charm.containerID() == container
            let sameConfig = try String(contentsOfFile: "/etc/docker/registry/config.yml", encoding: .utf8) == config
            let answers = try curl("http://127.0.0.1:5000/v2/")?.status == 200
            let ok = failed.isEmpty && sameContainer && sameConfig && answers && nagios.isEmpty
            #expect(ok, "\(endpoint) \(data.keys.sorted()): failed hooks \(failed)")
            if ok { passed += 1 }
            try charm.unrelate(id)
        }
        #expect(try charm.unitStatus().message == "Ready at 127.0.0.1:5000 (http).")
        print("bad relation data: \(Self.relationCases.count) cases tried, \(passed) passed")
    }

    @Test("bad action input: one-sentence failures, nothing run, the registry keeps serving")
    func badActionInput() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        let container = try charm.containerID()
        let marker = "/tmp/charm-reliability-\(UUID().uuidString)"
        let cases: [(String, [String: String])] = [
            ("push", ["image": "busybox; touch \(marker)", "pull": "false"]),
            ("push", ["image": "$(touch \(marker))", "pull": "false"]),
            ("push", ["image": "busybox\nrm -rf /", "pull": "false"]),
            ("push", ["image": "busybox", "tag": "-v /:/host", "pull": "false"]),
            ("images", ["options": "--all `touch \(marker)`"]),
            ("images", ["options": "--format {{.ID}} ; touch \(marker)"]),
            ("rmi", ["image": "--force busybox"]),
            ("rmi", ["image": "busybox", "options": "--no-prune && touch \(marker)"]),
            ("start", ["name": "../../etc"]),
            ("stop", ["name": "registry; touch \(marker)"]),
            ("delete", ["image": "-rf"]),
            ("delete", ["image": "repo@sha256:$(id)"]),
            ("list", ["repository": "x\ny"]),
        ]
        var passed = 0
        for (action, parameters) in cases {
            let run = try charm.action(action, parameters)
            let message = run.message ?? ""
            let sameContainer = try charm.containerID() == container
            let oneSentence = message.first?.isUppercase == true && message.hasSuffix(".") && !message.contains("\n")
            let ok =
                run.status == "failed" && oneSentence && !FileManager.default.fileExists(atPath: marker)
                && sameContainer
            #expect(ok, "\(action) \(parameters): \(run.status) \(message)")
            if ok { passed += 1 }
        }
        #expect((try curl("http://127.0.0.1:5000/v2/"))?.status == 200)
        print("bad action input: \(cases.count) cases tried, \(passed) passed")
    }
}

extension CharmUnderTest {
    /// How many hooks charm-sim has run so far.
    func hookCount() throws -> Int {
        let output = try sim(["history", "--format", "json"])
        return (try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [Any])?.count ?? 0
    }

    /// The hooks since `index` that did not exit 0, by name.
    func failedHooks(since index: Int) throws -> [String] {
        let output = try sim(["history", "--format", "json"])
        let history = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[String: Any]] ?? []
        return history.dropFirst(index).filter { ($0["exit-code"] as? Int ?? 0) != 0 }.compactMap {
            $0["hook"] as? String
        }
    }
}
