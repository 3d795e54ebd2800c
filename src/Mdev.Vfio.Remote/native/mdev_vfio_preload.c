/* mdev_vfio_preload.so: loaded into an unmodified VMM with LD_PRELOAD, it serves /dev/vfio/vfio and
 * /dev/vfio/<group> from a simulated host (Mdev.Vfio.Remote) over the AF_UNIX SOCK_SEQPACKET socket named by
 * MDEV_VFIO_SOCKET. Every other path and descriptor goes to the C library untouched.
 *
 * Each served file is a real descriptor in the VMM (a /dev/null placeholder, so numbers stay unique and poll,
 * fcntl and close behave) mapped to the server's descriptor; dup, dup2, dup3 and fcntl(F_DUPFD*) give more names for
 * it, counted, and the last close closes it on the server. The argument of each VFIO ioctl is sent by shape
 * (VFIO ioctls carry no size): plain value, pointer to a container fd (translated), NUL-terminated name (its result
 * fd translated), or an argsz-led struct sent whole (at least the kernel's minsz) and copied back, so capability
 * chains that grow work. SET_IRQS eventfds travel with SCM_RIGHTS. A migration data_fd answered by
 * VFIO_DEVICE_FEATURE(SET, MIG_DEVICE_STATE) becomes a placeholder of its own (O_RDONLY for a saving stream, O_WRONLY
 * for a resuming one, O_CLOEXEC as the kernel's get_unused_fd_flags), and read/write/ioctl/close on it are forwarded
 * (MV_OP_READ/MV_OP_WRITE), so the model's mtty_save_read/mtty_resume_write answers reach the VMM, errno included
 * (samples/vfio-mdev/mtty.c, v6.7+). One request is in flight at a time (a mutex),
 * so vCPU threads and the main loop may call at once. A server that is gone yields ENODEV, never SIGPIPE or a hang.
 * Protocol: mdev_vfio_proto.h. What QEMU 7.2 calls: docs/qemu-vfio-contract.md.
 *
 * statfs says sysfs: with MDEV_SIM_SYSFS naming where the simulated sysfs is mounted (mdev-sim run sets /sys), statfs,
 * statfs64, __statfs, fstatfs and fstatfs64 (every entry of the family glibc 2.36 exports) answer for a file on that
 * FUSE mount what the kernel's sysfs answers (kernfs_statfs -> simple_statfs, Linux 6.x): f_type SYSFS_MAGIC, f_bsize
 * and f_frsize the page size, f_namelen NAME_MAX, no blocks, no inodes. systemd 252's sd-device refuses any syspath
 * whose fstatfs is not SYSFS_MAGIC (device_set_syspath -> fd_is_fs_type). f_flags and f_fsid stay the mount's (the
 * kernel's sysfs fsid is a random per-boot uuid). Everything else, and the VFIO part, is independent of this. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "mdev_vfio_proto.h"

/* The VFIO requests, _IO(';', 100 + n) (include/uapi/linux/vfio.h). */
#define VFIO_NR(n) (0x3B64u + (n))
#define VFIO_SET_IRQS_NR VFIO_NR(10)
#define VFIO_IRQ_SET_DATA_EVENTFD (1u << 2)
#define VFIO_DEVICE_FEATURE_NR VFIO_NR(17)
#define VFIO_FEATURE_MASK 0xffffu
#define VFIO_FEATURE_SET (1u << 17)
#define VFIO_FEATURE_PROBE (1u << 18)
#define VFIO_FEATURE_MIG_DEVICE_STATE 2u
#define VFIO_STATE_RESUMING 4u
#define MV_TABLE 65536 /* client descriptors that can be served */

int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);
ssize_t __pread_chk(int fd, void *buf, size_t nbytes, off_t offset, size_t buflen);
ssize_t __pread64_chk(int fd, void *buf, size_t nbytes, off64_t offset, size_t buflen);
ssize_t __read_chk(int fd, void *buf, size_t nbytes, size_t buflen);
int __statfs(const char *path, struct statfs *buf);
void __chk_fail(void) __attribute__((noreturn));

/* Guarded by mv_lock: the connection, its state and the message buffers. */
static pthread_mutex_t mv_lock = PTHREAD_MUTEX_INITIALIZER;
static int mv_sock = -1;
static int mv_broken;
static unsigned char mv_out[sizeof(struct mv_request) + MV_MAX_PAYLOAD];
static unsigned char mv_in[sizeof(struct mv_reply) + MV_MAX_PAYLOAD];

