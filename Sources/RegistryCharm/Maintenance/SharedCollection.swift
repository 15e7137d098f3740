import FoundationEssentials
import JujuKit
import Logging

/// Garbage collection of object storage that several units share: every unit serves read-only while the leader
/// collects, so that nothing is uploaded through any of them while blobs are deleted.
///
/// Juju commits relation data only when a hook ends, so it takes several hooks, over the `peer` relation:
/// 1. the leader writes a request (``requestKey`` in the application databag: an id, `untagged`, when);
/// 2. each other unit, in its `peer-relation-changed`, opens a ``ReadOnlyWindow`` for it and answers with the id
///    in its own databag (``requestKey``);
/// 3. once every unit has answered, the leader (in its `peer-relation-changed`) runs the collection in a window of
///    its own, logs what it freed and removes the request;
/// 4. the other units see the request gone and close their windows.
/// A unit that has not answered after ``answerTimeoutSeconds`` ends the attempt (the request goes, the units that
/// answered become writable again), and the log says which unit it was.
struct SharedCollection {
    /// The key of the request (application databag) and of each unit's answer (unit databag).
    static let requestKey = "read-only"
    /// How long the leader waits for every unit to answer.
    static let answerTimeoutSeconds = 1800

    /// The leader's request.
    struct Request: Equatable {
        var id: String
        var untagged: Bool
        /// When it was made, seconds since 1970.
        var since: Int

        var text: String {
            JSONText.encode(JSONValue.object(["id": .string(id), "untagged": .bool(untagged), "since": .int(since)]))
        }

        init(id: String, untagged: Bool, since: Int) {
            self.id = id
            self.untagged = untagged
            self.since = since
        }

        init?(text: String?) {
            guard let text, let object = (try? JSONValue(parsing: text))?.objectValue,
                let id = object["id"]?.stringValue, let since = object["since"]?.intValue
            else { return nil }
            self.init(id: id, untagged: object["untagged"]?.boolValue ?? false, since: since)
        }
    }

    let charm: RegistryCharm
    let session: RegistrySession

    /// The peer relation and the other units on it when the storage is shared (object storage) and there are
    /// other units; `nil` when this unit collects on its own.
    func peers(_ config: CharmConfig) async throws -> (relation: String, units: [String])? {
        guard config.storage != .filesystem,
            let relation = try await session.relations.ids(PeerMembers.endpoint).first
        else { return nil }
        let units = try await session.relations.units(relation).filter { $0 != session.context.unitName }
        return units.isEmpty ? nil : (relation, units)
    }

    /// The leader asks every unit to go read-only for a collection (``Request``); returns it.
    func request(untagged: Bool, relation: String) async throws -> Request {
        let now = Int(charm.environment.now().timeIntervalSince1970)
        var generator = SystemRandomNumberGenerator()
        let request = Request(
            id: "\(now)-\(UInt32.random(in: 0...UInt32.max, using: &generator))",
            untagged: untagged,
            since: now
        )
        try await publish(request.text, relation: relation, application: true)
        session.values[StateKeys.sharedCollection] = .string(request.text)
        session.logger.info("asked every unit to serve read-only for a garbage collection (request \(request.id))")
        return request
    }

    /// Moves the protocol on, whatever this unit's part: run in every `peer` relation hook, and in `update-status`
    /// while a request is out or a window open.
    func settle() async throws {
        guard let relation = try await session.relations.ids(PeerMembers.endpoint).first else {
            try await closeWindow(relation: nil)
            session.values[StateKeys.sharedCollection] = nil
            return
        }
        let application = session.context.applicationName
        let request = Request(
            text: try await session.relations.bag(relation, application, application: true)[Self.requestKey]
        )
        if try await session.isLeader() {
            try await lead(request, relation: relation)
        } else {
            session.values[StateKeys.sharedCollection] = nil
            try await follow(request, relation: relation)
        }
    }

