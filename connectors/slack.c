/* slack.c: placeholder until its owner lands it. */
#include "rollcall/connector.h"

static int
ph_open(struct connector *c, const struct source_cfg *s, struct errbuf *err)
{
	(void)c;
	(void)s;
	err_set(err, "source type 'slack' is not built yet");
	return -1;
}

static int
ph_next(struct connector *c, struct record *r, struct errbuf *err)
{
	(void)c;
	(void)r;
	(void)err;
	return 0;
}

static void
ph_close(struct connector *c)
{
	(void)c;
}

const struct connector_ops slack_connector = {
	.type = "slack", .open = ph_open, .next = ph_next, .close = ph_close,
};