/* Client fd -> server fd + 1 (0: not served). Read without a lock, written with __atomic stores under mv_table_lock. */
static int32_t mv_remote[MV_TABLE];

/* Guarded by mv_table_lock: how many client fds name each server fd (dup, dup2, dup3, fcntl(F_DUPFD) share one open
 * file, as the kernel's file table does); the last close sends MV_OP_CLOSE. The lock is held across the real dup or
 * close, so a dup and a close of the same fd on two threads see one order. Never taken while mv_lock is held. */
static pthread_mutex_t mv_table_lock = PTHREAD_MUTEX_INITIALIZER;
static int32_t mv_refs[MV_TABLE];

#define REAL(name) \
	static __typeof__(&name) real_##name; \
	if (!real_##name) \
		real_##name = (__typeof__(&name))dlsym(RTLD_NEXT, #name)

static int mv_lookup(int fd)
{
	if (fd < 0 || fd >= MV_TABLE)
		return -1;
	return __atomic_load_n(&mv_remote[fd], __ATOMIC_ACQUIRE) - 1;
}

static int mv_is_served_path(const char *path)
{
	if (path == NULL || strncmp(path, "/dev/vfio/", 10) != 0 || getenv("MDEV_VFIO_SOCKET") == NULL)
		return 0;
	const char *rest = path + 10;
	if (strcmp(rest, "vfio") == 0)
		return 1;
	if (*rest == '\0')
		return 0;
	for (; *rest; rest++)
		if (*rest < '0' || *rest > '9')
			return 0;
	return 1;
}

static void mv_after_fork_child(void)
{
	/* The child must not share the parent's conversation: its served files answer ENODEV. */
	if (mv_sock >= 0) {
		REAL(close);
		real_close(mv_sock);
	}
	mv_sock = -1;
	mv_broken = 1;
	pthread_mutex_init(&mv_lock, NULL);
	pthread_mutex_init(&mv_table_lock, NULL);
}

/* Connects once; later calls after a failure keep failing. Called with mv_lock held. */
static int mv_connect_locked(void)
{
	static int atfork_done;
	if (mv_sock >= 0)
		return 0;
	if (mv_broken)
		return ENODEV;
	const char *path = getenv("MDEV_VFIO_SOCKET");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (path == NULL || strlen(path) >= sizeof sa.sun_path)
		return ENOENT;
	strcpy(sa.sun_path, path);
	int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0)
		return errno;
	if (connect(s, (struct sockaddr *)&sa, sizeof sa) != 0) {
		int e = errno;
		REAL(close);
		real_close(s);
		return e == ECONNREFUSED ? ENOENT : e; /* no server: as if there were no /dev/vfio */
	}
	if (!atfork_done) {
		pthread_atfork(NULL, NULL, mv_after_fork_child);
		atfork_done = 1;
	}
	mv_sock = s;
	return 0;
}

static int mv_fail_locked(void)
{
	REAL(close);
	if (mv_sock >= 0)
		real_close(mv_sock);
	mv_sock = -1;
	mv_broken = 1;
	return ENODEV;
}

