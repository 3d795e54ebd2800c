/* The wire protocol between mdev_vfio_preload.so (in the VMM) and Mdev.Vfio.Remote (in the simulated host).
 * One AF_UNIX SOCK_SEQPACKET connection per process; one request message, then exactly one reply message.
 * Little-endian, x86-64. The C# mirror is RemoteOp.cs and RemoteRequest.cs; FrameTests checks the op numbers agree. */
#ifndef MDEV_VFIO_PROTO_H
#define MDEV_VFIO_PROTO_H

#include <stdint.h>

#define MV_OP_OPEN 1   /* payload: NUL-terminated path; arg: open flags; result: the server's fd */
#define MV_OP_CLOSE 2  /* fd */
#define MV_OP_IOCTL 3  /* fd, request; no payload: arg is the value; payload: the argument struct, copied back */
#define MV_OP_PREAD 4  /* fd, request = count, arg = offset; reply payload: the bytes */
#define MV_OP_PWRITE 5 /* fd, arg = offset, payload: the bytes; result: count written */
#define MV_OP_READ 6   /* fd, request = count; reply payload: the bytes (read(2) of a migration data_fd) */
#define MV_OP_WRITE 7  /* fd, payload: the bytes; result: count written (write(2) of a migration data_fd) */

#define MV_MAX_PAYLOAD 65536 /* bytes of one argument, read or write; larger pread/pwrite are split */
#define MV_MAX_FDS 64        /* SCM_RIGHTS eventfds in one SET_IRQS */

struct mv_request {
	uint32_t op;
	int32_t fd; /* the server's descriptor */
	uint32_t request;
	uint32_t length; /* payload bytes after the header; the message is exactly sizeof + length */
	uint64_t arg;
};

struct mv_reply {
	int32_t error; /* 0, or the positive errno the model raised */
	uint32_t length;
	int64_t result;
};

#endif
