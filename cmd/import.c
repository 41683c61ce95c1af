/* import.c: placeholder until its owner lands it. */
#include "rollcall/cmd.h"

int
cmd_import(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	return error("import: not built yet");
}
