import FoundationEssentials
import JujuKit
import Logging

extension StateKeys {
    /// The storage driver of the last configuration that passed its storage check: `filesystem`, `s3` or `swift`.
    static let storageKind = "storage.kind"
    /// A sentence the Ready status carries after a switch from filesystem to an object store that is still empty.
    static let storageNote = "storage.note"
}

/// Runs before each reconcile with S3 or Swift storage: probes the store (``ObjectStorageProbe``) and, after a
/// switch from filesystem storage, notes in the status that the registry is empty on its new backend while
/// `/srv/registry` still holds the images pushed before (the charm never deletes that directory).
struct ObjectStorageCheck {
    let session: RegistrySession
    let config: CharmConfig
    let environment: CharmEnvironment

    /// Where a host keeps its CA bundle (Debian and Ubuntu), trusted for https object stores.
    static let systemBundle = "/etc/ssl/certs/ca-certificates.crt"

    /// The problems that keep the registry from using its store (none for filesystem storage); updates the note.
    func run() async -> [ConfigProblem] {
        let kind: String
        switch config.storage {
        case .filesystem: kind = "filesystem"
        case .s3: kind = "s3"
        case .swift: kind = "swift"
        }
        let values = session.values
        let previous = values[StateKeys.storageKind]?.stringValue
        guard kind != "filesystem" else {
            session.values[StateKeys.storageNote] = nil
            session.values[StateKeys.storageKind] = .string(kind)
            return []
        }
        let probe = ObjectStorageProbe(
            transport: environment.registryTransport,
            now: environment.now(),
            trustedPEM: try? environment.files.read(Self.systemBundle)
        )
        switch await probe.check(config.storage) {
        case .problem(let problem):
            if session.dataChanged(WatchedData.storageProblem, problem.description) {
                session.logger.error("\(kind) storage is not usable: \(problem.description)")
            }
            return [problem]
        case .ready(let empty):
            session.forgetData(WatchedData.storageProblem)
            // From filesystem storage (or a charm version that did not record it) to a store that is empty.
            let switched = previous == nil || previous == "filesystem" || values[StateKeys.storageNote] != nil
            let oldData = environment.files.isDirectory(
                Path.join(environment.paths.dataDirectory, Self.repositoriesDirectory)
            )
            if switched, empty == true, oldData {
                let note = Self.note(kind: kind, dataDirectory: environment.paths.dataDirectory)
                if values[StateKeys.storageNote]?.stringValue != note {
                    session.logger.warning("\(note)")
                }
                session.values[StateKeys.storageNote] = .string(note)
            } else {
                session.values[StateKeys.storageNote] = nil
            }
            session.values[StateKeys.storageKind] = .string(kind)
            return []
        }
    }

    /// Where the filesystem driver keeps repository names, under the data directory.
    static let repositoriesDirectory = "docker/registry/v2/repositories"

    /// The status note after a switch to an empty object store.
    static func note(kind: String, dataDirectory: String) -> String {
        "The registry is empty on its new \(kind) storage; the images pushed before are still in \(dataDirectory)"
            + " (README: migrating storage)."
    }
}
