/*
 * The layouts NativeLayoutTests checks, measured on the C side (Debian 12, x86-64, libfuse 3.14):
 *   apt-get install -y libfuse3-dev gcc pkg-config
 *   gcc $(pkg-config --cflags fuse3) -Wall -o fuse-layout fuse-layout.c && ./fuse-layout
 * Not part of the build; the test suite itself needs only the runtime library.
 */
#define FUSE_USE_VERSION 314
#include <fuse.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#define P(s,f) printf("%s.%s @%zu\n", #s, #f, offsetof(struct s, f))
int main(void){
  printf("sizeof fuse_operations %zu\n", sizeof(struct fuse_operations));
  P(fuse_operations,getattr);P(fuse_operations,readlink);P(fuse_operations,mkdir);P(fuse_operations,unlink);P(fuse_operations,rmdir);P(fuse_operations,symlink);P(fuse_operations,rename);P(fuse_operations,link);P(fuse_operations,truncate);P(fuse_operations,open);P(fuse_operations,read);P(fuse_operations,write);P(fuse_operations,statfs);P(fuse_operations,release);P(fuse_operations,readdir);P(fuse_operations,init);P(fuse_operations,create);P(fuse_operations,lseek);
  printf("sizeof fuse_file_info %zu\n", sizeof(struct fuse_file_info));
  P(fuse_file_info,flags);P(fuse_file_info,fh);P(fuse_file_info,lock_owner);P(fuse_file_info,poll_events);
  struct fuse_file_info fi; 
  #define BIT(name) memset(&fi,0,sizeof fi); fi.name=1; { unsigned char*b=(unsigned char*)&fi; for(size_t i=0;i<sizeof fi;i++) if(b[i]) printf("fuse_file_info.%s byte %zu value 0x%02x\n", #name, i, b[i]); }
  BIT(writepage) BIT(direct_io) BIT(keep_cache) BIT(flush) BIT(nonseekable) BIT(flock_release) BIT(cache_readdir) BIT(noflush)
  printf("sizeof stat %zu\n", sizeof(struct stat));
  P(stat,st_dev);P(stat,st_ino);P(stat,st_nlink);P(stat,st_mode);P(stat,st_uid);P(stat,st_gid);P(stat,st_rdev);P(stat,st_size);P(stat,st_blksize);P(stat,st_blocks);P(stat,st_atim);P(stat,st_mtim);P(stat,st_ctim);
  printf("sizeof statvfs %zu\n", sizeof(struct statvfs));
  P(statvfs,f_bsize);P(statvfs,f_frsize);P(statvfs,f_blocks);P(statvfs,f_files);P(statvfs,f_fsid);P(statvfs,f_flag);P(statvfs,f_namemax);
  printf("sizeof fuse_config %zu\n", sizeof(struct fuse_config));
  P(fuse_config,entry_timeout);P(fuse_config,negative_timeout);P(fuse_config,attr_timeout);P(fuse_config,remember);P(fuse_config,hard_remove);P(fuse_config,use_ino);P(fuse_config,readdir_ino);P(fuse_config,direct_io);P(fuse_config,kernel_cache);P(fuse_config,auto_cache);P(fuse_config,no_rofd_flush);P(fuse_config,ac_attr_timeout_set);P(fuse_config,ac_attr_timeout);P(fuse_config,nullpath_ok);P(fuse_config,show_help);P(fuse_config,modules);P(fuse_config,debug);
  printf("sizeof fuse_context %zu\n", sizeof(struct fuse_context));
  P(fuse_context,fuse);P(fuse_context,uid);P(fuse_context,gid);P(fuse_context,pid);P(fuse_context,private_data);P(fuse_context,umask);
  printf("sizeof fuse_args %zu\n", sizeof(struct fuse_args));
  P(fuse_args,argc);P(fuse_args,argv);P(fuse_args,allocated);
  printf("S_IFDIR %o S_IFREG %o S_IFLNK %o O_ACCMODE %o O_TRUNC %o O_CREAT %o\n", S_IFDIR, S_IFREG, S_IFLNK, O_ACCMODE, O_TRUNC, O_CREAT);
  printf("sizeof off_t %zu mode_t %zu size_t %zu\n", sizeof(off_t), sizeof(mode_t), sizeof(size_t));
  return 0;
}
