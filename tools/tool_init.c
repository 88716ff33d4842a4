/*
 * minqing init: makes a store folder with its LMDB environment, the node's
 * key pair (secret key 0600) and minqing.conf, and prints the public key.
 * An existing store is never touched.  With --shared, or in a folder that
 * already has the setgid bit, the store is shared with the folder's group:
 * folder 02770, key 0640, the rest 0660.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include "tools/tool.h"

/*
 * Makes dir a shared store folder.  A folder this call made is the group's
 * alone (02770); one that was there keeps what it grants the world.  The
 * kernel drops the setgid bit for an owner outside the folder's group.
 */
static void
share_folder(const char *dir, int made)
{
	struct stat	sb;
	mode_t		mode;

	if (stat(dir, &sb) == -1)
		tool_die(TOOL_EXIT_FAIL, "%s: %s", dir, strerror(errno));
	mode = made ? 02770 : (sb.st_mode & 07777) | S_ISGID | S_IRWXG;
	if ((sb.st_mode & 07777) != mode && chmod(dir, mode) == -1)
		tool_die(TOOL_EXIT_FAIL, "%s: %s", dir, strerror(errno));
	if (!store_shared(dir, NULL)) {
		(void)chmod(dir, sb.st_mode & 07777);
		tool_die(TOOL_EXIT_FAIL, "%s: cannot make it a shared folder "
		    "(the kernel cleared the setgid bit: you are not in the "
		    "folder's group)", dir);
	}
}

static void
write_conf(const char *dir, const char *node, int hub)
{
	char	path[4096];
	FILE	*fp;
	int	fd;

	snprintf(path, sizeof(path), "%s/%s", dir, CONF_FILE);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    tool_conf_mode(dir))) == -1 || (fp = fdopen(fd, "w")) == NULL)
		tool_die(TOOL_EXIT_FAIL, "%s: %s", path, strerror(errno));
	fprintf(fp, "; minqing node configuration: see minqing.conf(5)\n"
	    "[node]\nid = %s\n\n", node);
	if (hub)
		fprintf(fp, "; where to accept pushes from branches\n"
		    "[listen]\naddress = 127.0.0.1:8443\n"
		    ";tls_cert = /etc/minqing/tls.crt\n"
		    ";tls_key = /etc/minqing/tls.key\n\n");
	else
		fprintf(fp, "; where to push (set with: minqing upstream set)\n"
		    ";[upstream]\n;url = https://hub.example:8443\n\n");
	fprintf(fp, "[sync]\ninterval = 30s\nmax_backoff = 10m\n"
	    "batch_entries = 5000\nbatch_bytes = 4M\n\n"
	    "[report]\nreply_days = 30\n");
	if (fflush(fp) != 0 || fsync(fd) != 0 || fclose(fp) != 0)
		tool_die(TOOL_EXIT_FAIL, "%s: %s", path, strerror(errno));
}

int
tool_init(struct tool *t, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "node", required_argument, NULL, 'n' },
		{ "hub", no_argument, NULL, 'H' },
		{ "shared", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 }
	};
	struct sync_key		*key = NULL;
	struct stat		 sb;
	char			 path[4096], err[512], pub[SYNC_PK_B64];
	const char		*node = NULL;
	enum store_status	 rc;
	int			 ch, hub = 0, shared = 0, made;
	cJSON			*o;

	while ((ch = tool_getopt(t, "init", argc, argv, "n:", longopts)) !=
	    -1) {
		switch (ch) {
		case 'n':
			node = optarg;
			break;
		case 'H':
			hub = 1;
			break;
		case 'S':
			shared = 1;
			break;
		}
	}
	if (optind != argc || node == NULL)
		tool_usage("init", TOOL_EXIT_USAGE);
	if (!store_valid_node(node))
		tool_die(TOOL_EXIT_USAGE, "--node: \"%s\" is not a node id "
		    "([a-z0-9-], 1 to 32)", node);
	made = mkdir(t->dir, shared ? 0770 : 0750) == 0;
	if (!made && errno != EEXIST)
		tool_die(TOOL_EXIT_FAIL, "%s: %s", t->dir, strerror(errno));
	snprintf(path, sizeof(path), "%s/data.mdb", t->dir);
	if (stat(path, &sb) == 0)
		tool_die(TOOL_EXIT_FAIL, "%s: already a minqing store", t->dir);
	snprintf(path, sizeof(path), "%s/%s", t->dir, CONF_FILE);
	if (stat(path, &sb) == 0)
		tool_die(TOOL_EXIT_FAIL, "%s: already exists", path);
	/* A folder made in a setgid folder inherits the bit: shared too. */
	if (shared || (made && store_shared(t->dir, NULL)))
		share_folder(t->dir, made);
	tool_share(t->dir);
	if (access(t->dir, W_OK) == -1)
		tool_die(TOOL_EXIT_FAIL, "%s: %s", t->dir, strerror(errno));
	if (sync_key_generate(&key) != SYNC_OK)
		tool_die(TOOL_EXIT_FAIL, "out of memory");
	if (sync_key_save(key, t->dir, err, sizeof(err)) != SYNC_OK)
		tool_die(TOOL_EXIT_FAIL, "%s", err);
	write_conf(t->dir, node, hub);
	if ((rc = store_open(t->dir, STORE_CREATE, &t->st)) != STORE_OK)
		tool_die_store(t, rc, "create store");
	sync_key_public(key, pub);
	sync_key_free(key);
	if (t->json) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "node", node);
		cJSON_AddStringToObject(o, "key", pub);
		tool_print_json(o);
	} else
		puts(pub);
	return 0;
}
