/*
 * explain.h - `transcriptd process --explain FILE...`: runs files through
 * the chain up to the exporters and prints, stage by stage, what changed:
 * segments and words before and after, the counts the plugin recorded
 * (td_doc_count_change), and a few segments before and after as examples.
 * Nothing is written: it is for users who check and tune their chain.
 */
#ifndef TD_EXPLAIN_H
#define TD_EXPLAIN_H

#include "chain.h"

#include <stdio.h>

/*
 * Explains each of the n files to out.  Files that cannot be read or fail
 * in the chain are reported on stderr.  Returns how many failed.
 */
int explain_files(const chain *ch, char **files, int n, long long max_size,
                  FILE *out);

#endif
