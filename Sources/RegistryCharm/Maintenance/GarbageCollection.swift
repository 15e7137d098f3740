import FoundationEssentials
import JujuKit
import RegistryKit

/// One run of distribution's garbage collector over the registry's storage, with the registry read-only meanwhile.
///
/// `garbage-collect [--dry-run] [--delete-untagged] <config>` runs in a throw-away container
/// (``ReadOnlyWindow/collectorName(_:)``) of the registry's image, through the image's own entrypoint, with the
/// registry container's mounts (`--volumes-from`, so the charm's configuration is read) and environment file.
/// A real collection of a running registry opens a ``ReadOnlyWindow`` first, so pulls go on and nothing is uploaded
/// while blobs are deleted; the window closes afterwards, also when the collection fails. A dry run changes nothing
/// and leaves the registry as it is; a stopped registry (the stop action) stays stopped.
struct GarbageCollection {
    /// What a collection did (or, dry, would do).
    struct Outcome: Equatable {
        /// The collector's counts and the blobs it named.
        var summary: Summary
        /// Bytes freed (what a dry run would free); `nil` when they could not be measured.
        var bytesFreed: Int?
        /// How long the registry served read-only, in seconds (`nil`: it did not).
        var readOnlySeconds: Double?

        /// ``readOnlySeconds`` to a tenth, as the actions' `read-only-seconds` result gives it.
        var readOnlyText: String? { readOnlySeconds.map { String(Double(Int($0 * 10)) / 10) } }
    }

    /// What the collector printed: `N blobs marked, M blobs and K manifests eligible for deletion`, and the blobs.
    struct Summary: Equatable {
        var blobs: Int
        var manifests: Int
        var eligibleBlobs: [String]
        var line: String
    }

    /// Why the collection did not happen or did not finish; a sentence, as an action fails with it.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let environment: CharmEnvironment
    let config: CharmConfig
    /// Progress lines.
    let log: (String) async -> Void
    /// The sizes of blobs in object storage, for the bytes a collection frees there (see ``BlobSizes``).
    var blobSizes: (([String]) async -> Int?)?

    /// Runs the collector (see the type's documentation).
    func run(dryRun: Bool, untagged: Bool) async throws -> Outcome {
        let docker = environment.docker
        let name = config.registryName
        let container: ContainerInfo
        do {
            guard let found = try await docker.inspect(name) else {
                throw Failure(description: "The \(name) container does not exist; run the start action first.")
            }
            container = found
        } catch let error as DockerError {
            throw Failure(description: "Could not look up the \(name) container: \(error.description).")
        }
        // Object storage: the sizes of what the collector would delete are asked of the registry before it is gone.
        var plannedBytes: Int?
        if !dryRun, config.storage != .filesystem, let blobSizes {
            let dry = try await collect(container, dryRun: true, untagged: untagged)
            plannedBytes = await blobSizes(dry.eligibleBlobs)
        }
        let bytesBefore = config.storage == .filesystem && !dryRun ? await diskUsage() : nil

        var window: ReadOnlyWindow.Record?
        var readOnlySince: Date?
        if !dryRun, container.isRunning || container.isRestarting {
            do {
                window = try await ReadOnlyWindow(environment: environment, log: log).open(
                    container: container,
                    config: config
                )
                readOnlySince = environment.now()
            } catch {
                throw Failure(
                    description: "Could not make \(name) read-only for the collection (\(error)); nothing was deleted."
                )
            }
        }
        let collected: Result<Summary, any Error>
        do {
            collected = .success(try await collect(container, dryRun: dryRun, untagged: untagged))
        } catch {
            collected = .failure(error)
        }
        var readOnlySeconds: Double?
        if let window {
            do {
                try await ReadOnlyWindow(environment: environment, log: log).close(window)
            } catch {
                await log("\(error)")
                throw Failure(
                    description: "The garbage collection ended but \(name) could not serve writable again; the next"
                        + " hook tries again."
                )
            }
            if let readOnlySince { readOnlySeconds = environment.now().timeIntervalSince(readOnlySince) }
        }
        let summary = try collected.get()
        var bytes: Int?
        if config.storage == .filesystem {
            if dryRun {
                bytes = await blobBytes(summary.eligibleBlobs)
            } else if let before = bytesBefore, let after = await diskUsage() {
                bytes = max(0, before - after)
            }
        } else if dryRun, let blobSizes {
            bytes = await blobSizes(summary.eligibleBlobs)
        } else {
            bytes = plannedBytes
        }
        return Outcome(summary: summary, bytesFreed: bytes, readOnlySeconds: readOnlySeconds)
    }

