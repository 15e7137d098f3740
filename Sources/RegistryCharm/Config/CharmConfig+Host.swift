import JujuKit

/// Readers for the options inherited from the docker and apt layers.
extension CharmConfig {
    struct RuntimeSettings {
        var runtime: DockerRuntime
        var repo: String?
        var keyURL: String?
        var package: String?
    }

    static func readDockerRuntime(_ reader: inout ConfigReader) -> RuntimeSettings {
        let runtime: DockerRuntime = oneOf(&reader, "docker_runtime", fallback: .auto)
        let repo = reader.trimmed("docker_runtime_repo")
        let keyURL = url(&reader, "docker_runtime_key_url")?.text
        let package = reader.trimmed("docker_runtime_package")
        if runtime == .custom {
            let because = "docker_runtime is custom"
            let otherwise = "choose another docker_runtime"
            require(&reader, "docker_runtime_repo", repo, because: because, otherwise: otherwise)
            require(
                &reader,
                "docker_runtime_key_url",
                reader.trimmed("docker_runtime_key_url"),
                because: because,
                otherwise: otherwise
            )
            require(&reader, "docker_runtime_package", package, because: because, otherwise: otherwise)
        }
        if let repo, !(repo.hasPrefix("deb ") || repo.hasPrefix("deb-src ") || repo.hasPrefix("ppa:")) {
            reader.report(
                "docker_runtime_repo",
                "must be an apt source line such as "
                    + "deb [arch={ARCH}] https://download.docker.com/linux/ubuntu {CODE} stable"
            )
        }
        if let package, !isPackageName(package) {
            reader.report("docker_runtime_package", "is not a valid debian package name, e.g. docker-ce")
        }
        return RuntimeSettings(runtime: runtime, repo: repo, keyURL: keyURL, package: package)
    }

    static func readDaemonOpts(_ reader: inout ConfigReader) -> [String: JSONValue] {
        guard let text = reader.trimmed("daemon-opts") else { return [:] }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: text)
        } catch {
            reader.report("daemon-opts", "is not valid JSON: set a JSON object such as {\"log-driver\": \"json-file\"}")
            return [:]
        }
        guard let object = value.objectValue else {
            reader.report("daemon-opts", "must be a JSON object such as {\"log-driver\": \"json-file\"}")
            return [:]
        }
        for problem in DaemonOptionsCheck.problems(object) { reader.report("daemon-opts", problem) }
        return object
    }

    /// `no_proxy`: one line, as it goes into dockerd's environment.
    static func readNoProxy(_ reader: inout ConfigReader) -> String? {
        guard let value = reader.trimmed("no_proxy") else { return nil }
        guard !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            reader.report("no_proxy", "must be one line without control characters: e.g. localhost,10.0.0.0/8")
            return nil
        }
        return value
    }

    static func readDockerOpts(_ reader: inout ConfigReader) -> [String] {
        let text = reader.string("docker-opts")
        let words: [String]
        do {
            words = try ShellWords.split(text)
        } catch {
            reader.report("docker-opts", "cannot be split into arguments (\(error)): fix the quoting")
            return []
        }
        if let first = words.first, !first.hasPrefix("-") {
            reader.report("docker-opts", "must be dockerd options starting with '-', e.g. --debug")
            return []
        }
        // What is applied is the words joined again (see `dockerHostSettings`): check exactly that.
        for problem in DockerOptsTranslator.translate(DockerOptsTranslator.join(words)).problems {
            reader.report("docker-opts", problem)
        }
        return words
    }

    static func readExtraPackages(_ reader: inout ConfigReader) -> [String] {
        let names = reader.string("extra_packages").split(whereSeparator: { $0.isWhitespace || $0.isNewline })
            .map(String.init)
        if let bad = names.first(where: { !isPackageName($0) }) {
            let shown = bad.count > 40 ? String(bad.prefix(40)) + "…" : bad
            reader.report("extra_packages", "'\(shown)' is not a debian package name: list names separated by spaces")
            return []
        }
        return names
    }

    /// `name[:arch][=version|/release]` with a Debian package name.
    static func isPackageName(_ text: String) -> Bool {
        var name = Substring(text)
        if let cut = name.firstIndex(where: { $0 == "=" || $0 == "/" }) {
            let qualifier = name[name.index(after: cut)...]
            guard !qualifier.isEmpty,
                qualifier.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".+~:-_".contains($0)) })
            else { return false }
            name = name[..<cut]
        }
        if let colon = name.firstIndex(of: ":") {
            let arch = name[name.index(after: colon)...]
            guard !arch.isEmpty, arch.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") })
            else { return false }
            name = name[..<colon]
        }
        guard name.count >= 2, let first = name.first, first.isASCII, first.isLowercase || first.isNumber else {
            return false
        }
        return name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || "+-.".contains($0)) }
    }

    static func readAptSources(_ reader: inout ConfigReader) -> (sources: [String], keys: [String]) {
        var sources: [String] = []
        var keys: [String] = []
        do {
            sources = try YAMLScalarList.parse(reader.string("install_sources")).compactMap { $0 }
        } catch {
            reader.report("install_sources", "is not a yaml list of strings (\(error)): e.g. [\"ppa:user/name\"]")
        }
        do {
            keys = try YAMLScalarList.parse(reader.string("install_keys")).map { $0 ?? "" }
        } catch {
            reader.report("install_keys", "is not a yaml list of strings (\(error)): e.g. [null] or a list of keys")
        }
        if !keys.isEmpty, keys.count != sources.count, !reader.hasProblem("install_sources") {
            reader.report(
                "install_keys",
                "lists \(keys.count) keys for \(sources.count) install_sources: give one key (or null) per source"
            )
        }
        return (sources, keys)
    }

    static func collectSecrets(_ reader: ConfigReader, auth: RegistryAuth) -> [String] {
        var secrets: [String] = []
        if case .accounts(let accounts) = auth { secrets += accounts.passwords }
        for content in reader.secretContents.values {
            if case .content(let values) = content { secrets += values.values }
        }
        for option in [
            "auth-basic-password", "cache-password", "storage-swift-password", "storage-s3-secretkey",
            "storage-s3-accesskey", "tls-key-blob",
        ] {
            if let value = reader.raw(option).stringValue { secrets.append(value) }
        }
        if let blob = reader.raw("tls-key-blob").stringValue, !blob.isEmpty,
            let pem = try? PEMBlob.decode(blob.trimmingWhitespace, expecting: .privateKey)
        {
            let text = String(decoding: pem, as: UTF8.self)
            secrets.append(text)
            secrets += text.split(whereSeparator: \.isNewline).map(String.init).filter {
                $0.count >= 16 && !$0.hasPrefix("-----")
            }
        }
        for option in [
            "cache-remoteurl", "registry-http-proxy", "registry-https-proxy", "http_proxy", "https_proxy",
            "storage-swift-authurl", "storage-s3-regionendpoint", "docker_runtime_key_url", "http-host",
        ] {
            guard let text = reader.raw(option).stringValue?.trimmingWhitespace, !text.isEmpty,
                let url = try? ParsedURL.parse(text, defaultScheme: "http")
            else { continue }
            secrets += [url.password, url.rawPassword].compactMap { $0 }
        }
        var seen = Set<String>()
        return secrets.filter { !$0.trimmingWhitespace.isEmpty && seen.insert($0).inserted }
    }
}
