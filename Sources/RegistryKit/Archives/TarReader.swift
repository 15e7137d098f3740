public import SystemLibraries

/// Reads a tar archive's member index from its headers alone (ustar, GNU long names, pax `path`/`linkpath`/`size`,
/// base-256 sizes): contents are skipped by offset, so a multi-gigabyte archive is indexed in a few small reads.
///
/// Anything malformed is refused with ``MirrorError/archive(path:reason:)``: a bad checksum or number, a member or
/// header cut short by the end of the file, a missing end-of-archive block, GNU sparse or multi-volume members.
public enum TarReader {
    /// The largest GNU long name or pax header read (1 MiB).
    static let extendedHeaderLimit = 1 << 20

    /// The members of the tar archive `file`, in archive order, links not followed.
    public static func members(of file: ReadOnlyFile) throws(MirrorError) -> [TarMember] {
        guard file.size > 0 else { throw .archive(path: file.path, reason: "it is empty") }
        var members: [TarMember] = []
        var pending = Extensions()
        var offset = 0
        while true {
            guard offset + 512 <= file.size else {
                throw .archive(path: file.path, reason: Self.endReason(offset: offset, file: file, last: members.last))
            }
            let block = try read(file, at: offset, count: 512)
            if block.allSatisfy({ $0 == 0 }) {
                guard pending.isEmpty else {
                    throw .archive(
                        path: file.path,
                        reason: "it ends after an extended header at offset \(pending.offset)"
                    )
                }
                return members
            }
            let header = try TarHeader(block, at: offset, path: file.path)
            let contentOffset = offset + 512
            switch header.type {
            case UInt8(ascii: "L"), UInt8(ascii: "K"), UInt8(ascii: "x"):
                let content = try extendedContent(file, header, at: contentOffset)
                try pending.take(header.type, content, at: offset, path: file.path)
                offset = contentOffset + padded(header.size)
                continue
            case UInt8(ascii: "g"), UInt8(ascii: "V"):
                try requireContent(file, name: "the header at offset \(offset)", at: contentOffset, header.size)
                offset = contentOffset + padded(header.size)
                continue
            default:
                break
            }
            let name = TarIndex.normalized(pending.path ?? header.name)
            let size = try pending.size(at: offset, path: file.path) ?? header.size
            let kind: TarMember.Kind
            switch header.type {
            case UInt8(ascii: "0"), 0, UInt8(ascii: "7"):
                kind = header.name.hasSuffix("/") && pending.path == nil ? .directory : .file
            case UInt8(ascii: "1"): kind = .hardLink(target: pending.linkPath ?? header.linkName)
            case UInt8(ascii: "2"): kind = .symbolicLink(target: pending.linkPath ?? header.linkName)
            case UInt8(ascii: "5"): kind = .directory
            case UInt8(ascii: "3"), UInt8(ascii: "4"), UInt8(ascii: "6"): kind = .other
            case UInt8(ascii: "S"):
                throw .archive(path: file.path, reason: "member \(name) is a GNU sparse file, which is not supported")
            case UInt8(ascii: "M"):
                throw .archive(
                    path: file.path,
                    reason: "member \(name) continues another volume, which is not supported"
                )
            default:
                kind = .file
            }
            // Links, directories and devices have no content whatever their size field says (as Go's archive/tar).
            let dataSize = kind == .file ? size : 0
            try requireContent(file, name: "member \(name)", at: contentOffset, dataSize)
            members.append(TarMember(name: name, kind: kind, offset: contentOffset, size: dataSize))
            pending = Extensions()
            offset = contentOffset + padded(dataSize)
        }
    }

    /// The index of the tar archive `file`.
    public static func index(of file: ReadOnlyFile) throws(MirrorError) -> TarIndex {
        TarIndex(try members(of: file))
    }

    /// `size` rounded up to whole 512-byte blocks.
    static func padded(_ size: Int) -> Int { (size + 511) / 512 * 512 }

    private static func endReason(offset: Int, file: ReadOnlyFile, last: TarMember?) -> String {
        if offset < file.size { return "it ends inside the header at offset \(offset) (is it truncated?)" }
        let after = last.map { " after member \($0.name)" } ?? ""
        return "it ends at offset \(offset)\(after) without the end-of-archive block (is it truncated?)"
    }

    private static func requireContent(_ file: ReadOnlyFile, name: String, at offset: Int, _ size: Int)
        throws(MirrorError)
    {
        guard offset + size > file.size else { return }
        throw .archive(
            path: file.path,
            reason: "\(name) is cut short: its \(size) bytes at offset \(offset) run past the end of the file at "
                + "\(file.size) (is it truncated?)"
        )
    }

    private static func extendedContent(_ file: ReadOnlyFile, _ header: TarHeader, at offset: Int)
        throws(MirrorError) -> [UInt8]
    {
        guard header.size <= extendedHeaderLimit else {
            throw .archive(
                path: file.path,
                reason: "the extended header at offset \(offset - 512) is larger than \(extendedHeaderLimit) bytes"
            )
        }
        try requireContent(file, name: "the extended header at offset \(offset - 512)", at: offset, header.size)
        return try read(file, at: offset, count: header.size)
    }

    static func read(_ file: ReadOnlyFile, at offset: Int, count: Int) throws(MirrorError) -> [UInt8] {
        do {
            return try file.bytes(at: offset, count: count)
        } catch {
            throw .archive(path: file.path, reason: error.description)
        }
    }
}

/// What GNU long-name and pax headers say about the member that follows them.
private struct Extensions {
    var path: String?
    var linkPath: String?
    var sizeText: String?
    var offset = 0
    var isEmpty: Bool { path == nil && linkPath == nil && sizeText == nil }

    mutating func take(_ type: UInt8, _ content: [UInt8], at offset: Int, path archive: String) throws(MirrorError) {
        self.offset = offset
        switch type {
        case UInt8(ascii: "L"): path = TarHeader.text(content[...])
        case UInt8(ascii: "K"): linkPath = TarHeader.text(content[...])
        default:
            guard let records = PaxRecords.parse(content) else {
                throw .archive(path: archive, reason: "the pax header at offset \(offset) is malformed")
            }
            for (key, value) in records {
                switch key {
                case "path": path = value.isEmpty ? nil : value
                case "linkpath": linkPath = value.isEmpty ? nil : value
                case "size": sizeText = value.isEmpty ? nil : value
                default: continue
                }
            }
        }
    }

    func size(at offset: Int, path archive: String) throws(MirrorError) -> Int? {
        guard let sizeText else { return nil }
        guard let size = Int(sizeText), size >= 0, sizeText.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw .archive(path: archive, reason: "the pax size \(sizeText) before offset \(offset) is malformed")
        }
        return size
    }
}
