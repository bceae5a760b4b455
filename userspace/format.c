// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "format.h"

void fmt_bytes(char *buf, size_t len, uint64_t v)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double d = (double)v;
	int u = -1;

	if (v < 1024) {
		snprintf(buf, len, "%" PRIu64 " B", v);
		return;
	}
	while (d >= 1024 && u < 5) {
		d /= 1024;
		u++;
	}
	snprintf(buf, len, "%.2f %s", d, unit[u]);
}

void fmt_count(char *buf, size_t len, uint64_t v)
{
	static const char unit[] = "kMGTPE";
	double d = (double)v;
	int u = -1;

	if (v < 10000) {
		snprintf(buf, len, "%" PRIu64, v);
		return;
	}
	while (d >= 1000 && u < 5) {
		d /= 1000;
		u++;
	}
	snprintf(buf, len, d < 100 ? "%.1f%c" : "%.0f%c", d, unit[u]);
}

void fmt_duration(char *buf, size_t len, uint64_t ms)
{
	uint64_t s = ms / 1000;

	if (s < 60)
		snprintf(buf, len, "%" PRIu64 "s", s);
	else if (s < 3600)
		snprintf(buf, len, "%" PRIu64 "m %" PRIu64 "s", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%" PRIu64 "h %" PRIu64 "m", s / 3600, s / 60 % 60);
	else
		snprintf(buf, len, "%" PRIu64 "d %" PRIu64 "h", s / 86400, s / 3600 % 24);
}

void fmt_in4(char *buf, size_t len, uint32_t addr_be)
{
	if (!inet_ntop(AF_INET, &addr_be, buf, len))
		snprintf(buf, len, "?");
}

void fmt_subnet(char *buf, size_t len, const struct nfg_lan *lan)
{
	char a[INET_ADDRSTRLEN];

	if (!NFG_HAS(lan, NFGATE_LAN_A_ADDR) || !NFG_HAS(lan, NFGATE_LAN_A_PREFIXLEN)) {
		snprintf(buf, len, "-");
		return;
	}
	fmt_in4(a, sizeof(a), lan->addr);
	snprintf(buf, len, "%s/%u", a, lan->prefixlen);
}

void fmt_fixed(char *buf, size_t len, uint64_t v, unsigned int decimals)
{
	uint64_t scale = 1;
	char frac[24];
	int n;

	for (unsigned int i = 0; i < decimals; i++)
		scale *= 10;
	if (!decimals || v % scale == 0) {
		snprintf(buf, len, "%" PRIu64, v / scale);
		return;
	}
	n = snprintf(frac, sizeof(frac), "%0*" PRIu64, (int)decimals, v % scale);
	while (n > 0 && frac[n - 1] == '0')
		frac[--n] = '\0';
	snprintf(buf, len, "%" PRIu64 ".%s", v / scale, frac);
}

uint64_t now_boottime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void fmt_now(char *buf, size_t len, bool iso)
{
	struct timeval tv;
	struct tm tm;
	char date[32], tz[8] = "";

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(date, sizeof(date), iso ? "%Y-%m-%dT%H:%M:%S" : "%Y-%m-%d %H:%M:%S", &tm);
	if (iso) {
		strftime(tz, sizeof(tz), "%z", &tm);	/* +0100 -> +01:00 */
		if (strlen(tz) == 5) {
			memmove(tz + 4, tz + 3, 3);
			tz[3] = ':';
		}
	}
	snprintf(buf, len, "%s.%03ld%s", date, (long)tv.tv_usec / 1000, tz);
}

void fmt_field(char *buf, size_t len, const void *obj, const struct nfg_field *f,
	       bool raw)
{
	uint64_t v = nfg_field_uint(obj, f);
	const char *name = NULL;

	switch (f->type) {
	case NFG_F_STRING:
	case NFG_F_QNAME:
		snprintf(buf, len, "%s", nfg_field_str(obj, f));
		return;
	case NFG_F_IN4:
		fmt_in4(buf, len, (uint32_t)v);
		return;
	case NFG_F_ADMIN:
		name = nfg_admin_name(v);
		break;
	case NFG_F_OPER:
		name = nfg_oper_name(v);
		break;
	case NFG_F_PROTO:
		name = nfg_proto_name(v);
		break;
	case NFG_F_HSTATE:
		name = nfg_health_state_name(v);
		break;
	case NFG_F_HREASON:
		name = nfg_health_reason_name(v);
		break;
	case NFG_F_DNSMODE:
		name = nfg_dns_mode_name(v);
		break;
	case NFG_F_EXPIRE:
		name = v == 0 ? "release" : v == 1 ? "drop" : NULL;
		break;
	case NFG_F_VERDICT:
		name = nfg_dns_verdict_name(v);
		break;
	case NFG_F_QTYPE:
		name = nfg_dns_qtype_name(v);
		break;
	case NFG_F_SIGNALS:
		nfg_dns_signals_str(buf, len, (uint32_t)v);
		return;
	case NFG_F_HEX16:
		if (!raw) {
			snprintf(buf, len, "0x%04" PRIx64, v);
			return;
		}
		break;
	case NFG_F_PCT100:
		fmt_fixed(buf, len, v, 2);
		return;
	case NFG_F_USEC:
		fmt_fixed(buf, len, v, 3);
		return;
	case NFG_F_BOOL:
		if (!raw)
			name = v ? "yes" : "no";
		break;
	case NFG_F_MARK:
		if (!raw) {
			snprintf(buf, len, "0x%08" PRIx64, v);
			return;
		}
		break;
	default:
		break;
	}
	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "%" PRIu64, v);	/* or an unknown enum value */
}

