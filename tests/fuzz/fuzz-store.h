/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdint.h>

#include "lab-archive.h"
#include "lab-test-util.h"

G_BEGIN_DECLS

/* What both fuzz targets share: the store inputs are imported into, and
 * the import with its checks. */

extern LabTestStore fuzz_store;
extern char *fuzz_input;

void fuzz_store_init   (void);
void fuzz_store_import (const uint8_t          *data,
                        size_t                  size,
                        const LabArchiveLimits *limits);

G_END_DECLS
