/* review_remind.c: placeholder until its owner lands it. */
#include "rollcall/cmd.h"

int
review_remind(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	return error("review remind: not built yet");
}
