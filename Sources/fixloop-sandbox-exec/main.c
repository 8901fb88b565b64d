// fixloop-sandbox-exec: applies resource limits, drops to an unprivileged user, then execs the sandbox.
//
// Usage: fixloop-sandbox-exec [--network-helper NETNS_FD] [--stage FD DIR]... UID GID CPU_S AS_BYTES NPROC NOFILE
//            FSIZE_BYTES -- PROGRAM [ARG]...
// UID and GID of -1 keep the current user. One small exec instead of `setpriv` plus `prlimit` keeps the
// per-command overhead of the sandbox low; the limits are inherited by bubblewrap and everything inside it.
//
// --network-helper starts the user-mode network helper (slirp4netns) for a sandbox whose network namespace is
// open at NETNS_FD: as root, the helper gets a mount namespace of its own whose /dev/net/tun is a fresh node owned
// by UID (the host's may be 0600 root where no udev runs); after the drop to UID it joins the user namespace that
// owns the sandbox's network namespace, as its owner may, so it can create the tap device there and never holds
// more than the sandbox user's rights on the host.
//
// --stage FD DIR binds the host path open at FD (opened by Fixloop as root, before any drop) read-only at DIR, an
// empty folder or file that the sandbox user can reach, in a mount namespace of this process only, so bubblewrap
// can bind DIR where the path belongs inside. bubblewrap 0.8's own --ro-bind-fd turns the descriptor back into a
// path and resolves it as the sandbox user, which fails under a folder that user cannot pass through (/root).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int parse(const char *text, long long *out) {
    char *end = NULL;
    errno = 0;
    long long value = strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0') return -1;
    *out = value;
    return 0;
}

// Sets one limit; on failure says which, with the hard limit in the way (Fixloop checks this first, so this is
// the backstop for a limit lowered between its check and this exec).
static int limit(int resource, const char *name, long long value) {
    struct rlimit rl = {(rlim_t)value, (rlim_t)value};
    if (setrlimit(resource, &rl) == 0) return 0;
    int saved = errno;
    struct rlimit current;
    if (getrlimit(resource, &current) == 0 && current.rlim_max != RLIM_INFINITY)
        fprintf(stderr, "fixloop-sandbox-exec: setrlimit(%s, %lld) failed: %s (the hard limit is %llu)\n", name, value,
                strerror(saved), (unsigned long long)current.rlim_max);
    else
        fprintf(stderr, "fixloop-sandbox-exec: setrlimit(%s, %lld) failed: %s\n", name, value, strerror(saved));
    return -1;
}

// A private /dev/net/tun for uid/gid, in a mount namespace of this process only (run as root).
static int private_tun(uid_t uid, gid_t gid) {
    if (unshare(CLONE_NEWNS) != 0) return -1;
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) return -1;
    if (mount("tmpfs", "/dev/net", "tmpfs", MS_NOSUID | MS_NOEXEC, "size=4k,mode=0755") != 0) return -1;
    if (mknod("/dev/net/tun", S_IFCHR | 0600, makedev(10, 200)) != 0) return -1;
    return chown("/dev/net/tun", uid, gid);
}

#define MAX_STAGES 64

// Binds each staged descriptor read-only at its folder, in a private mount namespace (run as root). A descriptor
// opened in the host's namespace cannot be a bind source in this one (EINVAL), so the bind takes the path the
// descriptor names and is then checked to be the very file the descriptor holds (device and inode).
static int stage(int count, const long long *fds, char *const *dirs) {
    if (unshare(CLONE_NEWNS) != 0) return -1;
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) return -1;
    for (int i = 0; i < count; i++) {
        char link[64], path[4096];
        snprintf(link, sizeof link, "/proc/self/fd/%lld", fds[i]);
        ssize_t length = readlink(link, path, sizeof path - 1);
        if (length < 0) return -1;
        path[length] = '\0';
        struct stat wanted, bound;
        if (fstat((int)fds[i], &wanted) != 0) return -1;
        if (mount(path, dirs[i], NULL, MS_BIND | MS_REC, NULL) != 0) return -1;
        if (stat(dirs[i], &bound) != 0) return -1;
        if (bound.st_dev != wanted.st_dev || bound.st_ino != wanted.st_ino) {
            errno = ESTALE;
            return -1;
        }
        if (mount(NULL, dirs[i], NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) != 0) return -1;
        close((int)fds[i]);
    }
    return 0;
}

