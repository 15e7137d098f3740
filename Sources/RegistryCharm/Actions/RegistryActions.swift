import JujuKit
import RegistryKit

extension RegistryCharm {
    /// The sentence every action that needs a configured registry fails with before it is (the reactive charm's).
    static let notReadyMessage = "Docker Registry charm is not yet ready."

    /// Every action of `actions.yaml`, each a plan of docker or registry calls.
    ///
    /// All but `debug` need the registry configured: collecting debug data is most useful when it is not.
    func actionTable() -> ActionTable<RegistryHookState> {
        let entries: [String: ActionTable<RegistryHookState>.Entry] = [
            "push": .init { try await PushAction(charm: self, action: $0).run() },
            "images": .init { try await LocalImagesAction(charm: self, action: $0).listImages() },
            "rmi": .init { try await LocalImagesAction(charm: self, action: $0).removeImages() },
            "start": .init { try await ContainerAction(charm: self, action: $0).start() },
            "stop": .init { try await ContainerAction(charm: self, action: $0).stop() },
            "clean-containers": .init { try await CleanupAction(charm: self, action: $0).cleanContainers() },
            "clean-images": .init { try await CleanupAction(charm: self, action: $0).cleanImages() },
            "debug": .init(needsReady: false) { try await DebugAction(charm: self, action: $0).run() },
            "upgrade-docker": .init { try await UpgradeDockerAction(charm: self, action: $0).run() },
            "list": .init { try await ListAction(charm: self, action: $0).run() },
            "delete": .init { try await DeleteAction(charm: self, action: $0).run() },
            "garbage-collect": .init { try await GarbageCollectAction(charm: self, action: $0).run() },
            "prune": .init { try await PruneAction(charm: self, action: $0).run() },
            "mirror": .init { try await MirrorAction(charm: self, action: $0).run() },
        ]
        return ActionTable(entries, readyFlag: RegistryFlags.configured, notReadyMessage: Self.notReadyMessage)
    }
}

/// Helpers shared by the actions.
enum ActionSupport {
    /// The netloc clients use for this registry: the one the last configure recorded.
    static func netloc(_ session: RegistrySession) -> String? {
        session.values[StateKeys.netloc]?.stringValue ?? session.values[StateKeys.address]?.stringValue
    }

    /// `text` parsed as an image reference, or a sentence naming `parameter`.
    static func imageReference(_ text: String, parameter: String) throws(ActionFailure) -> ImageReference {
        if text.hasPrefix("-") {
            throw ActionFailure(
                "The \(parameter) parameter \(ActionQuote.quoted(text)) looks like an option, not an image."
            )
        }
        do {
            return try ImageReference.parse(text)
        } catch {
            throw ActionFailure(
                "The \(parameter) parameter \(ActionQuote.quoted(text)) is not an image reference"
                    + (text.count > ActionQuote.limit ? "." : ": \(error.description).")
            )
        }
    }

    /// `The command "docker …" failed with: <docker's reason>.` (the reactive charm's wording, on one line).
    static func commandFailed(_ arguments: [String], _ result: CommandResult) -> ActionFailure {
        // docker may echo a long argument in its reason: both are bounded.
        let reason = ActionQuote.bounded(result.reason, limit: 300)
        let end = reason.last.map { ".?!".contains($0) } == true ? "" : "."
        let command = arguments.map { ActionQuote.bounded($0) }.joined(separator: " ")
        return ActionFailure("The command \"docker \(command)\" failed with: \(reason)\(end)")
    }

    /// A random lower-case hex string (for temporary names).
    static func randomSuffix() -> String {
        String(UInt64.random(in: .min ... .max), radix: 16)
    }

    /// Creates a fresh private (0700) directory under `parent` whose name starts with `prefix`; returns its path.
    ///
    /// The default parent is `/run`, which only root may write to, so no other user can plant a directory (or a
    /// symbolic link) under the random name first, as one could in `/tmp`.
    static func makePrivateDirectory(_ files: any FileSystem, parent: String = "/run", prefix: String) throws -> String
    {
        for _ in 0..<8 {
            let path = Path.join(parent, "\(prefix)-\(randomSuffix())")
            guard !files.exists(path) else { continue }
            try files.createDirectory(path, mode: .privateDirectory)
            return path
        }
        throw ActionFailure("Could not create a private temporary directory under \(parent).")
    }
}
