import FoundationEssentials
import JujuKit
import Logging
import RegistryKit
import SystemLibraries

/// `mirror`: copies image lists or archives into this registry through its API (``MirrorEngine``), never through
/// dockerd; a thin adapter that reads the parameters and the upstream secret, and reports progress and results.
///
/// Results: `copied`, `skipped`, `failed` (images), `bytes`, `failures` (one line per failed image), `output` (one
/// line per image) and `dry-run`. The action fails, with the count, when any image failed.
struct MirrorAction {
    let charm: RegistryCharm
    let action: RegistryActionContext

    func run() async throws {
        let files = charm.environment.files
        let parameters = try MirrorParameters.read(action.parameters) { path in
            guard let bytes = try files.read(path) else { throw ActionFailure("The file \(path) does not exist.") }
            return String(decoding: bytes, as: UTF8.self)
        }
        let config = try await charm.prepared(action.session).config
        let upstreams = MirrorUpstreams(
            tls: upstreamTLS(config),
            proxy: proxy(config),
            credentials: try await MirrorSecret(action: action).credentials(parameters.secret)
        )
        let images = try plan(parameters, upstreams)
        let blobLocations = MirrorBlobLocations(files: files, path: charm.environment.paths.mirrorBlobsFile)
        let engine = MirrorEngine(
            destination: RemoteRegistry(host: try await destination(config)),
            options: .init(
                concurrency: parameters.concurrency,
                signatures: parameters.signatures,
                dryRun: parameters.dryRun
            ),
            knownBlobs: blobLocations.load()
        )
        await action.log(
            parameters.dryRun
                ? "Checking \(images.count) images against the registry (dry run)."
                : "Mirroring \(images.count) images into the registry."
        )
        let report = await MirrorProgressReporter(engine: engine) { await action.log($0) }.run(images)
        if !parameters.dryRun {
            do {
                try blobLocations.save(engine.knownBlobs)
            } catch {
                action.session.logger.warning("mirror: cannot record where the blobs are: \(error)")
            }
        }
        action.set("dry-run", String(parameters.dryRun))
        action.set("copied", String(report.copied))
        action.set("skipped", String(report.skipped))
        action.set("failed", String(report.failed))
        action.set("bytes", String(report.bytes))
        action.set("output", report.lines.joined(separator: "\n"))
        if !report.failures.isEmpty { action.set("failures", report.failures.joined(separator: "\n")) }
        guard report.failed == 0 else {
            throw ActionFailure(
                "\(report.failed) of \(images.count) images could not be mirrored; the failures result says why."
            )
        }
    }

    /// The images to copy, each with its source.
    private func plan(_ parameters: MirrorParameters, _ upstreams: MirrorUpstreams) throws -> [MirrorImage] {
        switch parameters.origin {
        case .references(let references):
            var seen = Set<SourceImage>()
            return try references.compactMap { text in
                let image: SourceImage
                do throws(ImageReferenceError) {
                    image = try SourceImage(parsing: text)
                } catch {
                    throw ActionFailure("The image \(text) is not a valid reference: \(error.description).")
                }
                guard seen.insert(image).inserted else { return nil }
                return MirrorImage(
                    source: upstreams.source(for: image.registry),
                    repository: image.repository,
                    reference: image.reference,
                    tag: image.tag,
                    destinationRepository: image.destinationRepository(prefix: parameters.prefix),
                    name: image.description
                )
            }
        case .archive(let path):
            let archive: ArchiveSource
            let contents: [ArchiveImage]
            do throws(MirrorError) {
                archive = try ArchiveSource(path: path)
                contents = try archive.images()
            } catch {
                throw ActionFailure("The archive \(path) cannot be used: \(error.description).")
            }
            guard !contents.isEmpty else { throw ActionFailure("The archive \(path) holds no image.") }
            return contents.map { image in
                MirrorImage(
                    source: archive,
                    repository: image.repository,
                    reference: image.digest,
                    tag: image.tag,
                    destinationRepository: MirrorImage.repository(image.repository, under: parameters.prefix),
                    name: image.description
                )
            }
        }
    }

    /// This registry as the destination: its loopback address, the TLS its own actions use, and the basic
    /// or first push account's credentials.
    private func destination(_ config: CharmConfig) async throws -> RegistryHost {
        let endpoint = try await RegistryAPIAccess(charm: charm, session: action.session).endpoint()
        var credentials: RegistryHost.Credentials?
        if let account = config.auth.actionCredentials {
            credentials = RegistryHost.Credentials(username: account.user, password: account.password)
        }
        return RegistryHost(
            name: "this registry",
            origin: endpoint.origin,
            tls: CurlRegistryTransport.tls(endpoint.tls),
            credentials: credentials,
            sendsBasicFirst: true
        )
    }

    /// The system's trust store, plus the CA of the registry's own configuration when it has one.
    private func upstreamTLS(_ config: CharmConfig) -> HTTPTLS {
        guard let ca = try? charm.environment.files.read(config.tls.caPath), !ca.isEmpty,
            let system = try? charm.environment.files.read(Self.systemBundle)
        else { return HTTPTLS() }
        return HTTPTLS(trustedPEM: system + [UInt8(ascii: "\n")] + ca)
    }

    /// The system's CA bundle (Debian and Ubuntu), where an operator's private CA lands after
    /// `update-ca-certificates`.
    static let systemBundle = "/etc/ssl/certs/ca-certificates.crt"

    /// The charm's `https_proxy` (else the model's), with its `no_proxy`.
    private func proxy(_ config: CharmConfig) -> HTTPProxy? {
        let model = action.session.context.proxy
        guard let url = config.httpsProxy ?? model.https else { return nil }
        return HTTPProxy(url: url, noProxy: config.noProxy ?? model.noProxy)
    }
}
