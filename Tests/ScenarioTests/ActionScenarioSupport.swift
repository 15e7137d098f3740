import Foundation
import JujuKit
import JujuKitTesting
import RegistryCharm
import RegistryCharmTesting
import Synchronization

/// The docker verbs the actions use, on top of `DockerFakeEngine` (whose containers it reads): pull, tag, push with
/// basic-auth logins per `DOCKER_CONFIG`, images, rmi, prune, logs, and the garbage collector's throw-away run.
final class ActionDockerFake: Sendable {
    struct State {
        var images: Set<String> = ["localhost/busybox:test"]
        var pullable: Set<String> = []
        /// netloc → password a login needs (basic auth on).
        var passwords: [String: String] = [:]
        /// DOCKER_CONFIG directory → netlocs logged in.
        var logins: [String: Set<String>] = [:]
        var pushed: [String: String] = [:]
        var failures: [String: String] = [:]
        var gcOutput = "0 blobs marked, 0 blobs and 0 manifests eligible for deletion\n"
        var gcExitCode: Int32 = 0
    }

    let state = Mutex(State())
    let engine: DockerFakeEngine

    init(_ scenario: Scenario) {
        engine = scenario.docker
        scenario.docker.runner.respond { [self] command in
            guard command.executable == "docker" else { return nil }
            return answer(command)
        }
        scenario.docker.runner.on("du", ["-sb"], result: CommandResult(standardOutput: "1000\t/srv/registry\n"))
        scenario.docker.runner.on("tar", result: CommandResult())
    }

    /// The digest the fake registry gives `tag` when it is pushed.
    static func digest(of tag: String) -> String {
        "sha256:" + String(repeating: String(format: "%02x", tag.count % 256), count: 32)
    }

    func fail(_ verb: String, stderr: String) { state.withLock { $0.failures[verb] = stderr } }

    private func answer(_ command: Command) -> CommandResult? {
        let arguments = command.arguments
        let joined = arguments.joined(separator: " ")
        return state.withLock { state -> CommandResult? in
            if let failure = state.failures.first(where: { joined.hasPrefix($0.key) })?.value {
                return CommandResult(exitCode: 1, standardError: failure)
            }
            switch Array(arguments.prefix(2)) {
            case ["image", "pull"]:
                let image = arguments[2]
                guard state.pullable.contains(image) else {
                    return CommandResult(
                        exitCode: 1,
                        standardError: "Error response from daemon: pull access denied for \(image)"
                    )
                }
                state.images.insert(image)
                return CommandResult(standardOutput: "\(image)\n")
            case ["image", "tag"]:
                guard state.images.contains(arguments[2]) else {
                    return CommandResult(
                        exitCode: 1,
                        standardError: "Error response from daemon: No such image: \(arguments[2])"
                    )
                }
                state.images.insert(arguments[3])
                return CommandResult()
            case ["image", "push"]:
                let tag = arguments[2]
                let netloc = String(tag.split(separator: "/").first ?? "")
                if state.passwords[netloc] != nil {
                    let config = command.environment["DOCKER_CONFIG"] ?? "~/.docker"
                    guard state.logins[config]?.contains(netloc) == true else {
                        return CommandResult(exitCode: 1, standardError: "no basic auth credentials")
                    }
                }
                let digest = Self.digest(of: tag)
                state.pushed[tag] = digest
                let name = tag.split(separator: ":").last ?? "latest"
                return CommandResult(
                    standardOutput:
                        "The push refers to repository [\(tag)]\n59654b79daad: Pushed\n\(name): digest: \(digest) size: 527\n"
                )
            case ["login", "--username"]:
                let netloc = arguments.last ?? ""
                let given = String(decoding: command.input ?? [], as: UTF8.self)
                guard state.passwords[netloc] == given, let config = command.environment["DOCKER_CONFIG"] else {
                    return CommandResult(
                        exitCode: 1,
                        standardError: "Error response from daemon: login attempt failed with status: 401 Unauthorized"
                    )
                }
                state.logins[config, default: []].insert(netloc)
                return CommandResult(standardOutput: "Login Succeeded\n")
            case ["image", "prune"]:
                return CommandResult(standardOutput: "Total reclaimed space: 0B\n")
            case ["image", "ls"], ["container", "logs"], ["info"], ["version"]:
                return CommandResult(standardOutput: "\(joined) output\n")
            case ["container", "ls"]:
                let lines = engine.containers.filter { !$0.running }.map {
                    "\($0.id)\t\($0.name)\t\($0.labels[ContainerLabels.managedBy] ?? "")"
                }
                return CommandResult(standardOutput: lines.map { $0 + "\n" }.joined())
            case ["run", "--rm"] where arguments.last != "--version":
                return CommandResult(exitCode: state.gcExitCode, standardOutput: state.gcOutput)
            default:
                if arguments.first == "logout", arguments.count > 1 {
                    if let config = command.environment["DOCKER_CONFIG"] { state.logins[config]?.remove(arguments[1]) }
                    return CommandResult(standardOutput: "Removing login credentials for \(arguments[1])\n")
                }
                if arguments.first == "images" {
                    return CommandResult(
                        standardOutput: "REPOSITORY TAG IMAGE ID\nlocalhost/busybox test 0123456789ab\n"
                    )
                }
                if arguments.first == "rmi" {
                    for image in arguments.dropFirst() where !image.hasPrefix("-") { state.images.remove(image) }
                    return CommandResult(standardOutput: "Untagged: \(arguments.last ?? "")\n")
                }
                return nil
            }
        }
    }
}

extension Scenario {
    /// docker command lines run since the last reset, without the status check's `container inspect`.
    var actionDockerLines: [String] { dockerLines.filter { !$0.hasPrefix("container inspect ") } }

    /// What an action left: results, the failure sentence, progress lines.
    struct ActionOutcome {
        var results: [String: String]
        var failure: String?
        var logs: [String]
        var exitCode: Int32
    }

    /// Runs action `name` with `parameters` (as `action-get` would hand them over).
    @discardableResult
    func action(_ name: String, _ parameters: [String: JSONValue] = [:]) async -> ActionOutcome {
        tools.update {
            $0.actionParameters = parameters
            $0.actionResults = [:]
            $0.actionFailure = nil
            $0.actionLogs = []
        }
        let outcome = await run(.action(name))
        let model = tools.model
        return ActionOutcome(
            results: model.actionResults,
            failure: model.actionFailure,
            logs: model.actionLogs,
            exitCode: outcome.exitCode
        )
    }

    /// A deployed unit with the action fakes installed.
    static func deployedForActions(_ config: [String: JSONValue] = [:]) async -> (Scenario, ActionDockerFake) {
        let scenario = Scenario(config: config)
        let fake = ActionDockerFake(scenario)
        await scenario.deploy()
        return (scenario, fake)
    }
}

/// Whether `text` is one sentence: starts upper-case, ends with `.`, `?` or `!`, holds no newline.
func isOneSentence(_ text: String?) -> Bool {
    guard let text, let first = text.first, first.isUppercase, let last = text.last, ".?!".contains(last) else {
        return false
    }
    return !text.contains("\n")
}
