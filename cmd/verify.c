/* verify.c: placeholder until its owner lands it. */
#include "rollcall/cmd.h"

int
cmd_verify(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	return error("verify: not built yet");
}
