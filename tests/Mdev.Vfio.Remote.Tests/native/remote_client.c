/* A small VMM stand-in for the tests: run with LD_PRELOAD=mdev_vfio_preload.so and MDEV_VFIO_SOCKET, it drives
 * a served mtty through the plain uapi and prints one "key value" line per observation.
 * Usage: remote_client GROUP_NUMBER UUID MODE   (MODE: uapi | dma | gone) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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

static void wait_line(void)
{
	char line[64];
	if (fgets(line, sizeof line, stdin) == NULL)
		exit(3);
}

int main(int argc, char **argv)
{
	if (argc != 4)
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

	/* gone: the test stops the server, then every call answers ENODEV at once (no hang, no SIGPIPE) */
	SAY("ready");
	wait_line();
	SAY("after_gone_ioctl %s", err(ioctl(d, VFIO_DEVICE_GET_INFO, &info)));
	SAY("after_gone_pread %s", err((int)pread(d, &id, 4, (off_t)region.offset)));
	SAY("after_gone_open %s", err(open("/dev/vfio/vfio", O_RDWR)));
	SAY("after_gone_close %s", err(close(d)));
	return 0;
}
