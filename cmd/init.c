/* init.c: placeholder until its owner lands it. */
#include "rollcall/cmd.h"

int
cmd_init(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	return error("init: not built yet");
}
