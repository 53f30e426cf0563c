// SPDX-License-Identifier: GPL-2.0
/*
 * rundown: Windows-style run-down protection for Linux kernel modules.
 *
 * The module has no state of its own; it only provides the exported
 * functions of include/rundown/rundown.h and include/rundown/wdm.h.
 */

#include <linux/module.h>

MODULE_DESCRIPTION("Run-down protection (EX_RUNDOWN_REF and cache-aware) for kernel modules");
MODULE_AUTHOR("The rundown developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(RUNDOWN_VERSION);
