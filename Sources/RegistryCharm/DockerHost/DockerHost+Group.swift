import JujuKit

extension DockerHost {
    /// The user the docker layer put in the `docker` group, so that it can use docker without sudo.
    static let dockerGroupUser = "ubuntu"

    /// `usermod -aG docker ubuntu`, as the docker layer ran after installing the engine, when `/etc/passwd` has an
    /// `ubuntu` user (cloud images do; other machines may not, and then nothing runs).
    ///
    /// - Throws: `DockerHostError.installFailed` when usermod fails.
    func addDockerGroupMember() async throws(DockerHostError) {
        let passwd = try read(paths.passwdFile).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let user = Self.dockerGroupUser
        let known = passwd.split(whereSeparator: \.isNewline).contains { $0.hasPrefix(user + ":") }
        guard known else { return }
        do {
            try await runner.output(Command("usermod", ["-aG", "docker", user]))
        } catch {
            throw .installFailed(what: "the docker group membership of \(user)", reason: error.description)
        }
    }
}
