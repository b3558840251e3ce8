/*
 * curve.c - see curve.h.
 */
#include "curve.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

/* The ZAP domain every socket of the daemon is in. */
#define DOMAIN "transcriptd"

static int valid_z85(const char *s)
{
    uint8_t raw[32];
    return strlen(s) == CURVE_Z85_LEN && zmq_z85_decode(raw, s) != NULL;
}

int curve_key_read(const char *path, char z85[CURVE_Z85_LEN + 1], char *why,
                   size_t whylen)
{
    FILE *f = fopen(path, "r");
    char line[256];

    if (f == NULL) {
        snprintf(why, whylen, "%s: %s", path, strerror(errno));
        return -1;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        char *s = line + strspn(line, " \t");
        if (*s == '#' || *s == '\n' || *s == '\0')
            continue;
        s[strcspn(s, " \t\r\n")] = '\0';
        fclose(f);
        if (!valid_z85(s)) {
            snprintf(why, whylen, "%s: not a CURVE key (expected %d Z85 "
                     "characters)", path, CURVE_Z85_LEN);
            return -1;
        }
        memcpy(z85, s, CURVE_Z85_LEN + 1);
        return 0;
    }
    fclose(f);
    snprintf(why, whylen, "%s: no key in the file", path);
    return -1;
}

/* Creates path with mode (never replacing a file) holding comment and key. */
static int write_key(const char *path, int mode, const char *comment,
                     const char *key, char *why, size_t whylen)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) {
        snprintf(why, whylen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char text[256];
    int n = snprintf(text, sizeof(text), "# %s\n%s\n", comment, key);
    int ok = write(fd, text, (size_t)n) == n && fsync(fd) == 0;
    int err = errno;
    close(fd);
    if (!ok) {
        snprintf(why, whylen, "%s: %s", path, strerror(err));
        unlink(path);
        return -1;
    }
    return 0;
}

int curve_keygen(const char *name, char *why, size_t whylen)
{
    char public[CURVE_Z85_LEN + 1], secret[CURVE_Z85_LEN + 1];
    char key_path[4096], pub_path[4096];

    if (zmq_curve_keypair(public, secret) != 0) {
        snprintf(why, whylen, "cannot make a key pair: %s",
                 zmq_strerror(zmq_errno()));
        return -1;
    }
    snprintf(key_path, sizeof(key_path), "%s.key", name);
    snprintf(pub_path, sizeof(pub_path), "%s.pub", name);
    int rc = write_key(key_path, 0600, "transcriptd CURVE secret key: keep it private",
                       secret, why, whylen);
    explicit_bzero(secret, sizeof(secret));
    if (rc != 0)
        return -1;
    if (write_key(pub_path, 0644, "transcriptd CURVE public key", public, why,
                  whylen) != 0) {
        unlink(key_path);
        return -1;
    }
    return 0;
}

int curve_make_server(void *sock, const char *secret_z85)
{
    int one = 1;
    if (zmq_setsockopt(sock, ZMQ_CURVE_SERVER, &one, sizeof(one)) != 0 ||
        zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, secret_z85, CURVE_Z85_LEN) != 0 ||
        zmq_setsockopt(sock, ZMQ_ZAP_DOMAIN, DOMAIN, strlen(DOMAIN)) != 0)
        return -1;
    return 0;
}

int curve_make_client(void *sock, const char *secret_file,
                      const char *server_public_file, char *why, size_t whylen)
{
    char secret[CURVE_Z85_LEN + 1], public[CURVE_Z85_LEN + 1];
    char server[CURVE_Z85_LEN + 1];

    if (curve_key_read(secret_file, secret, why, whylen) != 0 ||
        curve_key_read(server_public_file, server, why, whylen) != 0)
        return -1;
    int ok = zmq_curve_public(public, secret) == 0 &&
             zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY, server, CURVE_Z85_LEN) == 0 &&
             zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY, public, CURVE_Z85_LEN) == 0 &&
             zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, secret, CURVE_Z85_LEN) == 0;
    explicit_bzero(secret, sizeof(secret));
    if (!ok) {
        snprintf(why, whylen, "cannot set up CURVE: %s", zmq_strerror(zmq_errno()));
        return -1;
    }
    return 0;
}

int curve_make_self_client(void *sock, const char *server_secret_file, char *why,
                           size_t whylen)
{
    char secret[CURVE_Z85_LEN + 1], public[CURVE_Z85_LEN + 1];

    if (curve_key_read(server_secret_file, secret, why, whylen) != 0)
        return -1;
    int ok = zmq_curve_public(public, secret) == 0 &&
             zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY, public, CURVE_Z85_LEN) == 0 &&
             zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY, public, CURVE_Z85_LEN) == 0 &&
             zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, secret, CURVE_Z85_LEN) == 0;
    explicit_bzero(secret, sizeof(secret));
    if (!ok) {
        snprintf(why, whylen, "cannot set up CURVE: %s", zmq_strerror(zmq_errno()));
        return -1;
    }
    return 0;
}
