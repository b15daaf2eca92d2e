/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * testpmd-lite -i: dpdk-testpmd's prompt and its commonest commands. A
 * command is one entry of a table (cmdline.c): its fixed words ("show port
 * stats"), its arguments, its help, and its handler, which gets the words
 * after the fixed ones. Handlers run on the main lcore, while the
 * forwarding lcores may be running.
 */
#ifndef TP_CMDLINE_H
#define TP_CMDLINE_H

/** A handler's return to end the session (quit). */
#define TP_CMD_QUIT 1

/** One command of the table. */
struct tp_cmd {
	const char *words; /**< the fixed words, one space apart: "show port stats" */
	const char *args; /**< the arguments as help shows them ("all|N"); "" for none */
	unsigned int min_args; /**< fewest arguments after the words */
	unsigned int max_args; /**< most arguments after the words */
	const char *help; /**< one line */
	/**
	 * Runs the command with its @p argc arguments @p argv (between
	 * min_args and max_args, each a non-empty word).
	 * @return 0; TP_CMD_QUIT to end the session; a negative errno after
	 *         one line on stderr saying what was wrong (the session goes on).
	 */
	int (*handler)(unsigned int argc, char **argv);
};

/**
 * Reads commands from stdin until `quit`, its end, or SIGINT/SIGTERM, and
 * runs them; stops forwarding first if it runs. A terminal gets the prompt
 * `testpmd> ` with libedit's line editing and history; any other stdin (a
 * pipe, a file) is read line by line, with the same prompt written before
 * each. Blank lines and lines starting with '#' are skipped. Main lcore,
 * after the ports are started.
 * @return 0; -ENOMEM when libedit cannot be set up.
 */
int tp_cmdline_run(void);

/* The handlers (cmd_fwd.c, cmd_port.c), as the table in cmdline.c names them. */
int tp_cmd_start(unsigned int argc, char **argv);
int tp_cmd_start_tx_first(unsigned int argc, char **argv);
int tp_cmd_stop(unsigned int argc, char **argv);
int tp_cmd_set_fwd(unsigned int argc, char **argv);
int tp_cmd_set_nbcore(unsigned int argc, char **argv);
int tp_cmd_show_config_fwd(unsigned int argc, char **argv);
int tp_cmd_quit(unsigned int argc, char **argv);
int tp_cmd_show_port_info(unsigned int argc, char **argv);
int tp_cmd_show_port_stats(unsigned int argc, char **argv);
int tp_cmd_show_port_xstats(unsigned int argc, char **argv);
int tp_cmd_clear_port_stats(unsigned int argc, char **argv);
int tp_cmd_set_promisc(unsigned int argc, char **argv);
int tp_cmd_set_allmulti(unsigned int argc, char **argv);
int tp_cmd_port_start(unsigned int argc, char **argv);
int tp_cmd_port_stop(unsigned int argc, char **argv);

/** Frees what the port commands hold (their `clear port stats` snapshots). */
void tp_cmd_port_release(void);

#endif /* TP_CMDLINE_H */