    /// Runs the collector container once and reads its summary.
    private func collect(_ container: ContainerInfo, dryRun: Bool, untagged: Bool) async throws -> Summary {
        let paths = environment.paths
        let collector = ReadOnlyWindow.collectorName(container.name)
        var arguments = ["run", "--rm", "--name", collector, "--network", "host", "--volumes-from", container.id]
        if environment.files.exists(paths.environmentFile) { arguments += ["--env-file", paths.environmentFile] }
        arguments += [container.image, "garbage-collect"]
        if dryRun { arguments.append("--dry-run") }
        if untagged { arguments.append("--delete-untagged") }
        arguments.append(paths.configFile)
        await log(dryRun ? "Running a dry garbage collection." : "Running the garbage collection.")
        let result: CommandResult
        do {
            result = try await environment.docker.run(arguments, mergeOutput: true)
        } catch {
            throw Failure(description: "The garbage collection could not run: \(error.description).")
        }
        // A registry nothing was ever pushed to has no repositories directory, and the collector fails on it.
        let neverPushed = Self.isEmptyStore(result.standardOutput + result.standardError)
        if neverPushed { await log("Nothing was ever pushed to this registry: there is nothing to collect.") }
        guard result.succeeded || neverPushed else {
            await log("registry garbage-collect: \(result.reason)")
            throw Failure(description: "The garbage collection failed; the registry serves as before.")
        }
        return Self.summary(result.standardOutput)
    }

    /// Whether the collector stopped because the store has no repositories yet (`Path not found:
    /// /docker/registry/v2/repositories`, as distribution's filesystem driver says for a store never pushed to).
    static func isEmptyStore(_ output: String) -> Bool {
        output.contains("Path not found: /docker/registry/v2/repositories")
            || output.contains("Path not found: /docker/registry/v2/blobs")
    }

    static func summary(_ output: String) -> Summary {
        var eligible: [String] = []
        var line = ""
        var blobs: Int?
        var manifests = 0
        for raw in output.split(whereSeparator: \.isNewline) {
            let text = raw.trimmingWhitespace()
            if let range = text.firstRange(of: "blob eligible for deletion: ") {
                let digest = String(text[range.upperBound...].prefix { !$0.isWhitespace })
                if ImageReference.isValidDigest(digest) { eligible.append(digest) }
            } else if text.hasSuffix("eligible for deletion"), text.contains("blobs marked") {
                line = text
                let numbers = text.split(whereSeparator: { !$0.isASCIIDigit }).compactMap { Int($0) }
                if numbers.count >= 3 {
                    blobs = numbers[1]
                    manifests = numbers[2]
                }
            }
        }
        return Summary(blobs: blobs ?? eligible.count, manifests: manifests, eligibleBlobs: eligible, line: line)
    }

    /// Bytes under the registry's data directory (`du -sb`), or `nil` when it cannot be measured.
    private func diskUsage() async -> Int? {
        let directory = environment.paths.dataDirectory
        guard let result = try? await environment.runner.run(Command("du", ["-sb", directory])), result.succeeded
        else { return nil }
        return result.standardOutput.split(whereSeparator: { $0 == "\t" || $0 == " " }).first.flatMap { Int($0) }
    }

    /// The bytes of the blobs `digests` in filesystem storage (`du -cb` of their data files).
    private func blobBytes(_ digests: [String]) async -> Int? {
        guard !digests.isEmpty else { return 0 }
        let root = Path.join(environment.paths.dataDirectory, "docker/registry/v2/blobs")
        let files = digests.map { digest -> String in
            let parts = digest.split(separator: ":", maxSplits: 1).map(String.init)
            return Path.join(root, "\(parts[0])/\(parts[1].prefix(2))/\(parts[1])/data")
        }
        guard let result = try? await environment.runner.run(Command("du", ["-cb", "--"] + files)),
            let total = result.standardOutput.split(whereSeparator: \.isNewline).last
        else { return nil }
        return total.split(whereSeparator: { $0 == "\t" || $0 == " " }).first.flatMap { Int($0) }
    }
}
