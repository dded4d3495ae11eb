//! WASI error numbers, their mapping from host errors, and how a WASI
//! function can fail.

use std::fmt;

macro_rules! errnos {
    ($($variant:ident = $value:literal, $name:literal, [$($host:ident)?], $desc:literal;)*) => {
        /// A WASI preview 1 error number, as returned to the guest.
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
        #[repr(u16)]
        pub enum Errno {
            /// No error occurred.
            Success = 0,
            $(
                #[doc = $desc]
                $variant = $value,
            )*
        }

        impl Errno {
            /// The errno's name in the WASI specification (`"noent"`, …).
            pub fn name(self) -> &'static str {
                match self {
                    Errno::Success => "success",
                    $(Errno::$variant => $name,)*
                }
            }

            /// The errno with this number, if there is one.
            pub fn from_raw(raw: u16) -> Option<Errno> {
                match raw {
                    0 => Some(Errno::Success),
                    $($value => Some(Errno::$variant),)*
                    _ => None,
                }
            }

            /// Translates a host `errno` value.
            ///
            /// Host errors without a WASI counterpart become `EIO`: the guest
            /// learns the operation failed, which is all it could act on.
            pub fn from_host(code: i32) -> Errno {
                $($(if code == libc::$host { return Errno::$variant; })?)*
                // Aliases on some hosts; checked after the table so the
                // primary names win where they are the same number.
                if code == libc::EWOULDBLOCK {
                    return Errno::Again;
                }
                if code == libc::EOPNOTSUPP {
                    return Errno::Notsup;
                }
                Errno::Io
            }
        }
    };
}

errnos! {
    TooBig = 1, "2big", [E2BIG], "Argument list too long.";
    Acces = 2, "acces", [EACCES], "Permission denied.";
    Addrinuse = 3, "addrinuse", [EADDRINUSE], "Address in use.";
    Addrnotavail = 4, "addrnotavail", [EADDRNOTAVAIL], "Address not available.";
    Afnosupport = 5, "afnosupport", [EAFNOSUPPORT], "Address family not supported.";
    Again = 6, "again", [EAGAIN], "Resource unavailable, or operation would block.";
    Already = 7, "already", [EALREADY], "Connection already in progress.";
    Badf = 8, "badf", [EBADF], "Bad file descriptor.";
    Badmsg = 9, "badmsg", [EBADMSG], "Bad message.";
    Busy = 10, "busy", [EBUSY], "Device or resource busy.";
    Canceled = 11, "canceled", [ECANCELED], "Operation canceled.";
    Child = 12, "child", [ECHILD], "No child processes.";
    Connaborted = 13, "connaborted", [ECONNABORTED], "Connection aborted.";
    Connrefused = 14, "connrefused", [ECONNREFUSED], "Connection refused.";
    Connreset = 15, "connreset", [ECONNRESET], "Connection reset.";
    Deadlk = 16, "deadlk", [EDEADLK], "Resource deadlock would occur.";
    Destaddrreq = 17, "destaddrreq", [EDESTADDRREQ], "Destination address required.";
    Dom = 18, "dom", [EDOM], "Mathematics argument out of domain of function.";
    Dquot = 19, "dquot", [EDQUOT], "Reserved.";
    Exist = 20, "exist", [EEXIST], "File exists.";
    Fault = 21, "fault", [EFAULT], "Bad address.";
    Fbig = 22, "fbig", [EFBIG], "File too large.";
    Hostunreach = 23, "hostunreach", [EHOSTUNREACH], "Host is unreachable.";
    Idrm = 24, "idrm", [EIDRM], "Identifier removed.";
    Ilseq = 25, "ilseq", [EILSEQ], "Illegal byte sequence.";
    Inprogress = 26, "inprogress", [EINPROGRESS], "Operation in progress.";
    Intr = 27, "intr", [EINTR], "Interrupted function.";
    Inval = 28, "inval", [EINVAL], "Invalid argument.";
    Io = 29, "io", [EIO], "I/O error.";
    Isconn = 30, "isconn", [EISCONN], "Socket is connected.";
    Isdir = 31, "isdir", [EISDIR], "Is a directory.";
    Loop = 32, "loop", [ELOOP], "Too many levels of symbolic links.";
    Mfile = 33, "mfile", [EMFILE], "File descriptor value too large.";
    Mlink = 34, "mlink", [EMLINK], "Too many links.";
    Msgsize = 35, "msgsize", [EMSGSIZE], "Message too large.";
    Multihop = 36, "multihop", [EMULTIHOP], "Reserved.";
    Nametoolong = 37, "nametoolong", [ENAMETOOLONG], "Filename too long.";
    Netdown = 38, "netdown", [ENETDOWN], "Network is down.";
    Netreset = 39, "netreset", [ENETRESET], "Connection aborted by network.";
    Netunreach = 40, "netunreach", [ENETUNREACH], "Network unreachable.";
    Nfile = 41, "nfile", [ENFILE], "Too many files open in system.";
    Nobufs = 42, "nobufs", [ENOBUFS], "No buffer space available.";
    Nodev = 43, "nodev", [ENODEV], "No such device.";
    Noent = 44, "noent", [ENOENT], "No such file or directory.";
    Noexec = 45, "noexec", [ENOEXEC], "Executable file format error.";
    Nolck = 46, "nolck", [ENOLCK], "No locks available.";
    Nolink = 47, "nolink", [ENOLINK], "Reserved.";
    Nomem = 48, "nomem", [ENOMEM], "Not enough space.";
    Nomsg = 49, "nomsg", [ENOMSG], "No message of the desired type.";
    Noprotoopt = 50, "noprotoopt", [ENOPROTOOPT], "Protocol not available.";
    Nospc = 51, "nospc", [ENOSPC], "No space left on device.";
    Nosys = 52, "nosys", [ENOSYS], "Function not supported.";
    Notconn = 53, "notconn", [ENOTCONN], "The socket is not connected.";
    Notdir = 54, "notdir", [ENOTDIR], "Not a directory or a symbolic link to a directory.";
    Notempty = 55, "notempty", [ENOTEMPTY], "Directory not empty.";
    Notrecoverable = 56, "notrecoverable", [ENOTRECOVERABLE], "State not recoverable.";
    Notsock = 57, "notsock", [ENOTSOCK], "Not a socket.";
    Notsup = 58, "notsup", [ENOTSUP], "Not supported, or operation not supported on socket.";
    Notty = 59, "notty", [ENOTTY], "Inappropriate I/O control operation.";
    Nxio = 60, "nxio", [ENXIO], "No such device or address.";
    Overflow = 61, "overflow", [EOVERFLOW], "Value too large to be stored in data type.";
    Ownerdead = 62, "ownerdead", [EOWNERDEAD], "Previous owner died.";
    Perm = 63, "perm", [EPERM], "Operation not permitted.";
    Pipe = 64, "pipe", [EPIPE], "Broken pipe.";
    Proto = 65, "proto", [EPROTO], "Protocol error.";
    Protonosupport = 66, "protonosupport", [EPROTONOSUPPORT], "Protocol not supported.";
    Prototype = 67, "prototype", [EPROTOTYPE], "Protocol wrong type for socket.";
    Range = 68, "range", [ERANGE], "Result too large.";
    Rofs = 69, "rofs", [EROFS], "Read-only file system.";
    Spipe = 70, "spipe", [ESPIPE], "Invalid seek.";
    Srch = 71, "srch", [ESRCH], "No such process.";
    Stale = 72, "stale", [ESTALE], "Reserved.";
    Timedout = 73, "timedout", [ETIMEDOUT], "Connection timed out.";
    Txtbsy = 74, "txtbsy", [ETXTBSY], "Text file busy.";
    Xdev = 75, "xdev", [EXDEV], "Cross-device link.";
    Notcapable = 76, "notcapable", [], "Extension: capabilities insufficient.";
}

