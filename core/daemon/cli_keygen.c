/*
 * cli_keygen.c - `transcriptd keygen NAME`: a CURVE key pair, NAME.key
 * (secret, mode 0600) and NAME.pub (public); see curve.h.
 */
#include "cli.h"

#include "curve.h"

#include <stdio.h>
#include <string.h>

#define USAGE "transcriptd keygen NAME"

int cmd_keygen(int argc, char **argv)
{
    char why[512];

    if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        printf("usage: %s\n", USAGE);
        return 0;
    }
    if (argc != 2 || argv[1][0] == '-' || argv[1][0] == '\0') {
        fprintf(stderr, "usage: %s\n", USAGE);
        return 2;
    }
    if (curve_keygen(argv[1], why, sizeof(why)) != 0) {
        fprintf(stderr, "transcriptd keygen: %s\n", why);
        return 1;
    }
    printf("%s.key: secret key (keep it private: --curve-key, or [bus] "
           "curve_server_key)\n%s.pub: public key (--server-key, or a file in "
           "[bus] curve_clients)\n", argv[1], argv[1]);
    return 0;
}
