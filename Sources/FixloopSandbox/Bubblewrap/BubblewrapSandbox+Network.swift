import FixloopCore

extension BubblewrapSandbox {
    /// Runs `body` with the network a policy asks for: none (the sandbox's namespace holds only its own loopback),
    /// or a ``UserModeNetwork`` that is stopped — slirp4netns killed and reaped — on every path before this returns.
    /// - Parameter handles: the descriptors already handed to bubblewrap; the network's follow them.
    /// - Throws: ``SandboxError`` `networkUnavailable` when the network cannot be brought up (the command then
    ///   never ran), or what `body` throws.
    func withNetwork(
        for policy: SandboxPolicy, dropPrivileges: Bool, after handles: BubblewrapHandles,
        _ body: (UserModeNetwork?) async throws -> ProcessOutcome
    ) async throws -> ProcessOutcome {
        guard policy.network else { return try await body(nil) }
        guard let execHelper = configuration.helperPath else { throw SandboxError.networkExecHelperMissing() }
        let settings = UserModeNetwork.Settings(
            networkHelperPath: configuration.networkHelperPath, execHelperPath: execHelper,
            userID: dropPrivileges ? policy.userID : nil, groupID: dropPrivileges ? policy.groupID : nil,
            limits: policy.limits)
        let network = try UserModeNetwork.start(
            settings: settings, firstDescriptor: (handles.inheritance.keys.max() ?? 5) + 1)
        let outcome: ProcessOutcome
        do {
            outcome = try await body(network)
        } catch {
            _ = await network.stop()
            throw error
        }
        if let failure = await network.stop() { throw failure }
        return outcome
    }
}
