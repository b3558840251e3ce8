/*
 * transcriptd/transcriptd.h - the whole SDK in one include.
 */
#ifndef TRANSCRIPTD_H
#define TRANSCRIPTD_H

#include <transcriptd/common.h>
#include <transcriptd/version.h>
#include <transcriptd/doc.h>
#include <transcriptd/plugin.h>
#include <transcriptd/text.h>

#endif
