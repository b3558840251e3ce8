/*
 * curve.h - CURVE key files, for the daemon and its clients.
 *
 * A key file holds one Z85 key (40 characters) on a line of its own;
 * lines starting with '#' are comments.  `transcriptd keygen NAME` writes
 * NAME.key (the secret key, mode 0600) and NAME.pub (the public key).
 * The public half of a secret key is derived from it, so a secret key file
 * is all one side needs of its own pair.
 */
#ifndef TD_CURVE_H
#define TD_CURVE_H

#include <stddef.h>

#define CURVE_Z85_LEN 40

/* Reads the key in path into z85 (41 bytes).  0, or -1 with why filled. */
int curve_key_read(const char *path, char z85[CURVE_Z85_LEN + 1], char *why,
                   size_t whylen);

/* Writes NAME.key and NAME.pub, never replacing a file.  0 or -1 + why. */
int curve_keygen(const char *name, char *why, size_t whylen);

/* Makes sock a CURVE server with the secret key z85 (before bind). */
int curve_make_server(void *sock, const char *secret_z85);

/*
 * Makes sock (before connect) a CURVE client with the secret key in
 * secret_file, talking to the server whose public key is in
 * server_public_file.  0, or -1 with why filled.
 */
int curve_make_client(void *sock, const char *secret_file,
                      const char *server_public_file, char *why, size_t whylen);

/*
 * Makes sock (before connect) a CURVE client that holds the server's own
 * secret key: a process started with the daemon's config (a local worker)
 * is the daemon's as much as the daemon is.  0, or -1 with why filled.
 */
int curve_make_self_client(void *sock, const char *server_secret_file, char *why,
                           size_t whylen);

#endif
