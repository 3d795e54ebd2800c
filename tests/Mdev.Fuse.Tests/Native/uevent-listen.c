/* uevent-listen: a libudev-style listener on NETLINK_KOBJECT_UEVENT group 2 (the udev daemon's group), for
 * RunCommandTests. Prints "ready" once bound (flushed), then by mode:
 *   watch UUID  one line per message: "ACTION DEVPATH SUBSYSTEM SEQNUM DRIVER=... USEC_INITIALIZED=yes|no", or
 *               "bad-header ..." when the libudev header is wrong (prefix, magic 0xfeedcafe big-endian, header_size,
 *               properties_off 40, properties_len the rest); exits 0 after the remove of the mdev UUID, 2 when nothing
 *               arrives for 60 s (a bound, not a measurement).
 *   count UUID  until stdin closes: counts the messages that name UUID; prints "count N".
 *   stall       never reads (the smallest receive buffer) until stdin closes; then one read, which must fail with
 *               ENOBUFS (the kernel dropped messages for it): prints "ENOBUFS" or what it got.
 * Built with gcc -Wall -Wextra -Werror by the test. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char buf[1 << 16];

/* The value of KEY in the NUL-separated properties, or "". */
static const char *prop(const char *props, size_t len, const char *key)
{
	size_t k = strlen(key);
	for (size_t at = 0; at < len; at += strlen(props + at) + 1)
		if (strncmp(props + at, key, k) == 0 && props[at + k] == '=')
			return props + at + k + 1;
	return "";
}

static int header_ok(ssize_t n)
{
	uint32_t w[8];
	if (n < 40 || memcmp(buf, "libudev", 8) != 0)
		return 0;
	memcpy(w, buf + 8, sizeof w);
	return ntohl(w[0]) == 0xfeedcafeu && w[1] == 40 && w[2] == 40 && w[3] == (uint32_t)(n - 40) && buf[n - 1] == '\0';
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 64;
	const char *mode = argv[1], *uuid = argc > 2 ? argv[2] : "";
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = 2};
	if (strcmp(mode, "stall") == 0) {
		int one = 1;
		setsockopt(s, SOL_SOCKET, SO_RCVBUF, &one, sizeof one);
	}
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof sa) != 0) {
		perror("uevent-listen: socket/bind");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);

	if (strcmp(mode, "stall") == 0) {
		char c;
		while (read(0, &c, 1) > 0)
			;
		ssize_t n = recv(s, buf, sizeof buf, MSG_DONTWAIT);
		printf("%s\n", n < 0 && errno == ENOBUFS ? "ENOBUFS" : n < 0 ? strerror(errno) : "a message");
		return 0;
	}

	int count = 0, counting = strcmp(mode, "count") == 0;
	struct pollfd p[2] = {{.fd = s, .events = POLLIN}, {.fd = 0, .events = POLLIN}};
	for (;;) {
		int r = poll(p, counting ? 2 : 1, counting ? -1 : 60000);
		if (r == 0) {
			printf("timeout\n");
			return 2;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (counting && (p[1].revents & (POLLIN | POLLHUP))) {
			char c;
			if (read(0, &c, 1) <= 0) {
				ssize_t n;
				while ((n = recv(s, buf, sizeof buf, MSG_DONTWAIT)) > 0)
					count += memmem(buf, (size_t)n, uuid, strlen(uuid)) != NULL;
				printf("count %d\n", count);
				return 0;
			}
		}
		if (!(p[0].revents & POLLIN))
			continue;
		ssize_t n = recv(s, buf, sizeof buf - 1, 0);
		if (n < 0) {
			printf("recv: %s\n", strerror(errno));
			return 1;
		}
		if (counting) {
			count += memmem(buf, (size_t)n, uuid, strlen(uuid)) != NULL;
			continue;
		}
		if (!header_ok(n)) {
			printf("bad-header %.8s len %zd\n", buf, n);
			continue;
		}
		const char *props = buf + 40;
		size_t len = (size_t)n - 40;
		const char *action = prop(props, len, "ACTION"), *devpath = prop(props, len, "DEVPATH"),
			   *subsystem = prop(props, len, "SUBSYSTEM");
		printf("%s %s %s %s DRIVER=%s USEC_INITIALIZED=%s\n", action, devpath, subsystem, prop(props, len, "SEQNUM"),
		       prop(props, len, "DRIVER"), *prop(props, len, "USEC_INITIALIZED") ? "yes" : "no");
		fflush(stdout);
		size_t dl = strlen(devpath), ul = strlen(uuid);
		if (strcmp(action, "remove") == 0 && strcmp(subsystem, "mdev") == 0 && dl >= ul && strcmp(devpath + dl - ul, uuid) == 0)
			return 0;
	}
}
