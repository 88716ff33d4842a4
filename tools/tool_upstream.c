/*
 * minqing upstream set: where this node pushes, and whose signatures it
 * trusts on what comes down.  Rewrites the [upstream] section of
 * minqing.conf through a temporary file and a rename, so a crash leaves the
 * old file or the new one, never half of one.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "tools/tool.h"

static void
check_key(const char *k)
{
	unsigned char	pk[SYNC_PK_BYTES];
	size_t		n;

	if (strlen(k) >= SYNC_PK_B64 || sodium_base642bin(pk, sizeof(pk), k,
	    strlen(k), NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    n != sizeof(pk))
		tool_die(TOOL_EXIT_USAGE, "--key: \"%s\" is not a base64 public "
		    "key (as minqing id prints)", k);
}

static void
check_value(const char *what, const char *v)
{
	if (strlen(v) > CONF_STR_MAX - 20 || strpbrk(v, "\n\r;#") != NULL ||
	    !store_text_valid(v, strlen(v)))
		tool_die(TOOL_EXIT_USAGE, "%s: too long, or holds a line break, "
		    "';' or '#'", what);
}

/*
 * Adds --pin's items to pins, joined with ';' as libcurl takes them: each is
 * sha256// and the base64 of a 32-byte digest.
 */
static void
add_pins(char *pins, size_t size, const char *arg)
{
	unsigned char	 d[32];
	char		 buf[CONF_STR_MAX], *p, *item;
	size_t		 n;

	if (strlen(arg) >= sizeof(buf))
		tool_die(TOOL_EXIT_USAGE, "--pin: too long");
	snprintf(buf, sizeof(buf), "%s", arg);
	for (p = buf; (item = strsep(&p, ";")) != NULL; ) {
		if (strncmp(item, "sha256//", 8) != 0 || strlen(item + 8) >= 48 ||
		    sodium_base642bin(d, sizeof(d), item + 8, strlen(item + 8),
		    NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
		    n != sizeof(d))
			tool_die(TOOL_EXIT_USAGE, "--pin: \"%s\" is not "
			    "sha256// and the base64 of a SHA-256 digest", item);
		if (strlen(pins) + strlen(item) + 2 > size)
			tool_die(TOOL_EXIT_USAGE, "--pin: too many pins");
		if (pins[0] != '\0')
			strncat(pins, ";", size - strlen(pins) - 1);
		strncat(pins, item, size - strlen(pins) - 1);
	}
}

/* The file without its [upstream] section, then the new one. */
static void
rewrite(const char *path, const char *section, int mode)
{
	char	 tmp[4200], *line = NULL;
	size_t	 cap = 0;
	ssize_t	 n;
	FILE	*in, *out;
	int	 fd, skip = 0;

	if ((in = fopen(path, "re")) == NULL)
		tool_die(TOOL_EXIT_FAIL, "%s: %s", path, strerror(errno));
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    mode)) == -1 || (out = fdopen(fd, "w")) == NULL)
		tool_die(TOOL_EXIT_FAIL, "%s: %s", tmp, strerror(errno));
	while ((n = getline(&line, &cap, in)) != -1) {
		if (line[0] == '[')
			skip = strncmp(line, "[upstream]", 10) == 0;
		if (!skip)
			fputs(line, out);
	}
	free(line);
	fclose(in);
	fputs(section, out);
	if (fflush(out) != 0 || fsync(fd) != 0 || fclose(out) != 0 ||
	    rename(tmp, path) != 0) {
		unlink(tmp);
		tool_die(TOOL_EXIT_FAIL, "%s: %s", path, strerror(errno));
	}
}

int
tool_upstream(struct tool *t, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "cacert", required_argument, NULL, 'c' },
		{ "pin", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	char		 keys[CONF_STR_MAX] = "", path[4096], section[1024];
	char		 err[512], pins[CONF_STR_MAX - 20] = "";
	const char	*cacert = NULL, *pin = NULL, *url;
	char		*abs = NULL;
	struct conf	 c;
	size_t		 n = 0;
	int		 ch;

	if (argc < 2 || strcmp(argv[1], "set") != 0)
		tool_usage("upstream", TOOL_EXIT_USAGE);
	argc--;
	argv++;
	while ((ch = tool_getopt(t, "upstream", argc, argv, "", longopts)) !=
	    -1) {
		if (ch == 'k') {
			check_key(optarg);
			if (strlen(keys) + strlen(optarg) + 2 >= sizeof(keys) -
			    20 || ++n > SYNC_HUB_KEYS)
				tool_die(TOOL_EXIT_USAGE, "--key: too many keys");
			if (keys[0] != '\0')
				strncat(keys, " ", sizeof(keys) - strlen(keys) -
				    1);
			strncat(keys, optarg, sizeof(keys) - strlen(keys) - 1);
		} else if (ch == 'c')
			cacert = optarg;
		else if (ch == 'p') {
			add_pins(pins, sizeof(pins), optarg);
			pin = pins;
		}
	}
	if (optind + 1 != argc || n == 0)
		tool_usage("upstream", TOOL_EXIT_USAGE);
	url = argv[optind];
	check_value("URL", url);
	if (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)
		tool_die(TOOL_EXIT_USAGE, "URL: \"%s\" is not https://HOST:PORT",
		    url);
	if (cacert != NULL) {
		/* The daemon runs elsewhere: keep the absolute path. */
		if ((abs = realpath(cacert, NULL)) == NULL ||
		    access(abs, R_OK) != 0)
			tool_die(TOOL_EXIT_USAGE, "--cacert: %s: %s", cacert,
			    strerror(errno));
		check_value("--cacert", abs);
		cacert = abs;
	}
	tool_open(t, 0);
	snprintf(path, sizeof(path), "%s/%s", t->dir, CONF_FILE);
	snprintf(section, sizeof(section), "[upstream]\nurl = %s\nhub_key = "
	    "%s\n%s%s%s%s%s%s", url, keys, cacert ? "cacert = " : "",
	    cacert ? cacert : "", cacert ? "\n" : "", pin ? "pin = " : "",
	    pin ? pin : "", pin ? "\n" : "");
	rewrite(path, section, tool_conf_mode(t->dir));
	if (conf_load(path, &c, err, sizeof(err)) != 0)
		tool_die(TOOL_EXIT_FAIL, "%s", err);
	if (strncmp(url, "http://", 7) == 0)
		fprintf(stderr, "minqing: note: plain http is for tests only\n");
	if (t->json)
		tool_print_id(t, url);
	else
		printf("upstream %s\n", url);
	free(abs);
	return 0;
}
