/*
 * minqingd's log: one line per event on stderr.  fatal: the daemon stops
 * (an error); warn: an operator must act, or data will not move; info:
 * state changes; debug: per-entry detail, shown with -v.  Names no resident
 * data; control bytes are escaped.  On the journal each line carries its
 * syslog priority (<3> fatal, <4> warn, <6> info, <7> debug).
 */
#ifndef LOG_H
#define LOG_H

#include <stdarg.h>

void	log_init(int verbose);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
/* fatalx() that exits with status (78 for a configuration error). */
void	fatalx_status(int status, const char *, ...)
	    __attribute__((format(printf, 2, 3), noreturn));

#endif /* LOG_H */