// Joins the user namespace that owns the network namespace open at netns.
static int join_owner(int netns) {
    int userns = ioctl(netns, NS_GET_USERNS);
    if (userns < 0) return -1;
    int result = setns(userns, CLONE_NEWUSER);
    close(userns);
    return result;
}

static int has_content(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    char byte;
    ssize_t count = read(fd, &byte, 1);
    close(fd);
    return count > 0;
}

// bubblewrap's child writes its namespace's uid and gid maps just after it starts. Until then the helper is nobody
// there and would lose its capabilities in the namespace at exec, so wait for them (at most 5 s).
static int wait_for_maps(void) {
    for (int i = 0; i < 5000; i++) {
        if (has_content("/proc/self/uid_map") && has_content("/proc/self/gid_map")) return 0;
        usleep(1000);
    }
    errno = ETIMEDOUT;
    return -1;
}

int main(int argc, char **argv) {
    long long v[7];
    long long netns = -1;
    long long stage_fds[MAX_STAGES];
    char *stage_dirs[MAX_STAGES];
    int stages = 0;
    while (argc > 2 && (strcmp(argv[1], "--network-helper") == 0 || strcmp(argv[1], "--stage") == 0)) {
        long long fd = -1;
        if (parse(argv[2], &fd) != 0 || fd < 0) {
            fprintf(stderr, "fixloop-sandbox-exec: '%s' is not a descriptor\n", argv[2]);
            return 125;
        }
        if (strcmp(argv[1], "--network-helper") == 0) {
            netns = fd;
            argc -= 2;
            argv += 2;
            continue;
        }
        if (argc < 4 || stages == MAX_STAGES) {
            fprintf(stderr, "fixloop-sandbox-exec: --stage needs FD DIR, at most %d times\n", MAX_STAGES);
            return 125;
        }
        stage_fds[stages] = fd;
        stage_dirs[stages] = argv[3];
        stages++;
        argc -= 3;
        argv += 3;
    }
    if (argc < 10 || strcmp(argv[8], "--") != 0) {
        fprintf(stderr, "fixloop-sandbox-exec: usage: UID GID CPU AS NPROC NOFILE FSIZE -- PROGRAM [ARG]...\n");
        return 125;
    }
    for (int i = 0; i < 7; i++) {
        if (parse(argv[i + 1], &v[i]) != 0) {
            fprintf(stderr, "fixloop-sandbox-exec: '%s' is not a number\n", argv[i + 1]);
            return 125;
        }
    }
    if (limit(RLIMIT_CPU, "RLIMIT_CPU", v[2]) || limit(RLIMIT_AS, "RLIMIT_AS", v[3]) ||
        limit(RLIMIT_NPROC, "RLIMIT_NPROC", v[4]) || limit(RLIMIT_NOFILE, "RLIMIT_NOFILE", v[5]) ||
        limit(RLIMIT_FSIZE, "RLIMIT_FSIZE", v[6]) || limit(RLIMIT_CORE, "RLIMIT_CORE", 0)) {
        return 125;
    }
    if (stages > 0 && stage(stages, stage_fds, stage_dirs) != 0) {
        fprintf(stderr, "fixloop-sandbox-exec: cannot stage a read-only path: %s\n", strerror(errno));
        return 125;
    }
    if (netns >= 0 && v[0] >= 0 && private_tun((uid_t)v[0], (gid_t)v[1]) != 0) {
        fprintf(stderr, "fixloop-sandbox-exec: cannot prepare /dev/net/tun: %s\n", strerror(errno));
        return 125;
    }
    if (v[0] >= 0) {
        if (setgroups(0, NULL) != 0 || setresgid((gid_t)v[1], (gid_t)v[1], (gid_t)v[1]) != 0 ||
            setresuid((uid_t)v[0], (uid_t)v[0], (uid_t)v[0]) != 0) {
            fprintf(stderr, "fixloop-sandbox-exec: cannot switch to uid %lld: %s\n", v[0], strerror(errno));
            return 125;
        }
        if (getuid() != (uid_t)v[0] || geteuid() != (uid_t)v[0] || setuid(0) == 0) {
            fprintf(stderr, "fixloop-sandbox-exec: the user switch did not stick\n");
            return 125;
        }
    }
    if (netns >= 0 && (join_owner((int)netns) != 0 || wait_for_maps() != 0)) {
        fprintf(stderr, "fixloop-sandbox-exec: cannot join the sandbox's user namespace: %s\n", strerror(errno));
        return 125;
    }
    execv(argv[9], &argv[9]);
    fprintf(stderr, "fixloop-sandbox-exec: cannot run %s: %s\n", argv[9], strerror(errno));
    return 127;
}
