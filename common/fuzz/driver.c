// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The fuzz targets' replay driver (driver.h): each file given, or each file
 * under a directory given, goes through LLVMFuzzerTestOneInput(), and so
 * does each of its prefixes (truncated inputs), each in an exact-size heap
 * copy so that ASan catches any over-read. Inputs are read up to 64 KiB.
 */
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>

#include "driver.h"

static unsigned long nfiles;

static void run_file(const char *path)
{
	static uint8_t buf[1 << 16];
	FILE *f = fopen(path, "rb");
	size_t n, i;
	uint8_t *c;

	if (!f) {
		perror(path);
		exit(2);
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	for (i = 0; i <= n; i++) {
		c = malloc(i ? i : 1);
		memcpy(c, buf, i);
		LLVMFuzzerTestOneInput(c, i);
		free(c);
	}
	nfiles++;
}

static void run_path(const char *path)
{
	struct stat st;
	struct dirent *e;
	char sub[4096];
	DIR *d;

	if (stat(path, &st)) {
		perror(path);
		exit(2);
	}
	if (!S_ISDIR(st.st_mode)) {
		run_file(path);
		return;
	}
	d = opendir(path);
	if (!d) {
		perror(path);
		exit(2);
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		run_path(sub);
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/');
	int i;

	for (i = 1; i < argc; i++)
		run_path(argv[i]);
	printf("%s: replayed %lu inputs (and their prefixes), ok\n",
	       name ? name + 1 : argv[0], nfiles);
	return 0;
}
