import JujuKit

/// Sends new TCP connections for one port of this machine to another port, with NAT `REDIRECT` rules (iptables and
/// ip6tables; Ubuntu's docker.io depends on iptables, so both are on every unit).
///
/// Two rules per family, both limited to connections addressed to this machine (`addrtype --dst-type LOCAL`), so the
/// unit's own connections to other machines and traffic forwarded to containers are never touched: `PREROUTING` for
/// clients elsewhere, `OUTPUT` for clients on the unit. NAT is decided per connection: connections already open keep
/// their destination, which is what lets a registry hand its port to another one without refusing anybody.
/// Every rule carries the comment ``comment``.
struct PortRedirect: Equatable, Codable {
    /// The port clients connect to.
    var port: Int
    /// Where new connections go instead.
    var target: Int

    /// The comment on the charm's rules.
    static let comment = "docker-registry-charm read-only window"

    /// Why a rule could not be added.
    struct Failure: Error, CustomStringConvertible {
        /// The command's complaint.
        var reason: String
        var description: String { "could not redirect new connections (iptables): \(reason)" }
    }

    /// Adds the rules (IPv4 must work; IPv6 is best effort, on a kernel without IPv6 NAT clients over IPv6 are
    /// refused while the redirect stands), removing any half-added ones when IPv4 fails.
    ///
    /// - Returns: a warning when IPv6 could not be redirected.
    func apply(_ runner: any CommandRunner) async throws -> String? {
        for chain in Self.chains {
            let result = try await runner.run(Command("iptables", rule("-I", chain)))
            guard result.succeeded else {
                await remove(runner)
                throw Failure(reason: result.reason)
            }
        }
        for chain in Self.chains {
            let result = try await runner.run(Command("ip6tables", rule("-I", chain)))
            if !result.succeeded { return "IPv6 clients are refused while the registry is read-only: \(result.reason)" }
        }
        return nil
    }

    /// Removes the rules, every copy of them, in both families; best effort (a rule that is not there is fine).
    func remove(_ runner: any CommandRunner) async {
        for tool in ["iptables", "ip6tables"] {
            for chain in Self.chains {
                // -D removes one copy; a rule added twice (a retried window) needs two.
                for _ in 0..<4 {
                    guard let result = try? await runner.run(Command(tool, rule("-D", chain))), result.succeeded
                    else { break }
                }
            }
        }
    }

    private static let chains = ["PREROUTING", "OUTPUT"]

    /// `-w 10 -t nat <verb> <chain> -p tcp --dport <port> -m addrtype --dst-type LOCAL -m comment --comment … -j
    /// REDIRECT --to-ports <target>`.
    private func rule(_ verb: String, _ chain: String) -> [String] {
        [
            "-w", "10", "-t", "nat", verb, chain, "-p", "tcp", "--dport", String(port),
            "-m", "addrtype", "--dst-type", "LOCAL", "-m", "comment", "--comment", Self.comment,
            "-j", "REDIRECT", "--to-ports", String(target),
        ]
    }
}
