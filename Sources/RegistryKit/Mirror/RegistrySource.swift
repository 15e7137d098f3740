import Synchronization
public import SystemLibraries

/// Images read from a registry's API.
public final class RegistrySource: ImageSource {
    /// The registry.
    public let registry: RemoteRegistry
    private let tagLists = Mutex<[String: Set<String>]>([:])
    private let hasReferrersAPI = Atomic(true)

    /// Creates a source reading `registry`.
    public init(_ registry: RemoteRegistry) {
        self.registry = registry
    }

    /// The registry's name.
    public var name: String { registry.host.name }

    /// `ImageSource`: a `HEAD` of the manifest (a digest names itself).
    public func resolve(_ repository: String, _ reference: String, on connection: HTTPConnection)
        throws(MirrorError) -> String?
    {
        try registry.manifestDigest(repository, reference, on: connection)
    }

    /// `ImageSource`: a `GET` of the manifest.
    public func manifest(_ repository: String, _ digest: String, on connection: HTTPConnection) throws(MirrorError)
        -> ManifestDocument?
    {
        try registry.manifest(repository, digest, on: connection)
    }

    /// `ImageSource`: the blob downloaded on a thread of its own into a bounded pipe the upload reads.
    public func openBlob(
        _ repository: String,
        _ descriptor: Descriptor,
        counting progress: MirrorProgress,
        on connection: HTTPConnection
    ) throws(MirrorError) -> any BlobReader {
        DownloadingBlobReader(
            registry: registry,
            repository: repository,
            descriptor: descriptor,
            progress: progress,
            connection: connection
        )
    }

    /// `ImageSource`: the repository's tags, listed once per repository and run.
    public func attachmentTags(_ repository: String, on connection: HTTPConnection) throws(MirrorError)
        -> Set<String>
    {
        if let known = tagLists.withLock({ $0[repository] }) { return known }
        let tags = Set(try registry.tags(repository, on: connection).filter { $0.hasPrefix("sha256-") })
        tagLists.withLock { $0[repository] = tags }
        return tags
    }

    /// `ImageSource`: the referrers API, until the registry shows it has none.
    public func referrers(_ repository: String, _ digest: String, on connection: HTTPConnection) throws(MirrorError)
        -> [Descriptor]?
    {
        guard hasReferrersAPI.load(ordering: .relaxed) else { return nil }
        guard let found = try registry.referrers(repository, digest, on: connection) else {
            hasReferrersAPI.store(false, ordering: .relaxed)
            return nil
        }
        return found
    }
}

/// A registry blob streamed into an upload: the download runs on its own thread, the upload reads the pipe.
final class DownloadingBlobReader: BlobReader, @unchecked Sendable {
    // `outcome` is guarded by its gate; the rest is immutable.
    let length: Int
    private let pipe: VerifyingPipe
    private let outcome = ThreadGate<Result<Void, MirrorError>?>(nil)

    init(
        registry: RemoteRegistry,
        repository: String,
        descriptor: Descriptor,
        progress: MirrorProgress,
        connection: HTTPConnection
    ) {
        length = descriptor.size
        let pipe = VerifyingPipe(descriptor, progress: progress)
        self.pipe = pipe
        let outcome = self.outcome
        BlockingThreads.start {
            let result = Result { () throws(MirrorError) in
                try registry.streamBlob(repository, descriptor.digest, into: pipe, on: connection)
            }
            pipe.downloadEnded(failure: result.failure)
            outcome.update { $0 = result }
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, HTTPStreamFailure> {
        pipe.read(into: buffer)
    }

    func close() -> MirrorError? {
        pipe.abandon()
        return outcome.wait(until: { $0 != nil }, then: { $0?.failure })
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
