//! The preview 1 ABI: numeric constants and the byte layout of the records
//! the guest and host exchange through linear memory.

/// File types (`filetype`).
pub mod filetype {
    /// Neither a known file type nor a directory.
    pub const UNKNOWN: u8 = 0;
    /// A block device inode.
    pub const BLOCK_DEVICE: u8 = 1;
    /// A character device inode.
    pub const CHARACTER_DEVICE: u8 = 2;
    /// A directory inode.
    pub const DIRECTORY: u8 = 3;
    /// A regular file inode.
    pub const REGULAR_FILE: u8 = 4;
    /// A datagram socket.
    pub const SOCKET_DGRAM: u8 = 5;
    /// A byte-stream socket.
    pub const SOCKET_STREAM: u8 = 6;
    /// A symbolic link inode.
    pub const SYMBOLIC_LINK: u8 = 7;
}

/// Descriptor flags (`fdflags`).
pub mod fdflags {
    /// Writes append to the end of the file.
    pub const APPEND: u16 = 1 << 0;
    /// Write according to synchronized I/O data integrity completion.
    pub const DSYNC: u16 = 1 << 1;
    /// Non-blocking mode.
    pub const NONBLOCK: u16 = 1 << 2;
    /// Synchronized read I/O operations.
    pub const RSYNC: u16 = 1 << 3;
    /// Write according to synchronized I/O file integrity completion.
    pub const SYNC: u16 = 1 << 4;
}

/// Open flags (`oflags`) of `path_open`.
pub mod oflags {
    /// Create the file if it does not exist.
    pub const CREAT: u16 = 1 << 0;
    /// Fail if not a directory.
    pub const DIRECTORY: u16 = 1 << 1;
    /// Fail if the file already exists.
    pub const EXCL: u16 = 1 << 2;
    /// Truncate the file to size 0.
    pub const TRUNC: u16 = 1 << 3;
}

/// Path lookup flags (`lookupflags`).
pub mod lookupflags {
    /// Follow a symbolic link named by the last path component.
    pub const SYMLINK_FOLLOW: u32 = 1 << 0;
}

/// Which timestamps `*_set_times` changes (`fstflags`).
pub mod fstflags {
    /// Set the access time to the given value.
    pub const ATIM: u16 = 1 << 0;
    /// Set the access time to the current time.
    pub const ATIM_NOW: u16 = 1 << 1;
    /// Set the modification time to the given value.
    pub const MTIM: u16 = 1 << 2;
    /// Set the modification time to the current time.
    pub const MTIM_NOW: u16 = 1 << 3;
}

/// Descriptor rights (`rights`): one bit per operation a descriptor allows.
pub mod rights {
    /// `fd_datasync`.
    pub const FD_DATASYNC: u64 = 1 << 0;
    /// `fd_read`, `sock_recv`.
    pub const FD_READ: u64 = 1 << 1;
    /// `fd_seek` (implies `FD_TELL`).
    pub const FD_SEEK: u64 = 1 << 2;
    /// `fd_fdstat_set_flags`.
    pub const FD_FDSTAT_SET_FLAGS: u64 = 1 << 3;
    /// `fd_sync`.
    pub const FD_SYNC: u64 = 1 << 4;
    /// `fd_tell`, and `fd_seek` that does not move the offset.
    pub const FD_TELL: u64 = 1 << 5;
    /// `fd_write`, `sock_send`.
    pub const FD_WRITE: u64 = 1 << 6;
    /// `fd_advise`.
    pub const FD_ADVISE: u64 = 1 << 7;
    /// `fd_allocate`.
    pub const FD_ALLOCATE: u64 = 1 << 8;
    /// `path_create_directory`.
    pub const PATH_CREATE_DIRECTORY: u64 = 1 << 9;
    /// `path_open` with `CREAT`.
    pub const PATH_CREATE_FILE: u64 = 1 << 10;
    /// `path_link` source directory.
    pub const PATH_LINK_SOURCE: u64 = 1 << 11;
    /// `path_link` target directory.
    pub const PATH_LINK_TARGET: u64 = 1 << 12;
    /// `path_open`.
    pub const PATH_OPEN: u64 = 1 << 13;
    /// `fd_readdir`.
    pub const FD_READDIR: u64 = 1 << 14;
    /// `path_readlink`.
    pub const PATH_READLINK: u64 = 1 << 15;
    /// `path_rename` source directory.
    pub const PATH_RENAME_SOURCE: u64 = 1 << 16;
    /// `path_rename` target directory.
    pub const PATH_RENAME_TARGET: u64 = 1 << 17;
    /// `path_filestat_get`.
    pub const PATH_FILESTAT_GET: u64 = 1 << 18;
    /// `path_open` with `TRUNC`.
    pub const PATH_FILESTAT_SET_SIZE: u64 = 1 << 19;
    /// `path_filestat_set_times`.
    pub const PATH_FILESTAT_SET_TIMES: u64 = 1 << 20;
    /// `fd_filestat_get`.
    pub const FD_FILESTAT_GET: u64 = 1 << 21;
    /// `fd_filestat_set_size`.
    pub const FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
    /// `fd_filestat_set_times`.
    pub const FD_FILESTAT_SET_TIMES: u64 = 1 << 23;
    /// `path_symlink`.
    pub const PATH_SYMLINK: u64 = 1 << 24;
    /// `path_remove_directory`.
    pub const PATH_REMOVE_DIRECTORY: u64 = 1 << 25;
    /// `path_unlink_file`.
    pub const PATH_UNLINK_FILE: u64 = 1 << 26;
    /// `poll_oneoff` read/write subscriptions.
    pub const POLL_FD_READWRITE: u64 = 1 << 27;
    /// `sock_shutdown`.
    pub const SOCK_SHUTDOWN: u64 = 1 << 28;
    /// `sock_accept`.
    pub const SOCK_ACCEPT: u64 = 1 << 29;

