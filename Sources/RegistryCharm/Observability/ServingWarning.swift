import FoundationEssentials
import JujuKit

/// Something the charm knows about a serving registry that its own metrics do not show: a certificate near or past
/// its expiry, or filesystem storage nearly full.
///
/// Found from the unit's state and `statvfs`, without the configuration, so an idle `update-status` finds them too.
/// They go into the status and, one JSON line each, into ``HealthLog``, where the collector's log alert rules see
/// them (see ``RegistryAlertRules/logs``).
struct ServingWarning: Equatable {
    /// What is wrong; the `check` field of the log line.
    enum Check: String {
        /// The served certificate expires within ``ServingWarning/certificateWindow``.
        case certificateExpiring = "certificate-expiring"
        /// The served certificate has expired: clients refuse the registry.
        case certificateExpired = "certificate-expired"
        /// The filesystem storage is below ``DiskSpace/warningThreshold``.
        case storageNearlyFull = "storage-nearly-full"
    }

    /// How long before its expiry a certificate is warned about: 14 days.
    static let certificateWindow: TimeInterval = 14 * 86_400

    var check: Check
    /// The sentence the status carries.
    var statusNote: String
    /// When the certificate expires, for certificate checks.
    var notAfter: Date?
    /// The space left, for the storage check.
    var space: DiskSpace?
    /// The storage directory, for the storage check.
    var directory: String?

    /// The warnings for the registry as the unit's state records it.
    ///
    /// The recorded TLS source (`config` or `relation`) says where a new certificate comes from.
    static func find(
        values: [String: JSONValue],
        now: Date,
        diskSpace: (String) -> DiskSpace?
    ) -> [ServingWarning] {
        var found: [ServingWarning] = []
        if let seconds = values[StateKeys.certificateNotAfter]?.intValue {
            let notAfter = Date(timeIntervalSince1970: TimeInterval(seconds))
            let renew =
                values[StateKeys.tlsSource]?.stringValue == "relation"
                ? "the cert-provider relation should renew it; check the certificate authority (easyrsa)"
                : "set a new tls-cert-blob and tls-key-blob"
            if now >= notAfter {
                found.append(
                    ServingWarning(
                        check: .certificateExpired,
                        statusNote: "The registry's certificate expired on \(UTCTime.format(notAfter)) and clients"
                            + " refuse it: \(renew).",
                        notAfter: notAfter
                    )
                )
            } else if notAfter.timeIntervalSince(now) < certificateWindow {
                found.append(
                    ServingWarning(
                        check: .certificateExpiring,
                        statusNote: "Certificate expires on \(UTCTime.format(notAfter)): \(renew).",
                        notAfter: notAfter
                    )
                )
            }
        }
        if let directory = values[StateKeys.filesystemData]?.stringValue, let space = diskSpace(directory),
            space.isNearlyFull
        {
            found.append(
                ServingWarning(
                    check: .storageNearlyFull,
                    statusNote:
                        "Storage nearly full: \(DiskSpace.text(space.free)) free of \(DiskSpace.text(space.size))"
                        + " in \(directory); pushes fail when it is full (delete images and run garbage-collect, or"
                        + " grow it).",
                    space: space,
                    directory: directory
                )
            )
        }
        return found
    }
}
