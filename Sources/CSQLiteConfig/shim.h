#ifndef FIXLOOP_CSQLITECONFIG_H
#define FIXLOOP_CSQLITECONFIG_H

#include <sqlite3.h>

/// Turns off SQLite's memory statistics, which take a global mutex on every allocation. `sqlite3_config` is
/// variadic, which Swift cannot call. It only works before SQLite initializes (SQLITE_MISUSE after): call it
/// before the first connection opens.
static inline int fixloop_sqlite_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

#endif
