/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Telemetry commands: the table of registered commands (kept sorted, as
 * DPDK lists them), the three every process answers ("/", "/info",
 * "/help"), the greeting, and the running of one request as DPDK 22.11's
 * client_handler() runs it: the command is what comes before the first
 * comma, the parameters what follows it; a command no one registered, or
 * one of PRT_TEL_MAX_CMD_LEN bytes or more, answers null.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "telemetry_private.h"

PRT_LOG_REGISTER(telemetry_logtype, telemetry, NOTICE)

/* What "/info" and the greeting call the library, as DPDK's rte_version(). */
#define TELEMETRY_VERSION "prt " PRT_VERSION

struct tel_cmd {
	char name[PRT_TEL_MAX_CMD_LEN];
	prt_telemetry_cb fn;
	char help[PRT_TEL_MAX_STRING_LEN];
};

/* Sorted by name; protected by cmds_lock. */
static struct tel_cmd *cmds;
static unsigned int nb_cmds;
static pthread_mutex_t cmds_lock = PTHREAD_MUTEX_INITIALIZER;

static bool valid_cmd(const char *cmd)
{
	size_t len = strnlen(cmd, PRT_TEL_MAX_CMD_LEN);

	if (len == 0 || len >= PRT_TEL_MAX_CMD_LEN || cmd[0] != '/')
		return false;
	for (const char *p = cmd; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= 'A' && *p <= 'Z') || *p == '_' || *p == '/'))
			return false;
	return true;
}

int prt_telemetry_register_cmd(const char *cmd, prt_telemetry_cb fn, const char *help)
{
	struct tel_cmd *n;
	unsigned int i;
	int ret = 0;

	if (cmd == NULL || fn == NULL || help == NULL || !valid_cmd(cmd) ||
	    strnlen(help, PRT_TEL_MAX_STRING_LEN) >= PRT_TEL_MAX_STRING_LEN)
		return -EINVAL;
	pthread_mutex_lock(&cmds_lock);
	for (i = 0; i < nb_cmds && strcmp(cmds[i].name, cmd) < 0; i++)
		;
	if (i < nb_cmds && strcmp(cmds[i].name, cmd) == 0) {
		ret = -EEXIST;
		goto out;
	}
	n = realloc(cmds, sizeof(*cmds) * (nb_cmds + 1));
	if (n == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	cmds = n;
	memmove(&cmds[i + 1], &cmds[i], sizeof(*cmds) * (nb_cmds - i));
	snprintf(cmds[i].name, sizeof(cmds[i].name), "%s", cmd);
	snprintf(cmds[i].help, sizeof(cmds[i].help), "%s", help);
	cmds[i].fn = fn;
	nb_cmds++;
out:
	pthread_mutex_unlock(&cmds_lock);
	return ret;
}

/* The command named @p cmd (@p help filled when not NULL), or NULL. */
static prt_telemetry_cb cmd_find(const char *cmd, char help[PRT_TEL_MAX_STRING_LEN])
{
	prt_telemetry_cb fn = NULL;

	pthread_mutex_lock(&cmds_lock);
	for (unsigned int i = 0; i < nb_cmds; i++) {
		if (strcmp(cmds[i].name, cmd) == 0) {
			fn = cmds[i].fn;
			if (help)
				memcpy(help, cmds[i].help, PRT_TEL_MAX_STRING_LEN);
			break;
		}
	}
	pthread_mutex_unlock(&cmds_lock);
	return fn;
}

/* "/": the commands, sorted. */
static int list_commands(const char *cmd, const char *params, struct prt_tel_data *d)
{
	(void)cmd;
	(void)params;
	prt_tel_data_start_array(d, PRT_TEL_STRING_VAL);
	pthread_mutex_lock(&cmds_lock);
	for (unsigned int i = 0; i < nb_cmds; i++)
		prt_tel_data_add_array_string(d, cmds[i].name);
	pthread_mutex_unlock(&cmds_lock);
	return 0;
}

/* "/info": what the greeting says. */
static int json_info(const char *cmd, const char *params, struct prt_tel_data *d)
{
	(void)cmd;
	(void)params;
	prt_tel_data_start_dict(d);
	prt_tel_data_add_dict_string(d, "version", TELEMETRY_VERSION);
	prt_tel_data_add_dict_int(d, "pid", getpid());
	prt_tel_data_add_dict_int(d, "max_output_len", PRT_TEL_MAX_OUTPUT_LEN);
	return 0;
}

/*
 * "/help,<cmd>": {"<cmd>": "<help>"}; without a parameter, its own help as
 * a string (DPDK's shapes). An unknown command answers null.
 */
static int command_help(const char *cmd, const char *params, struct prt_tel_data *d)
{
	char help[PRT_TEL_MAX_STRING_LEN];

	if (cmd_find(params ? params : cmd, help) == NULL)
		return -ENOENT;
	if (params == NULL)
		return prt_tel_data_string(d, help);
	prt_tel_data_start_dict(d);
	/* A registered name is a valid dictionary key. */
	return prt_tel_data_add_dict_string(d, params, help);
}

__attribute__((constructor)) static void telemetry_builtin_cmds(void)
{
	prt_telemetry_register_cmd("/", list_commands,
				   "Returns list of available commands, Takes no parameters");
	prt_telemetry_register_cmd("/info", json_info,
				   "Returns DPDK Telemetry information. Takes no parameters");
	prt_telemetry_register_cmd("/help", command_help,
				   "Returns help text for a command. Parameters: string command");
}

size_t telemetry_greeting(char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "{\"version\":\"%s\",\"pid\":%d,\"max_output_len\":%d}",
			 TELEMETRY_VERSION, (int)getpid(), PRT_TEL_MAX_OUTPUT_LEN);

	return n < 0 ? 0 : PRT_MIN((size_t)n, cap - 1);
}

size_t telemetry_handle(const char *req, size_t len, char *buf, size_t cap)
{
	/* As DPDK: a request is read into 1 KiB; the rest of a longer one is lost. */
	char msg[1024];
	struct prt_tel_data d = { 0 };
	const char *cmd, *params = NULL;
	prt_telemetry_cb fn = NULL;
	char *comma;
	size_t n;

	len = PRT_MIN(len, sizeof(msg) - 1);
	memcpy(msg, req, len);
	msg[len] = '\0';
	/* strtok(msg, ",") then strtok(NULL, ""), as DPDK: leading commas skipped. */
	cmd = msg + strspn(msg, ",");
	comma = strchr(cmd, ',');
	if (comma != NULL) {
		*comma = '\0';
		if (comma[1] != '\0')
			params = comma + 1;
	}
	if (strlen(cmd) < PRT_TEL_MAX_CMD_LEN)
		fn = cmd_find(cmd, NULL);
	if (fn == NULL || fn(cmd, params, &d) < 0)
		tel_data_release(&d); /* null */
	n = tel_json_answer(cmd, &d, buf, cap);
	tel_data_release(&d);
	return n;
}
