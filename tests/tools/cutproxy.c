/*
 * cutproxy: a TCP relay on 127.0.0.1 that drops the connection after the
 * server has sent N bytes, to test a pull whose server goes away mid-way.
 *
 *	cutproxy UPSTREAM_PORT N PORTFILE
 *
 * Listens on a free port, writes it to PORTFILE, then relays one client
 * at a time to 127.0.0.1:UPSTREAM_PORT until killed.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void
relay(int c, int up, long max)
{
	struct pollfd p[2];
	char buf[16384];
	long sent = 0;
	ssize_t n, want;

	p[0].fd = c;
	p[1].fd = up;
	p[0].events = p[1].events = POLLIN;
	for (;;) {
		if (poll(p, 2, -1) < 0)
			return;
		if (p[0].revents) {
			if ((n = read(c, buf, sizeof(buf))) <= 0 ||
			    write(up, buf, (size_t)n) != n)
				return;
		}
		if (p[1].revents) {
			want = (ssize_t)sizeof(buf);
			if (max - sent < want)
				want = (ssize_t)(max - sent);
			if ((n = read(up, buf, (size_t)want)) <= 0 ||
			    write(c, buf, (size_t)n) != n)
				return;
			if ((sent += n) >= max)
				return;		/* the cut */
		}
	}
}

int
main(int argc, char **argv)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int ls, c, up, one = 1, upport;
	long max;
	FILE *fp;

	if (argc != 4) {
		fprintf(stderr, "usage: cutproxy UPSTREAM_PORT N PORTFILE\n");
		return 1;
	}
	upport = atoi(argv[1]);
	max = atol(argv[2]);
	signal(SIGPIPE, SIG_IGN);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(ls, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(ls, 8) < 0 ||
	    getsockname(ls, (struct sockaddr *)&a, &len) < 0) {
		perror("cutproxy");
		return 1;
	}
	if ((fp = fopen(argv[3], "w")) == NULL) {
		perror(argv[3]);
		return 1;
	}
	fprintf(fp, "%d\n", ntohs(a.sin_port));
	fclose(fp);
	for (;;) {
		if ((c = accept(ls, NULL, NULL)) < 0)
			continue;
		up = socket(AF_INET, SOCK_STREAM, 0);
		a.sin_port = htons((unsigned short)upport);
		if (connect(up, (struct sockaddr *)&a, sizeof(a)) == 0)
			relay(c, up, max);
		close(up);
		close(c);
	}
}
