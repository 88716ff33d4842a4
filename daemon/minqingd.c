/*
 * minqingd: the node's daemon.  Its configuration sets its role: with
 * [listen] it accepts pushes (hub), with [upstream] it pushes its logs and
 * pulls what is addressed to it (branch), with both it relays.  Runs in
 * the foreground, logs to stderr, stops on SIGTERM or SIGINT, re-reads its
 * configuration on SIGHUP (a bad one keeps the old).  A bad configuration
 * at start exits EX_CONFIG (78), which the unit does not restart.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "daemon/conf.h"
#include "daemon/daemon.h"
#include "daemon/log.h"
#include "store/store.h"
#include "sync/sync.h"

#define TICK_MS		200
#define MIN_GAP_MS	1000	/* between two cycles woken by writes */
#define EXIT_CONFIG	78	/* EX_CONFIG of sysexits(3) */
#define USAGE		"usage: minqingd [-hVv] [-d DIR] [--check-config]"

static volatile sig_atomic_t	quit, reload;

/* Tells systemd (Type=notify) how the daemon is; nothing without it. */
static void __attribute__((format(printf, 1, 2)))
notify(const char *fmt, ...)
{
#ifdef HAVE_SYSTEMD
	va_list	ap;
	char	buf[512];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	(void)sd_notify(0, buf);
#else
	(void)fmt;
#endif
}

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		reload = 1;
	else
		quit = 1;
}

static void __attribute__((noreturn))
help(void)
{
	printf("%s\n"
	    "  -d, --dir DIR     the store folder (default: $MINQING_DIR, "
	    "else .)\n"
	    "  -v, --verbose     also log per-request detail\n"
	    "  --check-config    check minqing.conf and exit (78 if bad)\n"
	    "  -V, --version     print the version and exit\n"
	    "  -h, --help        print this help and exit\n"
	    "See minqingd(8) and minqing.conf(5).\n", USAGE);
	exit(0);
}

/* Misuse: one line on stderr, exit 2. */
static void __attribute__((noreturn, format(printf, 1, 2)))
misuse(const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "minqingd: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (%s)\n", USAGE);
	exit(2);
}

static uint64_t
mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

#define RETIRED_MAX	8

struct state {
	const char		*dir;
	char			 path[4096];
	struct conf		 conf;
	struct store		*st;
	struct sync_key		*key;
	struct sync_node	 me;
	struct sync_client	*client;
	struct daemon_http	*http;
	uint64_t		 pushes_told;	/* in STATUS */
	/*
	 * Keys replaced by a reload or a rotation are not freed at once: the
	 * listener's thread may be signing with one.  The oldest goes when
	 * RETIRED_MAX newer ones came after it, long after any request.
	 */
	struct sync_key		*retired[RETIRED_MAX];
	size_t			 nretired;
	struct stat		 keyst;		/* node.key as last loaded */
};

static int
stop_cb(void *arg, const char *log, uint64_t done, uint64_t total)
{
	(void)arg;
	if (log != NULL) {
		if (done == total)
			log_info("pushed %s up to seq %" PRIu64, log, done);
		else
			log_debug("push %s: %" PRIu64 " of %" PRIu64, log,
			    done, total);
		notify("STATUS=pushing %s: %" PRIu64 " of %" PRIu64, log, done,
		    total);
	}
	return quit != 0;
}