/* " key value" for every present field but the one printed as the name. */
static void fields_kv(FILE *f, const void *obj, uint32_t present,
		      const struct nfg_field *t, size_t n, uint16_t name_attr)
{
	for (size_t i = 0; i < n; i++) {
		const struct nfg_field *fl = &t[i];
		char buf[NFG_QNAME_MAX];

		if (fl->attr == name_attr || !(present & (1U << fl->attr)))
			continue;
		fmt_field(buf, sizeof(buf), obj, fl, false);
		fprintf(f, " %s %s", fl->key, buf);
	}
}

void fmt_uplink_kv(FILE *f, const struct nfg_uplink *up)
{
	fields_kv(f, up, up->present, nfg_uplink_fields, nfg_uplink_nfields,
		  NFGATE_UPLINK_A_IFNAME);
}

void fmt_settings_kv(FILE *f, const struct nfg_settings *s)
{
	fields_kv(f, s, s->present, nfg_settings_fields, nfg_settings_nfields, 0);
}

void fmt_forward_kv(FILE *f, const struct nfg_forward *fw)
{
	fields_kv(f, fw, fw->present, nfg_forward_fields, nfg_forward_nfields, 0);
}

void fmt_dns_kv(FILE *f, const struct nfg_dns *dns)
{
	fields_kv(f, dns, dns->present, nfg_dns_fields, nfg_dns_nfields, 0);
}

void fmt_lan_kv(FILE *f, const struct nfg_lan *lan)
{
	char buf[32];

	if (NFG_HAS(lan, NFGATE_LAN_A_IFINDEX))
		fprintf(f, " ifindex %u", lan->ifindex);
	if (NFG_HAS(lan, NFGATE_LAN_A_ADDR)) {
		fmt_subnet(buf, sizeof(buf), lan);
		fprintf(f, " subnet %s", buf);
	}
}

void table_init(struct table *t, const char *align, const char *const *header)
{
	memset(t, 0, sizeof(*t));
	t->ncols = strlen(align);
	t->align = align;
	table_add(t, (char *const *)header);
}

void table_add(struct table *t, char *const *cells)
{
	char **c = realloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(*c));

	if (!c)
		return;
	t->cells = c;
	for (size_t i = 0; i < t->ncols; i++)
		c[t->nrows * t->ncols + i] = strdup(cells[i] ? cells[i] : "");
	t->nrows++;
}

void table_print(const struct table *t, FILE *f)
{
	size_t w[32] = { 0 };

	for (size_t r = 0; r < t->nrows; r++)
		for (size_t i = 0; i < t->ncols && i < 32; i++) {
			const char *s = t->cells[r * t->ncols + i];
			size_t l = s ? strlen(s) : 0;

			if (l > w[i])
				w[i] = l;
		}
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t i = 0; i < t->ncols && i < 32; i++) {
			const char *s = t->cells[r * t->ncols + i];
			bool last = i + 1 == t->ncols;

			if (!s)
				s = "";
			if (t->align[i] == 'r')
				fprintf(f, "%*s", (int)w[i], s);
			else if (last)
				fputs(s, f);
			else
				fprintf(f, "%-*s", (int)w[i], s);
			if (!last)
				fputs("  ", f);
		}
		fputc('\n', f);
	}
}

void table_free(struct table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}
