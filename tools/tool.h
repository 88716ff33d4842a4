/*
 * The minqing command-line tool: shared state and helpers of its commands.
 * Each command lives in tools/tool_<command>.c and is thin over store/ and
 * sync/.  Exit status: 0 success, 1 failure, 2 usage or input error.
 */
#ifndef TOOL_H
#define TOOL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "store/store.h"
#include "sync/sync.h"
#include "daemon/conf.h"

#define TOOL_EXIT_OK	0
#define TOOL_EXIT_FAIL	1
#define TOOL_EXIT_USAGE	2
#define TOOL_EXIT_UNREACHABLE	3	/* the upstream gave no answer */

struct tool {
	const char	*dir;
	const char	*by;
	int		 json;
	int		 csv;
	struct conf	 conf;
	struct store	*st;
	struct sync_key	*key;
	char		 node[STORE_NODE_MAX + 1];
	char		 mainlog[STORE_LOG_MAX + 1];
	long		 today;
};

struct tool_cmd {
	const char	*name;
	int		(*fn)(struct tool *, int, char **);
	const char	*usage;
};
extern const struct tool_cmd tool_cmds[];

int	tool_init(struct tool *, int, char **);
int	tool_id(struct tool *, int, char **);
int	tool_peer(struct tool *, int, char **);
int	tool_member(struct tool *, int, char **);
int	tool_household(struct tool *, int, char **);
int	tool_import(struct tool *, int, char **);
int	tool_visit(struct tool *, int, char **);
int	tool_request(struct tool *, int, char **);
int	tool_student(struct tool *, int, char **);
int	tool_donation(struct tool *, int, char **);
int	tool_eval(struct tool *, int, char **);
int	tool_report(struct tool *, int, char **);
int	tool_export(struct tool *, int, char **);
int	tool_log(struct tool *, int, char **);
int	tool_verify(struct tool *, int, char **);
int	tool_upstream(struct tool *, int, char **);
int	tool_sync(struct tool *, int, char **);
int	tool_key(struct tool *, int, char **);
/* Finishes or undoes a key rotation that a crash interrupted. */
void	tool_key_recover(struct tool *);

/* Prints "minqing: ..." on stderr and exits with code. */
void	tool_die(int code, const char *, ...)
	    __attribute__((format(printf, 2, 3), noreturn));
/* Dies with the store's detail: 2 for invalid input, else 1. */
void	tool_die_store(struct tool *, enum store_status, const char *what)
	    __attribute__((noreturn));
void	*tool_xcalloc(size_t, size_t);
char	*tool_xstrdup(const char *);

/* The node as sync/ sees it: store, key, id, the keys of nodes above. */
void	tool_sync_node(struct tool *, struct sync_node *);
/*
 * In a shared store folder (store_shared()), opens the group bits of the
 * umask, so that what this process makes there is the group's too.
 */
void	tool_share(const char *dir);
/* The mode of minqing.conf: 0660 in a shared store folder, else 0640. */
int	tool_conf_mode(const char *dir);
/* Opens the configuration and the store; with write also the key. */
void	tool_open(struct tool *, int write);
void	tool_close(struct tool *);

/* Usage line of the command and exit 2 (or 0 for --help). */
void	tool_usage(const char *cmd, int code) __attribute__((noreturn));
/*
 * getopt_long over argv with the command's options plus --json and --help;
 * returns the option, -1 at the end.  Unknown options exit 2 with usage.
 */
struct option;
int	tool_getopt(struct tool *, const char *cmd, int, char **,
	    const char *shortopts, const struct option *);

/* A global id: user-named ids get NODE:, generated ones (R17) NODE-. */
void	tool_qualify(const struct tool *, const char *arg, int generated,
	    char *out);
/* A strict YYYY-MM-DD, or exit 2 naming the option. */
long	tool_date(const char *what, const char *s);
/* The period of a report or list, from --from and --to (or NULL). */
void	tool_query(struct tool *, const char *from, const char *to,
	    struct store_query *);
const char *tool_today(struct tool *, char buf[11]);
/* A text argument: valid UTF-8, no control bytes, or exit 2. */
cJSON	*tool_record(struct tool *, char kind, const char *id);
const char *tool_text(const char *what, const char *s);
/* A comma-separated list as a JSON array; qualify ids when asked. */
cJSON	*tool_list(const struct tool *, const char *s, int qualify);

/* One entry to append: type, body (id filled in when gen is a letter). */
struct tool_entry {
	const char	*type;
	cJSON		*body;
	char		 gen;
	char		 id[STORE_ID_MAX];
};
/*
 * Appends the entries to this node's main log in one durable transaction,
 * with a signed checkpoint of the new head.  Dies on failure.
 */
void	tool_write(struct tool *, struct tool_entry *, size_t);
/* The same into another of this node's logs (HUB/to-BRANCH). */
void	tool_write_to(struct tool *, const char *log, struct tool_entry *,
	    size_t);
/* Signs the head of this node's log in txn (used by bulk writers). */
enum store_status tool_checkpoint(struct tool *, struct store_txn *);
enum store_status tool_checkpoint_log(struct tool *, struct store_txn *,
	    const char *log);

/* Output: JSON, or CSV with the same columns when --csv was given. */
extern int tool_csv_mode;
extern const char *const *tool_csv_head;
extern size_t tool_csv_nhead;
void	tool_csv_columns(char kind);
cJSON	*tool_record_object(char kind, const cJSON *);
void	tool_csv_row(const cJSON *, int header);
void	tool_print_json(cJSON *);		/* takes ownership */
void	tool_print_id(struct tool *, const char *id);
size_t	tool_text_width(const char *);
struct tool_table;
struct tool_table *tool_table_new(size_t ncols, const char *const *heads);
void	tool_table_add(struct tool_table *, const char *const *cells);
void	tool_table_print(struct tool_table *, FILE *);
void	tool_table_free(struct tool_table *);
void	tool_csv_field(FILE *, const char *, int last);
/*
 * Lists the records of kind: a JSON array of their states, or a table of
 * the named fields (arrays joined with commas) under heads.
 */
void	tool_records_print(struct tool *, char kind, size_t nfields,
	    const char *const *fields, const char *const *heads);
/* A field of a record state as text, into buf. */
const char *tool_field_text(const cJSON *, const char *, char *, size_t);

/*
 * The report as one self-contained HTML page, written to path; by is the
 * rows' STORE_BY_*.  On a hub with streets the streets come first.
 */
void	tool_report_html(struct tool *, struct store_txn *,
	    const struct store_report *, const struct store_query *, int by,
	    const char *path);

/*
 * A progress bar on stderr when it is a terminal (count, rate, time left);
 * nothing otherwise.  Start from TOOL_BAR_INIT.
 */
struct tool_bar {
	int		tty;		/* -1: not yet asked */
	uint64_t	start_ms;
};
#define TOOL_BAR_INIT	{ -1, 0 }
void	tool_progress(struct tool_bar *, const char *what, uint64_t done,
	    uint64_t total);

/* CSV reading (RFC 4180). */
struct tool_csv;
struct tool_csv *tool_csv_open(const char *path, char *err, size_t errlen);
/*
 * Reads the next record: returns 1 with fields, 0 at the end, -1 with err
 * naming the line.  Fields stay valid until the next call.
 */
int	tool_csv_next(struct tool_csv *, char ***fields, size_t *n,
	    char *err, size_t errlen);
size_t	tool_csv_line(const struct tool_csv *);
void	tool_csv_close(struct tool_csv *);

#endif /* TOOL_H */
