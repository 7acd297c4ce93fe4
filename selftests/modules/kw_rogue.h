/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kw_rogue.h - what kw_rogue_drv exports to kw_rogue_user (TEST MODULES).
 */
#ifndef _KW_ROGUE_H
#define _KW_ROGUE_H

int kw_rogue_ping(void);

#endif /* _KW_ROGUE_H */
