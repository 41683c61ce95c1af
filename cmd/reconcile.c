/* reconcile.c: placeholder until its owner lands it. */
#include "rollcall/cmd.h"

int
cmd_reconcile(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	return error("reconcile: not built yet");
}
