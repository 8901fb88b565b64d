/// Why bubblewrap may not create a user namespace here, and the fix, from the kernel's sysctls and whether this is
/// a container. Pure, so each cause is tested with its own values.
enum NamespaceDiagnosis {
    /// The sysctls that decide it (paths under `/proc/sys`).
    static let apparmorRestriction = "kernel/apparmor_restrict_unprivileged_userns"
    static let debianClone = "kernel/unprivileged_userns_clone"
    static let maxNamespaces = "user/max_user_namespaces"

    /// The cause and what to do, as the end of one sentence.
    /// - Parameters:
    ///   - sysctl: reads a sysctl by its path under `/proc/sys`; nil when the kernel has none.
    ///   - inContainer: whether a container runtime's marker file is present.
    static func explain(sysctl: (String) -> String?, inContainer: Bool) -> String {
        if sysctl(apparmorRestriction) == "1" {
            return "AppArmor forbids unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns = 1, "
                + "the default on Ubuntu 23.10 and later): run `sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0` "
                + "and keep it in /etc/sysctl.d/60-fixloop.conf, or give bwrap an AppArmor profile that allows userns"
        }
        if sysctl(debianClone) == "0" {
            return "the kernel forbids unprivileged user namespaces (kernel.unprivileged_userns_clone = 0): run "
                + "`sudo sysctl -w kernel.unprivileged_userns_clone=1` and keep it in /etc/sysctl.d/60-fixloop.conf"
        }
        if sysctl(maxNamespaces) == "0" {
            return "user namespaces are turned off (user.max_user_namespaces = 0): run "
                + "`sudo sysctl -w user.max_user_namespaces=15000` and keep it in /etc/sysctl.d/60-fixloop.conf"
        }
        if inContainer {
            return "this is a container whose seccomp or AppArmor profile blocks namespaces: start it with "
                + "`--security-opt seccomp=unconfined --security-opt apparmor=unconfined` (Docker, Podman), or run Fixloop on the host or in a VM"
        }
        return "the kernel's sysctls allow user namespaces, so something else (a seccomp or LSM policy) blocks them: "
            + "run Fixloop on a host or VM where `bwrap --unshare-user --dev-bind / / true` works"
    }
}
