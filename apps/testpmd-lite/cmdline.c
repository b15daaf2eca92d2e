/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The prompt: lines from a terminal through libedit (editing, history),
 * or from any other stdin as plain lines; each line split into words and
 * matched against the command table, the entry with the most fixed words
 * winning ("start tx_first" over "start"). Bad input (an unknown command,
 * a wrong number of arguments, an over-long line) gets one line saying
 * what would be valid; the session goes on.
 *
 * Input is waited for with poll() in short slices, so that a SIGINT or
 * SIGTERM (tp_quit) ends the session even when the signal went to another
 * thread than the one reading.
 */
#include <errno.h>
#include <histedit.h>
#include <locale.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "cmdline.h"
#include "testpmd.h"

#define PROMPT "testpmd> "
#define LINE_MAX_LEN 512 /* with its NUL */
#define MAX_WORDS 16
#define QUIT_POLL_MS 100
#define HISTORY_SIZE 256

static int cmd_help(unsigned int argc, char **argv);

static const struct tp_cmd cmds[] = {
	{ "start", "", 0, 0, "start forwarding in the current mode", tp_cmd_start },
	{ "start tx_first", "", 0, 0, "send a burst of txonly frames on every stream, then start",
	  tp_cmd_start_tx_first },
	{ "stop", "", 0, 0, "stop forwarding and print its statistics", tp_cmd_stop },
	{ "set fwd", "MODE", 1, 1, "forwarding mode for the next start", tp_cmd_set_fwd },
	{ "set nbcore", "N", 1, 1, "forwarding lcores for the next start", tp_cmd_set_nbcore },
	{ "show config fwd", "", 0, 0, "the streams and the lcores that run them",
	  tp_cmd_show_config_fwd },
	{ "show port info", "all|N", 1, 1, "a port's device, link, modes and queues",
	  tp_cmd_show_port_info },
	{ "show port stats", "all|N", 1, 1,
	  "counters since the last clear, rates since the last show", tp_cmd_show_port_stats },
	{ "show port xstats", "all|N", 1, 1, "extended counters since the last clear",
	  tp_cmd_show_port_xstats },
	{ "clear port stats", "all|N", 1, 1, "count stats and xstats from now",
	  tp_cmd_clear_port_stats },
	{ "set promisc", "all|N on|off", 2, 2, "promiscuous mode", tp_cmd_set_promisc },
	{ "set allmulti", "all|N on|off", 2, 2, "all-multicast mode", tp_cmd_set_allmulti },
	{ "port start", "all|N", 1, 1, "start forwarding ports", tp_cmd_port_start },
	{ "port stop", "all|N", 1, 1, "stop forwarding ports", tp_cmd_port_stop },
	{ "help", "", 0, 0, "this list", cmd_help },
	{ "quit", "", 0, 0, "stop forwarding, close the ports, exit", tp_cmd_quit },
};

static int cmd_help(unsigned int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("Commands (N: a port id; all: every port):\n");
	for (unsigned int i = 0; i < PRT_DIM(cmds); i++) {
		char usage[64];

		snprintf(usage, sizeof(usage), "%s%s%s", cmds[i].words, *cmds[i].args ? " " : "",
			 cmds[i].args);
		printf("  %-34s %s\n", usage, cmds[i].help);
	}
	return 0;
}

/* How many of @words' words the first of the @n tokens are, in order; *all: every one. */
static unsigned int words_matched(const char *words, char **tok, unsigned int n, bool *all)
{
	unsigned int k = 0;

	while (*words) {
		size_t len = strcspn(words, " ");

		if (k == n || strlen(tok[k]) != len || strncmp(tok[k], words, len) != 0) {
			*all = false;
			return k;
		}
		k++;
		words += len;
		words += strspn(words, " ");
	}
	*all = true;
	return k;
}

/* Lists the commands whose first @k words are the first @k tokens. */
static void usage_print(char **tok, unsigned int k)
{
	for (unsigned int i = 0; i < PRT_DIM(cmds); i++) {
		bool all;

		if (words_matched(cmds[i].words, tok, k, &all) == k)
			fprintf(stderr, "  %s%s%s\n", cmds[i].words, *cmds[i].args ? " " : "",
				cmds[i].args);
	}
}

/* Runs one line. @return as a handler (0 for a blank line or a comment). */
static int line_run(char *line)
{
	char *tok[MAX_WORDS], *save = NULL, *w;
	const struct tp_cmd *best = NULL;
	unsigned int n = 0, best_k = 0, near_k = 0;

	for (w = strtok_r(line, " \t\r\n", &save); w; w = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == MAX_WORDS) {
			fprintf(stderr,
				"testpmd-lite: more than %d words: not a command (help lists them)\n",
				MAX_WORDS);
			return -EINVAL;
		}
		tok[n++] = w;
	}
	if (n == 0 || tok[0][0] == '#')
		return 0;
	for (unsigned int i = 0; i < PRT_DIM(cmds); i++) {
		bool all;
		unsigned int k = words_matched(cmds[i].words, tok, n, &all);

		if (all && k > best_k) {
			best = &cmds[i];
			best_k = k;
		}
		near_k = PRT_MAX(near_k, k);
	}
	if (best == NULL) {
		if (near_k == 0) {
			fprintf(stderr,
				"testpmd-lite: unknown command '%s' (help lists the commands)\n",
				tok[0]);
		} else {
			fprintf(stderr, "testpmd-lite: unknown command '%s", tok[0]);
			for (unsigned int i = 1; i <= near_k && i < n; i++)
				fprintf(stderr, " %s", tok[i]);
			fprintf(stderr, "'; the commands that begin so:\n");
			usage_print(tok, near_k);
		}
		return -EINVAL;
	}
	if (n - best_k < best->min_args || n - best_k > best->max_args) {
		fprintf(stderr, "testpmd-lite: %s: %s; usage:\n", best->words,
			n - best_k < best->min_args ? "missing arguments" : "too many arguments");
		usage_print(tok, best_k);
		return -EINVAL;
	}
	return best->handler(n - best_k, tok + best_k);
}

