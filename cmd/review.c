/* review.c: placeholder until its owner lands it. */
#include "rollcall/cmd.h"

int
cmd_review(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	return error("review: not built yet");
}
