/* review_import.c: placeholder until its owner lands it. */
#include "rollcall/cmd.h"

int
review_import(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	return error("review import: not built yet");
}
