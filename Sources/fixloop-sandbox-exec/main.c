// fixloop-sandbox-exec: applies resource limits, drops to an unprivileged user, then execs the sandbox.
//
// Usage: fixloop-sandbox-exec UID GID CPU_S AS_BYTES NPROC NOFILE FSIZE_BYTES -- PROGRAM [ARG]...
// UID and GID of -1 keep the current user. One small exec instead of `setpriv` plus `prlimit` keeps the
// per-command overhead of the sandbox low; the limits are inherited by bubblewrap and everything inside it.
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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

int main(int argc, char **argv) {
    long long v[7];
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
    execv(argv[9], &argv[9]);
    fprintf(stderr, "fixloop-sandbox-exec: cannot run %s: %s\n", argv[9], strerror(errno));
    return 127;
}
