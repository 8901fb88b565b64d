extension SandboxError {
    /// slirp4netns is not installed where the configuration says.
    static func networkHelperMissing(path: String) -> SandboxError {
        SandboxError(
            kind: .networkUnavailable,
            message: "slirp4netns was not found at \(path), and a policy with network (setup) needs it for a network "
                + "of its own; install it (`apt-get install slirp4netns` or scripts/bootstrap) and run again.")
    }

    /// `fixloop-sandbox-exec`, which starts slirp4netns in the sandbox's user namespace, is not beside fixloop.
    static func networkExecHelperMissing() -> SandboxError {
        SandboxError(
            kind: .networkUnavailable,
            message: "\(SandboxHelper.name) was not found beside fixloop, and a policy with network (setup) needs it "
                + "to start slirp4netns; build it (`swift build --product \(SandboxHelper.name)` or scripts/bootstrap).")
    }

    /// slirp4netns started but did not bring the sandbox's network up.
    static func networkFailed(reason: String) -> SandboxError {
        SandboxError(
            kind: .networkUnavailable,
            message: "The sandbox's own network could not be started (\(reason)); check that slirp4netns is installed "
                + "(`apt-get install slirp4netns`) and that /dev/net/tun exists and, when Fixloop does not run as "
                + "root, is usable by its user (Debian's udev makes it 0666).")
    }
}
