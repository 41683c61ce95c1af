/* log.c: placeholder until its owner lands it. */
#include "rollcall/cmd.h"

int
cmd_log(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	return error("log: not built yet");
}
