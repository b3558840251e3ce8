/*
 * sqlite.h - the sqlite exporter's state, shared with its unit tests.
 */
#ifndef TD_SQLITE_SQLITE_H
#define TD_SQLITE_SQLITE_H

#include "indexer.h"

typedef struct sqlite_state {
    const char *database;       /* owned by the options, which outlive us */
    indexer ix;
} sqlite_state;

#endif
