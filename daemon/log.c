/*
 * Logging for minqingd: formats one line, escapes control bytes (outside
 * strings may hold any), writes it to stderr in one call.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/log.h"

static int	verbosity;

void
log_init(int verbose)
{
	verbosity = verbose;
}

static void
vlog(const char *prefix, const char *fmt, va_list ap, const char *suffix)
{
	char	 line[1024], out[2100];
	size_t	 i, n = 0;

	vsnprintf(line, sizeof(line), fmt, ap);
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
	vlog("warning: ", fmt, ap, strerror(saved));
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog("warning: ", fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog("", fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	if (verbosity < 1)
		return;
	va_start(ap, fmt);
	vlog("debug: ", fmt, ap, NULL);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	vlog("fatal: ", fmt, ap, strerror(saved));
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog("fatal: ", fmt, ap, NULL);
	va_end(ap);
	exit(1);
}