/* One request, one reply. Returns 0 or an errno; on 0, *result and up to outcap payload bytes in out. */
static int mv_call(uint32_t op, int32_t fd, uint32_t request, uint64_t arg, const void *payload, uint32_t length,
		   const int *fds, int nfds, void *out, uint32_t outcap, uint32_t *outlen, int64_t *result)
{
	if (length > MV_MAX_PAYLOAD || outcap > MV_MAX_PAYLOAD || nfds > MV_MAX_FDS)
		return EINVAL;
	pthread_mutex_lock(&mv_lock);
	int e = mv_connect_locked();
	if (e != 0) {
		pthread_mutex_unlock(&mv_lock);
		return e; /* ENOENT: no server (yet); ENODEV: the server went away */
	}
	struct mv_request rq = {.op = op, .fd = fd, .request = request, .length = length, .arg = arg};
	memcpy(mv_out, &rq, sizeof rq);
	if (length)
		memcpy(mv_out + sizeof rq, payload, length);
	struct iovec iov = {.iov_base = mv_out, .iov_len = sizeof rq + length};
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * MV_MAX_FDS)];
	} control;
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	if (nfds > 0) {
		memset(&control, 0, sizeof control);
		m.msg_control = control.buf;
		m.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	ssize_t n;
	do
		n = sendmsg(mv_sock, &m, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		e = errno;
		if (e == EBADF && nfds > 0) { /* an eventfd number that is not open: the connection is fine */
			pthread_mutex_unlock(&mv_lock);
			return EBADF;
		}
		e = mv_fail_locked();
		pthread_mutex_unlock(&mv_lock);
		return e;
	}
	struct iovec riov = {.iov_base = mv_in, .iov_len = sizeof(struct mv_reply) + MV_MAX_PAYLOAD};
	struct msghdr r = {.msg_iov = &riov, .msg_iovlen = 1};
	do
		n = recvmsg(mv_sock, &r, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	struct mv_reply rep;
	if (n < (ssize_t)sizeof rep || (r.msg_flags & MSG_TRUNC)) {
		e = mv_fail_locked(); /* EOF (server gone), error or a reply that does not decode */
		pthread_mutex_unlock(&mv_lock);
		return e;
	}
	memcpy(&rep, mv_in, sizeof rep);
	if (rep.length != (size_t)n - sizeof rep || rep.length > outcap || rep.error < 0) {
		e = mv_fail_locked();
		pthread_mutex_unlock(&mv_lock);
		return e;
	}
	if (rep.error == 0) {
		if (out != NULL && rep.length)
			memcpy(out, mv_in + sizeof rep, rep.length);
		if (outlen != NULL)
			*outlen = rep.length;
		*result = rep.result;
	}
	pthread_mutex_unlock(&mv_lock);
	if (getenv("MDEV_VFIO_TRACE") != NULL) /* one line per call on stderr, for debugging a VMM */
		dprintf(2, "mdev-vfio: op %u fd %d req 0x%x arg 0x%llx len %u flags 0x%x -> %d %lld data 0x%02x\n", op,
			fd, request, (unsigned long long)arg, length, length >= 8 ? ((const uint32_t *)payload)[1] : 0,
			rep.error, (long long)rep.result,
			op == MV_OP_PREAD && rep.error == 0 && rep.length ? *(unsigned char *)out
			: op == MV_OP_PWRITE && length ? *(const unsigned char *)payload : 0);
	return rep.error;
}

/* cfd names rfd from now on. Called with mv_table_lock held. */
static void mv_map_locked(int cfd, int rfd)
{
	mv_refs[rfd]++;
	__atomic_store_n(&mv_remote[cfd], rfd + 1, __ATOMIC_RELEASE);
}

/* cfd names nothing any more; returns the server fd when cfd was its last name (to close), else -1. With the lock. */
static int mv_unmap_locked(int cfd)
{
	int rfd = mv_lookup(cfd);
	if (rfd < 0)
		return -1;
	__atomic_store_n(&mv_remote[cfd], 0, __ATOMIC_RELEASE);
	return --mv_refs[rfd] == 0 ? rfd : -1;
}

static void mv_close_remote(int rfd)
{
	int64_t ignored;
	mv_call(MV_OP_CLOSE, rfd, 0, 0, NULL, 0, NULL, 0, NULL, 0, NULL, &ignored);
}

/* A real descriptor standing for the server's rfd, opened with the access mode and O_CLOEXEC of flags (so
 * fcntl(F_GETFL/F_GETFD) answer as for the kernel's file); -1 with errno on failure (rfd is closed then). */
static int mv_bind(int rfd, int flags)
{
	REAL(open);
	REAL(close);
	int cfd = rfd < 0 || rfd >= MV_TABLE ? -2 : real_open("/dev/null", (flags & O_ACCMODE) | (flags & O_CLOEXEC));
	if (cfd < 0 || cfd >= MV_TABLE) {
		int e = cfd == -1 ? errno : EMFILE;
		if (cfd >= 0)
			real_close(cfd);
		mv_close_remote(rfd);
		errno = e;
		return -1;
	}
	pthread_mutex_lock(&mv_table_lock);
	mv_map_locked(cfd, rfd);
	pthread_mutex_unlock(&mv_table_lock);
	return cfd;
}

static int mv_open(const char *path, int flags)
{
	int64_t rfd;
	int e = mv_call(MV_OP_OPEN, -1, 0, (uint32_t)flags, path, (uint32_t)strlen(path) + 1, NULL, 0, NULL, 0, NULL, &rfd);
	if (e != 0) {
		errno = e;
		return -1;
	}
	return mv_bind((int)rfd, O_RDWR | (flags & O_CLOEXEC));
}

/* Copies user memory without faulting: process_vm_readv/writev on ourselves stop at an unmapped page. */
static size_t mv_copy_in(void *dst, const void *src, size_t len)
{
	struct iovec l = {dst, len}, r = {(void *)src, len};
	ssize_t n = process_vm_readv(getpid(), &l, 1, &r, 1, 0);
	return n < 0 ? 0 : (size_t)n;
}

static int mv_copy_out(void *dst, const void *src, size_t len)
{
	struct iovec l = {(void *)src, len}, r = {dst, len};
	return process_vm_writev(getpid(), &l, 1, &r, 1, 0) == (ssize_t)len ? 0 : EFAULT;
}

/* The minsz the kernel copies in first for each argsz-led request, or 0 when the request is not argsz-led. */
static uint32_t mv_argsz_minsz(unsigned long request)
{
	switch (request) {
	case VFIO_NR(3): return 8;   /* GROUP_GET_STATUS */
	case VFIO_NR(7): return 16;  /* DEVICE_GET_INFO */
	case VFIO_NR(8): return 32;  /* DEVICE_GET_REGION_INFO */
	case VFIO_NR(9): return 16;  /* DEVICE_GET_IRQ_INFO */
	case VFIO_NR(10): return 20; /* DEVICE_SET_IRQS */
	case VFIO_NR(12): return 12; /* IOMMU_GET_INFO (16) and DEVICE_GET_PCI_HOT_RESET_INFO (12) */
	case VFIO_NR(13): return 32; /* IOMMU_MAP_DMA */
	case VFIO_NR(14): return 24; /* IOMMU_UNMAP_DMA (24) and DEVICE_QUERY_GFX_PLANE */
	case VFIO_NR(16): return 32; /* DEVICE_IOEVENTFD */
	case VFIO_NR(17): return 8;  /* DEVICE_FEATURE */
	case VFIO_NR(21): return 24; /* MIG_GET_PRECOPY_INFO (on a saving data_fd) */
	default: return 0;
	}
}

/*
 * VFIO_DEVICE_FEATURE(SET, MIG_DEVICE_STATE) answered a data_fd (struct vfio_device_feature_mig_state at byte 8:
 * device_state, data_fd): the server's number becomes a placeholder in this process, read-only for a saving stream
 * and write-only for RESUMING, O_CLOEXEC (vfio_ioct_mig_return_fd). As in the kernel, the state has changed even when
 * no descriptor can be had (EMFILE). Returns 0 or an errno.
 */
static int mv_translate_data_fd(unsigned char *buf, uint32_t length)
{
	uint32_t flags, state;
	int32_t rfd;
	if (length < 16)
		return 0;
	memcpy(&flags, buf + 4, 4);
	if ((flags & VFIO_FEATURE_MASK) != VFIO_FEATURE_MIG_DEVICE_STATE || !(flags & VFIO_FEATURE_SET) ||
	    (flags & VFIO_FEATURE_PROBE))
		return 0;
	memcpy(&state, buf + 8, 4);
	memcpy(&rfd, buf + 12, 4);
	if (rfd < 0)
		return 0; /* the arc opened no stream (data_fd -1) */
	int cfd = mv_bind(rfd, (state == VFIO_STATE_RESUMING ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
	if (cfd < 0)
		return errno;
	memcpy(buf + 12, &cfd, 4);
	return 0;
}

static int mv_ioctl(int rfd, unsigned long request, void *arg)
{
	static __thread unsigned char buf[MV_MAX_PAYLOAD];
	int64_t result = 0;
	uint32_t length = 0, outlen = 0;
	int fds[MV_MAX_FDS], nfds = 0, e;
	uint32_t minsz = mv_argsz_minsz(request);

	if (request == VFIO_NR(4)) { /* GROUP_SET_CONTAINER: pointer to the container fd, translated */
		int cfd;
		if (mv_copy_in(&cfd, arg, sizeof cfd) != sizeof cfd) {
			errno = EFAULT;
			return -1;
		}
		int32_t remote = mv_lookup(cfd);
		if (remote < 0) { /* not ours: the kernel's fdget fails (EBADF) or the file is no container (EBADFD) */
			errno = fcntl(cfd, F_GETFD) < 0 ? EBADF : EBADFD;
			return -1;
		}
		int32_t echo; /* the server answers every struct argument with its bytes */
		e = mv_call(MV_OP_IOCTL, rfd, (uint32_t)request, 0, &remote, sizeof remote, NULL, 0, &echo, sizeof echo, NULL, &result);
	} else if (request == VFIO_NR(6)) { /* GROUP_GET_DEVICE_FD: a name; returns a new fd */
		length = (uint32_t)mv_copy_in(buf, arg, 4096);
		unsigned char *nul = memchr(buf, 0, length);
		if (nul != NULL)
			length = (uint32_t)(nul - buf) + 1;
		else if (length < 4096) {
			errno = EFAULT;
			return -1;
		}
		e = mv_call(MV_OP_IOCTL, rfd, (uint32_t)request, 0, buf, length, NULL, 0, buf, length, NULL, &result);
		if (e == 0)
			return mv_bind((int)result, O_RDWR | O_CLOEXEC);
	} else if (minsz != 0) { /* argsz-led: at least minsz, up to argsz, copied back whole */
		uint32_t argsz;
		if (mv_copy_in(&argsz, arg, sizeof argsz) != sizeof argsz) {
			errno = EFAULT;
			return -1;
		}
		uint32_t want = argsz < minsz ? minsz : argsz > MV_MAX_PAYLOAD ? MV_MAX_PAYLOAD : argsz;
		length = (uint32_t)mv_copy_in(buf, arg, want);
		if (length < minsz) {
			errno = EFAULT;
			return -1;
		}
		if (request == VFIO_SET_IRQS_NR) {
			uint32_t flags, count;
			memcpy(&flags, buf + 4, 4);
			memcpy(&count, buf + 16, 4);
			if (flags & VFIO_IRQ_SET_DATA_EVENTFD) {
				for (uint32_t i = 0; i < count && 20 + 4 * (i + 1) <= length; i++) {
					int32_t fd;
					memcpy(&fd, buf + 20 + 4 * i, 4);
					if (fd < 0)
						continue;
					if (nfds == MV_MAX_FDS) {
						errno = EINVAL;
						return -1;
					}
					fds[nfds++] = fd;
				}
			}
		}
		e = mv_call(MV_OP_IOCTL, rfd, (uint32_t)request, 0, buf, length, fds, nfds, buf, length, &outlen, &result);
		if (e == 0 && request == VFIO_DEVICE_FEATURE_NR)
			e = mv_translate_data_fd(buf, outlen);
		if (e == 0 && outlen != 0 && mv_copy_out(arg, buf, outlen) != 0)
			e = EFAULT;
	} else { /* a plain value, or nothing (GET_API_VERSION, UNSET_CONTAINER, RESET, unknown requests) */
		e = mv_call(MV_OP_IOCTL, rfd, (uint32_t)request, (uint64_t)(uintptr_t)arg, NULL, 0, NULL, 0, NULL, 0, NULL, &result);
	}
	if (e != 0) {
		errno = e;
		return -1;
	}
	return (int)result;
}

static ssize_t mv_pread(int rfd, void *buf, size_t count, off_t offset)
{
	size_t done = 0;
	while (done < count) {
		uint32_t chunk = count - done > MV_MAX_PAYLOAD ? MV_MAX_PAYLOAD : (uint32_t)(count - done), got = 0;
		int64_t result;
		int e = mv_call(MV_OP_PREAD, rfd, chunk, (uint64_t)(offset + (off_t)done), NULL, 0, NULL, 0,
				(unsigned char *)buf + done, chunk, &got, &result);
		if (e != 0) {
			if (done)
				break;
			errno = e;
			return -1;
		}
		done += got;
		if (got < chunk)
			break;
	}
	return (ssize_t)done;
}

static ssize_t mv_pwrite(int rfd, const void *buf, size_t count, off_t offset)
{
	size_t done = 0;
	while (done < count) {
		uint32_t chunk = count - done > MV_MAX_PAYLOAD ? MV_MAX_PAYLOAD : (uint32_t)(count - done);
		int64_t result;
		int e = mv_call(MV_OP_PWRITE, rfd, 0, (uint64_t)(offset + (off_t)done), (const unsigned char *)buf + done,
				chunk, NULL, 0, NULL, 0, NULL, &result);
		if (e != 0) {
			if (done)
				break;
			errno = e;
			return -1;
		}
		done += (size_t)result;
		if ((uint64_t)result < chunk)
			break;
	}
	return (ssize_t)done;
}

/* read(2) of a served fd: one message, at most MV_MAX_PAYLOAD bytes (a short read, as a stream may give). */
static ssize_t mv_read(int rfd, void *buf, size_t count)
{
	uint32_t chunk = count > MV_MAX_PAYLOAD ? MV_MAX_PAYLOAD : (uint32_t)count, got = 0;
	int64_t result;
	int e = mv_call(MV_OP_READ, rfd, chunk, 0, NULL, 0, NULL, 0, buf, chunk, &got, &result);
	if (e != 0) {
		errno = e;
		return -1;
	}
	return (ssize_t)got;
}

/* write(2) of a served fd: split into messages of at most MV_MAX_PAYLOAD bytes. */
static ssize_t mv_write(int rfd, const void *buf, size_t count)
{
	size_t done = 0;
	do {
		uint32_t chunk = count - done > MV_MAX_PAYLOAD ? MV_MAX_PAYLOAD : (uint32_t)(count - done);
		int64_t result;
		int e = mv_call(MV_OP_WRITE, rfd, 0, 0, (const unsigned char *)buf + done, chunk, NULL, 0, NULL, 0, NULL,
				&result);
		if (e != 0) {
			if (done)
				break;
			errno = e;
			return -1;
		}
		done += (size_t)result;
		if ((uint64_t)result < chunk)
			break;
	} while (done < count);
	return (ssize_t)done;
}

#define MODE_ARG(flags) \
	mode_t mode = 0; \
	if ((flags) & (O_CREAT | O_TMPFILE)) { \
		va_list ap; \
		va_start(ap, flags); \
		mode = va_arg(ap, mode_t); \
		va_end(ap); \
	}

int open(const char *path, int flags, ...)
{
	MODE_ARG(flags);
	if (mv_is_served_path(path))
		return mv_open(path, flags);
	REAL(open);
	return real_open(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	MODE_ARG(flags);
	if (mv_is_served_path(path))
		return mv_open(path, flags);
	REAL(open64);
	return real_open64(path, flags, mode);
}

int __open_2(const char *path, int flags)
{
	if (mv_is_served_path(path))
		return mv_open(path, flags);
	REAL(__open_2);
	return real___open_2(path, flags);
}

int __open64_2(const char *path, int flags)
{
	if (mv_is_served_path(path))
		return mv_open(path, flags);
	REAL(__open64_2);
	return real___open64_2(path, flags);
}

int openat(int dirfd, const char *path, int flags, ...)
{
	MODE_ARG(flags);
	if (mv_is_served_path(path))
		return mv_open(path, flags);
	REAL(openat);
	return real_openat(dirfd, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...)
{
	MODE_ARG(flags);
	if (mv_is_served_path(path))
		return mv_open(path, flags);
	REAL(openat64);
	return real_openat64(dirfd, path, flags, mode);
}

int __openat_2(int dirfd, const char *path, int flags)
{
	if (mv_is_served_path(path))
		return mv_open(path, flags);
	REAL(__openat_2);
	return real___openat_2(dirfd, path, flags);
}

int __openat64_2(int dirfd, const char *path, int flags)
{
	if (mv_is_served_path(path))
		return mv_open(path, flags);
	REAL(__openat64_2);
	return real___openat64_2(dirfd, path, flags);
}

int close(int fd)
{
	REAL(close);
	if (mv_lookup(fd) < 0)
		return real_close(fd);
	pthread_mutex_lock(&mv_table_lock);
	int last = mv_unmap_locked(fd);
	int r = real_close(fd), e = errno;
	pthread_mutex_unlock(&mv_table_lock);
	if (last >= 0)
		mv_close_remote(last); /* the file's last descriptor: the server releases it (the kernel's last fput) */
	errno = e;
	return r;
}

/* The new descriptor of a dup-like call names what fd names (one more reference), and what it replaced (dup2/dup3
 * onto a served fd) loses one. Called with mv_table_lock held; returns the server fd to close, or -1. */
static int mv_dup_locked(int fd, int newfd)
{
	REAL(close);
	if (newfd < 0 || newfd == fd)
		return -1;
	int last = mv_unmap_locked(newfd), rfd = mv_lookup(fd);
	if (rfd >= 0) {
		if (newfd >= MV_TABLE) { /* cannot be served: as if the table were full */
			real_close(newfd);
			errno = EMFILE;
			return last;
		}
		mv_map_locked(newfd, rfd);
	}
	return last;
}

/* Runs one dup-like call under mv_table_lock and keeps the table in step with the kernel's. */
#define MV_DUP(fd, call) \
	int r, e, last; \
	pthread_mutex_lock(&mv_table_lock); \
	r = (call); \
	e = errno; \
	last = mv_dup_locked((fd), r); \
	if (r >= MV_TABLE && mv_lookup(fd) >= 0) { \
		r = -1; \
		e = EMFILE; \
	} \
	pthread_mutex_unlock(&mv_table_lock); \
	if (last >= 0) \
		mv_close_remote(last); \
	errno = e; \
	return r

int dup(int fd)
{
	REAL(dup);
	if (mv_lookup(fd) < 0)
		return real_dup(fd);
	MV_DUP(fd, real_dup(fd));
}

int dup2(int fd, int newfd)
{
	REAL(dup2);
	if (mv_lookup(fd) < 0 && mv_lookup(newfd) < 0)
		return real_dup2(fd, newfd);
	MV_DUP(fd, real_dup2(fd, newfd));
}

int dup3(int fd, int newfd, int flags)
{
	REAL(dup3);
	if (mv_lookup(fd) < 0 && mv_lookup(newfd) < 0)
		return real_dup3(fd, newfd, flags);
	MV_DUP(fd, real_dup3(fd, newfd, flags));
}

/* fcntl and fcntl64 (what a program built with _FILE_OFFSET_BITS=64 calls): F_DUPFD and F_DUPFD_CLOEXEC of a served
 * fd give a served fd; every other command goes to the C library with its argument as given. */
static int mv_fcntl(int (*real)(int, int, ...), int fd, int cmd, void *arg)
{
	if ((cmd != F_DUPFD && cmd != F_DUPFD_CLOEXEC) || mv_lookup(fd) < 0)
		return real(fd, cmd, arg);
	MV_DUP(fd, real(fd, cmd, arg));
}

int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	va_start(ap, cmd);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	REAL(fcntl);
	return mv_fcntl(real_fcntl, fd, cmd, arg);
}

int fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	va_start(ap, cmd);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	REAL(fcntl64);
	return mv_fcntl(real_fcntl64, fd, cmd, arg);
}

int ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	va_start(ap, request);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	int rfd = mv_lookup(fd);
	if (rfd >= 0)
		return mv_ioctl(rfd, request, arg);
	REAL(ioctl);
	return real_ioctl(fd, request, arg);
}

ssize_t pread(int fd, void *buf, size_t count, off_t offset)
{
	int rfd = mv_lookup(fd);
	if (rfd >= 0)
		return mv_pread(rfd, buf, count, offset);
	REAL(pread);
	return real_pread(fd, buf, count, offset);
}

ssize_t pread64(int fd, void *buf, size_t count, off64_t offset)
{
	int rfd = mv_lookup(fd);
	if (rfd >= 0)
		return mv_pread(rfd, buf, count, offset);
	REAL(pread64);
	return real_pread64(fd, buf, count, offset);
}

ssize_t __pread_chk(int fd, void *buf, size_t nbytes, off_t offset, size_t buflen)
{
	int rfd = mv_lookup(fd);
	if (rfd >= 0) {
		if (nbytes > buflen)
			__chk_fail();
		return mv_pread(rfd, buf, nbytes, offset);
	}
	REAL(__pread_chk);
	return real___pread_chk(fd, buf, nbytes, offset, buflen);
}

ssize_t __pread64_chk(int fd, void *buf, size_t nbytes, off64_t offset, size_t buflen)
{
	int rfd = mv_lookup(fd);
	if (rfd >= 0) {
		if (nbytes > buflen)
			__chk_fail();
		return mv_pread(rfd, buf, nbytes, offset);
	}
	REAL(__pread64_chk);
	return real___pread64_chk(fd, buf, nbytes, offset, buflen);
}

ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset)
{
	int rfd = mv_lookup(fd);
	if (rfd >= 0)
		return mv_pwrite(rfd, buf, count, offset);
	REAL(pwrite);
	return real_pwrite(fd, buf, count, offset);
}

ssize_t pwrite64(int fd, const void *buf, size_t count, off64_t offset)
{
	int rfd = mv_lookup(fd);
	if (rfd >= 0)
		return mv_pwrite(rfd, buf, count, offset);
	REAL(pwrite64);
	return real_pwrite64(fd, buf, count, offset);
}

/* read/write are forwarded: a migration data_fd is a stream (the model's read and write); the container, group and
 * device files answer EINVAL from the server (a kernel VFIO device would use the file position; QEMU never calls them). */
ssize_t read(int fd, void *buf, size_t count)
{
	int rfd = mv_lookup(fd);
	if (rfd >= 0)
		return mv_read(rfd, buf, count);
	REAL(read);
	return real_read(fd, buf, count);
}

ssize_t __read_chk(int fd, void *buf, size_t nbytes, size_t buflen)
{
	int rfd = mv_lookup(fd);
	if (rfd >= 0) {
		if (nbytes > buflen)
			__chk_fail();
		return mv_read(rfd, buf, nbytes);
	}
	REAL(__read_chk);
	return real___read_chk(fd, buf, nbytes, buflen);
}

ssize_t write(int fd, const void *buf, size_t count)
{
	int rfd = mv_lookup(fd);
	if (rfd >= 0)
		return mv_write(rfd, buf, count);
	REAL(write);
	return real_write(fd, buf, count);
}

/* Regions are never shared: mmap of a served file is EINVAL (vfio_device_fops_mmap without a vendor mmap), and
 * QEMU then goes on with pread/pwrite ("Failed to mmap ... Performance may be slow"). */
void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
	if (mv_lookup(fd) >= 0) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	REAL(mmap);
	return real_mmap(addr, length, prot, flags, fd, offset);
}

