import JujuKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// This unit's addresses, asked of Juju once per hook.
struct UnitAddresses {
    /// `unit-get private-address`.
    var privateAddress: String
    /// `unit-get public-address`, when the unit has one.
    var publicAddress: String?
    /// The machine's host name.
    var hostname: String?
    /// Whether the public address and the host name were looked up.
    var complete = false

    /// Where the private address last asked is kept in the unit state.
    static let rememberedKey = "unit.private-address"

    /// The addresses, from this hook's state, the unit state (see ``mayUseRemembered(_:)``) or the hook tools.
    static func of(_ session: RegistrySession) async throws -> UnitAddresses {
        if let known = session.state.unitAddresses { return known }
        let remembered = session.values[rememberedKey]?.stringValue
        let address: String
        if let remembered, mayUseRemembered(session.context.event) {
            address = remembered
        } else {
            address = try await session.tools.privateAddress()
            session.values[rememberedKey] = .string(address)
        }
        let found = UnitAddresses(privateAddress: address)
        session.state.unitAddresses = found
        return found
    }

    /// Whether a hook may use the address an earlier hook asked: Juju runs `config-changed` when the unit's
    /// addresses change, so relation hooks and `update-status` use it, and every other hook asks again.
    static func mayUseRemembered(_ event: HookEvent) -> Bool {
        switch event {
        case .relation, .unit(.updateStatus): return true
        default: return false
        }
    }

    /// The addresses including the public one and the host name, which only the certificate request needs.
    static func withPublic(_ session: RegistrySession) async throws -> UnitAddresses {
        var addresses = try await of(session)
        if !addresses.complete {
            addresses.publicAddress = try await session.tools.publicAddress()
            addresses.hostname = machineHostname()
            addresses.complete = true
            session.state.unitAddresses = addresses
        }
        return addresses
    }

    /// `gethostname(2)`, or `nil` when it fails.
    static func machineHostname() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return nil }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? nil : name
    }
}
