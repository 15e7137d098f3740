import JujuKit

/// The options an action accepts for one docker subcommand, and the check of a user's `options` string against
/// them.
///
/// The string is split by shell-word rules (quotes work, nothing is expanded) and passed to docker as argv; every
/// word must be an allowed option (or the value of one that takes a value). Anything else, such as an image name or
/// `;`, is refused before docker runs.
struct DockerOptionPolicy {
    /// The subcommand, for messages (`docker images`).
    var command: String
    /// Options that take no value, long and short (`--all`, `-a`).
    var flags: Set<String>
    /// Options that take a value, long and short (`--filter`, `-f`); given as `--filter=x`, `--filter x` or `-f x`.
    var valued: Set<String>

    /// `docker images` (docker 20.10 to 28).
    static let images = DockerOptionPolicy(
        command: "docker images",
        flags: ["--all", "-a", "--digests", "--no-trunc", "--quiet", "-q"],
        valued: ["--filter", "-f", "--format"]
    )

    /// `docker rmi`.
    static let rmi = DockerOptionPolicy(command: "docker rmi", flags: ["--force", "-f", "--no-prune"], valued: [])

    /// The words of `options`, checked.
    ///
    /// - Throws: ``ActionFailure`` naming the first word that is not an allowed option.
    func arguments(_ options: String) throws(ActionFailure) -> [String] {
        let words: [String]
        do {
            words = try ShellWords.split(options)
        } catch {
            throw ActionFailure("The options parameter cannot be split into words: \(error.description).")
        }
        var index = 0
        while index < words.count {
            let word = words[index]
            if flags.contains(word) || isCombinedShortFlags(word) {
                index += 1
            } else if valued.contains(word) {
                guard index + 1 < words.count else {
                    throw ActionFailure("The option \(ActionQuote.quoted(word)) of \(command) needs a value.")
                }
                index += 2
            } else if word.hasPrefix("--"), let equals = word.firstIndex(of: "="),
                valued.contains(String(word[..<equals]))
            {
                index += 1
            } else {
                throw ActionFailure(
                    "The options parameter may only hold options of \(command) (\(allowed)), and '\(word)' is not one."
                )
            }
        }
        return words
    }

    /// The allowed options, for messages.
    var allowed: String { (flags.union(valued)).sorted().joined(separator: ", ") }

    /// `-aq`: several allowed one-letter flags together.
    private func isCombinedShortFlags(_ word: String) -> Bool {
        guard word.count > 2, word.hasPrefix("-"), !word.hasPrefix("--") else { return false }
        return word.dropFirst().allSatisfy { flags.contains("-\($0)") }
    }
}