void *mmap64(void *addr, size_t length, int prot, int flags, int fd, off64_t offset)
{
	if (mv_lookup(fd) >= 0) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	REAL(mmap64);
	return real_mmap64(addr, length, prot, flags, fd, offset);
}

/* statfs says sysfs (see the head of this file). */
#define MV_SYSFS_MAGIC 0x62656572L      /* include/uapi/linux/magic.h */
#define MV_FUSE_SUPER_MAGIC 0x65735546L /* fs/fuse/inode.c */
#define MV_SYSFS_VARIABLE "MDEV_SIM_SYSFS"

/* Whether the open file fd lies under $MDEV_SIM_SYSFS (an absolute directory), by the path the kernel keeps for it
 * (/proc/self/fd/N: symlinks followed, as statfs follows them). Keeps errno. */
static int mv_fd_on_sim_sysfs(int fd)
{
	const char *root = getenv(MV_SYSFS_VARIABLE);
	if (root == NULL || root[0] != '/')
		return 0;
	size_t len = strlen(root);
	while (len > 1 && root[len - 1] == '/')
		len--;
	int saved = errno;
	char link[32], target[4096];
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, target, sizeof target - 1);
	errno = saved;
	if (n <= 0)
		return 0;
	target[n] = '\0';
	if (len == 1) /* MDEV_SIM_SYSFS=/ */
		return 1;
	return strncmp(target, root, len) == 0 && (target[len] == '\0' || target[len] == '/');
}

