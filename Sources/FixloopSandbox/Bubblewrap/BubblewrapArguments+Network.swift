extension BubblewrapArguments {
    /// Child descriptor numbers for a run with a network of its own (see ``UserModeNetwork``).
    struct NetworkDescriptors {
        /// Where bubblewrap writes its JSON with the child's pid (`--info-fd`).
        var info: Int32
        /// What bubblewrap waits on before it runs the command (`--block-fd`), until the network is up.
        var block: Int32
        /// The sandbox's `/etc/resolv.conf`, pointing at slirp4netns' resolver (`--ro-bind-data`).
        var resolvConf: Int32
    }

    /// The arguments that hand the network namespace to ``UserModeNetwork``; none for a run without network
    /// (the namespace stays unshared and holds only its own loopback).
    static func networkArguments(_ network: NetworkDescriptors?) -> [String] {
        guard let network else { return [] }
        return [
            "--info-fd", String(network.info), "--block-fd", String(network.block),
            "--ro-bind-data", String(network.resolvConf), "/etc/resolv.conf",
        ]
    }
}
