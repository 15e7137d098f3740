import JujuKit
import Logging

/// Probes the registry as configured and keeps the verdict in the unit state: used right after a start by
/// ``RegistryCharm/configure(_:)`` and by ``RegistryInspection`` when the container changed or served otherwise.
struct RegistryServing {
    let charm: RegistryCharm
    let session: RegistrySession

    /// Probes `GET /v2/` on the configured scheme and port.
    ///
    /// Returns how it answers otherwise than configured, or `nil` when it answers as configured. The verdict is
    /// recorded with the container's id, and a mismatch is logged once per change.
    func probe(container: String?, config: CharmConfig) async -> String? {
        let scheme = session.values[StateKeys.scheme]?.stringValue
        guard
            let expected = RegistryProbe.Expectation(config: config, scheme: scheme, files: charm.environment.files)
        else {
            // https without a readable certificate: the reconcile that wrote it says what is wrong.
            return nil
        }
        let probe = RegistryProbe(transport: charm.environment.registryTransport, pause: charm.environment.pause)
        let verdict = await probe.check(expected)
        let before = session.values[StateKeys.probeFailure]?.stringValue
        let mismatch = RegistryProbe.record(verdict, container: container, in: session)
        if let mismatch, mismatch != before {
            session.logger.error("\(config.registryName) does not serve as configured: \(mismatch)")
        } else if mismatch == nil, before != nil {
            session.logger.info("\(config.registryName) serves as configured again")
        }
        return mismatch
    }
}
