/* snapshots.c: placeholder until its owner lands it. */
#include "rollcall/cmd.h"

int
cmd_snapshots(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	return error("snapshots: not built yet");
}

int
cmd_sources(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	return error("sources: not built yet");
}
