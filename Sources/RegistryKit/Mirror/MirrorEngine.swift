import Synchronization
public import SystemLibraries

/// Copies images into a destination registry through its API: manifests byte for byte (every platform of an index),
/// blobs streamed and verified, attachments (cosign tags, referrers) with them; what the destination holds is
/// skipped, a blob it holds in another repository is mounted.
///
/// Images are spread over `concurrency` worker threads, each with its own HTTP connections. One image's failure
/// does not stop the others.
public final class MirrorEngine: Sendable {
    /// How a run behaves.
    public struct Options: Sendable {
        /// Worker threads (images in flight).
        public var concurrency: Int
        /// Whether cosign-style tags and referrers of each image travel with it.
        public var signatures: Bool
        /// Whether to only say what would be copied.
        public var dryRun: Bool

        /// Creates options.
        public init(concurrency: Int = 8, signatures: Bool = true, dryRun: Bool = false) {
            self.concurrency = concurrency
            self.signatures = signatures
            self.dryRun = dryRun
        }
    }

    /// The registry images are copied into.
    public let destination: RemoteRegistry
    /// How the run behaves.
    public let options: Options
    /// Counters a reporter may read during the run.
    public let progress = MirrorProgress()
    /// Blobs known to be in the destination, by digest: the repository that holds them (to mount from).
    private let placedBlobs = Mutex<[String: String]>([:])

    /// Creates an engine copying into `destination`; `knownBlobs` (digest to repository) are blobs an earlier run
    /// stored there, mounted rather than uploaded (a mount the destination refuses falls back to an upload).
    public init(destination: RemoteRegistry, options: Options, knownBlobs: [String: String] = [:]) {
        self.destination = destination
        self.options = options
        placedBlobs.withLock { $0 = knownBlobs }
    }

    /// Every blob known to be in the destination after the run, by digest: the repository that holds it.
    public var knownBlobs: [String: String] { placedBlobs.withLock { $0 } }

    /// Mirrors `images` and reports what happened; returns when every image is done.
    public func run(_ images: [MirrorImage]) -> MirrorReport {
        progress.setTotal(images.count)
        let results = Mutex<[Int: ImageResult]>([:])
        let next = Atomic(0)
        let workers = max(1, min(options.concurrency, images.count))
        BlockingThreads.run(count: workers) { _ in
            let worker: Worker
            do throws(HTTPTransferError) {
                worker = try Worker()
            } catch {
                while case let index = next.add(1, ordering: .relaxed).oldValue, index < images.count {
                    results.withLock { $0[index] = .failed(images[index].name, error.description) }
                    self.progress.finishImage()
                }
                return
            }
            while case let index = next.add(1, ordering: .relaxed).oldValue, index < images.count {
                let result = self.mirror(images[index], worker)
                results.withLock { $0[index] = result }
                self.progress.finishImage()
            }
        }
        var report = MirrorReport()
        let finished = results.withLock { $0 }
        for index in images.indices {
            switch finished[index] ?? .failed(images[index].name, "not attempted") {
            case .copied(let name, let bytes, let destination):
                report.copied += 1
                report.bytes += bytes
                report.lines.append(
                    options.dryRun
                        ? "\(name) → \(destination): would copy \(bytes) bytes"
                        : "\(name) → \(destination): copied \(bytes) bytes"
                )
            case .skipped(let name, let destination):
                report.skipped += 1
                report.lines.append("\(name) → \(destination): already present")
            case .failed(let name, let reason):
                report.failed += 1
                report.failures.append("\(name): \(reason)")
                report.lines.append("\(name): failed: \(reason)")
            }
        }
        return report
    }

    private enum ImageResult {
        case copied(String, bytes: Int, destination: String)
        case skipped(String, destination: String)
        case failed(String, String)
    }

    /// A worker's two connections: requests, and the download that feeds an upload.
    final class Worker {
        let connection: HTTPConnection
        let downloads: HTTPConnection

        init() throws(HTTPTransferError) {
            connection = try HTTPConnection()
            downloads = try HTTPConnection()
        }
    }

    private func mirror(_ image: MirrorImage, _ worker: Worker) -> ImageResult {
        let target = image.destinationRepository + (image.tag.map { ":" + $0 } ?? "")
        do {
            let copy = ImageCopy(engine: self, image: image, worker: worker)
            guard let digest = try image.source.resolve(image.repository, image.reference, on: worker.connection)
            else { throw MirrorError.notFound(reference: "the image") }
            var bytes = 0
            var copied = false
            if try copy.storeIfMissing(digest: digest, as: image.tag ?? digest, into: &bytes) { copied = true }
            if options.signatures, try copy.attachments(of: digest, into: &bytes) { copied = true }
            let shown = target + (image.tag == nil ? "@" + digest : "")
            return copied
                ? .copied(image.name, bytes: bytes, destination: shown) : .skipped(image.name, destination: shown)
        } catch let error as MirrorError {
            return .failed(image.name, error.description)
        } catch {
            return .failed(image.name, "\(error)")
        }
    }

    /// Where a blob of `digest` already is in the destination, if the run knows.
    func placedRepository(of digest: String) -> String? { placedBlobs.withLock { $0[digest] } }

    /// Notes that the destination's `repository` holds the blob `digest`.
    func placed(_ digest: String, in repository: String) { placedBlobs.withLock { $0[digest] = repository } }
}
