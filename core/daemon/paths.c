/*
 * paths.c - see paths.h.
 */
#include "paths.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *paths_exe_dir(void)
{
    static char dir[PATH_MAX];
    if (dir[0] == '\0') {
        ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
        if (n <= 0) {
            strcpy(dir, ".");
        } else {
            dir[n] = '\0';
            char *slash = strrchr(dir, '/');
            if (slash != NULL)
                *slash = '\0';
        }
    }
    return dir;
}

char *paths_default_plugin_path(void)
{
    const char *exe = paths_exe_dir();
    size_t n = strlen(exe) * 2 + sizeof(TD_PLUGIN_INSTALL_DIR) + 32;
    char *p = malloc(n);
    if (p != NULL)
        snprintf(p, n, "%s/plugins:%s/../%s", exe, exe, TD_PLUGIN_INSTALL_DIR);
    return p;
}

const char *paths_data_dir(void)
{
    static char dir[PATH_MAX];
    if (dir[0] == '\0') {
        /* Installed: <prefix>/bin/../share/transcriptd.  Build tree: the source. */
        snprintf(dir, sizeof(dir), "%s/../%s", paths_exe_dir(), TD_DATA_INSTALL_DIR);
        if (access(dir, F_OK) != 0)
            snprintf(dir, sizeof(dir), "%s", TD_SOURCE_DIR);
    }
    return dir;
}

char *path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p != NULL)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

char *path_absolute(const char *path)
{
    char cwd[PATH_MAX];
    if (path[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
        return strdup(path);
    if (strcmp(path, ".") == 0)
        return strdup(cwd);
    return path_join(cwd, path[0] == '.' && path[1] == '/' ? path + 2 : path);
}

char *path_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

char *path_stem(const char *name)
{
    const char *slash = strrchr(name, '/');
    const char *base = slash ? slash + 1 : name;
    const char *dot = strrchr(base, '.');
    if (dot == NULL || dot == base)
        return strdup(base);
    return strndup(base, (size_t)(dot - base));
}

int path_mkdirs(const char *path, unsigned mode)
{
    char *p = strdup(path);
    if (p == NULL)
        return -ENOMEM;
    for (char *s = p + 1; ; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, mode) != 0 && errno != EEXIST) {
                int rc = -errno;
                free(p);
                return rc;
            }
            *s = c;
            if (c == '\0')
                break;
        }
    }
    free(p);
    struct stat st;
    if (stat(path, &st) != 0)
        return -errno;
    return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}
