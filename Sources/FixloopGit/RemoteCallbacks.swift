import CLibgit2
import Foundation

/// The state libgit2's remote callbacks share for one fetch or push; passed as an unretained payload and kept
/// alive by the caller for the whole C call, so a repeated credential request never sees a freed box.
final class RemoteCallbacks {
    let credentials: GitCredentials
    let progress: GitProgressHandler?
    let cancellation: CancellationFlag
    private(set) var attempts = 0
    private(set) var credentialsExhausted = false
    private(set) var rejectedRefs: [(ref: String, reason: String)] = []

    init(credentials: GitCredentials, progress: GitProgressHandler?, cancellation: CancellationFlag) {
        self.credentials = credentials
        self.progress = progress
        self.cancellation = cancellation
    }

    /// Fills a `git_remote_callbacks` whose payload is this box; valid while the box is alive.
    func makeCallbacks() -> git_remote_callbacks {
        var callbacks = git_remote_callbacks()
        git_remote_init_callbacks(&callbacks, UInt32(GIT_REMOTE_CALLBACKS_VERSION))
        callbacks.payload = Unmanaged.passUnretained(self).toOpaque()
        callbacks.credentials = { out, url, usernameFromURL, allowed, payload in
            guard let payload, let out else { return GIT_PASSTHROUGH.rawValue }
            let box = Unmanaged<RemoteCallbacks>.fromOpaque(payload).takeUnretainedValue()
            return box.acquire(out, url.map { String(cString: $0) }, usernameFromURL.map { String(cString: $0) }, allowed)
        }
        callbacks.transfer_progress = { stats, payload in
            guard let payload else { return 0 }
            let box = Unmanaged<RemoteCallbacks>.fromOpaque(payload).takeUnretainedValue()
            if let stats, let progress = box.progress {
                progress(GitTransferProgress(
                    receivedObjects: Int(stats.pointee.received_objects),
                    indexedObjects: Int(stats.pointee.indexed_objects),
                    totalObjects: Int(stats.pointee.total_objects),
                    receivedBytes: Int(stats.pointee.received_bytes)))
            }
            return box.cancellation.isCancelled ? -1 : 0
        }
        callbacks.push_update_reference = { refname, status, payload in
            guard let payload else { return 0 }
            let box = Unmanaged<RemoteCallbacks>.fromOpaque(payload).takeUnretainedValue()
            if let status {
                box.rejectedRefs.append((refname.map { String(cString: $0) } ?? "?", String(cString: status)))
            }
            return 0
        }
        return callbacks
    }

    private func acquire(
        _ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>,
        _ url: String?, _ usernameFromURL: String?, _ allowed: UInt32
    ) -> Int32 {
        attempts += 1
        if attempts > credentials.maxAttempts {
            credentialsExhausted = true
            git_error_set_str(Int32(GIT_ERROR_NET.rawValue), "the remote refused the credentials \(credentials.maxAttempts) times")
            return GIT_EAUTH.rawValue
        }
        if allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0, let token = credentials.token,
           tokenMayGo(to: url) {
            return git_credential_userpass_plaintext_new(out, credentials.username, token.reveal())
        }
        let sshUser = usernameFromURL ?? "git"
        if allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 {
            if let key = credentials.sshKey {
                return git_credential_ssh_key_new(out, sshUser, key.publicKeyPath, key.privateKeyPath, key.passphrase?.reveal())
            }
            if credentials.useSSHAgent {
                return git_credential_ssh_key_from_agent(out, sshUser)
            }
        }
        if allowed & GIT_CREDENTIAL_USERNAME.rawValue != 0 {
            return git_credential_username_new(out, sshUser)
        }
        credentialsExhausted = true
        return GIT_PASSTHROUGH.rawValue
    }

    /// The token goes only to the host it was issued for, so a redirect cannot carry it elsewhere.
    private func tokenMayGo(to url: String?) -> Bool {
        guard let expected = credentials.tokenHost?.lowercased() else { return true }
        guard let url, let host = URLComponents(string: url)?.host?.lowercased() else { return false }
        return host == expected
    }

    /// The error to raise after a failed transfer, when the callbacks know better than libgit2's message.
    func explain(_ error: GitError, remote: String) -> GitError {
        if cancellation.isCancelled {
            return GitError(.cancelled, "The transfer with \(remote) was cancelled.")
        }
        if credentialsExhausted {
            let what = credentials.token == nil
                ? "no credentials were available; set GITHUB_TOKEN or configure an SSH key"
                : "the token was refused; check that GITHUB_TOKEN is valid and may access this repository"
            return GitError(.authentication, "Authentication to \(remote) failed: \(what).",
                            libgit2Class: error.libgit2Class, libgit2Code: error.libgit2Code)
        }
        return error
    }
}
