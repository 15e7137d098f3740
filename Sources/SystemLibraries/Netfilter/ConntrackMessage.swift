#if canImport(Glibc)
    import Glibc
#endif

/// The bytes of the netfilter netlink messages ``ConntrackTable`` sends and reads (`linux/netlink.h`,
/// `linux/netfilter/nfnetlink.h`, `linux/netfilter/nfnetlink_conntrack.h`).
enum ConntrackMessage {
    /// `(NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_DELETE`.
    static let deleteType: UInt16 = (1 << 8) | 2
    /// `NLM_F_REQUEST | NLM_F_ACK`.
    static let requestWithAck: UInt16 = 0x1 | 0x4
    /// `NLMSG_ERROR`: the kernel's acknowledgement.
    static let errorType: UInt16 = 2
    /// `NLA_F_NESTED`.
    static let nested: UInt16 = 0x8000

    /// A delete request for the TCP connection `tuple` (original direction).
    static func delete(_ tuple: ConntrackTuple, sequence: UInt32) throws(ConntrackError) -> [UInt8] {
        guard let source = ConntrackTable.addressBytes(tuple.source) else { throw .invalidAddress(tuple.source) }
        guard let destination = ConntrackTable.addressBytes(tuple.destination), destination.count == source.count
        else { throw .invalidAddress(tuple.destination) }
        let v4 = source.count == 4
        // CTA_TUPLE_IP { CTA_IP_V4_SRC/DST (1, 2) or CTA_IP_V6_SRC/DST (3, 4) }
        let ip = attribute(1 | nested, attribute(v4 ? 1 : 3, source) + attribute(v4 ? 2 : 4, destination))
        // CTA_TUPLE_PROTO { CTA_PROTO_NUM (1): TCP, CTA_PROTO_SRC_PORT (2), CTA_PROTO_DST_PORT (3), big-endian }
        var ports = attribute(1, [UInt8(IPPROTO_TCP)])
        ports += attribute(2, bigEndian(UInt16(tuple.sourcePort)))
        ports += attribute(3, bigEndian(UInt16(tuple.destinationPort)))
        let proto = attribute(2 | nested, ports)
        // nfgenmsg: family, NFNETLINK_V0, res_id 0; then CTA_TUPLE_ORIG (1).
        let body = [UInt8(v4 ? AF_INET : AF_INET6), 0, 0, 0] + attribute(1 | nested, ip + proto)
        var header = native(UInt32(16 + body.count))
        header += native(deleteType)
        header += native(requestWithAck)
        header += native(sequence)
        header += native(UInt32(0))
        return header + body
    }

    /// The error code of an `NLMSG_ERROR` answer (0: done, else a negative `errno`); `nil` for anything else.
    static func errorCode(in answer: [UInt8]) -> Int32? {
        guard answer.count >= 20 else { return nil }
        let type = answer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4, as: UInt16.self) }
        guard type == errorType else { return nil }
        return answer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 16, as: Int32.self) }
    }

    /// One netlink attribute: length, type, payload, padded to 4 bytes.
    static func attribute(_ type: UInt16, _ payload: [UInt8]) -> [UInt8] {
        let length = UInt16(4 + payload.count)
        let padding = (4 - payload.count % 4) % 4
        return native(length) + native(type) + payload + [UInt8](repeating: 0, count: padding)
    }

    /// Netlink headers are in the host's byte order.
    static func native<Value: FixedWidthInteger>(_ value: Value) -> [UInt8] {
        withUnsafeBytes(of: value) { Array($0) }
    }

    private static func bigEndian(_ value: UInt16) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }
}
