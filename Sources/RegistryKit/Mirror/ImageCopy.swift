/// One image's copy on one worker: manifests depth first (blobs before the manifest that names them, children
/// before their index), so the destination never holds a manifest whose content is missing and an interrupted run
/// resumes where it stopped.
struct ImageCopy {
    let engine: MirrorEngine
    let image: MirrorImage
    let worker: MirrorEngine.Worker

    private var destination: RemoteRegistry { engine.destination }
    private var source: any ImageSource { image.source }
    private var repository: String { image.destinationRepository }
    private var dryRun: Bool { engine.options.dryRun }

    /// Stores the manifest `digest` under `reference` (a tag or the digest) unless the destination already has it
    /// there; returns whether anything was (or, dry, would be) stored.
    func storeIfMissing(digest: String, as reference: String, into bytes: inout Int) throws(MirrorError) -> Bool {
        if try destination.manifestDigest(repository, reference, on: worker.connection) == digest { return false }
        try copyManifest(digest, as: reference, into: &bytes)
        return true
    }

    /// Copies the manifest `digest` and all it names, then stores it under `reference`.
    private func copyManifest(_ digest: String, as reference: String, into bytes: inout Int) throws(MirrorError) {
        guard let document = try source.manifest(image.repository, digest, on: worker.connection) else {
            throw .notFound(reference: "\(source.name)/\(image.repository)@\(digest)")
        }
        if document.isIndex {
            for child in document.manifests
            where try destination.manifestDigest(repository, child.digest, on: worker.connection) == nil {
                try copyManifest(child.digest, as: child.digest, into: &bytes)
            }
        } else {
            for blob in document.blobs where !blob.isForeign {
                bytes += try copyBlob(blob)
            }
        }
        if !dryRun { try destination.putManifest(document, repository, reference, on: worker.connection) }
    }

    /// Copies one blob unless the destination repository has it; returns the bytes sent (or that would be).
    private func copyBlob(_ blob: Descriptor) throws(MirrorError) -> Int {
        var location: String?
        if let from = engine.placedRepository(of: blob.digest), from != repository {
            if dryRun {
                if try destination.hasBlob(from, blob.digest, on: worker.connection) { return 0 }
            } else {
                switch try destination.mountBlob(blob.digest, from: from, into: repository, on: worker.connection) {
                case .mounted:
                    engine.placed(blob.digest, in: repository)
                    return 0
                case .uploadAt(let opened):
                    location = opened
                }
            }
        } else if try destination.hasBlob(repository, blob.digest, on: worker.connection) {
            engine.placed(blob.digest, in: repository)
            return 0
        }
        if dryRun { return blob.size }
        let session: String
        if let location {
            session = location
        } else {
            session = try destination.startUpload(repository, on: worker.connection)
        }
        let reader = try source.openBlob(image.repository, blob, counting: engine.progress, on: worker.downloads)
        do throws(MirrorError) {
            try destination.finishUpload(
                at: session,
                repository: repository,
                digest: blob.digest,
                from: reader,
                on: worker.connection
            )
        } catch {
            throw reader.close() ?? error
        }
        if let failure = reader.close() { throw failure }
        engine.placed(blob.digest, in: repository)
        return blob.size
    }

    /// Copies what is attached to the manifest `digest`: cosign-style tags (`sha256-<hex>.sig`, `.att`, `.sbom`),
    /// the referrers tag (`sha256-<hex>`), and the referrers API's manifests; returns whether anything was stored.
    func attachments(of digest: String, into bytes: inout Int) throws(MirrorError) -> Bool {
        var stored = false
        let tags = try source.attachmentTags(image.repository, on: worker.connection)
        let base = digest.replacingFirstColon(with: "-")
        for tag in [base + ".sig", base + ".att", base + ".sbom", base] where tags.contains(tag) {
            guard let attached = try source.resolve(image.repository, tag, on: worker.connection) else { continue }
            if try storeIfMissing(digest: attached, as: tag, into: &bytes) { stored = true }
        }
        for referrer in try source.referrers(image.repository, digest, on: worker.connection) ?? [] {
            if try storeIfMissing(digest: referrer.digest, as: referrer.digest, into: &bytes) { stored = true }
        }
        return stored
    }
}

extension String {
    fileprivate func replacingFirstColon(with replacement: String) -> String {
        guard let colon = firstIndex(of: ":") else { return self }
        return self[..<colon] + replacement + self[index(after: colon)...]
    }
}
