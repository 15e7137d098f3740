import Foundation
import Testing

/// A `dispatch` that appends one line per hook to `<root>/events` before sourcing `handlers/<name>`:
/// `<unit> <hook>`, plus for relation hooks ` remote=<JUJU_REMOTE_UNIT>`, ` departing=<JUJU_DEPARTING_UNIT>` (only
/// when that variable is set) and ` list=<relation-list, comma-separated>`.
enum HookRecorder {
    static let dispatch = """
        #!/bin/bash
        name="${JUJU_DISPATCH_PATH##*/}"
        line="$JUJU_UNIT_NAME $name"
        if [ -n "${JUJU_RELATION_ID+x}" ]; then
          line="$line remote=$JUJU_REMOTE_UNIT"
          if [ -n "${JUJU_DEPARTING_UNIT+x}" ]; then line="$line departing=$JUJU_DEPARTING_UNIT"; fi
          line="$line list=$(relation-list | paste -sd, -)"
        fi
        echo "$line" >> "$RESULTS/../events"
        if [ -f "handlers/$name" ]; then . "handlers/$name"; fi

        """

    /// The fixture metadata plus a container-scoped `nrpe-external-master` endpoint; `peers: false` drops the peer
    /// endpoint.
    static func metadata(peers: Bool = true) -> String {
        var text = """
            name: demo
            summary: a fixture charm
            description: drives charm-sim's conformance tests
            provides:
              website: {interface: http}
              nrpe-external-master: {interface: nrpe-external-master, scope: container}
            requires:
              db: {interface: pgsql}

            """
        if peers { text += "peers:\n  peer: {interface: demo-peer}\n" }
        return text
    }
}

extension SimHarness {
    /// A harness whose charm records every hook (see ``HookRecorder``).
    static func recording(peers: Bool = true) throws -> SimHarness {
        let sim = try SimHarness()
        try sim.write(HookRecorder.dispatch, to: sim.charm + "/dispatch", executable: true)
        try sim.write(HookRecorder.metadata(peers: peers), to: sim.charm + "/metadata.yaml")
        return sim
    }

    /// All recorded event lines, in the order the hooks ran.
    func events() -> [String] {
        read(root + "/events").split(separator: "\n").map(String.init)
    }

    /// Recorded events of one unit (without the unit prefix), from position `from` of ``events()`` on.
    func events(of unit: String, from start: Int = 0) -> [String] {
        events().dropFirst(start).compactMap { line in
            line.hasPrefix(unit + " ") ? String(line.dropFirst(unit.count + 1)) : nil
        }
    }

    /// Runs a charm-sim command that must succeed; returns its stdout.
    @discardableResult
    func ok(_ arguments: String...) throws -> String {
        let result = try simArgs(arguments)
        #expect(result.code == 0, "\(arguments) failed: \(result.stderr)")
        return result.stdout
    }

    /// `is-leader` as seen by a unit.
    func isLeader(_ unit: String) throws -> String {
        try tool("is-leader", unit: unit).stdout
    }
}
