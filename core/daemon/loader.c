/*
 * loader.c - see loader.h.
 */
#include "loader.h"

#include "log.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <ltdl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * libltdl opens modules with RTLD_LAZY, so a plugin with an undefined
 * symbol would load and then kill the daemon the first time that symbol is
 * called.  This loader, put in front of libltdl's own, binds every symbol
 * at load (RTLD_NOW): a broken plugin is refused at start instead.
 */
static char last_dlerror[512];

static lt_module now_open(lt_user_data data, const char *file, lt_dladvise advise)
{
    (void)data;
    (void)advise;
    void *h = dlopen(file, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL)
        snprintf(last_dlerror, sizeof(last_dlerror), "%s", dlerror());
    return h;
}

static int now_close(lt_user_data data, lt_module module)
{
    (void)data;
    return dlclose(module);
}

static void *now_sym(lt_user_data data, lt_module module, const char *name)
{
    (void)data;
    return dlsym(module, name);
}

static int loader_init(void)
{
    static int done;
    static lt_dlvtable vtable = {
        .name = "transcriptd-bind-now",
        .module_open = now_open,
        .module_close = now_close,
        .find_sym = now_sym,
        .priority = LT_DLLOADER_PREPEND,
    };
    if (done)
        return 0;
    if (lt_dlinit() != 0 || lt_dlloader_add(&vtable) != 0)
        return -1;
    done = 1;
    return 0;
}

const char *kind_name(td_kind kind)
{
    switch (kind) {
    case TD_PARSER: return "parser";
    case TD_CLEANER: return "cleaner";
    case TD_SUMMARIZER: return "summarizer";
    case TD_EXPORTER: return "exporter";
    }
    return "unknown";
}

static void broken(registry *r, const char *file, const char *name,
                   const char *fmt, const char *detail)
{
    td_buf_printf(&r->errors, "plugin %s (%s): ", name ? name : "?", file);
    td_buf_printf(&r->errors, fmt, detail);
    td_buf_putc(&r->errors, '\n');
    r->nerrors++;
}

/* The checks the ABI promises; the first failing one is reported. */
static const char *validate(const td_plugin *p, char *why, size_t whylen)
{
    if (p->abi != TD_PLUGIN_ABI) {
        snprintf(why, whylen, "built for plugin ABI %u, this transcriptd has "
                 "ABI %u; rebuild the plugin against this SDK",
                 p->abi, TD_PLUGIN_ABI);
        return why;
    }
    if (p->name == NULL || p->name[0] == '\0')
        return "has no name";
    if (p->kind < TD_PARSER || p->kind > TD_EXPORTER)
        return "has an unknown kind";
    if (p->run == NULL)
        return "has no run function";
    if (p->kind == TD_PARSER && p->probe == NULL)
        return "is a parser without a probe function";
    return NULL;
}

static void load_file(registry *r, const char *file, const char *stem)
{
    last_dlerror[0] = '\0';
    lt_dlhandle h = lt_dlopen(file);
    if (h == NULL) {
        broken(r, file, stem, "cannot be loaded: %s",
               last_dlerror[0] ? last_dlerror : lt_dlerror());
        return;
    }
    const td_plugin *(*entry)(void) = (const td_plugin *(*)(void))
        lt_dlsym(h, TD_PLUGIN_ENTRY);
    if (entry == NULL) {
        broken(r, file, stem, "has no %s symbol (is it a transcriptd plugin?)",
               TD_PLUGIN_ENTRY);
        lt_dlclose(h);
        return;
    }
    const td_plugin *p = entry();
    char why[256];
    const char *bad = p ? validate(p, why, sizeof(why)) : "returned no plugin";
    if (bad != NULL) {
        broken(r, file, p && p->abi == TD_PLUGIN_ABI ? p->name : stem, "%s", bad);
        lt_dlclose(h);
        return;
    }
    if (registry_find(r, p->name) != NULL) {
        log_debug("plugin %s in %s is shadowed by one earlier in the path",
                  p->name, file);
        lt_dlclose(h);
        return;
    }
    plugin_ref *v = realloc(r->v, (r->n + 1) * sizeof(*v));
    if (v == NULL) {
        lt_dlclose(h);
        return;
    }
    r->v = v;
    r->v[r->n++] = (plugin_ref){ p, strdup(file), h };
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static void load_dir(registry *r, const char *dir)
{
    struct dirent **names;
    int n = scandir(dir, &names, NULL, by_name);
    if (n < 0) {
        log_debug("plugin folder %s: %s", dir, strerror(errno));
        return;
    }
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        size_t len = strlen(name);
        if (name[0] != '.' && len > 3 && strcmp(name + len - 3, ".so") == 0) {
            char file[4096], stem[256];
            snprintf(file, sizeof(file), "%s/%s", dir, name);
            snprintf(stem, sizeof(stem), "%.*s", (int)(len - 3), name);
            load_file(r, file, stem);
        }
        free(names[i]);
    }
    free(names);
}

int registry_load(registry *r, const char *path)
{
    memset(r, 0, sizeof(*r));
    r->path = strdup(path);
    if (loader_init() != 0) {
        td_buf_printf(&r->errors, "cannot start libltdl: %s\n", lt_dlerror());
        return ++r->nerrors;
    }
    char *copy = strdup(path), *save = NULL;
    for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
        load_dir(r, dir);
    free(copy);
    return r->nerrors;
}

const plugin_ref *registry_find(const registry *r, const char *name)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->v[i].p->name, name) == 0)
            return &r->v[i];
    return NULL;
}

void registry_free(registry *r)
{
    for (size_t i = 0; i < r->n; i++) {
        lt_dlclose(r->v[i].handle);
        free(r->v[i].file);
    }
    free(r->v);
    free(r->path);
    td_buf_free(&r->errors);
    memset(r, 0, sizeof(*r));
}