/* The same for a path (statfs): opened O_PATH, as statfs resolves it. Keeps errno. */
static int mv_path_on_sim_sysfs(const char *path)
{
	if (getenv(MV_SYSFS_VARIABLE) == NULL || path == NULL)
		return 0;
	REAL(open);
	REAL(close);
	int saved = errno;
	int fd = real_open(path, O_PATH | O_CLOEXEC);
	int on = fd >= 0 && mv_fd_on_sim_sysfs(fd);
	if (fd >= 0)
		real_close(fd);
	errno = saved;
	return on;
}

/* What the kernel's sysfs reports, over the real answer for the FUSE mount (struct statfs or statfs64: one layout on
 * 64-bit Linux, the same field names everywhere). */
#define MV_AS_SYSFS(s) \
	do { \
		long page = sysconf(_SC_PAGESIZE); \
		(s)->f_type = MV_SYSFS_MAGIC; \
		(s)->f_bsize = page > 0 ? page : 4096; \
		(s)->f_frsize = (s)->f_bsize; \
		(s)->f_blocks = (s)->f_bfree = (s)->f_bavail = 0; \
		(s)->f_files = (s)->f_ffree = 0; \
		(s)->f_namelen = 255; /* NAME_MAX */ \
	} while (0)

#define MV_STATFS_BY_PATH(name, type) \
	int name(const char *path, type *buf) \
	{ \
		REAL(name); \
		int r = real_##name(path, buf); \
		if (r == 0 && buf->f_type == MV_FUSE_SUPER_MAGIC && mv_path_on_sim_sysfs(path)) \
			MV_AS_SYSFS(buf); \
		return r; \
	}

#define MV_STATFS_BY_FD(name, type) \
	int name(int fd, type *buf) \
	{ \
		REAL(name); \
		int r = real_##name(fd, buf); \
		if (r == 0 && buf->f_type == MV_FUSE_SUPER_MAGIC && mv_fd_on_sim_sysfs(fd)) \
			MV_AS_SYSFS(buf); \
		return r; \
	}

MV_STATFS_BY_PATH(statfs, struct statfs)
MV_STATFS_BY_PATH(statfs64, struct statfs64)
MV_STATFS_BY_PATH(__statfs, struct statfs)
MV_STATFS_BY_FD(fstatfs, struct statfs)
MV_STATFS_BY_FD(fstatfs64, struct statfs64)
