/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lab-application.h"

G_BEGIN_DECLS

void lab_migrate_offer_check (LabApplication *app);

G_END_DECLS
