/* statfs-check PATH...: for each path, what fstatfs, fstatfs64 (on an O_PATH descriptor, as sd-device's
 * fd_is_fs_type gets it from chase_symlinks), statfs and statfs64 say: f_type in hex (each), then f_bsize, f_frsize,
 * f_namelen, f_blocks, f_files of fstatfs, and whether errno (set to EDOM first) was kept by the successful calls.
 * Last line: fstatfs(-1) must fail with EBADF. Built by RunCommandTests with gcc -Wall -Wextra -Werror. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/vfs.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_PATH | O_CLOEXEC);
		if (fd < 0) {
			perror(argv[i]);
			return 1;
		}
		struct statfs a, c;
		struct statfs64 b, d;
		errno = EDOM;
		if (fstatfs(fd, &a) != 0 || fstatfs64(fd, &b) != 0 || statfs(argv[i], &c) != 0 || statfs64(argv[i], &d) != 0) {
			perror(argv[i]);
			return 1;
		}
		int kept = errno == EDOM;
		printf("%s %lx %lx %lx %lx %ld %ld %ld %ld %ld errno-kept=%d\n", argv[i], (long)a.f_type, (long)b.f_type,
		       (long)c.f_type, (long)d.f_type, (long)a.f_bsize, (long)a.f_frsize, (long)a.f_namelen,
		       (long)a.f_blocks, (long)a.f_files, kept);
		close(fd);
	}
	struct statfs e;
	int r = fstatfs(-1, &e);
	printf("bad-fd %d %s\n", r, r < 0 && errno == EBADF ? "EBADF" : "other");
	return 0;
}
