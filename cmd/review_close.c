/* review_close.c: placeholder until its owner lands it. */
#include "rollcall/cmd.h"

int
review_close(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	return error("review close: not built yet");
}
