import JujuKit
import RegistryKit

/// The `mirror` action's parameters, checked: where the images come from, where they go, and how.
struct MirrorParameters {
    /// Where the images come from.
    enum Origin: Equatable {
        /// References given in `images`, or read from `file`.
        case references([String])
        /// An OCI layout, OCI archive or `docker save` tar on the unit.
        case archive(String)
    }

    var origin: Origin
    var prefix: String
    var signatures: Bool
    var dryRun: Bool
    var concurrency: Int
    var secret: String?

    /// Reads and checks the parameters; `readFile` reads `file=` on the unit.
    static func read(_ parameters: ActionParameters, readFile: (String) throws -> String) throws -> MirrorParameters {
        let images = try parameters.multiLineString("images")
        let file = try parameters.string("file")
        let archive = try parameters.string("archive")
        let given = [images, file, archive].filter { !$0.isEmpty }.count
        guard given == 1 else {
            throw ActionFailure("Give exactly one of the images, file and archive parameters.")
        }
        let keys = words(try parameters.string("keys"))
        let arches = words(try parameters.string("arches"))
        if file.isEmpty, !keys.isEmpty || !arches.isEmpty {
            throw ActionFailure("The keys and arches parameters apply to a container-images.txt given as file.")
        }
        let origin: Origin
        if !archive.isEmpty {
            guard archive.hasPrefix("/") else { throw ActionFailure("The archive parameter must be an absolute path.") }
            origin = .archive(archive)
        } else if !file.isEmpty {
            guard file.hasPrefix("/") else { throw ActionFailure("The file parameter must be an absolute path.") }
            let text: String
            do {
                text = try readFile(file)
            } catch {
                throw ActionFailure("Cannot read the file \(file): \(error).")
            }
            do {
                origin = .references(
                    try ImageList.parse(text, keys: keys, arches: arches.isEmpty ? [unitArchitecture] : arches)
                )
            } catch {
                throw ActionFailure("The file \(file) cannot be used: \(error.description).")
            }
        } else {
            let references = words(images)
            for reference in references {
                do {
                    _ = try SourceImage(parsing: reference)
                } catch {
                    throw ActionFailure("The image \(reference) is not a valid reference: \(error.description).")
                }
            }
            origin = .references(references)
        }
        if case .references(let references) = origin, references.isEmpty {
            throw ActionFailure("The list names no image.")
        }
        let prefix = try parameters.string("prefix").trimmingSlashes()
        if !prefix.isEmpty,
            !prefix.split(separator: "/", omittingEmptySubsequences: false).allSatisfy(
                ImageReference.isValidPathComponent
            )
        {
            throw ActionFailure(
                "The prefix \(prefix) must be lower-case letters and digits, separated by '/', '.', '_' or '-'."
            )
        }
        let concurrency = try parameters.integer("concurrency", default: 8)
        guard (1...32).contains(concurrency) else {
            throw ActionFailure("The concurrency parameter must be between 1 and 32.")
        }
        let secret = try parameters.string("secret")
        if !secret.isEmpty, !secret.hasPrefix("secret:") {
            throw ActionFailure("The secret parameter must be a secret URI (secret:...) from juju add-secret.")
        }
        return MirrorParameters(
            origin: origin,
            prefix: prefix,
            signatures: try parameters.bool("signatures", default: true),
            dryRun: try parameters.bool("dry-run", default: false),
            concurrency: concurrency,
            secret: secret.isEmpty ? nil : secret
        )
    }

    /// The unit's architecture as images name it.
    static var unitArchitecture: String {
        #if arch(x86_64)
            return "amd64"
        #elseif arch(arm64)
            return "arm64"
        #elseif arch(powerpc64le)
            return "ppc64le"
        #elseif arch(s390x)
            return "s390x"
        #else
            return "amd64"
        #endif
    }

    private static func words(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "," }).map(String.init)
    }
}

extension String {
    fileprivate func trimmingSlashes() -> String {
        split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
    }
}
