import JujuKit
import SystemLibraries

/// The kernel's tracked TCP connections to one port of this machine (`/proc/net/nf_conntrack`), and their deletion
/// once the listener they went to is gone (see ``ConntrackTable``).
///
/// ``ReadOnlyWindow`` moves the registry port between listeners with NAT rules, and NAT decides once per tracked
/// connection: a client that reuses a source port while an earlier connection's entry lingers would be sent to the
/// listener that earlier connection went to, even after it stopped (connection refused, seen about once in ten
/// windows under three pull loops). After a listener stops, the entries that led to it are deleted.
struct TrackedConnections {
    /// One tracked connection: its original tuple, where it really went, and its TCP state.
    struct Entry: Equatable {
        /// The original direction (what the client sent to).
        var tuple: ConntrackTuple
        /// The source port of the reply direction: the port the connection was really served on (the target of a
        /// redirect, else the port itself).
        var servedPort: Int
        /// The TCP state, such as `ESTABLISHED` or `TIME_WAIT`.
        var state: String
    }

    let files: any FileSystem
    /// The kernel's table, as text.
    static let procFile = "/proc/net/nf_conntrack"

    /// Deletes the tracked connections to `port` of this machine that were served on `servedPort`.
    ///
    /// `servedPort` is `port` itself for connections that were not redirected. The destination must be one of
    /// `localAddresses`: connections this machine makes to other machines are never touched. Best effort: nothing
    /// happens when connection tracking is off or the table cannot be read.
    ///
    /// With `openOnesToo` false, established connections are kept (their listener still serves them).
    ///
    /// - Returns: a warning when the kernel refused, else `nil`.
    func forget(
        to port: Int,
        servedOn servedPort: Int,
        openOnesToo: Bool = true,
        localAddresses: Set<[UInt8]> = LocalAddresses.all()
    ) -> String? {
        guard let bytes = try? files.read(Self.procFile) else { return nil }
        let stale = Self.parse(String(decoding: bytes, as: UTF8.self)).filter {
            $0.tuple.destinationPort == port && $0.servedPort == servedPort
                && (openOnesToo || $0.state != "ESTABLISHED")
                && LocalAddresses.bytes(of: $0.tuple.destination).map(localAddresses.contains) == true
        }
        do {
            try ConntrackTable.delete(stale.map(\.tuple))
            return nil
        } catch {
            return "could not forget \(stale.count) tracked connections to port \(port): \(error)"
        }
    }

    /// The TCP entries of zone 0 in the text of `/proc/net/nf_conntrack`.
    ///
    /// A line reads `ipv4 2 tcp 6 <timeout> <state> src=… dst=… sport=… dport=… [UNREPLIED] src=… dst=… sport=…
    /// dport=… [ASSURED] mark=0 zone=0 use=2`: the first address and port fields are the original direction, the
    /// second the reply.
    static func parse(_ text: String) -> [Entry] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count > 6, fields[2] == "tcp" else { return nil }
            var values: [String: [String]] = [:]
            for field in fields {
                guard let equals = field.firstIndex(of: "=") else { continue }
                values[String(field[..<equals]), default: []].append(String(field[field.index(after: equals)...]))
            }
            guard (values["zone"]?.first ?? "0") == "0", let sources = values["src"], let destinations = values["dst"],
                let sourcePorts = values["sport"]?.compactMap({ Int($0) }), let ports = values["dport"],
                sources.count == 2, destinations.count == 2, sourcePorts.count == 2,
                let destinationPort = ports.first.flatMap({ Int($0) })
            else { return nil }
            return Entry(
                tuple: ConntrackTuple(
                    source: sources[0],
                    destination: destinations[0],
                    sourcePort: sourcePorts[0],
                    destinationPort: destinationPort
                ),
                servedPort: sourcePorts[1],
                state: String(fields[5])
            )
        }
    }
}
