/* SPDX-License-Identifier: GPL-2.0 */
struct mutex { int unused; };
