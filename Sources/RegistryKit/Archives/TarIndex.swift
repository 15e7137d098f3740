/// A tar archive's members by name, links followed: what an archive source looks files up in.
public struct TarIndex: Sendable {
    /// The members in archive order.
    public let members: [TarMember]
    private let byName: [String: Int]

    /// Indexes `members` (a later member of the same name wins, as when tar extracts).
    public init(_ members: [TarMember]) {
        self.members = members
        var byName: [String: Int] = [:]
        for (position, member) in members.enumerated() { byName[member.name] = position }
        self.byName = byName
    }

    /// The regular file `name` (`./` and `/` prefixes ignored), through symbolic and hard links; `nil` when there
    /// is no such file or the links go round in circles.
    public func file(_ name: String) -> TarMember? {
        var current = Self.normalized(name)
        for _ in 0..<16 {
            guard let position = byName[current] else { return nil }
            let member = members[position]
            switch member.kind {
            case .file: return member
            case .hardLink(let target): current = Self.normalized(target)
            case .symbolicLink(let target):
                guard let resolved = Self.resolve(target, from: current) else { return nil }
                current = resolved
            case .directory, .other: return nil
            }
        }
        return nil
    }

    /// `name` without `./` or `/` prefixes, empty or `.` components, or a trailing `/`.
    public static func normalized(_ name: String) -> String {
        name.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
    }

    /// The member a symbolic link at `link` pointing to `target` names; `nil` when it climbs out of the archive.
    private static func resolve(_ target: String, from link: String) -> String? {
        var components = target.hasPrefix("/") ? [] : link.split(separator: "/").dropLast().map(String.init)
        for component in target.split(separator: "/") {
            switch component {
            case ".": continue
            case "..":
                guard !components.isEmpty else { return nil }
                components.removeLast()
            default: components.append(String(component))
            }
        }
        return components.joined(separator: "/")
    }
}
