/* A shared object without td_plugin_entry: not a transcriptd plugin. */
int no_entry_here(void);
__attribute__((visibility("default"))) int no_entry_here(void) { return 42; }
