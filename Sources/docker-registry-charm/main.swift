// The charm's entry point: Juju runs it (as `dispatch`) for every hook and action.
import FoundationEssentials
import JujuKit
import RegistryCharm

#if canImport(Glibc)
    import Glibc
#endif

let standardError: @Sendable (String) -> Void = { text in
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

do {
    let context = try HookContext(environment: ProcessInfo.processInfo.environment, arguments: CommandLine.arguments)
    let dispatcher = CharmDispatcher(
        context: context,
        tools: ProcessHookTools(runner: SubprocessRunner()),
        digest: ContainerDigest.sha256Hex,
        standardError: standardError,
        statusMarker: StatusMarker.inCharm(context.charmDirectory, files: LocalFileSystem())
    )
    let outcome = await dispatcher.run(RegistryCharm(environment: .machine))
    exit(outcome.exitCode)
} catch {
    standardError("docker-registry-charm: \(error)\n")
    exit(2)
}
