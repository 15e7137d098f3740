import JujuKit

/// The htpasswd files of the push and pull accounts (``RegistryAccounts``), planned without writing.
///
/// bcrypt salts every hash afresh, so an account whose line in the current file still verifies keeps that line, and
/// unchanged accounts (a digest kept with `dataChanged`) keep both files without a bcrypt round. The files are not
/// read at start (``RegistryFiles/Entry/readAtStart`` false): distribution re-reads an htpasswd file that changed,
/// so new credentials apply without re-creating a container.
struct AccountFiles {
    let session: RegistrySession
    let paths: HostPaths
    let files: any FileSystem

    /// The two files' entries for `auth`: present with accounts (the pull file only while the pull listener asks
    /// for credentials), absent otherwise.
    func plan(_ auth: RegistryAuth) throws(HtpasswdError) -> [RegistryFiles.Entry] {
        var push: [UInt8]?
        var pull: [UInt8]?
        if case .accounts(let accounts) = auth {
            let unchanged = !session.dataChanged(WatchedData.accounts, accounts)
            push = try content(paths.pushAccountsFile, accounts.push, reuse: unchanged)
            if accounts.needsPullListener, !accounts.anonymousPull {
                pull = try content(paths.pullAccountsFile, accounts.pullListenerAccounts, reuse: unchanged)
            }
        }
        return [
            .init(path: paths.pushAccountsFile, content: push, mode: .ownerOnly, mountTarget: nil, readAtStart: false),
            .init(path: paths.pullAccountsFile, content: pull, mode: .ownerOnly, mountTarget: nil, readAtStart: false),
        ]
    }

    /// The htpasswd for `accounts`: the file at `path` as it is when `reuse` (the accounts are those it was written
    /// for), else one line per account, keeping a current line that verifies.
    private func content(_ path: String, _ accounts: [RegistryAccount], reuse: Bool) throws(HtpasswdError)
        -> [UInt8]
    {
        let existing = files.isDirectory(path) ? nil : (try? files.read(path))
        if reuse, let existing { return existing }
        let current = existing.map { String(decoding: $0, as: UTF8.self) } ?? ""
        var lines: [String] = []
        for account in accounts {
            switch account.credential {
            case .bcrypt(let hash):
                lines.append("\(account.user):\(hash)")
            case .password(let password):
                let kept = current.split(whereSeparator: \.isNewline).first { line in
                    line.hasPrefix(account.user + ":")
                        && Htpasswd.verify(content: String(line), user: account.user, password: password)
                }
                if let kept {
                    lines.append(String(kept))
                } else {
                    lines.append(try Htpasswd.entry(user: account.user, password: password))
                }
            }
        }
        // An empty file refuses everyone (no push account: nobody pushes).
        return Array(lines.map { $0 + "\n" }.joined().utf8)
    }
}