/* Local time of a wall clock in ms, for STATUS. */
static void
format_ms(uint64_t at_ms, char *buf, size_t len)
{
	time_t		t = (time_t)(at_ms / 1000);
	struct tm	tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

/*
 * STATUS: what the node does, and how the last of it went.  A hub: the
 * last push it took and the entries taken since start; a branch: the last
 * sync and what is still pending; a relay: both.
 */
static void
notify_status(struct state *s)
{
	struct sync_status_info		si;
	struct daemon_http_stats	hs;
	char				hub[512] = "", up[512] = "", when[32];

	if (s->http != NULL) {
		daemon_http_stats(s->http, &hs);
		s->pushes_told = hs.pushes;
		if (hs.pushes == 0)
			snprintf(hub, sizeof(hub), "listening on %s; no push "
			    "received yet", s->conf.listen_address);
		else {
			format_ms(hs.last_at_ms, when, sizeof(when));
			snprintf(hub, sizeof(hub), "listening on %s; last push "
			    "received: %s at %s; %" PRIu64 " entries taken "
			    "since start", s->conf.listen_address, hs.last_log,
			    when, hs.entries);
		}
	}
	if (s->client != NULL) {
		if (sync_status_read(&s->me, &si) != SYNC_OK)
			snprintf(up, sizeof(up), "pushing to %s",
			    s->conf.upstream_url);
		else {
			if (si.last_success_ms != 0)
				format_ms(si.last_success_ms, when,
				    sizeof(when));
			else
				snprintf(when, sizeof(when), "never");
			snprintf(up, sizeof(up), "last sync %s; %" PRIu64
			    " entries pending%s%s", when, si.pending,
			    si.last_error[0] != '\0' ? "; last error: " : "",
			    si.last_error);
		}
	}
	if (hub[0] == '\0' && up[0] == '\0')
		notify("STATUS=idle: no [upstream] or [listen] configured");
	else
		notify("STATUS=%s%s%s", hub, hub[0] != '\0' && up[0] != '\0' ?
		    "; " : "", up);
}

/* Puts key k in place of the one in use, which is retired. */
static void
key_swap(struct state *s, struct sync_key *k)
{
	size_t	i;

	if (s->nretired == RETIRED_MAX) {
		sync_key_free(s->retired[0]);
		for (i = 1; i < RETIRED_MAX; i++)
			s->retired[i - 1] = s->retired[i];
		s->nretired--;
	}
	s->retired[s->nretired++] = s->key;
	s->key = k;
	__atomic_store_n(&s->me.key, k, __ATOMIC_RELEASE);
}

static void
key_stat(struct state *s, struct stat *sb)
{
	char	path[4200];

	snprintf(path, sizeof(path), "%s/node.key", s->dir);
	if (stat(path, sb) != 0)
		memset(sb, 0, sizeof(*sb));
}

/*
 * "minqing key rotate" writes a new node.key while the daemon runs: it is
 * taken up within a second, or the daemon would sign its pulls with a key
 * the hub no longer accepts for this node.
 */
static void
key_watch(struct state *s)
{
	struct sync_key	*k;
	struct stat	 sb;
	char		 err[512];

	key_stat(s, &sb);
	if (sb.st_ino == s->keyst.st_ino && sb.st_size == s->keyst.st_size &&
	    sb.st_mtim.tv_sec == s->keyst.st_mtim.tv_sec &&
	    sb.st_mtim.tv_nsec == s->keyst.st_mtim.tv_nsec)
		return;
	if (sync_key_load(s->dir, &k, err, sizeof(err)) != SYNC_OK) {
		/* Said once per change of the file, not every second. */
		log_warnx("node.key changed but cannot be used: %s; keeping "
		    "the key in use", err);
		s->keyst = sb;
		return;
	}
	s->keyst = sb;
	key_swap(s, k);
	log_info("node.key changed (key rotate): signing with the new key");
}

/* The client for [upstream], or none; -1 with one line in err. */
static int
client_make(struct state *s, char *err, size_t errlen)
{
	struct sync_client_conf	cc;
	struct sync_node	keys;

	sync_client_free(s->client);
	s->client = NULL;
	if (s->conf.upstream_url[0] == '\0')
		return 0;
	/*
	 * daemon_conf_load() decoded them once already.  The listener's
	 * thread reads them (a relay checks streams from above with them), so
	 * they are written only when they change.
	 */
	memset(&keys, 0, sizeof(keys));
	if (sync_node_hub_keys(&keys, s->conf.upstream_hub_key) != 0) {
		snprintf(err, errlen, "[upstream] hub_key: not base64 public "
		    "keys");
		return -1;
	}
	if (keys.nhub_keys != s->me.nhub_keys || memcmp(keys.hub_keys,
	    s->me.hub_keys, sizeof(keys.hub_keys)) != 0) {
		memcpy(s->me.hub_keys, keys.hub_keys, sizeof(keys.hub_keys));
		s->me.nhub_keys = keys.nhub_keys;
	}
	memset(&cc, 0, sizeof(cc));
	cc.url = s->conf.upstream_url;
	cc.cacert = s->conf.upstream_cacert;
	cc.pin = s->conf.upstream_pin;
	cc.allow_http = strncmp(s->conf.upstream_url, "http://", 7) == 0;
	cc.connect_timeout_s = 10;
	cc.low_speed_time_s = 30;
	cc.batch_entries = s->conf.sync_batch_entries;
	cc.batch_bytes = s->conf.sync_batch_bytes;
	if (sync_client_new(&cc, &s->client) != SYNC_OK) {
		snprintf(err, errlen, "upstream %s: cannot set up the client",
		    s->conf.upstream_url);
		return -1;
	}
	return 0;
}

/*
 * SIGHUP: the new configuration and key replace the old only if both are
 * good.  Every way out ends with READY=1, or systemd would wait for the
 * reload to end until its time-out.
 */
static void
do_reload(struct state *s)
{
	struct conf		 c;
	struct sync_key		*k = NULL;
	char			 err[512];

	notify("RELOADING=1");
	if (daemon_conf_load(s->path, &c, err, sizeof(err)) != 0) {
		log_warnx("reload: %s; keeping the old configuration", err);
		goto out;
	}
	if (sync_key_load(s->dir, &k, err, sizeof(err)) != SYNC_OK) {
		log_warnx("reload: %s; keeping the old configuration", err);
		goto out;
	}
	/* The listener was set up at start: what it took stays till restart. */
	if (strcmp(c.node_id, s->conf.node_id) != 0 ||
	    strcmp(c.listen_address, s->conf.listen_address) != 0 ||
	    strcmp(c.listen_tls_cert, s->conf.listen_tls_cert) != 0 ||
	    strcmp(c.listen_tls_key, s->conf.listen_tls_key) != 0 ||
	    c.listen_plain_http != s->conf.listen_plain_http)
		log_warnx("reload: [node] id and [listen] (address, tls_cert, "
		    "tls_key, plain_http) change only on restart");
	snprintf(c.node_id, sizeof(c.node_id), "%s", s->conf.node_id);
	snprintf(c.listen_address, sizeof(c.listen_address), "%s",
	    s->conf.listen_address);
	snprintf(c.listen_tls_cert, sizeof(c.listen_tls_cert), "%s",
	    s->conf.listen_tls_cert);
	snprintf(c.listen_tls_key, sizeof(c.listen_tls_key), "%s",
	    s->conf.listen_tls_key);
	c.listen_plain_http = s->conf.listen_plain_http;
	s->conf = c;
	/* The listener keeps a pointer to me: its key changes in place. */
	key_stat(s, &s->keyst);
	key_swap(s, k);
	if (client_make(s, err, sizeof(err)) != 0)
		log_warnx("reload: %s; upstream disabled until fixed", err);
	log_info("reloaded %s", s->path);
out:
	notify("READY=1");
	notify_status(s);
}

/* Milliseconds to wait after the nth failure in a row: doubling, jittered. */
static uint64_t
backoff_ms(unsigned fails, uint64_t max_ms)
{
	uint64_t	d = 2000;

	while (fails-- > 1 && d < max_ms)
		d *= 2;
	if (d > max_ms)
		d = max_ms;
	return d / 2 + randombytes_uniform((uint32_t)(d / 2 + 1));
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "check-config", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct state		 s;
	struct sigaction	 sa;
	struct sync_limits	 lim;
	struct daemon_http_stats hs;
	enum store_status	 rc;
	char			 err[512];
	uint64_t		 next = 0, now, seen = 0, last_cycle = 0, t;
	uint64_t		 readers_at = 0, swept_at = 0;
	unsigned		 fails = 0;
	int			 ch, verbose = 0, check = 0;

	memset(&s, 0, sizeof(s));
	s.dir = getenv("MINQING_DIR");
	opterr = 0;	/* misuse() says it in one line */
	while ((ch = getopt_long(argc, argv, ":d:hVv", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'd':
			s.dir = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'c':
			check = 1;
			break;
		case 'h':
			help();
		case 'V':
			printf("minqingd %s\n", PACKAGE_VERSION);
			exit(0);
		case ':':
			misuse("%s needs an argument", argv[optind - 1]);
		default:
			if (optopt != 0)
				misuse("unknown option -%c", optopt);
			misuse("unknown option %s", argv[optind - 1]);
		}
	}
	if (optind != argc)
		misuse("unexpected argument \"%s\"", argv[optind]);
	if (s.dir == NULL || *s.dir == '\0')
		s.dir = ".";
	log_init(verbose);
	if (sodium_init() < 0)
		fatalx("libsodium cannot start");
	snprintf(s.path, sizeof(s.path), "%s/%s", s.dir, CONF_FILE);
	/* The same checks as --check-config: a unit's ExecStartPre. */
	if (daemon_conf_load(s.path, &s.conf, err, sizeof(err)) != 0)
		fatalx_status(EXIT_CONFIG, "%s", err);
	if (check) {
		printf("%s: ok\n", s.path);
		return 0;
	}
	/* A shared folder's files are its group's: LMDB asks for 0660. */
	if (store_shared(s.dir, NULL))
		umask(umask(0) & ~S_IRWXG);
	if ((rc = store_open(s.dir, 0, &s.st)) != STORE_OK)
		fatalx("open store %s: %s", s.dir, *store_errmsg(s.st) ?
		    store_errmsg(s.st) : store_strerror(rc));
	key_stat(&s, &s.keyst);
	if (sync_key_load(s.dir, &s.key, err, sizeof(err)) != SYNC_OK)
		fatalx("%s", err);
	s.me.st = s.st;
	s.me.key = s.key;
	snprintf(s.me.node, sizeof(s.me.node), "%s", s.conf.node_id);
	if (client_make(&s, err, sizeof(err)) != 0)
		fatalx("%s", err);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	if (s.conf.listen_address[0] != '\0') {
		lim.max_entries = s.conf.sync_batch_entries;
		lim.max_bytes = s.conf.sync_batch_bytes + 64 * 1024;
		if ((s.http = daemon_http_start(&s.me, &lim,
		    s.conf.listen_address, s.conf.listen_tls_cert,
		    s.conf.listen_tls_key, s.conf.listen_plain_http, err,
		    sizeof(err))) == NULL)
			fatalx("%s", err);
	}
	log_info("minqingd %s started: node %s%s%s", PACKAGE_VERSION,
	    s.conf.node_id, s.http != NULL ? ", listening" : "",
	    s.client != NULL ? ", pushing upstream" : "");
	/* Ready: the store is open and the listener is up. */
	notify("READY=1");
	notify_status(&s);

	while (!quit) {
		if (reload) {
			reload = 0;
			do_reload(&s);
			next = 0;
		}
		now = mono_ms();
		/* Readers killed mid-read leave slots; a minute's sweep. */
		if (now - readers_at >= 60000) {
			readers_at = now;
			if ((ch = store_reader_check(s.st)) > 0)
				log_info("cleared %d stale reader slots", ch);
		}
		/* Late request headers, a rotated key: a second's sweep. */
		if (now - swept_at >= 1000) {
			swept_at = now;
			if (s.http != NULL)
				(void)daemon_http_sweep(s.http);
			key_watch(&s);
		}
		/* Local writes wake the push early, a second apart at least. */
		t = store_last_txn(s.st);
		if (s.client != NULL && t != seen && fails == 0 &&
		    now - last_cycle >= MIN_GAP_MS)
			next = now;
		if (s.client != NULL && now >= next) {
			last_cycle = now;
			if (sync_client_cycle(s.client, &s.me, stop_cb, NULL,
			    err, sizeof(err)) == SYNC_OK) {
				if (fails > 0)
					log_info("sync with %s works again",
					    s.conf.upstream_url);
				fails = 0;
				log_debug("sync cycle done");
				next = mono_ms() + s.conf.sync_interval_s * 1000;
			} else {
				fails++;
				t = backoff_ms(fails,
				    s.conf.sync_max_backoff_s * 1000);
				log_warnx("sync with %s: %s; retry in %" PRIu64
				    " s", s.conf.upstream_url, err, t / 1000);
				next = mono_ms() + t;
			}
			seen = store_last_txn(s.st);
			notify_status(&s);
		} else if (s.http != NULL) {
			daemon_http_stats(s.http, &hs);
			if (hs.pushes != s.pushes_told)
				notify_status(&s);
		}
		usleep(TICK_MS * 1000);
	}
	log_info("stopping");
	notify("STOPPING=1");
	daemon_http_stop(s.http);
	sync_client_free(s.client);
	sync_key_free(s.key);
	while (s.nretired > 0)
		sync_key_free(s.retired[--s.nretired]);
	store_close(s.st);
	return 0;
}
