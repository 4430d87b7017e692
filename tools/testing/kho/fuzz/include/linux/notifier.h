/* SPDX-License-Identifier: GPL-2.0 */
struct blocking_notifier_head { int unused; };
