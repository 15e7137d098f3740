import JujuKit

/// `garbage-collect dry-run= untagged=`: runs the registry's own garbage collector safely.
///
/// `garbage-collect [--dry-run] [--delete-untagged] /etc/docker/registry/config.yml` runs in a throw-away container of
/// the registry's image, through the image's own entrypoint (the official images' script hands `garbage-collect …` to
/// the registry binary wherever it is; an image whose entrypoint is the binary gets the same arguments), with the
/// registry container's mounts (`--volumes-from`, so the charm's configuration is read, never the image's default)
/// and environment file.
/// For a real collection the registry container is stopped first, so nothing is uploaded while blobs are deleted,
/// and started again afterwards, even when the collection fails. A dry run leaves it serving.
///
/// Results: `blobs-freed`, `manifests-freed`, `bytes-freed` (what a dry run would free; bytes only for filesystem
/// storage), `dry-run`, and `output` (the collector's summary).
struct GarbageCollectAction {
    let charm: RegistryCharm
    let action: RegistryActionContext

    func run() async throws {
        let dryRun = try action.parameters.bool("dry-run", default: false)
        let untagged = try action.parameters.bool("untagged", default: false)
        let environment = charm.environment
        let config = try await charm.prepared(action.session).config
        let name = config.registryName
        let container: ContainerInfo
        do {
            guard let found = try await environment.docker.inspect(name) else {
                throw ActionFailure("The \(name) container does not exist; run the start action first.")
            }
            container = found
        } catch let error as DockerError {
            throw ActionFailure("Could not look up the \(name) container: \(error.description).")
        }
        let docker = environment.docker
        let measuresBytes = config.storage == .filesystem
        let bytesBefore = measuresBytes && !dryRun ? try await diskUsage() : nil

        let stopsRegistry = !dryRun && (container.isRunning || container.isRestarting)
        if stopsRegistry {
            await action.log("Stopping \(name) so that nothing is uploaded while blobs are deleted.")
            do {
                try await environment.docker.stop(
                    container.id,
                    timeoutSeconds: environment.containers.stopTimeoutSeconds
                )
            } catch {
                await action.log(error.description)
                _ = try? await environment.docker.start(container.id)
                throw ActionFailure("Could not stop \(name) for garbage collection; nothing was deleted.")
            }
        }
        var arguments = ["run", "--rm", "--network", "host", "--volumes-from", container.id]
        if environment.files.exists(environment.paths.environmentFile) {
            arguments += ["--env-file", environment.paths.environmentFile]
        }
        arguments += [container.image, "garbage-collect"]
        if dryRun { arguments.append("--dry-run") }
        if untagged { arguments.append("--delete-untagged") }
        arguments.append(environment.paths.configFile)
        await action.log(dryRun ? "Running a dry garbage collection." : "Running the garbage collection.")
        let collected: Result<CommandResult, DockerError>
        do {
            collected = .success(try await docker.run(arguments, mergeOutput: true))
        } catch {
            collected = .failure(error)
        }

        if stopsRegistry {
            await action.log("Starting \(name) again.")
            do {
                try await environment.docker.start(container.id)
            } catch {
                await action.log(error.description)
                throw ActionFailure(
                    "The garbage collection ended but \(name) could not be started again; run the start action."
                )
            }
        }
        let result: CommandResult
        switch collected {
        case .success(let value): result = value
        case .failure(let error):
            throw ActionFailure("The garbage collection could not run: \(error.description).")
        }
        // A registry nothing was ever pushed to has no repositories directory, and the collector fails on it.
        let neverPushed = Self.isEmptyStore(result.standardOutput + result.standardError)
        if neverPushed { await action.log("Nothing was ever pushed to this registry: there is nothing to collect.") }
        guard result.succeeded || neverPushed else {
            await action.log("registry garbage-collect: \(result.reason)")
            throw ActionFailure(
                "The garbage collection failed" + (stopsRegistry ? " and \(name) was started again" : "") + "."
            )
        }
        let summary = Self.summary(result.standardOutput)
        var bytes: Int?
        if measuresBytes {
            if dryRun {
                bytes = try await blobBytes(summary.eligibleBlobs)
            } else if let before = bytesBefore, let after = try await diskUsage() {
                bytes = max(0, before - after)
            }
        }
        action.set("dry-run", String(dryRun))
        action.set("blobs-freed", String(summary.blobs))
        action.set("manifests-freed", String(summary.manifests))
        if let bytes { action.set("bytes-freed", String(bytes)) }
        action.set("output", summary.line)
        await action.log(
            (dryRun ? "Would free " : "Freed ") + "\(summary.blobs) blobs"
                + (bytes.map { " (\(ListAction.byteCount($0)))" } ?? "") + "."
        )
    }

    /// Whether the collector stopped because the store has no repositories yet (`Path not found:
    /// /docker/registry/v2/repositories`, as distribution's filesystem driver says for a store never pushed to).
    static func isEmptyStore(_ output: String) -> Bool {
        output.contains("Path not found: /docker/registry/v2/repositories")
            || output.contains("Path not found: /docker/registry/v2/blobs")
    }

    /// What the collector printed: `N blobs marked, M blobs and K manifests eligible for deletion`, and the blobs.
    struct Summary: Equatable {
        var blobs: Int
        var manifests: Int
        var eligibleBlobs: [String]
        var line: String
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
    private func diskUsage() async throws -> Int? {
        let directory = charm.environment.paths.dataDirectory
        guard let result = try? await charm.environment.runner.run(Command("du", ["-sb", directory])),
            result.succeeded
        else { return nil }
        return result.standardOutput.split(whereSeparator: { $0 == "\t" || $0 == " " }).first.flatMap { Int($0) }
    }

    /// The bytes of the blobs `digests` in filesystem storage (`du -cb` of their data files).
    private func blobBytes(_ digests: [String]) async throws -> Int? {
        guard !digests.isEmpty else { return 0 }
        let root = Path.join(charm.environment.paths.dataDirectory, "docker/registry/v2/blobs")
        let files = digests.map { digest -> String in
            let parts = digest.split(separator: ":", maxSplits: 1).map(String.init)
            return Path.join(root, "\(parts[0])/\(parts[1].prefix(2))/\(parts[1])/data")
        }
        guard let result = try? await charm.environment.runner.run(Command("du", ["-cb", "--"] + files)),
            let total = result.standardOutput.split(whereSeparator: \.isNewline).last
        else { return nil }
        return total.split(whereSeparator: { $0 == "\t" || $0 == " " }).first.flatMap { Int($0) }
    }
}
