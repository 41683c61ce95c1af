/* review_status.c: placeholder until its owner lands it. */
#include "rollcall/cmd.h"

int
review_status(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	return error("review status: not built yet");
}
