#if canImport(Glibc)
    import Glibc
#endif

/// A TCP connection of the kernel's connection-tracking table, named by its original direction.
public struct ConntrackTuple: Sendable, Hashable, CustomStringConvertible {
    /// The client's address, as `/proc/net/nf_conntrack` prints it (`127.0.0.1`, `::1`).
    public var source: String
    /// The address the client connected to.
    public var destination: String
    /// The client's port.
    public var sourcePort: Int
    /// The port the client connected to.
    public var destinationPort: Int

    /// Creates a tuple.
    public init(source: String, destination: String, sourcePort: Int, destinationPort: Int) {
        self.source = source
        self.destination = destination
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
    }

    /// `source:port -> destination:port`.
    public var description: String { "\(source):\(sourcePort) -> \(destination):\(destinationPort)" }
}

/// Why the connection-tracking table could not be changed.
public enum ConntrackError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The netlink socket could not be opened, or a message sent or received (an `errno`).
    case socket(operation: String, code: Int32)
    /// An address is neither IPv4 nor IPv6 text.
    case invalidAddress(String)
    /// The kernel refused to delete a connection (a negative `errno` other than "no such entry").
    case refused(ConntrackTuple, code: Int32)

    /// A lower-case phrase naming what failed.
    public var description: String {
        switch self {
        case .socket(let operation, let code): return "conntrack netlink \(operation) failed: \(Self.reason(code))"
        case .invalidAddress(let text): return "\(String(reflecting: text)) is not an ip address"
        case .refused(let tuple, let code):
            return "the kernel did not delete the tracked connection \(tuple): \(Self.reason(code))"
        }
    }

    private static func reason(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text).lowercased()
    }
}

/// Deletes entries of the kernel's connection-tracking table over netfilter netlink (`IPCTNL_MSG_CT_DELETE`), as
/// `conntrack -D` does, without the conntrack tool (not on a stock Ubuntu).
///
/// NAT decides where a connection goes once, on its first packet, and keeps that binding in its conntrack entry; a
/// client that reuses a source port while an entry of an earlier connection lingers (in `TIME_WAIT`, or
/// `FIN_WAIT` when the kernel dismissed a reset) is sent where that earlier connection went. Deleting the entries
/// whose destination is gone makes the next connection's NAT decision afresh.
public enum ConntrackTable {
    /// Deletes each TCP connection of `tuples` (zone 0); an entry already gone counts as deleted.
    ///
    /// - Returns: how many entries the kernel deleted.
    /// - Throws: ``ConntrackError`` when netlink fails or the kernel refuses a deletion (those before it are done).
    @discardableResult
    public static func delete(_ tuples: [ConntrackTuple]) throws(ConntrackError) -> Int {
        guard !tuples.isEmpty else { return 0 }
        let descriptor = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), netlinkNetfilter)
        guard descriptor >= 0 else { throw .socket(operation: "socket", code: errno) }
        defer { close(descriptor) }
        var deleted = 0
        for (index, tuple) in tuples.enumerated() {
            let message = try ConntrackMessage.delete(tuple, sequence: UInt32(index + 1))
            try send(message, on: descriptor)
            let code = try acknowledgement(on: descriptor)
            switch code {
            case 0: deleted += 1
            case -ENOENT: break
            default: throw .refused(tuple, code: -code)
            }
        }
        return deleted
    }

    /// `NETLINK_NETFILTER`.
    private static let netlinkNetfilter: Int32 = 12

    private static func send(_ message: [UInt8], on descriptor: Int32) throws(ConntrackError) {
        // struct sockaddr_nl { sa_family_t nl_family; unsigned short nl_pad; u32 nl_pid; u32 nl_groups; }: the
        // kernel (pid 0), no groups.
        let kernel = ConntrackMessage.native(UInt16(AF_NETLINK)) + [UInt8](repeating: 0, count: 10)
        let sent = message.withUnsafeBytes { bytes in
            kernel.withUnsafeBytes { address in
                sendto(
                    descriptor,
                    bytes.baseAddress,
                    bytes.count,
                    0,
                    address.baseAddress?.assumingMemoryBound(to: sockaddr.self),
                    socklen_t(address.count)
                )
            }
        }
        guard sent == message.count else { throw .socket(operation: "send", code: errno) }
    }

    /// Reads the kernel's answer (`NLMSG_ERROR`): 0 for success, else a negative `errno`.
    private static func acknowledgement(on descriptor: Int32) throws(ConntrackError) -> Int32 {
        var buffer = [UInt8](repeating: 0, count: 8192)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count >= 0 else { throw .socket(operation: "receive", code: errno) }
        guard let code = ConntrackMessage.errorCode(in: Array(buffer[0..<count])) else {
            throw .socket(operation: "receive (an answer that is not an acknowledgement)", code: EPROTO)
        }
        return code
    }

    /// The 4 or 16 bytes of an IPv4 or IPv6 address in text; `nil` when it is neither.
    static func addressBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}

/// The addresses of this machine's network interfaces (`getifaddrs`), as bytes (4 for IPv4, 16 for IPv6).
public enum LocalAddresses {
    /// Every IPv4 and IPv6 address of an interface, loopback included; empty when they cannot be read.
    public static func all() -> Set<[UInt8]> {
        var first: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&first) == 0 else { return [] }
        defer { freeifaddrs(first) }
        var addresses: Set<[UInt8]> = []
        var cursor = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard let address = entry.pointee.ifa_addr else { continue }
            switch Int32(address.pointee.sa_family) {
            case AF_INET:
                address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { inet in
                    var value = inet.pointee.sin_addr
                    addresses.insert(withUnsafeBytes(of: &value) { Array($0) })
                }
            case AF_INET6:
                address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { inet in
                    var value = inet.pointee.sin6_addr
                    addresses.insert(withUnsafeBytes(of: &value) { Array($0) })
                }
            default:
                continue
            }
        }
        return addresses
    }

    /// The bytes of an IPv4 or IPv6 address in text (either IPv6 form); `nil` when it is neither.
    public static func bytes(of text: String) -> [UInt8]? {
        ConntrackTable.addressBytes(text)
    }
}
