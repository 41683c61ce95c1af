/* connector.c: the registry of source types (see connector.h). */
#include <string.h>

#include "rollcall/connector.h"

extern const struct connector_ops ldap_connector;
extern const struct connector_ops ad_connector;
extern const struct connector_ops csv_connector;
extern const struct connector_ops entra_connector;
extern const struct connector_ops github_connector;
extern const struct connector_ops google_connector;
extern const struct connector_ops okta_connector;
extern const struct connector_ops scim_connector;
extern const struct connector_ops slack_connector;

static const struct connector_ops *const drivers[] = {
	&ad_connector,
	&csv_connector,
	&entra_connector,
	&github_connector,
	&google_connector,
	&ldap_connector,
	&okta_connector,
	&scim_connector,
	&slack_connector,
};

static const char *const types[] = {
	"ad", "csv", "entra", "github", "google", "ldap", "okta", "scim",
	"slack", NULL,
};

/* Drivers added at run time (the tests' fake connector). */
static const struct connector_ops *extra[4];
static size_t nextra;

void
connector_add(const struct connector_ops *ops)
{
	if (nextra < ARRAY_SIZE(extra))
		extra[nextra++] = ops;
}

const struct connector_ops *
connector_find(const char *type)
{
	size_t i;

	for (i = 0; type && i < ARRAY_SIZE(drivers); i++)
		if (strcmp(drivers[i]->type, type) == 0)
			return drivers[i];
	for (i = 0; type && i < nextra; i++)
		if (strcmp(extra[i]->type, type) == 0)
			return extra[i];
	return NULL;
}

const char *const *
connector_types(void)
{
	return types;
}