    /// Everything a regular file can do.
    pub const FILE: u64 = FD_DATASYNC
        | FD_READ
        | FD_SEEK
        | FD_FDSTAT_SET_FLAGS
        | FD_SYNC
        | FD_TELL
        | FD_WRITE
        | FD_ADVISE
        | FD_ALLOCATE
        | FD_FILESTAT_GET
        | FD_FILESTAT_SET_SIZE
        | FD_FILESTAT_SET_TIMES
        | POLL_FD_READWRITE;

    /// Everything a directory can do itself.
    pub const DIRECTORY: u64 = FD_FDSTAT_SET_FLAGS
        | FD_SYNC
        | FD_ADVISE
        | PATH_CREATE_DIRECTORY
        | PATH_CREATE_FILE
        | PATH_LINK_SOURCE
        | PATH_LINK_TARGET
        | PATH_OPEN
        | FD_READDIR
        | PATH_READLINK
        | PATH_RENAME_SOURCE
        | PATH_RENAME_TARGET
        | PATH_FILESTAT_GET
        | PATH_FILESTAT_SET_SIZE
        | PATH_FILESTAT_SET_TIMES
        | FD_FILESTAT_GET
        | FD_FILESTAT_SET_TIMES
        | PATH_SYMLINK
        | PATH_REMOVE_DIRECTORY
        | PATH_UNLINK_FILE
        | POLL_FD_READWRITE;

    /// What a directory passes on to what is opened through it.
    pub const DIRECTORY_INHERITING: u64 = DIRECTORY | FILE;

    /// A readable stream such as stdin. No `FD_SEEK` or `FD_TELL`: that
    /// absence is how wasi-libc's `isatty` recognises a terminal.
    pub const INPUT_STREAM: u64 =
        FD_READ | FD_FDSTAT_SET_FLAGS | FD_FILESTAT_GET | POLL_FD_READWRITE;

    /// A writable stream such as stdout.
    pub const OUTPUT_STREAM: u64 = FD_WRITE
        | FD_DATASYNC
        | FD_SYNC
        | FD_FDSTAT_SET_FLAGS
        | FD_FILESTAT_GET
        | POLL_FD_READWRITE;
}

/// `whence` of `fd_seek`.
pub mod whence {
    /// Seek relative to the start.
    pub const SET: u8 = 0;
    /// Seek relative to the current position.
    pub const CUR: u8 = 1;
    /// Seek relative to the end.
    pub const END: u8 = 2;
}

/// Clock identifiers (`clockid`).
pub mod clockid {
    /// Wall-clock time.
    pub const REALTIME: u32 = 0;
    /// A clock that never goes backwards.
    pub const MONOTONIC: u32 = 1;
    /// CPU time of the process.
    pub const PROCESS_CPUTIME_ID: u32 = 2;
    /// CPU time of the thread.
    pub const THREAD_CPUTIME_ID: u32 = 3;
}

/// `fd_advise` advice values.
pub mod advice {
    /// The largest defined value (`noreuse`).
    pub const MAX: u8 = 5;
}

/// Byte layouts of records in guest memory.
pub mod layout {
    /// `iovec` / `ciovec`: `buf: u32`, `buf_len: u32`.
    pub const IOVEC_SIZE: u32 = 8;
    /// `fdstat` size.
    pub const FDSTAT_SIZE: u32 = 24;
    /// `filestat` size.
    pub const FILESTAT_SIZE: u32 = 64;
    /// `dirent` header size; the name follows it.
    pub const DIRENT_SIZE: u32 = 24;
    /// `prestat` size.
    pub const PRESTAT_SIZE: u32 = 8;
    /// `subscription` size.
    pub const SUBSCRIPTION_SIZE: u32 = 48;
    /// `event` size.
    pub const EVENT_SIZE: u32 = 32;
}

/// `eventtype` of subscriptions and events.
pub mod eventtype {
    /// A clock's timeout passed.
    pub const CLOCK: u8 = 0;
    /// A descriptor has data to read.
    pub const FD_READ: u8 = 1;
    /// A descriptor can take data.
    pub const FD_WRITE: u8 = 2;
}

/// Flags of clock subscriptions (`subclockflags`).
pub mod subclockflags {
    /// The timeout is an absolute time of the clock, not a duration.
    pub const ABSTIME: u16 = 1 << 0;
}

/// Flags of read/write events (`eventrwflags`).
pub mod eventrwflags {
    /// The peer of this socket or pipe hung up.
    pub const HANGUP: u16 = 1 << 0;
}

/// The `preopentype` tag of a `prestat`.
pub const PREOPENTYPE_DIR: u8 = 0;
