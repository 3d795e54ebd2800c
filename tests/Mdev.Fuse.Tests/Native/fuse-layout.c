/*
 * The layouts NativeLayoutTests checks, measured on the C side (Debian 12, x86-64, libfuse 3.14):
 *   apt-get install -y libfuse3-dev gcc pkg-config
 *   gcc $(pkg-config --cflags fuse3) -Wall -o fuse-layout fuse-layout.c && ./fuse-layout
 * Not part of the build; the test suite itself needs only the runtime library.
 */
#define FUSE_USE_VERSION 314
#include <fuse_lowlevel.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#define P(s,f) printf("%s.%s @%zu\n", #s, #f, offsetof(struct s, f))
int main(void){
  printf("sizeof fuse_lowlevel_ops %zu\n", sizeof(struct fuse_lowlevel_ops));
  P(fuse_lowlevel_ops,init);P(fuse_lowlevel_ops,lookup);P(fuse_lowlevel_ops,forget);P(fuse_lowlevel_ops,getattr);P(fuse_lowlevel_ops,setattr);P(fuse_lowlevel_ops,readlink);P(fuse_lowlevel_ops,mknod);P(fuse_lowlevel_ops,mkdir);P(fuse_lowlevel_ops,unlink);P(fuse_lowlevel_ops,rmdir);P(fuse_lowlevel_ops,symlink);P(fuse_lowlevel_ops,rename);P(fuse_lowlevel_ops,link);P(fuse_lowlevel_ops,open);P(fuse_lowlevel_ops,read);P(fuse_lowlevel_ops,write);P(fuse_lowlevel_ops,release);P(fuse_lowlevel_ops,opendir);P(fuse_lowlevel_ops,readdir);P(fuse_lowlevel_ops,releasedir);P(fuse_lowlevel_ops,statfs);P(fuse_lowlevel_ops,access);P(fuse_lowlevel_ops,create);P(fuse_lowlevel_ops,forget_multi);P(fuse_lowlevel_ops,readdirplus);P(fuse_lowlevel_ops,lseek);
  printf("sizeof fuse_entry_param %zu\n", sizeof(struct fuse_entry_param));
  P(fuse_entry_param,ino);P(fuse_entry_param,generation);P(fuse_entry_param,attr);P(fuse_entry_param,attr_timeout);P(fuse_entry_param,entry_timeout);
  printf("sizeof fuse_conn_info %zu FUSE_CAP_CACHE_SYMLINKS 0x%x\n", sizeof(struct fuse_conn_info), FUSE_CAP_CACHE_SYMLINKS);
  P(fuse_conn_info,capable);P(fuse_conn_info,want);
  printf("sizeof fuse_ctx %zu fuse_forget_data %zu\n", sizeof(struct fuse_ctx), sizeof(struct fuse_forget_data));
  P(fuse_ctx,uid);P(fuse_ctx,gid);P(fuse_ctx,pid);P(fuse_ctx,umask);P(fuse_forget_data,ino);P(fuse_forget_data,nlookup);
  printf("sizeof fuse_file_info %zu\n", sizeof(struct fuse_file_info));
  P(fuse_file_info,flags);P(fuse_file_info,fh);P(fuse_file_info,lock_owner);P(fuse_file_info,poll_events);
  struct fuse_file_info fi; 
  #define BIT(name) memset(&fi,0,sizeof fi); fi.name=1; { unsigned char*b=(unsigned char*)&fi; for(size_t i=0;i<sizeof fi;i++) if(b[i]) printf("fuse_file_info.%s byte %zu value 0x%02x\n", #name, i, b[i]); }
  BIT(writepage) BIT(direct_io) BIT(keep_cache) BIT(flush) BIT(nonseekable) BIT(flock_release) BIT(cache_readdir) BIT(noflush)
  printf("sizeof stat %zu\n", sizeof(struct stat));
  P(stat,st_dev);P(stat,st_ino);P(stat,st_nlink);P(stat,st_mode);P(stat,st_uid);P(stat,st_gid);P(stat,st_rdev);P(stat,st_size);P(stat,st_blksize);P(stat,st_blocks);P(stat,st_atim);P(stat,st_mtim);P(stat,st_ctim);
  printf("sizeof statvfs %zu\n", sizeof(struct statvfs));
  P(statvfs,f_bsize);P(statvfs,f_frsize);P(statvfs,f_blocks);P(statvfs,f_files);P(statvfs,f_fsid);P(statvfs,f_flag);P(statvfs,f_namemax);
  printf("sizeof fuse_args %zu\n", sizeof(struct fuse_args));
  P(fuse_args,argc);P(fuse_args,argv);P(fuse_args,allocated);
  printf("S_IFDIR %o S_IFREG %o S_IFLNK %o O_ACCMODE %o O_TRUNC %o O_CREAT %o\n", S_IFDIR, S_IFREG, S_IFLNK, O_ACCMODE, O_TRUNC, O_CREAT);
  printf("sizeof off_t %zu mode_t %zu size_t %zu\n", sizeof(off_t), sizeof(mode_t), sizeof(size_t));
  return 0;
}