    /// The leader: collects once every unit serves read-only for `request`, or gives up after the timeout.
    private func lead(_ request: Request?, relation: String) async throws {
        // A window opened for another leader's request (leadership moved meanwhile) closes first.
        try await closeWindow(relation: relation)
        guard let request else {
            session.values[StateKeys.sharedCollection] = nil
            return
        }
        session.values[StateKeys.sharedCollection] = .string(request.text)
        let bags = try await session.relations.remoteUnitBags(relation)
        let waiting = bags.filter { $0.data[Self.requestKey] != request.id }.map(\.unit)
        let logger = session.logger
        if !waiting.isEmpty {
            let age = Int(charm.environment.now().timeIntervalSince1970) - request.since
            guard age > Self.answerTimeoutSeconds else {
                logger.info("garbage collection waits for \(waiting.joined(separator: ", ")) to serve read-only")
                return
            }
            let minutes = Self.answerTimeoutSeconds / 60
            let units = waiting.joined(separator: ", ")
            logger.error(
                "garbage collection abandoned: \(units) did not serve read-only within \(minutes) minutes; run it again"
            )
            try await finish(relation)
            return
        }
        let config = try await charm.prepared(session).config
        let collection = GarbageCollection(charm: charm, session: session, config: config) { logger.info("gc: \($0)") }
        do {
            let outcome = try await collection.run(dryRun: false, untagged: request.untagged)
            let bytes = outcome.bytesFreed.map { "\($0) bytes" } ?? "an unknown number of bytes"
            let units = bags.count + 1
            logger.info(
                "garbage collection with \(units) units read-only freed \(outcome.summary.blobs) blobs, \(bytes)"
            )
        } catch {
            logger.error("garbage collection failed: \(error)")
        }
        try await finish(relation)
    }

    /// The leader removes its request: every unit becomes writable again.
    private func finish(_ relation: String) async throws {
        try await publish(nil, relation: relation, application: true)
        session.values[StateKeys.sharedCollection] = nil
    }

    /// Another unit: serves read-only while `request` stands, answering with its id; writable again once it goes.
    private func follow(_ request: Request?, relation: String) async throws {
        let current = try ReadOnlyWindow.current(charm.environment)
        guard let request else {
            try await closeWindow(relation: relation)
            return
        }
        if current?.request == request.id {
            try await publish(request.id, relation: relation, application: false)
            return
        }
        if current != nil { try await closeWindow(relation: relation) }
        let config = try await charm.prepared(session).config
        let logger = session.logger
        if let container = try await charm.environment.docker.inspect(config.registryName),
            container.isRunning || container.isRestarting
        {
            do {
                _ = try await ReadOnlyWindow(environment: charm.environment) { logger.info("\($0)") }.open(
                    container: container,
                    config: config,
                    request: request.id
                )
            } catch {
                logger.error("could not serve read-only for the leader's garbage collection: \(error)")
                return
            }
        }
        // A stopped registry takes no upload either: it answers at once.
        try await publish(request.id, relation: relation, application: false)
        logger.info("serving read-only while the leader collects garbage (request \(request.id))")
    }

    /// Closes a window opened for a leader's request, if one is open, and withdraws this unit's answer.
    private func closeWindow(relation: String?) async throws {
        guard let record = try ReadOnlyWindow.current(charm.environment), record.request != nil else { return }
        let logger = session.logger
        try await ReadOnlyWindow(environment: charm.environment) { logger.info("\($0)") }.close(record)
        if let relation { try await publish(nil, relation: relation, application: false) }
    }

    /// Writes this unit's answer, or (the leader) the request, when it is not what was written last.
    private func publish(_ value: String?, relation: String, application: Bool) async throws {
        try await RelationPublisher(session: session).publish(
            [Self.requestKey: value],
            on: relation,
            application: application,
            topic: "peer.read-only"
        )
    }
}
