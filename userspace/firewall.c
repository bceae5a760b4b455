// SPDX-License-Identifier: GPL-2.0
/*
 * The firewall baseline as nft(8) input, generated from the configuration.
 *
 * The seed (a TomatoUSB router's iptables-save) reordered into the path a
 * packet takes:
 *
 *   ingress      prerouting, mangle: DSCP cleared on what the uplinks bring
 *   deliver      input: INVALID dropped, ESTABLISHED/RELATED accepted,
 *                the LAN and lo accepted (DHCP, DNS, SSH to the router),
 *                from the uplinks only ICMP (echo rate-limited), SSH with
 *                a per-source limit, the extra ports; else dropped
 *   forward      forward: INVALID dropped, MSS clamped on SYNs,
 *                ESTABLISHED/RELATED and port forwards (ct status dnat)
 *                accepted, LAN to the uplinks accepted, LAN to LAN
 *                accepted or (isolation) dropped; else dropped
 *   bridge       with lan_isolation: frames between two ports of the LAN
 *                bridge dropped (they never reach the IP layer)
 *
 * Stateful filtering is nftables' and conntrack's; the module does none.
 * The output is deterministic (the unit tests compare it as text).
 */
#include <stdio.h>
#include <stdlib.h>

#include "firewall.h"

/* "{ 80, 443 }" or "80" */
static void port_set(FILE *f, const uint16_t *ports, size_t n)
{
	if (n == 1) {
		fprintf(f, "%u", ports[0]);
		return;
	}
	fputs("{ ", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%u", i ? ", " : "", ports[i]);
	fputs(" }", f);
}

/*
 * N per W seconds as an nft limit rate: the smallest unit that holds it
 * exactly (4 per 60 s: 4/minute), else per day rounded. With burst N the
 * bucket holds N connections and refills one every W/N seconds.
 */
static void limit_rate(FILE *f, uint32_t n, uint32_t w)
{
	static const struct { const char *name; uint32_t s; } units[] = {
		{ "second", 1 }, { "minute", 60 }, { "hour", 3600 }, { "day", 86400 },
	};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		uint64_t x = (uint64_t)n * units[i].s;

		if (x % w == 0 || i == sizeof(units) / sizeof(units[0]) - 1) {
			fprintf(f, "%llu/%s", (unsigned long long)((x + w / 2) / w),
				units[i].name);
			return;
		}
	}
}

static void gen_sets(FILE *f, const struct nfg_config *cfg)
{
	const struct nfg_conf_firewall *fw = &cfg->firewall;

	fputs("\tset uplinks {\n\t\ttype ifname\n", f);
	if (cfg->n_uplinks) {
		fputs("\t\telements = { ", f);
		for (size_t i = 0; i < cfg->n_uplinks; i++)
			fprintf(f, "%s\"%s\"", i ? ", " : "", cfg->uplinks[i].up.ifname);
		fputs(" }\n", f);
	}
	fputs("\t}\n", f);
	if (fw->ssh_wan && fw->ssh_limit) {
		static const char *const fam[] = { "4", "6" };

		for (int i = 0; i < 2; i++)
			fprintf(f, "\n\tset ssh%s {\n\t\ttype ipv%s_addr\n\t\tsize 65536\n"
				"\t\tflags dynamic,timeout\n\t\ttimeout %us\n\t}\n",
				fam[i], fam[i], fw->ssh_window_s);
	}
}

static void gen_ingress(FILE *f, const struct nfg_config *cfg)
{
	const struct nfg_conf_firewall *fw = &cfg->firewall;

	fputs("\n\t# 1. ingress: before the routing decision\n"
	      "\tchain ingress {\n"
	      "\t\ttype filter hook prerouting priority mangle; policy accept;\n", f);
	if (fw->dscp_clear) {
		fputs("\t\tiifname @uplinks ip dscp != cs0 ip dscp set cs0 comment \"dscp_clear\"\n"
		      "\t\tiifname @uplinks ip6 dscp != cs0 ip6 dscp set cs0 comment \"dscp_clear\"\n",
		      f);
	}
	fputs("\t}\n", f);
}

