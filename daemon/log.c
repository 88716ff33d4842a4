/*
 * Logging for minqingd: formats one line, escapes control bytes (outside
 * strings may hold any), writes it to stderr in one call.  When stderr is
 * the journal (JOURNAL_STREAM names its device and inode), each line starts
 * with its syslog priority, "<4>", which journald reads and strips.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "daemon/log.h"

static int	verbosity;
static int	journal;

/* Whether stderr is the stream systemd connected to the journal. */
static int
on_journal(void)
{
	const char		*s;
	char			*end;
	unsigned long long	 dev, ino;
	struct stat		 sb;

	/* "DEV:INO", both decimal (sd_journal_stream_fd(3)). */
	if ((s = getenv("JOURNAL_STREAM")) == NULL || *s < '0' || *s > '9')
		return 0;
	errno = 0;
	dev = strtoull(s, &end, 10);
	if (errno != 0 || *end != ':' || end[1] < '0' || end[1] > '9')
		return 0;
	ino = strtoull(end + 1, &end, 10);
	if (errno != 0 || *end != '\0')
		return 0;
	if (fstat(STDERR_FILENO, &sb) == -1)
		return 0;
	return (unsigned long long)sb.st_dev == dev &&
	    (unsigned long long)sb.st_ino == ino;
}

void
log_init(int verbose)
{
	verbosity = verbose;
	journal = on_journal();
}

static void
vlog(int prio, const char *prefix, const char *fmt, va_list ap,
    const char *suffix)
{
	char	 line[1024], out[2100];
	size_t	 i, n = 0;

	vsnprintf(line, sizeof(line), fmt, ap);
	if (journal)
		n = (size_t)snprintf(out, sizeof(out), "<%d>%s", prio, prefix);
	else
		n = (size_t)snprintf(out, sizeof(out), "%s", prefix);
	for (i = 0; line[i] != '\0' && n + 5 < sizeof(out); i++) {
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			n += (size_t)snprintf(out + n, sizeof(out) - n, "\\x%02x",
			    (unsigned char)line[i]);
		else
			out[n++] = line[i];
	}
	out[n] = '\0';
	if (suffix != NULL)
		n += (size_t)snprintf(out + n, sizeof(out) - n, ": %s",
		    suffix);
	if (n >= sizeof(out) - 1)
		n = sizeof(out) - 2;
	out[n++] = '\n';
	(void)write(STDERR_FILENO, out, n);
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	vlog(LOG_WARNING, "warning: ", fmt, ap, strerror(saved));
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, "warning: ", fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, "", fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	if (verbosity < 1)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, "debug: ", fmt, ap, NULL);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	vlog(LOG_ERR, "fatal: ", fmt, ap, strerror(saved));
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, "fatal: ", fmt, ap, NULL);
	va_end(ap);
	exit(1);
}

void
fatalx_status(int status, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, "fatal: ", fmt, ap, NULL);
	va_end(ap);
	exit(status);
}
