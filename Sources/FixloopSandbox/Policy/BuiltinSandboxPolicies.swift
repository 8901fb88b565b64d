/// Copies of the top-level `sandbox/*.toml` files, so the binary works wherever it is installed.
///
/// A test keeps them identical to the files.
public enum BuiltinSandboxPolicies {
    /// The built-in policy texts by name.
    public static let text: [String: String] = ["test": test, "setup": setup]

    static let test = #"""
# The test phase: a repository's own tests, a model's commands. No network, ever.
# Keys are documented in docs/sandbox.md; an unknown key is an error.
network = false
# Host paths bound read-only at the same place inside; missing ones are skipped. Keep the list
# short: each bind costs bubblewrap time on every command.
# /bin, /sbin, /lib and /lib64 follow /usr (merged-usr symlinks are recreated inside).
read_only = [
  "/usr",
  "/etc/alternatives", "/etc/ld.so.cache", "/etc/ssl", "/etc/passwd", "/etc/group",
  "/etc/nsswitch.conf", "/etc/localtime", "/etc/python3.11",
  "/opt/swift",
]

[workspace]
path = "/workspace"

[tmp]
size_mb = 512

[home]
path = "/home/sandbox"
size_mb = 256

[environment]
# Copied from the host when set there (override `set`). Nothing else from the host passes.
pass = ["LANG", "LC_ALL", "TERM", "TZ"]

[environment.set]
PATH = "/opt/swift/usr/bin:/usr/local/bin:/usr/bin:/bin"
HOME = "/home/sandbox"
LANG = "C.UTF-8"
TMPDIR = "/tmp"
USER = "sandbox"
LOGNAME = "sandbox"
# Stale bytecode would hide a same-size edit made within the same second; and caches are noise in diffs.
PYTHONDONTWRITEBYTECODE = "1"

[limits]
cpu_seconds = 600
memory_mb = 8192
processes = 512
open_files = 4096
file_size_mb = 1024
wall_clock_seconds = 900
output_bytes = 1048576
output_kill_mb = 256

[user]
# When Fixloop runs as root, each run takes its own unprivileged host uid (and gid) from
# uid .. uid+count-1: the kernel does not enforce the process limit for root, and it counts
# processes per uid across the host, so concurrent runs must not share one. These ids need no
# /etc/passwd entry.
uid = 1500000
gid = 1500000
count = 64

"""#

    static let setup = #"""
# The setup phase: installing dependencies. The network is on — a namespace of its own behind slirp4netns
# (the internet, not the host's loopback or abstract sockets; /etc/resolv.conf points at its resolver
# 10.0.2.3) — and everything else is as in test.toml.
# Keys are documented in docs/sandbox.md; an unknown key is an error.
network = true
# Host paths bound read-only at the same place inside; missing ones are skipped. Keep the list
# short: each bind costs bubblewrap time on every command.
# /bin, /sbin, /lib and /lib64 follow /usr (merged-usr symlinks are recreated inside).
read_only = [
  "/usr",
  "/etc/alternatives", "/etc/ld.so.cache", "/etc/ssl", "/etc/passwd", "/etc/group",
  "/etc/nsswitch.conf", "/etc/localtime", "/etc/python3.11",
  "/opt/swift", "/etc/hosts", "/etc/gai.conf",
]

[workspace]
path = "/workspace"

[tmp]
size_mb = 512

[home]
path = "/home/sandbox"
size_mb = 256

[environment]
# Copied from the host when set there (override `set`). Nothing else from the host passes.
pass = ["LANG", "LC_ALL", "TERM", "TZ"]

[environment.set]
PATH = "/opt/swift/usr/bin:/usr/local/bin:/usr/bin:/bin"
HOME = "/home/sandbox"
LANG = "C.UTF-8"
TMPDIR = "/tmp"
USER = "sandbox"
LOGNAME = "sandbox"
# Stale bytecode would hide a same-size edit made within the same second; and caches are noise in diffs.
PYTHONDONTWRITEBYTECODE = "1"

[limits]
cpu_seconds = 1800
memory_mb = 8192
processes = 512
open_files = 4096
file_size_mb = 1024
wall_clock_seconds = 1800
output_bytes = 1048576
output_kill_mb = 256

[user]
# When Fixloop runs as root, each run takes its own unprivileged host uid (and gid) from
# uid .. uid+count-1: the kernel does not enforce the process limit for root, and it counts
# processes per uid across the host, so concurrent runs must not share one. These ids need no
# /etc/passwd entry.
uid = 1500000
gid = 1500000
count = 64

"""#
}
