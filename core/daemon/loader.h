/*
 * loader.h - finds and loads plugins with libltdl.
 *
 * Every shared object in the plugin path is loaded and checked: ABI first,
 * then the fields the ABI promises.  Loading happens on the main thread
 * only (libltdl is not thread-safe).  A plugin that fails any check stops
 * the start with a message that names the plugin and its file.
 */
#ifndef TD_LOADER_H
#define TD_LOADER_H

#include <transcriptd/plugin.h>
#include <transcriptd/text.h>

typedef struct plugin_ref {
    const td_plugin *p;
    char *file;
    void *handle;           /* lt_dlhandle */
} plugin_ref;

typedef struct registry {
    plugin_ref *v;
    size_t n;
    char *path;             /* the colon-separated path that was searched */
    td_buf errors;          /* one line per broken plugin file */
    int nerrors;
} registry;

/* Loads every plugin found in path.  Returns the number of broken files. */
int registry_load(registry *r, const char *path);
/* The plugin called name, or NULL. */
const plugin_ref *registry_find(const registry *r, const char *name);
const char *kind_name(td_kind kind);
/* Closes every plugin.  Nothing from them may be used after. */
void registry_free(registry *r);

#endif
