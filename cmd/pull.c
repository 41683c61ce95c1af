/* pull.c: placeholder until its owner lands it. */
#include "rollcall/cmd.h"

int
cmd_pull(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	return error("pull: not built yet");
}