static void gen_input(FILE *f, const struct nfg_config *cfg)
{
	const struct nfg_conf_firewall *fw = &cfg->firewall;

	fprintf(f, "\n\t# 2a. deliver to the router\n"
		"\tchain input {\n"
		"\t\ttype filter hook input priority filter; policy drop;\n"
		"\t\tct state invalid counter drop comment \"invalid\"\n"
		"\t\tct state established,related accept\n"
		"\t\tiif \"lo\" accept\n"
		"\t\tiifname \"%s\" accept comment \"lan: DHCP, DNS, SSH to the router\"\n"
		"\t\ticmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-advert } "
		"accept\n"
		"\t\tiifname @uplinks jump input_uplink\n"
		"\t\tcounter comment \"dropped\"\n"
		"\t}\n", cfg->lan.ifname);

	fputs("\n\tchain input_uplink {\n", f);
	if (fw->icmp_echo_rate) {
		fprintf(f, "\t\ticmp type echo-request limit rate %u/second burst %u packets "
			"accept comment \"icmp_echo_rate\"\n", fw->icmp_echo_rate,
			fw->icmp_echo_rate * 2);
		fprintf(f, "\t\ticmpv6 type echo-request limit rate %u/second burst %u packets "
			"accept comment \"icmp_echo_rate\"\n", fw->icmp_echo_rate,
			fw->icmp_echo_rate * 2);
	}
	fputs("\t\ticmp type { destination-unreachable, time-exceeded, parameter-problem } "
	      "accept\n"
	      "\t\ticmpv6 type { destination-unreachable, packet-too-big, time-exceeded, "
	      "parameter-problem } accept\n", f);
	if (fw->ssh_wan) {
		if (fw->ssh_limit) {
			static const char *const fam[][2] = { { "4", "ip" }, { "6", "ip6" } };

			for (int i = 0; i < 2; i++) {
				fprintf(f, "\t\ttcp dport %u ct state new update @ssh%s "
					"{ %s saddr limit rate over ", fw->ssh_port,
					fam[i][0], fam[i][1]);
				limit_rate(f, fw->ssh_limit, fw->ssh_window_s);
				fprintf(f, " burst %u packets } counter drop comment \"ssh_limit\"\n",
					fw->ssh_limit);
			}
		}
		fprintf(f, "\t\ttcp dport %u accept comment \"ssh_wan\"\n", fw->ssh_port);
	}
	if (fw->n_allow_tcp) {
		fputs("\t\ttcp dport ", f);
		port_set(f, fw->allow_tcp, fw->n_allow_tcp);
		fputs(" accept comment \"allow_tcp\"\n", f);
	}
	if (fw->n_allow_udp) {
		fputs("\t\tudp dport ", f);
		port_set(f, fw->allow_udp, fw->n_allow_udp);
		fputs(" accept comment \"allow_udp\"\n", f);
	}
	fputs("\t\tip6 saddr fe80::/10 udp sport 547 udp dport 546 accept "
	      "comment \"dhcpv6 client\"\n"
	      "\t}\n", f);
}

static void gen_forward(FILE *f, const struct nfg_config *cfg)
{
	const struct nfg_conf_firewall *fw = &cfg->firewall;
	const char *lan = cfg->lan.ifname;

	fputs("\n\t# 2b. forward\n"
	      "\tchain forward {\n"
	      "\t\ttype filter hook forward priority filter; policy drop;\n"
	      "\t\tct state invalid counter drop comment \"invalid\"\n", f);
	if (fw->mss_clamp)
		fputs("\t\ttcp flags & (syn | rst) == syn tcp option maxseg size set rt mtu "
		      "comment \"mss_clamp\"\n", f);
	fprintf(f, "\t\tct state established,related accept\n"
		"\t\tct status dnat accept comment \"port forwards\"\n"
		"\t\tiifname \"%s\" oifname @uplinks accept\n", lan);
	if (fw->lan_isolation)
		fprintf(f, "\t\tiifname \"%s\" oifname \"%s\" counter drop "
			"comment \"lan_isolation\"\n", lan, lan);
	else
		fprintf(f, "\t\tiifname \"%s\" oifname \"%s\" accept comment \"lan to lan\"\n",
			lan, lan);
	fputs("\t\tcounter comment \"dropped\"\n"
	      "\t}\n", f);
}

char *nfg_firewall_ruleset(const struct nfg_config *cfg, const char *source)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f, "# nfgate firewall baseline, generated by nfgated from %s\n"
		"table inet " NFG_FW_TABLE "\n"
		"delete table inet " NFG_FW_TABLE "\n"
		"table bridge " NFG_FW_TABLE "\n"
		"delete table bridge " NFG_FW_TABLE "\n", source);
	if (cfg->has_firewall) {
		fputs("\ntable inet " NFG_FW_TABLE " {\n", f);
		gen_sets(f, cfg);
		gen_ingress(f, cfg);
		gen_input(f, cfg);
		gen_forward(f, cfg);
		fputs("}\n", f);
		if (cfg->firewall.lan_isolation)
			fprintf(f, "\n# frames between two ports of the LAN bridge\n"
				"table bridge " NFG_FW_TABLE " {\n"
				"\tchain forward {\n"
				"\t\ttype filter hook forward priority filter; policy accept;\n"
				"\t\tibrname \"%s\" counter drop comment \"lan_isolation\"\n"
				"\t}\n"
				"}\n", cfg->lan.ifname);
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}