impl Errno {
    /// The error of the last failed host call on this thread.
    pub(crate) fn last_host() -> Errno {
        Errno::from_host(std::io::Error::last_os_error().raw_os_error().unwrap_or(0))
    }
}

impl From<std::io::Error> for Errno {
    fn from(err: std::io::Error) -> Errno {
        match err.raw_os_error() {
            Some(code) => Errno::from_host(code),
            None => match err.kind() {
                std::io::ErrorKind::NotFound => Errno::Noent,
                std::io::ErrorKind::PermissionDenied => Errno::Acces,
                std::io::ErrorKind::InvalidInput => Errno::Inval,
                _ => Errno::Io,
            },
        }
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), *self as u16)
    }
}

impl std::error::Error for Errno {}

/// Why a WASI function did not return success.
#[derive(Debug)]
pub(crate) enum Fail {
    /// An errno for the guest to handle.
    Errno(Errno),
    /// `proc_exit` was called: unwind the guest with this status.
    Exit(i32),
    /// Something the guest cannot handle (no exported memory, an invalid
    /// exit status): the call fails with this error.
    Host(strata::Error),
}

impl From<Errno> for Fail {
    fn from(errno: Errno) -> Fail {
        Fail::Errno(errno)
    }
}

/// The result of a WASI function's body.
pub(crate) type WasiResult<T> = Result<T, Fail>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_matches_the_specification() {
        assert_eq!(Errno::TooBig as u16, 1);
        assert_eq!(Errno::Mlink as u16, 34);
        assert_eq!(Errno::Noent as u16, 44);
        assert_eq!(Errno::Notcapable as u16, 76);
        for raw in 0..=76u16 {
            assert_eq!(Errno::from_raw(raw).map(|e| e as u16), Some(raw));
        }
        assert_eq!(Errno::from_raw(77), None);
    }

    #[test]
    fn host_errors_translate_by_name() {
        assert_eq!(Errno::from_host(libc::ENOENT), Errno::Noent);
        assert_eq!(Errno::from_host(libc::EXDEV), Errno::Xdev);
        assert_eq!(Errno::from_host(libc::EWOULDBLOCK), Errno::Again);
        assert_eq!(Errno::from_host(-1), Errno::Io);
        assert_eq!(Errno::from_host(99_999), Errno::Io);
    }
}
