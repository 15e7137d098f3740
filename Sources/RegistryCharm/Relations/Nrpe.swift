import JujuKit
import Logging

/// The `nrpe-external-master` relation (provides, container scope): the registry and docker daemon checks for
/// the nrpe subordinate, the service definitions it exports to Nagios, and `monitors` in the relation data.
///
/// Files are written only when their content changes, nrpe is reloaded only then, and `monitors` is sent only when
/// it changes (the reactive interface rewrote a `timestamp` in every hook). Everything goes with the relation.
struct Nrpe {
    /// The endpoint name in metadata.yaml.
    static let endpoint = "nrpe-external-master"

    let session: RegistrySession
    let config: CharmConfig
    let environment: CharmEnvironment

    /// Brings the checks in line with how the registry serves; removes them when the relation is gone.
    func reconcile(_ served: ServedRegistry) async throws {
        let relations = try await session.relations.ids(Self.endpoint)
        let publisher = RelationPublisher(session: session)
        publisher.forgetRelations(except: relations, topic: Self.endpoint)
        defer { RefusedRelationData.settle(session, endpoint: Self.endpoint) }
        guard let relation = relations.first else {
            try removeFiles()
            return
        }
        let paths = environment.paths
        let files = environment.files
        var planned: [(path: String, content: [UInt8], mode: FileMode, owner: FileOwner?)] = []
        var clientPair: (certificate: String, key: String)?
        if served.https, served.clientCertificatesRequired, let pair = served.serverPair,
            let certificate = try files.read(pair.certificate), let key = try files.read(pair.key)
        {
            let owner = NagiosUser.owner(passwd: try files.readText(paths.passwdFile))
            let copies = (
                certificate: Path.join(paths.nagiosClientDirectory, "client.crt"),
                key: Path.join(paths.nagiosClientDirectory, "client.key")
            )
            planned.append((copies.certificate, certificate, .publicReadable, owner))
            planned.append((copies.key, key, .ownerOnly, owner))
            clientPair = copies
        }
        let remoteUnit = try await session.relations.remoteUnitBags(relation).first
        let remote = remoteUnit?.data ?? [:]
        for (key, value) in NrpePlan.refused(remote: remote, unitName: session.context.unitName).sorted(by: {
            $0.key < $1.key
        }) {
            RefusedRelationData.note(
                session,
                relation: relation,
                unit: remoteUnit?.unit ?? "",
                key: key,
                value: value,
                reason: "not one word of letters, digits, '.', '_', '-' that leaves the exported file names within"
                    + " 255 bytes"
            )
        }
        let plan = NrpePlan(
            checks: [
                .registry(
                    port: config.registryPort,
                    https: served.https,
                    authentication: served.authentication,
                    clientPair: clientPair
                ),
                .dockerDaemon,
            ],
            hostName: NrpePlan.hostName(
                remote: remote,
                context: config.nagiosContext,
                unitName: session.context.unitName
            ),
            servicegroups: config.nagiosServicegroups ?? config.nagiosContext
        )
        let directory = session.context.charmDirectory
        let rendered = try plan.files(
            nrpeDirectory: paths.nrpeDirectory,
            exportDirectory: paths.nagiosExportDirectory,
            command: try Template.load(NrpePlan.commandTemplate, charmDirectory: directory, files: files),
            service: try Template.load(NrpePlan.serviceTemplate, charmDirectory: directory, files: files)
        )
        planned += rendered.map { ($0.path, Array($0.content.utf8), .publicReadable, nil) }

        var commandsChanged = false
        for file in planned {
            let changed = try files.update(file.path, file.content, mode: file.mode)
            if let owner = file.owner, files.owner(of: file.path) != owner { try files.setOwner(file.path, owner) }
            if changed && file.path.hasPrefix(paths.nrpeDirectory) { commandsChanged = true }
        }
        let wanted = Set(planned.map(\.path))
        for path in writtenFiles() where !wanted.contains(path) { try files.remove(path) }
        session.values[StateKeys.nrpeFiles] = .array(planned.map(\.path).sorted().map(JSONValue.string))
        if commandsChanged { await reloadNrpe() }

        if try await publisher.publish(["monitors": plan.monitors], on: relation, topic: Self.endpoint) {
            session.logger.info("sent the registry and docker checks to \(relation) (Nagios host \(plan.hostName))")
        }
    }

    /// Removes every file the charm wrote for nrpe.
    func removeFiles() throws {
        let written = writtenFiles()
        guard !written.isEmpty else { return }
        for path in written { try environment.files.remove(path) }
        try environment.files.remove(environment.paths.nagiosClientDirectory)
        session.values[StateKeys.nrpeFiles] = nil
        session.logger.info("removed the nrpe checks")
    }

    private func writtenFiles() -> [String] {
        session.values[StateKeys.nrpeFiles]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// Asks nrpe to read its commands again; where it does not run under systemd (or at all), the nrpe charm's
    /// own restart picks them up.
    private func reloadNrpe() async {
        let command = Command("systemctl", ["try-reload-or-restart", "nagios-nrpe-server.service"])
        do {
            let result = try await environment.runner.run(command)
            if !result.succeeded { session.logger.debug("nrpe not reloaded: \(result.standardError)") }
        } catch {
            session.logger.debug("nrpe not reloaded: \(error.description)")
        }
    }
}

/// The nagios user, who runs nrpe and its checks.
enum NagiosUser {
    /// nagios's uid and gid from `/etc/passwd`'s text; `nil` when there is no such user (nrpe not installed yet).
    static func owner(passwd: String?) -> FileOwner? {
        for line in (passwd ?? "").split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 4, fields[0] == "nagios", let user = UInt32(fields[2]), let group = UInt32(fields[3])
            else { continue }
            return FileOwner(user: user, group: group)
        }
        return nil
    }
}
