import JujuKit

/// Sends new TCP connections for one port of this machine to another port, with NAT `REDIRECT` rules (iptables and
/// ip6tables; Ubuntu's docker.io depends on iptables, so both are on every unit).
///
/// Two rules per family, both limited to connections addressed to this machine (`addrtype --dst-type LOCAL`), so the
/// unit's own connections to other machines and traffic forwarded to containers are never touched: `PREROUTING` for
/// clients elsewhere, `OUTPUT` for clients on the unit. Every rule carries the comment ``comment``.
///
/// Connections already open must keep their destination through every change, and two kernel behaviours stand in
/// the way (both seen on Debian 12's kernel with iptables-nft; the collection tests' pull pollers fail without these):
/// - when the first NAT rule appears, packets of connections made before are picked up mid-stream and would be
///   redirected too (and reset): the rules match SYN packets only (`--syn`), so only new connections are;
/// - deleting a `REDIRECT` rule resets the connections it redirected: to end the redirect, ``bypass(_:)`` first puts
///   a `RETURN` rule above it (new connections go to the port itself again, those redirected stay), and
///   ``remove(_:)`` deletes both once the redirected connections are over.
struct PortRedirect: Equatable {
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

    private enum Jump {
        case redirect
        case bypass
    }

    /// Adds the redirect (IPv4 must work; IPv6 is best effort, on a kernel without IPv6 NAT clients over IPv6 are
    /// refused while the redirect stands), removing any half-added rules when IPv4 fails.
    ///
    /// - Returns: a warning when IPv6 could not be redirected.
    func apply(_ runner: any CommandRunner) async throws -> String? {
        for chain in Self.chains {
            let result = try await runner.run(Command("iptables", rule("-I", chain, .redirect)))
            guard result.succeeded else {
                await remove(runner)
                throw Failure(reason: result.reason)
            }
        }
        for chain in Self.chains {
            let result = try await runner.run(Command("ip6tables", rule("-I", chain, .redirect)))
            if !result.succeeded { return "IPv6 clients are refused while the registry is read-only: \(result.reason)" }
        }
        return nil
    }

    /// Sends new connections to the port itself again, leaving the redirected ones where they are; best effort (a
    /// family whose redirect is missing has nothing to bypass).
    func bypass(_ runner: any CommandRunner) async {
        for tool in ["iptables", "ip6tables"] {
            for chain in Self.chains {
                _ = try? await runner.run(Command(tool, rule("-I", chain, .bypass)))
            }
        }
    }

    /// Removes every rule of the redirect and its bypass, in both families.
    ///
    /// Best effort: a rule that is not there is fine. Connections still redirected are reset.
    func remove(_ runner: any CommandRunner) async {
        for tool in ["iptables", "ip6tables"] {
            for chain in Self.chains {
                // The redirect first: while a bypass is left alone nothing is redirected; while a redirect is left
                // alone new connections would go to a twin that is gone.
                for jump in [Jump.redirect, .bypass] {
                    // -D removes one copy; a rule added twice (a retried window) needs two.
                    for _ in 0..<4 {
                        guard let result = try? await runner.run(Command(tool, rule("-D", chain, jump))),
                            result.succeeded
                        else { break }
                    }
                }
            }
        }
    }

    private static let chains = ["PREROUTING", "OUTPUT"]

    /// `-w 10 -t nat <verb> <chain> -p tcp --syn --dport <port> -m addrtype --dst-type LOCAL -m comment --comment …`
    /// then `-j REDIRECT --to-ports <target>` or `-j RETURN`.
    private func rule(_ verb: String, _ chain: String, _ jump: Jump) -> [String] {
        let match = [
            "-w", "10", "-t", "nat", verb, chain, "-p", "tcp", "--syn", "--dport", String(port),
            "-m", "addrtype", "--dst-type", "LOCAL", "-m", "comment", "--comment", Self.comment,
        ]
        switch jump {
        case .redirect: return match + ["-j", "REDIRECT", "--to-ports", String(target)]
        case .bypass: return match + ["-j", "RETURN"]
        }
    }
}
