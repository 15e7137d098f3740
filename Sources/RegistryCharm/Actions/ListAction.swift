import FoundationEssentials
import JujuKit
import RegistryKit

/// `list repository=`: what the registry stores, from its own API.
///
/// Every catalog page, each repository's tags, and each tag's manifest digest and size. Results: `result` (JSON) and
/// `output` (one line per tag).
struct ListAction {
    let charm: RegistryCharm
    let action: RegistryActionContext

    /// One repository in the `result` JSON.
    struct Repository: Codable, Equatable {
        var name: String
        var tags: [Tag]
    }

    /// One tag in the `result` JSON.
    struct Tag: Codable, Equatable {
        var tag: String
        var digest: String?
        var mediaType: String?
        var size: Int?
    }

    func run() async throws {
        let wanted = try action.parameters.string("repository")
        if !wanted.isEmpty { try Self.checkRepository(wanted, parameter: "repository") }
        let api = try await RegistryAPIAccess(charm: charm, session: action.session).api()
        do {
            let names = wanted.isEmpty ? try await api.repositories() : [wanted]
            await action.log("Listing \(names.count) repositories.")
            var repositories: [Repository] = []
            for name in names.sorted() {
                var tags: [Tag] = []
                for tag in try await api.tags(of: name).sorted() {
                    let manifest = try await api.manifest(name, tag)
                    tags.append(
                        Tag(tag: tag, digest: manifest?.digest, mediaType: manifest?.mediaType, size: manifest?.size)
                    )
                }
                repositories.append(Repository(name: name, tags: tags))
            }
            action.set("result", String(decoding: try JSONText.data(["repositories": repositories]), as: UTF8.self))
            action.set("output", Self.text(repositories))
        } catch let error as RegistryClientError {
            throw ActionFailure("Could not list the registry: \(error.description).")
        }
    }

    /// One line per tag: `repository:tag digest size`; a repository without tags says so.
    static func text(_ repositories: [Repository]) -> String {
        guard !repositories.isEmpty else { return "The registry holds no repository." }
        return repositories.flatMap { repository -> [String] in
            guard !repository.tags.isEmpty else { return ["\(repository.name) (no tags)"] }
            return repository.tags.map { tag in
                "\(repository.name):\(tag.tag) \(tag.digest ?? "-") \(tag.size.map(byteCount) ?? "-")"
            }
        }.joined(separator: "\n")
    }

    /// `1234567` → `1.2 MiB`.
    static func byteCount(_ bytes: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }

    /// Checks that `text` is a repository path (no host, tag or digest).
    static func checkRepository(_ text: String, parameter: String) throws(ActionFailure) {
        let reference = try ActionSupport.imageReference(text, parameter: parameter)
        guard reference.domain == nil, reference.tag == nil, reference.digest == nil else {
            throw ActionFailure(
                "The \(parameter) parameter \(ActionQuote.quoted(text)) must be a repository path such as team/app."
            )
        }
    }
}
