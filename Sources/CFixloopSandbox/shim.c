#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>
#include "CFixloopSandbox.h"

int fixloop_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int fixloop_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}

int fixloop_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int low) {
    return posix_spawn_file_actions_addclosefrom_np(actions, low);
}

int fixloop_open_path_flag(void) { return O_PATH; }
