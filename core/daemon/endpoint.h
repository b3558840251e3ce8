/*
 * endpoint.h - what a ZeroMQ endpoint string says about who can reach it.
 */
#ifndef TD_ENDPOINT_H
#define TD_ENDPOINT_H

#include <stdbool.h>

/*
 * Whether binding endpoint keeps it on this machine: ipc:// and inproc://,
 * or tcp:// on 127.0.0.0/8, ::1 or localhost.  Wildcards ("*", 0.0.0.0),
 * interface names and other addresses or transports are not.
 */
bool endpoint_is_local(const char *endpoint);

/* The file of an ipc:// endpoint, or NULL for any other transport. */
const char *endpoint_ipc_path(const char *endpoint);

#endif
