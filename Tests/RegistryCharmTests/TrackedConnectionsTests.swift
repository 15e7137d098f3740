import JujuKit
import JujuKitTesting
import SystemLibraries
import Testing

@testable import RegistryCharm

/// Reading `/proc/net/nf_conntrack` and choosing what to forget after a listener of the read-only window stops.
@Suite("tracked connections")
struct TrackedConnectionsTests {
    static let table = """
        ipv4     2 tcp      6 113 TIME_WAIT src=127.0.0.1 dst=127.0.0.1 sport=58628 dport=5000 src=127.0.0.1 dst=127.0.0.1 sport=5002 dport=58628 [ASSURED] mark=0 zone=0 use=2
        ipv4     2 tcp      6 119 FIN_WAIT src=127.0.0.1 dst=127.0.0.1 sport=46118 dport=5000 src=127.0.0.1 dst=127.0.0.1 sport=5000 dport=46118 [ASSURED] mark=0 zone=0 use=2
        ipv4     2 tcp      6 431999 ESTABLISHED src=10.0.0.9 dst=10.0.0.5 sport=40000 dport=5000 src=10.0.0.5 dst=10.0.0.9 sport=5000 dport=40000 [ASSURED] mark=0 zone=0 use=2
        ipv4     2 tcp      6 100 ESTABLISHED src=10.0.0.5 dst=192.0.2.7 sport=41000 dport=5000 src=192.0.2.7 dst=10.0.0.5 sport=5000 dport=41000 [ASSURED] mark=0 zone=0 use=2
        ipv4     2 udp      17 20 src=127.0.0.1 dst=127.0.0.53 sport=5000 dport=53 src=127.0.0.53 dst=127.0.0.1 sport=53 dport=5000 mark=0 zone=0 use=2
        ipv6     10 tcp      6 7 CLOSE src=0000:0000:0000:0000:0000:0000:0000:0001 dst=0000:0000:0000:0000:0000:0000:0000:0001 sport=33000 dport=5000 src=0000:0000:0000:0000:0000:0000:0000:0001 dst=0000:0000:0000:0000:0000:0000:0000:0001 sport=5002 dport=33000 mark=0 zone=0 use=2
        ipv4     2 tcp      6 50 TIME_WAIT src=127.0.0.1 dst=127.0.0.1 sport=50000 dport=5000 src=127.0.0.1 dst=127.0.0.1 sport=5000 dport=50000 [ASSURED] mark=0 zone=3 use=2

        """

    @Test("TCP entries of zone 0: the original tuple, the port that served it, the state")
    func parse() {
        let entries = TrackedConnections.parse(Self.table)
        #expect(entries.count == 5)
        #expect(
            entries.first
                == TrackedConnections.Entry(
                    tuple: ConntrackTuple(
                        source: "127.0.0.1",
                        destination: "127.0.0.1",
                        sourcePort: 58628,
                        destinationPort: 5000
                    ),
                    servedPort: 5002,
                    state: "TIME_WAIT"
                )
        )
        #expect(entries.map(\.state) == ["TIME_WAIT", "FIN_WAIT", "ESTABLISHED", "ESTABLISHED", "CLOSE"])
        #expect(entries[4].servedPort == 5002 && entries[4].tuple.source.hasSuffix("0001"))
    }

    @Test("nothing to read (no connection tracking, or a fake file system): nothing done, no warning")
    func noTable() {
        #expect(TrackedConnections(files: InMemoryFileSystem()).forget(to: 5000, servedOn: 5000) == nil)
    }
}
