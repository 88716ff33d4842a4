/*
 * minqingd's log: one line per event on stderr.  warn: an operator must
 * act, or data will not move; info: state changes; debug: per-entry detail,
 * shown with -v.  Names no resident data; control bytes are escaped.
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

#endif /* LOG_H */
