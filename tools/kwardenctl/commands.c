// SPDX-License-Identifier: GPL-2.0
/*
 * kwardenctl's commands, in one table: name, handler and help text. main()
 * dispatches through it; "kwardenctl help" and "--help" print every
 * entry's text, "kwardenctl COMMAND --help" and "kwardenctl help COMMAND"
 * one entry's. The man page kwardenctl(8) lists the same commands
 * (tools/help-check compares).
 */
#include <stdio.h>
#include <string.h>
#include "compiler.h"
#include "key.h"
#include "kwardenctl.h"
#include "proto.h"

#define STR_(x)	#x
#define STR(x)	STR_(x)

static const struct command commands[] = {
	{ "status", cmd_plain,
	  "  status                 kwardend, kwarden.ko and BPF state\n" },
	{ "alerts", cmd_alerts,
	  "  alerts [--since T] [--kind K] [--module M] [--follow]\n"
	  "                         alerts from the journal, oldest first;\n"
	  "                         T is RFC 3339 (2026-11-26T10:00:00Z) or an\n"
	  "                         age such as 30s, 15m, 2h, 7d\n" },
	{ "scan", cmd_plain,
	  "  scan                   run one full kwarden.ko integrity scan now\n" },
	{ "unlock", cmd_unlock,
	  "  unlock [--for S] [--key-file F]\n"
	  "                         stand the self-protection aside for S seconds\n"
	  "                         (default " STR(KW_UNLOCK_DEFAULT_S) ", at most "
	  STR(KW_UNLOCK_MAX_S) ") so that kwardend can be\n"
	  "                         stopped and kwarden.ko unloaded; F is the unlock\n"
	  "                         key (default " KW_KEY_PATH ")\n" },
	{ "lock", cmd_plain,
	  "  lock                   restore the self-protection now\n" },
	{ "modules", cmd_modules,
	  "  modules                every module: size, hash, signature, taints,\n"
	  "                         faults, hooks owned, verdict, load time\n" },
	{ "module", cmd_module,
	  "  module show NAME       one module's facts: sections, parameters,\n"
	  "                         holders, drivers, hooks, faults, block\n" },
	{ "disable", cmd_block,
	  "  disable NAME [--dry-run] [--reason R]\n"
	  "                         unload NAME safely (devices unbound, never\n"
	  "                         forced) and block its reload, or contain it\n"
	  "                         when it cannot be unloaded (reload blocked,\n"
	  "                         data restored, its device files useless);\n"
	  "                         refused if in use and unloadable\n" },
	{ "quarantine", cmd_block,
	  "  quarantine NAME [--reason R]\n"
	  "                         block NAME from loading, leave it loaded\n" },
	{ "release", cmd_block,
	  "  release NAME           lift the block of NAME\n" },
	{ "top", cmd_top,
	  "  top [--interval S] [--iterations N]\n"
	  "                         live view of faults and hooks per module\n" },
	{ "policy", cmd_policy,
	  "  policy show            the module-load policy in force\n"
	  "  policy check [--offline] FILE\n"
	  "                         validate FILE, and evaluate the loaded modules,\n"
	  "                         kwarden and the last healthy boot's modules\n"
	  "  policy learn [--hash] [-o OUT]\n"
	  "                         an allowlist of the loaded modules (audit mode)\n"
	  "  policy apply [--now] FILE\n"
	  "                         check FILE, store it as a new version, audit first\n"
	  "                         (--now: a mode enforce file is enforced at once)\n"
	  "  policy history         the stored versions and the stage of the current one\n"
	  "  policy rollback [VERSION]\n"
	  "                         put VERSION (default: the previous one) back\n" },
};

static const char options[] =
	"Options:\n"
	"  -j, --json             machine output: `alerts` and `modules` print\n"
	"                         one object per line, the others (and `top`,\n"
	"                         once) one object\n"
	"  -s, --socket PATH      control socket (default " KW_CONTROL_SOCKET ")\n"
	"  -h, --help             this help (after a command: that command's)\n";

static const char exits[] =
	"Exit status:\n"
	"  0   success (status: kwardend is running)\n"
	"  1   error talking to kwardend, or kwardend refused the request\n"
	"  3   status: kwardend is not running (LSB)\n"
	"  2   policy check/apply: a loaded module, kwarden or a module of the\n"
	"      last healthy boot would be denied\n"
	"  4   permission denied: only root may (LSB)\n"
	"  64  usage error: unknown command, option or bad argument\n"
	"  65  policy check/apply: the file is not a valid policy\n";

void print_usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: kwardenctl [--json] [--socket PATH] COMMAND [ARGS]\n\nCommands:\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fputs(commands[i].help, f);
	fprintf(f, "  help [COMMAND]         this help, or one command's\n\n%s\n%s",
		options, exits);
}

/* The command named name, or NULL */
const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	return NULL;
}

/* One command's entry; EXIT_USAGE if there is no such command */
int print_command_help(const char *name)
{
	const struct command *cmd = find_command(name);

	if (!cmd)
		return usage_error("unknown command '%s'", name);
	printf("Usage: kwardenctl [--json] [--socket PATH] %s ...\n\n", name);
	fputs(cmd->help, stdout);
	printf("\nSee 'kwardenctl help' for the options and exit status, and kwardenctl(8).\n");
	return 0;
}
