/* A small VMM stand-in for the tests: run with LD_PRELOAD=mdev_vfio_preload.so and MDEV_VFIO_SOCKET, it drives
 * a served mtty through the plain uapi and prints one "key value" line per observation.
 * Usage: remote_client GROUP_NUMBER UUID MODE   (MODE: uapi | dma | gone | dup)
 *        remote_client GROUP_NUMBER UUID migrate GROUP_NUMBER2 UUID2   (migrates UUID's state into UUID2) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/vfio.h>

#define SAY(...) (printf(__VA_ARGS__), putchar('\n'), fflush(stdout))

static const char *err(int r)
{
	return r < 0 ? strerrorname_np(errno) : "OK";
}

/* Migration v2 numbers newer than Debian 12's 6.1 uapi headers (include/uapi/linux/vfio.h, v6.2+). */
#define ST_STOP 1
#define ST_RUNNING 2
#define ST_STOP_COPY 3
#define ST_RESUMING 4
#define ST_PRE_COPY 6
#define MIG_GET_PRECOPY_INFO _IO(VFIO_TYPE, VFIO_BASE + 21)
struct precopy_info {
	uint32_t argsz, flags;
	uint64_t initial_bytes, dirty_bytes;
};

/* VFIO_DEVICE_FEATURE(MIG_DEVICE_STATE): struct vfio_device_feature, then device_state and data_fd. */
static int mig(int d, uint32_t flags, uint32_t *state, int *data_fd)
{
	uint32_t a[4] = {sizeof a, flags | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, *state, (uint32_t)-2};
	int r = ioctl(d, VFIO_DEVICE_FEATURE, a);
	*state = a[2];
	*data_fd = (int)a[3];
	return r;
}

/* "rdonly cloexec" and so on: what fcntl says of a descriptor the preload handed out. */
static const char *fd_kind(int fd)
{
	static char kind[64];
	int fl = fcntl(fd, F_GETFL), fdfl = fcntl(fd, F_GETFD);
	snprintf(kind, sizeof kind, "%s%s", (fl & O_ACCMODE) == O_RDONLY ? "rdonly" : (fl & O_ACCMODE) == O_WRONLY ? "wronly" : "rdwr",
		 fdfl & FD_CLOEXEC ? " cloexec" : "");
	return kind;
}

static void put8(int d, uint64_t off, unsigned char v)
{
	if (pwrite(d, &v, 1, (off_t)off) != 1)
		exit(4);
}

/* dup mode's threads: each names the device anew and drops the name, many times, at once (no socket traffic: only
 * the library's name counts are at stake), using the new name every 1024th round. */
#define DUP_ROUNDS 100000
static int dup_target;

static void *dup_churn(void *arg)
{
	long failures = 0;
	for (int i = 0; i < DUP_ROUNDS; i++) {
		int x = (i & 1) ? dup(dup_target) : fcntl(dup_target, F_DUPFD_CLOEXEC, 0);
		struct vfio_device_info info = {.argsz = sizeof info};
		if (x < 0 || ((i & 1023) == 0 && (ioctl(x, VFIO_DEVICE_GET_INFO, &info) != 0 || info.num_regions != 9)) ||
		    close(x) != 0)
			failures++;
	}
	*(long *)arg = failures;
	return NULL;
}

static void wait_line(void)
{
	char line[64];
	if (fgets(line, sizeof line, stdin) == NULL)
		exit(3);
}

