/*
 * endpoint.c - see endpoint.h.
 */
#include "endpoint.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#define TCP "tcp://"

static bool host_is_loopback(const char *host)
{
    struct in_addr v4;
    struct in6_addr v6;

    if (strcmp(host, "localhost") == 0)
        return true;
    if (inet_pton(AF_INET, host, &v4) == 1)
        return (ntohl(v4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, host, &v6) == 1)
        return IN6_IS_ADDR_LOOPBACK(&v6);
    return false;
}

/* tcp://HOST:PORT or tcp://[V6]:PORT; the host is copied into out. */
static bool tcp_host(const char *endpoint, char *out, size_t outlen)
{
    const char *h = endpoint + strlen(TCP), *end;

    if (*h == '[') {
        h++;
        end = strchr(h, ']');
        if (end == NULL || end[1] != ':')
            return false;
    } else {
        end = strrchr(h, ':');
        if (end == NULL)
            return false;
    }
    size_t n = (size_t)(end - h);
    if (n == 0 || n >= outlen)
        return false;
    memcpy(out, h, n);
    out[n] = '\0';
    return true;
}

bool endpoint_is_local(const char *endpoint)
{
    char host[256];

    if (strncmp(endpoint, "ipc://", 6) == 0 || strncmp(endpoint, "inproc://", 9) == 0)
        return true;
    if (strncmp(endpoint, TCP, strlen(TCP)) != 0)
        return false;
    /* "tcp://source;address" names a source for connect; never local here. */
    if (strchr(endpoint, ';') != NULL)
        return false;
    return tcp_host(endpoint, host, sizeof(host)) && host_is_loopback(host);
}

const char *endpoint_ipc_path(const char *endpoint)
{
    return strncmp(endpoint, "ipc://", 6) == 0 ? endpoint + 6 : NULL;
}
