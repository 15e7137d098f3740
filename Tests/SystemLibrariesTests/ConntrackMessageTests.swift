import Testing

@testable import SystemLibraries

/// The netlink request that deletes a tracked connection, byte for byte as `linux/netfilter/nfnetlink_conntrack.h`
/// lays it out (what `conntrack -D -p tcp --orig-src … --orig-dst … --sport … --dport …` sends).
@Suite("conntrack netlink messages")
struct ConntrackMessageTests {
    func native32(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }
    func native16(_ value: UInt16) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }

    @Test("IPv4: header, nfgenmsg, CTA_TUPLE_ORIG { CTA_TUPLE_IP { src, dst }, CTA_TUPLE_PROTO { tcp, ports } }")
    func ipv4Delete() throws {
        let tuple = ConntrackTuple(
            source: "127.0.0.1",
            destination: "10.1.2.3",
            sourcePort: 58628,
            destinationPort: 5000
        )
        let message = try ConntrackMessage.delete(tuple, sequence: 7)
        let ip: [UInt8] =
            native16(20) + native16(0x8001)
            + native16(8) + native16(1) + [127, 0, 0, 1]
            + native16(8) + native16(2) + [10, 1, 2, 3]
        let proto: [UInt8] =
            native16(28) + native16(0x8002)
            + native16(5) + native16(1) + [6, 0, 0, 0]
            + native16(6) + native16(2) + [0xE5, 0x04, 0, 0]
            + native16(6) + native16(3) + [0x13, 0x88, 0, 0]
        let orig = native16(UInt16(4 + ip.count + proto.count)) + native16(0x8001) + ip + proto
        let body: [UInt8] = [2, 0, 0, 0] + orig
        let expected =
            native32(UInt32(16 + body.count)) + native16(0x0102) + native16(5) + native32(7) + native32(0)
            + body
        #expect(message == expected)
    }

    @Test("IPv6 in either text form gives the 16 address bytes; anything else is refused")
    func ipv6AndInvalid() throws {
        let short = ConntrackTuple(source: "::1", destination: "::1", sourcePort: 1, destinationPort: 2)
        let long = ConntrackTuple(
            source: "0000:0000:0000:0000:0000:0000:0000:0001",
            destination: "0000:0000:0000:0000:0000:0000:0000:0001",
            sourcePort: 1,
            destinationPort: 2
        )
        let message = try ConntrackMessage.delete(short, sequence: 1)
        #expect(message == (try ConntrackMessage.delete(long, sequence: 1)))
        #expect(message[16] == 10)  // AF_INET6
        #expect(message.count == 16 + 4 + 4 + (4 + 20 + 20) + 28)
        #expect(throws: ConntrackError.invalidAddress("localhost")) {
            try ConntrackMessage.delete(
                ConntrackTuple(source: "localhost", destination: "::1", sourcePort: 1, destinationPort: 2),
                sequence: 1
            )
        }
    }

    @Test("the kernel's acknowledgement: 0 done, -ENOENT gone; any other message is not one")
    func acknowledgement() {
        let ack =
            native32(36) + native16(2) + native16(0) + native32(1) + native32(0) + native32(0)
            + [UInt8](
                repeating: 0,
                count: 16
            )
        #expect(ConntrackMessage.errorCode(in: ack) == 0)
        let gone =
            native32(36) + native16(2) + native16(0) + native32(1) + native32(0)
            + withUnsafeBytes(of: Int32(-2)) { Array($0) } + [UInt8](repeating: 0, count: 16)
        #expect(ConntrackMessage.errorCode(in: gone) == -2)
        #expect(ConntrackMessage.errorCode(in: native32(20) + native16(3) + [UInt8](repeating: 0, count: 14)) == nil)
        #expect(ConntrackMessage.errorCode(in: [1, 2, 3]) == nil)
    }

    @Test("this machine's addresses include loopback, as bytes comparable with any text form")
    func localAddresses() {
        let all = LocalAddresses.all()
        #expect(all.contains([127, 0, 0, 1]))
        #expect(LocalAddresses.bytes(of: "127.0.0.1") == [127, 0, 0, 1])
        #expect(LocalAddresses.bytes(of: "not-an-address") == nil)
    }
}