int main(int argc, char **argv)
{
	if (argc != 4 && !(argc == 6 && strcmp(argv[3], "migrate") == 0))
		return 2;
	char group_path[64];
	snprintf(group_path, sizeof group_path, "/dev/vfio/%s", argv[1]);
	const char *uuid = argv[2], *mode = argv[3];

	SAY("open_missing_group %s", err(open("/dev/vfio/999", O_RDWR)));
	int g = open(group_path, O_RDWR | O_CLOEXEC);
	SAY("open_group %s", err(g));
	SAY("open_group_again %s", err(open(group_path, O_RDWR)));
	struct vfio_group_status st = {.argsz = sizeof st};
	const char *r = err(ioctl(g, VFIO_GROUP_GET_STATUS, &st));
	SAY("group_status %s flags %u", r, st.flags);
	st.argsz = 4;
	SAY("group_status_short_argsz %s", err(ioctl(g, VFIO_GROUP_GET_STATUS, &st)));
	SAY("device_fd_before_container %s", err(ioctl(g, VFIO_GROUP_GET_DEVICE_FD, uuid)));
	int c = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	SAY("api_version %d", ioctl(c, VFIO_GET_API_VERSION));
	SAY("check_type1v2 %d", ioctl(c, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU));
	SAY("container_unknown_ioctl %s", err(ioctl(c, _IO(VFIO_TYPE, VFIO_BASE + 40))));
	int not_vfio = open("/dev/null", O_RDWR);
	SAY("set_container_not_vfio %s", err(ioctl(g, VFIO_GROUP_SET_CONTAINER, &not_vfio)));
	SAY("set_container %s", err(ioctl(g, VFIO_GROUP_SET_CONTAINER, &c)));
	SAY("set_iommu %s", err(ioctl(c, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU)));
	SAY("device_fd_wrong_name %s", err(ioctl(g, VFIO_GROUP_GET_DEVICE_FD, "00000000-0000-0000-0000-000000000000")));
	int d = ioctl(g, VFIO_GROUP_GET_DEVICE_FD, uuid);
	SAY("device_fd %s", err(d));
	struct vfio_device_info info = {.argsz = sizeof info};
	r = err(ioctl(d, VFIO_DEVICE_GET_INFO, &info));
	SAY("device_info %s flags %u regions %u irqs %u", r, info.flags,
	    info.num_regions, info.num_irqs);
	struct vfio_region_info region = {.argsz = sizeof region, .index = VFIO_PCI_CONFIG_REGION_INDEX};
	r = err(ioctl(d, VFIO_DEVICE_GET_REGION_INFO, &region));
	SAY("config_region %s size %llu offset 0x%llx", r,
	    (unsigned long long)region.size, (unsigned long long)region.offset);
	region.index = 9;
	SAY("region_9 %s", err(ioctl(d, VFIO_DEVICE_GET_REGION_INFO, &region)));
	uint32_t id = 0;
	region.index = VFIO_PCI_CONFIG_REGION_INDEX;
	ioctl(d, VFIO_DEVICE_GET_REGION_INFO, &region);
	ssize_t n = pread(d, &id, 4, (off_t)region.offset);
	SAY("config_pread %zd id 0x%08x", n, id);
	SAY("mmap_device %s", mmap(NULL, 4096, PROT_READ, MAP_SHARED, d, 0) == MAP_FAILED ? strerrorname_np(errno) : "OK");

	if (strcmp(mode, "uapi") == 0) {
		int e = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		char buf[sizeof(struct vfio_irq_set) + 4];
		struct vfio_irq_set *s = (void *)buf;
		*s = (struct vfio_irq_set){.argsz = sizeof buf, .flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
					   .index = VFIO_PCI_INTX_IRQ_INDEX, .count = 1};
		int bad = 1000;
		memcpy(s->data, &bad, 4);
		SAY("set_irqs_closed_fd %s", err(ioctl(d, VFIO_DEVICE_SET_IRQS, s)));
		memcpy(s->data, &not_vfio, 4);
		SAY("set_irqs_not_eventfd %s", err(ioctl(d, VFIO_DEVICE_SET_IRQS, s)));
		memcpy(s->data, &e, 4);
		SAY("set_irqs_intx %s", err(ioctl(d, VFIO_DEVICE_SET_IRQS, s)));
		unsigned char v = 0x07; /* FCR: FIFO on and cleared, so the RX trigger level is 1 */
		SAY("fcr %zd", pwrite(d, &v, 1, 2));
		v = 0x01; /* IER: RDI */
		SAY("ier %zd", pwrite(d, &v, 1, 1));
		v = 'Z';
		SAY("tx %zd", pwrite(d, &v, 1, 0));
		struct pollfd p = {e, POLLIN, 0};
		uint64_t count = 0;
		int ready = poll(&p, 1, 10000);
		if (ready == 1 && read(e, &count, 8) != 8)
			count = 0;
		SAY("intx_poll %d count %llu", ready, (unsigned long long)count);
		v = 0;
		n = pread(d, &v, 1, 0);
		SAY("rx %zd 0x%02x", n, v);
		SAY("close_device %s", err(close(d)));
		SAY("ioctl_closed_device %s", err(ioctl(d, VFIO_DEVICE_GET_INFO, &info)));
		return 0;
	}

	if (strcmp(mode, "dma") == 0) {
		unsigned char *ram = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		for (int i = 0; i < 2 * 4096; i++)
			ram[i] = (unsigned char)(i * 7);
		struct vfio_iommu_type1_dma_map map = {.argsz = sizeof map, .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
						       .vaddr = (uintptr_t)ram, .iova = 0x100000, .size = 2 * 4096};
		SAY("map_dma %s", err(ioctl(c, VFIO_IOMMU_MAP_DMA, &map)));
		wait_line(); /* the test reads and writes through the vendor's DMA here */
		SAY("ram %02x %02x %02x %02x", ram[4096], ram[4097], ram[4098], ram[4099]);
		return 0;
	}

	if (strcmp(mode, "migrate") == 0) {
		snprintf(group_path, sizeof group_path, "/dev/vfio/%s", argv[4]);
		int g2 = open(group_path, O_RDWR | O_CLOEXEC);
		SAY("dest_set_container %s", err(ioctl(g2, VFIO_GROUP_SET_CONTAINER, &c)));
		int d2 = ioctl(g2, VFIO_GROUP_GET_DEVICE_FD, argv[5]);
		SAY("dest_device_fd %s", err(d2));

		/* The source's state: port 0 FIFO on with "MIG" looped into it, LCR 8N1, scratch 0x5c; port 1 scratch 0xa5. */
		const uint64_t bar1 = 1ull << 40;
		put8(d, 2, 0x07);
		put8(d, 3, 0x03);
		put8(d, 7, 0x5c);
		put8(d, bar1 + 7, 0xa5);
		put8(d, 0, 'M');
		put8(d, 0, 'I');
		put8(d, 0, 'G');

		uint32_t state = 0;
		int fd;
		r = err(mig(d, VFIO_DEVICE_FEATURE_GET, &state, &fd));
		SAY("mig_get %s state %u fd %d", r, state, fd);
		state = 99;
		SAY("mig_set_bad_state %s", err(mig(d, VFIO_DEVICE_FEATURE_SET, &state, &fd)));

		/* 1. A full migration: RUNNING -> STOP_COPY on the source, RESUMING -> STOP on the destination. */
		state = ST_STOP_COPY;
		r = err(mig(d, VFIO_DEVICE_FEATURE_SET, &state, &fd));
		int sfd = fd;
		SAY("stop_copy %s fd_ok %d %s", r, sfd > 2 && sfd != d && sfd != d2, fd_kind(sfd));
		unsigned char blob[4096], again[4096];
		SAY("save_pread %s", err((int)pread(sfd, blob, 8, 0)));
		SAY("save_write %s", err((int)write(sfd, "x", 1)));
		struct precopy_info pi = {.argsz = sizeof pi};
		SAY("save_precopy_info_stop_copy %s", err(ioctl(sfd, MIG_GET_PRECOPY_INFO, &pi)));
		SAY("save_unknown_ioctl %s", err(ioctl(sfd, _IO(VFIO_TYPE, VFIO_BASE + 22))));
		size_t saved = 0;
		ssize_t got;
		while ((got = read(sfd, blob + saved, 7)) > 0) /* odd chunks: the stream keeps its position */
			saved += (size_t)got;
		SAY("saved %zu last %s", saved, err((int)got));
		SAY("read_at_end %zd", read(sfd, blob, 8));

		state = ST_STOP;
		SAY("dest_stop %s", err(mig(d2, VFIO_DEVICE_FEATURE_SET, &state, &fd)));
		state = ST_RESUMING;
		r = err(mig(d2, VFIO_DEVICE_FEATURE_SET, &state, &fd));
		int rfd = fd;
		SAY("resuming %s fd_ok %d %s", r, rfd > 2 && rfd != sfd, fd_kind(rfd));
		SAY("resume_read %s", err((int)read(rfd, again, 8)));
		SAY("resume_pwrite %s", err((int)pwrite(rfd, blob, 8, 0)));
		SAY("resume_precopy_info %s", err(ioctl(rfd, MIG_GET_PRECOPY_INFO, &pi)));
		size_t half = saved / 2;
		ssize_t first = write(rfd, blob, half);
		SAY("resume_write %zd %zd", first, write(rfd, blob + half, saved - half));
		state = ST_STOP;
		SAY("resume_stop %s", err(mig(d2, VFIO_DEVICE_FEATURE_SET, &state, &fd)));
		SAY("resume_write_after_stop %s", err((int)write(rfd, blob, 1)));
		SAY("close_resume %s", err(close(rfd)));
		state = ST_STOP;
		SAY("source_stop %s", err(mig(d, VFIO_DEVICE_FEATURE_SET, &state, &fd)));
		SAY("save_read_after_stop %s", err((int)read(sfd, again, 8)));
		SAY("close_save %s", err(close(sfd)));
		SAY("read_closed_save %s", err((int)read(sfd, again, 8)));

		/* 2. Pre-copy on the source: PRE_COPY hands out the stream, PRECOPY_INFO counts what is unread, PRE_COPY ->
		 * STOP_COPY answers data_fd -1 and the stop-copy data follows on the same stream. */
		state = ST_RUNNING;
		SAY("source_running %s", err(mig(d, VFIO_DEVICE_FEATURE_SET, &state, &fd)));
		state = ST_PRE_COPY;
		r = err(mig(d, VFIO_DEVICE_FEATURE_SET, &state, &fd));
		int pfd = fd;
		SAY("pre_copy %s fd_ok %d %s", r, pfd > 2, fd_kind(pfd));
		pi.argsz = 16;
		SAY("precopy_info_short %s", err(ioctl(pfd, MIG_GET_PRECOPY_INFO, &pi)));
		pi = (struct precopy_info){.argsz = sizeof pi};
		r = err(ioctl(pfd, MIG_GET_PRECOPY_INFO, &pi));
		SAY("precopy_info %s initial %llu dirty %llu", r, (unsigned long long)pi.initial_bytes, (unsigned long long)pi.dirty_bytes);
		size_t pre = 0;
		got = read(pfd, again, 8);
		pre = got > 0 ? (size_t)got : 0;
		r = err(ioctl(pfd, MIG_GET_PRECOPY_INFO, &pi));
		SAY("precopy_info_after_read %s initial %llu", r, (unsigned long long)pi.initial_bytes);
		state = ST_STOP_COPY;
		r = err(mig(d, VFIO_DEVICE_FEATURE_SET, &state, &fd));
		SAY("pre_copy_to_stop_copy %s state %u fd %d", r, state, fd);
		SAY("precopy_info_in_stop_copy %s", err(ioctl(pfd, MIG_GET_PRECOPY_INFO, &pi)));
		while ((got = read(pfd, again + pre, sizeof again - pre)) > 0)
			pre += (size_t)got;
		SAY("pre_copy_saved %zu same %d", pre, pre == saved && memcmp(again, blob, saved) == 0);
		state = ST_STOP;
		SAY("pre_copy_source_stop %s", err(mig(d, VFIO_DEVICE_FEATURE_SET, &state, &fd)));
		SAY("pre_copy_read_after_stop %s", err((int)read(pfd, again, 8)));
		close(pfd);

		state = ST_RUNNING;
		SAY("dest_running %s", err(mig(d2, VFIO_DEVICE_FEATURE_SET, &state, &fd)));
		SAY("ready");
		wait_line(); /* the test compares both devices' model state here */
		unsigned char lcr = 0, scr = 0, scr1 = 0, rx[3] = {0};
		pread(d2, &lcr, 1, 3);
		pread(d2, &scr, 1, 7);
		pread(d2, &scr1, 1, (off_t)(bar1 + 7));
		for (int i = 0; i < 3; i++)
			pread(d2, &rx[i], 1, 0);
		SAY("dest_regs lcr %02x scr %02x scr1 %02x rx %.3s", lcr, scr, scr1, rx);
		return 0;
	}

	if (strcmp(mode, "dup") == 0) {
		/* Malformed first: descriptors that are not open. */
		SAY("dup_bad %s", err(dup(-1)));
		SAY("dupfd_bad %s", err(fcntl(1000, F_DUPFD, 0)));
		SAY("dup3_same %s", err(dup3(d, d, 0)));
		int d2 = dup(d);
		SAY("dup %s cloexec %d", err(d2), fcntl(d2, F_GETFD) & FD_CLOEXEC);
		SAY("close_original %s", err(close(d)));
		SAY("ioctl_dup %s", err(ioctl(d2, VFIO_DEVICE_GET_INFO, &info)));
		SAY("ioctl_closed_original %s", err(ioctl(d, VFIO_DEVICE_GET_INFO, &info)));
		int d3 = fcntl(d2, F_DUPFD_CLOEXEC, 100);
		SAY("dupfd_cloexec %s at_least_100 %d cloexec %d", err(d3), d3 >= 100, fcntl(d3, F_GETFD) & FD_CLOEXEC);
		id = 0;
		n = pread(d3, &id, 4, (off_t)region.offset);
		SAY("pread_dupfd %zd id 0x%08x", n, id);
		SAY("dup2_self %d", dup2(d3, d3) == d3);
		int gd = dup(g);
		SAY("dup2_null_over_group_dup %s", err(dup2(not_vfio, gd)));
		SAY("ioctl_replaced %s", err(ioctl(gd, VFIO_GROUP_GET_STATUS, &st))); /* now /dev/null: the real kernel */
		st.argsz = sizeof st;
		SAY("ioctl_group %s", err(ioctl(g, VFIO_GROUP_GET_STATUS, &st)));
		int d4 = dup3(d3, 200, O_CLOEXEC);
		SAY("dup3 %s cloexec %d", err(d4), fcntl(d4, F_GETFD) & FD_CLOEXEC);
		SAY("dup2_over_dup %s", err(dup2(d4, d2))); /* d2 named the same file: still one open device */
		dup_target = d4;
		long failures[2] = {-1, -1};
		pthread_t threads[2];
		for (int i = 0; i < 2; i++)
			pthread_create(&threads[i], NULL, dup_churn, &failures[i]);
		for (int i = 0; i < 2; i++)
			pthread_join(threads[i], NULL);
		SAY("dup_threads rounds %d failures %ld", 2 * DUP_ROUNDS, failures[0] + failures[1]);
		SAY("ready");
		wait_line(); /* the test sees the device open once */
		SAY("close_d2 %s", err(close(d2)));
		SAY("close_d3 %s", err(close(d3)));
		SAY("ioctl_last %s", err(ioctl(d4, VFIO_DEVICE_GET_INFO, &info)));
		SAY("close_last %s", err(close(d4)));
		SAY("closed");
		wait_line(); /* the test sees the device released by the last close, the process still alive */
		return 0;
	}

	/* gone: the test stops the server, then every call answers ENODEV at once (no hang, no SIGPIPE) */
	SAY("ready");
	wait_line();
	SAY("after_gone_ioctl %s", err(ioctl(d, VFIO_DEVICE_GET_INFO, &info)));
	SAY("after_gone_pread %s", err((int)pread(d, &id, 4, (off_t)region.offset)));
	SAY("after_gone_open %s", err(open("/dev/vfio/vfio", O_RDWR)));
	SAY("after_gone_close %s", err(close(d)));
	return 0;
}
