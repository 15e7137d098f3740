/// The names an archive gives its images, turned into destination repositories and tags (the rule
/// ``ArchiveSource`` documents).
enum ArchiveNaming {
    /// The images `entry` names; `fallback` is the repository for a bare tag or no name at all.
    static func images(of entry: ArchiveCatalogue.Entry, fallback: String, archive: String) throws(MirrorError)
        -> [ArchiveImage]
    {
        let digest = entry.descriptor.digest
        if let repoTags = entry.repoTags {
            guard !repoTags.isEmpty else { return [ArchiveImage(repository: fallback, tag: nil, digest: digest)] }
            var images: [ArchiveImage] = []
            for name in repoTags {
                images.append(try parsed(name, digest: digest, archive: archive, in: "manifest.json"))
            }
            return images
        }
        if let name = entry.containerdName {
            return [try parsed(name, digest: digest, archive: archive, in: "index.json")]
        }
        guard let name = entry.refName else { return [ArchiveImage(repository: fallback, tag: nil, digest: digest)] }
        if name.contains(where: { $0 == "/" || $0 == ":" || $0 == "@" }) {
            return [try parsed(name, digest: digest, archive: archive, in: "index.json")]
        }
        guard ImageReference.isValidTag(name) else {
            throw .archive(
                path: archive,
                reason: "index.json names an image \(name), which is neither a tag nor a reference"
            )
        }
        return [ArchiveImage(repository: fallback, tag: name, digest: digest)]
    }

    private static func parsed(_ name: String, digest: String, archive: String, in file: String)
        throws(MirrorError) -> ArchiveImage
    {
        do {
            let image = try SourceImage(parsing: name)
            return ArchiveImage(repository: image.repository, tag: image.tag, digest: digest)
        } catch {
            throw .archive(path: archive, reason: "\(file) names an image \(name), which is invalid: \(error)")
        }
    }

    /// The extensions dropped from a file name.
    static let archiveExtensions: Set<String> = ["tar", "oci", "gz", "tgz", "zst", "xz", "bz2"]

    /// A repository made from the archive's file name: its last path component without archive extensions
    /// (`.tar`, `.oci`, `.gz`, …), lower-cased, with what a repository may not hold replaced by `-` (`image` if
    /// nothing is left): `/srv/Calico Node-3.28.oci.tar` gives `calico-node-3.28`.
    static func repository(fromPath path: String) -> String {
        var name = Substring(path.split(separator: "/").last ?? "")
        while let dot = name.lastIndex(of: "."), dot > name.startIndex,
            archiveExtensions.contains(name[name.index(after: dot)...].lowercased())
        {
            name = name[..<dot]
        }
        var runs: [(isWord: Bool, text: String)] = []
        for character in name.lowercased() {
            let isWord = character.isASCII && (character.isLetter || character.isNumber)
            if let last = runs.last, last.isWord == isWord {
                runs[runs.count - 1].text.append(character)
            } else {
                runs.append((isWord, String(character)))
            }
        }
        while let first = runs.first, !first.isWord { runs.removeFirst() }
        while let last = runs.last, !last.isWord { runs.removeLast() }
        let repository = runs.map { run in
            guard !run.isWord else { return run.text }
            let allowed = [".", "_", "__"].contains(run.text) || run.text.allSatisfy { $0 == "-" }
            return allowed ? run.text : "-"
        }.joined()
        return repository.isEmpty ? "image" : repository
    }
}
