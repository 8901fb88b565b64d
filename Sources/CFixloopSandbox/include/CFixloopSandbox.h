// GNU extensions the Glibc module does not export (they need _GNU_SOURCE), wrapped for Swift.
#ifndef CFIXLOOPSANDBOX_H
#define CFIXLOOPSANDBOX_H

#include <spawn.h>

/// pipe2(2) with O_CLOEXEC on both ends.
int fixloop_pipe_cloexec(int fds[2]);
/// posix_spawn_file_actions_addchdir_np: the child's working directory.
int fixloop_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);
/// posix_spawn_file_actions_addclosefrom_np: close every descriptor from `low` up in the child.
int fixloop_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int low);
/// O_PATH.
int fixloop_open_path_flag(void);

#endif
