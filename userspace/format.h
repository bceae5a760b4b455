/* SPDX-License-Identifier: GPL-2.0 */
/* Human-readable output helpers, shared by the subcommands and the agent. */
#ifndef NFG_FORMAT_H
#define NFG_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"

/* 1536 -> "1.50 KiB" */
void fmt_bytes(char *buf, size_t len, uint64_t v);
/* 12345 -> "12.3k" */
void fmt_count(char *buf, size_t len, uint64_t v);
/* 3723000 -> "1h 2m" */
void fmt_duration(char *buf, size_t len, uint64_t ms);
void fmt_in4(char *buf, size_t len, uint32_t addr_be);
/* "192.168.0.0/22", or "-" if not known */
void fmt_subnet(char *buf, size_t len, const struct nfg_lan *lan);
/* v / 10^decimals without trailing zeros: (1250, 2) -> "12.5", (23456, 3) -> "23.456" */
void fmt_fixed(char *buf, size_t len, uint64_t v, unsigned int decimals);
/* CLOCK_BOOTTIME in ms, the clock of NFGATE_UPLINK_A_CHANGED_MS */
uint64_t now_boottime_ms(void);
/* Local wall clock with milliseconds: iso ? "2025-01-31T12:00:00.123+01:00"
 * : "2025-01-31 12:00:00.123" */
void fmt_now(char *buf, size_t len, bool iso);

/*
 * The value of field f of obj: enums by name, addresses dotted; raw (for
 * `nfgate dump`): booleans 0/1 and marks in decimal, else yes/no and hex.
 */
void fmt_field(char *buf, size_t len, const void *obj, const struct nfg_field *f,
	       bool raw);
/* Prints " key value" for every present attribute (uplinks: but the ifname). */
void fmt_uplink_kv(FILE *f, const struct nfg_uplink *up);
void fmt_lan_kv(FILE *f, const struct nfg_lan *lan);
void fmt_settings_kv(FILE *f, const struct nfg_settings *s);
void fmt_forward_kv(FILE *f, const struct nfg_forward *fw);
void fmt_dns_kv(FILE *f, const struct nfg_dns *dns);

/* A table with aligned columns; align: one 'l' or 'r' per column. */
struct table {
	size_t ncols, nrows;
	const char *align;
	char **cells;		/* nrows * ncols, row 0 is the header */
};
void table_init(struct table *t, const char *align, const char *const *header);
void table_add(struct table *t, char *const *cells);
void table_print(const struct table *t, FILE *f);
void table_free(struct table *t);

#endif
