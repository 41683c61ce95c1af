/* diff.c: placeholder until its owner lands it. */
#include "rollcall/cmd.h"

int
cmd_diff(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	return error("diff: not built yet");
}