/* Waits until @fd has input (or its end); -EINTR once a signal asked to quit. */
static int input_wait(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	while (!atomic_load(&tp_quit)) {
		int r = poll(&pfd, 1, QUIT_POLL_MS);

		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
	}
	return -EINTR;
}

/* Says that a line was too long (with its newline, a buffer's worth); @buf becomes blank. */
static int too_long(char *buf)
{
	fprintf(stderr, "testpmd-lite: a line of more than %d characters: ignored\n",
		LINE_MAX_LEN - 2);
	buf[0] = '\0';
	return 1;
}

/* ---- a terminal: libedit ---- */

static EditLine *el;
static History *hist;

static char *prompt(EditLine *e)
{
	(void)e;
	return (char *)PROMPT;
}

/* libedit's character source: one character from stdin, or -1 once a signal asked to quit. */
static int tty_getc(EditLine *e, wchar_t *wc)
{
	mbstate_t st;

	(void)e;
	memset(&st, 0, sizeof(st));
	for (;;) {
		char c;
		ssize_t n;
		size_t k;

		if (input_wait(STDIN_FILENO) < 0)
			return -1;
		n = read(STDIN_FILENO, &c, 1);
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		k = mbrtowc(wc, &c, 1, &st);
		if (k == (size_t)-2)
			continue; /* more bytes of one character */
		if (k == (size_t)-1)
			*wc = L'?'; /* not a character here: shown as '?', no command has it */
		return 1;
	}
}

static int tty_open(void)
{
	HistEvent ev;

	setlocale(LC_CTYPE, ""); /* the terminal's characters, for libedit's display */
	el = el_init("testpmd-lite", stdin, stdout, stderr);
	hist = history_init();
	if (el == NULL || hist == NULL) {
		fprintf(stderr, "testpmd-lite: cannot set up libedit's line editing\n");
		return -ENOMEM;
	}
	history(hist, &ev, H_SETSIZE, HISTORY_SIZE);
	history(hist, &ev, H_SETUNIQUE, 1);
	el_set(el, EL_EDITOR, "emacs");
	el_set(el, EL_PROMPT, prompt);
	el_set(el, EL_HIST, history, hist);
	el_set(el, EL_GETCFN, tty_getc);
	return 0;
}

static void tty_close(void)
{
	if (el)
		el_end(el);
	if (hist)
		history_end(hist);
	el = NULL;
	hist = NULL;
}

/* One line into @buf; 1, 0 at the end of input, -EINTR on a signal. */
static int tty_read(char *buf, size_t len)
{
	int count = 0;
	const char *line = el_gets(el, &count);
	HistEvent ev;

	if (line == NULL || count <= 0)
		return atomic_load(&tp_quit) ? -EINTR : 0;
	if (strlen(line) >= len)
		return too_long(buf);
	if (strspn(line, " \t\r\n") != strlen(line))
		history(hist, &ev, H_ENTER, line);
	snprintf(buf, len, "%s", line);
	return 1;
}

/* ---- anything else: plain lines ---- */

static char pending[LINE_MAX_LEN];
static size_t nb_pending;

/* One line into @buf (LINE_MAX_LEN bytes); 1, 0 at the end of input, -EINTR on a signal. */
static int plain_read(char *buf)
{
	bool skipping = false; /* the rest of a line too long for @pending */

	fputs(PROMPT, stdout);
	fflush(stdout);
	for (;;) {
		char *nl = memchr(pending, '\n', nb_pending);
		ssize_t n;
		int ret;

		if (nl) {
			size_t len = (size_t)(nl - pending);

			memcpy(buf, pending, len);
			buf[len] = '\0';
			nb_pending -= len + 1;
			memmove(pending, nl + 1, nb_pending);
			return skipping ? too_long(buf) : 1;
		}
		if (nb_pending == sizeof(pending) - 1) {
			skipping = true;
			nb_pending = 0;
		}
		ret = input_wait(STDIN_FILENO);
		if (ret < 0)
			return ret;
		n = read(STDIN_FILENO, pending + nb_pending, sizeof(pending) - 1 - nb_pending);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) { /* the end (or a read error: the same for a session) */
			if (skipping)
				return too_long(buf);
			if (nb_pending == 0)
				return 0;
			memcpy(buf, pending, nb_pending); /* a last line without its newline */
			buf[nb_pending] = '\0';
			nb_pending = 0;
			return 1;
		}
		nb_pending += (size_t)n;
	}
}

int tp_cmdline_run(void)
{
	bool tty = isatty(STDIN_FILENO);
	char line[LINE_MAX_LEN];

	if (tty && tty_open() < 0) {
		tty_close();
		return -ENOMEM;
	}
	for (;;) {
		int r = tty ? tty_read(line, sizeof(line)) : plain_read(line);

		if (r <= 0) {
			printf("\n%s\n", r == -EINTR ? "signal received: quitting" :
						       "end of input: quitting");
			break;
		}
		if (line_run(line) == TP_CMD_QUIT)
			break;
	}
	if (tp_fwd_running())
		tp_cmd_stop(0, NULL);
	tp_cmd_port_release();
	if (tty)
		tty_close();
	printf("Bye...\n");
	return 0;
}
