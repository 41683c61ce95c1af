/* connector.c: the registry of source types (see connector.h). */
#include <string.h>

#include "rollcall/connector.h"

extern const struct connector_ops ldap_connector;
extern const struct connector_ops ad_connector;
extern const struct connector_ops csv_connector;

static const struct connector_ops *const drivers[] = {
	&ad_connector,
	&csv_connector,
	&ldap_connector,
};

static const char *const types[] = { "ad", "csv", "ldap", NULL };

const struct connector_ops *
connector_find(const char *type)
{
	size_t i;

	for (i = 0; type && i < ARRAY_SIZE(drivers); i++)
		if (strcmp(drivers[i]->type, type) == 0)
			return drivers[i];
	return NULL;
}

const char *const *
connector_types(void)
{
	return types;
}
