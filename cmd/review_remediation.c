/* review_remediation.c: placeholder until its owner lands it. */
#include "rollcall/cmd.h"

int
review_remediation(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	return error("review remediation: not built yet");
}
