//! The guest's descriptor table: what each WASI `fd` refers to and what it
//! may do.

use std::collections::BTreeMap;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use crate::abi::{filetype, rights};
use crate::errno::Errno;
use crate::host;
use crate::stdio::{Input, Output};

/// A directory descriptor.
#[derive(Debug)]
pub(crate) struct Dir {
    /// The host directory.
    pub fd: OwnedFd,
    /// The name the guest knows it by, if it was preopened.
    pub preopen: Option<Vec<u8>>,
    /// The listing `fd_readdir` pages through; refreshed at cookie 0 so a
    /// guest that reads in several calls sees one consistent snapshot.
    pub listing: Option<Vec<host::DirEntry>>,
}

/// What a descriptor refers to.
#[derive(Debug)]
pub(crate) enum Kind {
    /// A host file (or device, or pipe) opened with `path_open`.
    File(OwnedFd),
    /// A host directory.
    Dir(Dir),
    /// Standard input.
    Input(Input),
    /// Standard output or error.
    Output(Output),
}

/// One open descriptor.
#[derive(Debug)]
pub(crate) struct Entry {
    /// What it refers to.
    pub kind: Kind,
    /// Rights of this descriptor.
    pub base: u64,
    /// Rights passed on to descriptors opened through it.
    pub inheriting: u64,
    /// `fdflags` of a stream; files and directories keep theirs on the host.
    pub stream_flags: u16,
}

impl Entry {
    /// An entry for standard input.
    pub fn input(input: Input) -> Entry {
        Entry {
            kind: Kind::Input(input),
            base: rights::INPUT_STREAM,
            inheriting: 0,
            stream_flags: 0,
        }
    }

    /// An entry for standard output or error.
    pub fn output(output: Output) -> Entry {
        Entry {
            kind: Kind::Output(output),
            base: rights::OUTPUT_STREAM,
            inheriting: 0,
            stream_flags: 0,
        }
    }

    /// An entry for a preopened directory.
    pub fn preopen(fd: OwnedFd, guest_name: Vec<u8>) -> Entry {
        Entry {
            kind: Kind::Dir(Dir {
                fd,
                preopen: Some(guest_name),
                listing: None,
            }),
            base: rights::DIRECTORY,
            inheriting: rights::DIRECTORY_INHERITING,
            stream_flags: 0,
        }
    }

    /// The host descriptor of a file or directory, `None` for a stream.
    pub fn host_fd(&self) -> Option<BorrowedFd<'_>> {
        match &self.kind {
            Kind::File(fd) => Some(fd.as_fd()),
            Kind::Dir(dir) => Some(dir.fd.as_fd()),
            Kind::Input(_) | Kind::Output(_) => None,
        }
    }

    /// The host descriptor of a file; `ESPIPE` for a stream, `EISDIR` for
    /// a directory.
    pub fn file_fd(&self) -> Result<BorrowedFd<'_>, Errno> {
        match &self.kind {
            Kind::File(fd) => Ok(fd.as_fd()),
            Kind::Dir(_) => Err(Errno::Isdir),
            Kind::Input(_) | Kind::Output(_) => Err(Errno::Spipe),
        }
    }

    /// The directory; `ENOTDIR` for anything else.
    pub fn dir(&self) -> Result<&Dir, Errno> {
        match &self.kind {
            Kind::Dir(dir) => Ok(dir),
            _ => Err(Errno::Notdir),
        }
    }

    /// The directory, mutably; `ENOTDIR` for anything else.
    pub fn dir_mut(&mut self) -> Result<&mut Dir, Errno> {
        match &mut self.kind {
            Kind::Dir(dir) => Ok(dir),
            _ => Err(Errno::Notdir),
        }
    }

    /// The WASI file type.
    pub fn filetype(&self) -> Result<u8, Errno> {
        Ok(match &self.kind {
            Kind::File(fd) => host::stat_fd(fd.as_fd())?.filetype,
            Kind::Dir(_) => filetype::DIRECTORY,
            Kind::Input(input) => input.filetype(),
            Kind::Output(output) => output.filetype(),
        })
    }
}

/// Descriptor numbers and what they refer to.
#[derive(Debug, Default)]
pub(crate) struct FdTable {
    entries: BTreeMap<u32, Entry>,
}

impl FdTable {
    /// The entry `fd`, which must hold all of `required` rights.
    ///
    /// A missing right is `EBADF`, as POSIX reports writing to a read-only
    /// descriptor, which is what C programs check for.
    pub fn get(&mut self, fd: u32, required: u64) -> Result<&mut Entry, Errno> {
        let entry = self.entries.get_mut(&fd).ok_or(Errno::Badf)?;
        if entry.base & required != required {
            return Err(Errno::Badf);
        }
        Ok(entry)
    }

    /// The entry `fd`, shared, which must hold all of `required` rights.
    pub fn lookup(&self, fd: u32, required: u64) -> Result<&Entry, Errno> {
        let entry = self.entries.get(&fd).ok_or(Errno::Badf)?;
        if entry.base & required != required {
            return Err(Errno::Badf);
        }
        Ok(entry)
    }

    /// Whether `fd` is open.
    pub fn contains(&self, fd: u32) -> bool {
        self.entries.contains_key(&fd)
    }

    /// Adds `entry` at the lowest free number.
    pub fn push(&mut self, entry: Entry) -> Result<u32, Errno> {
        let mut fd = 0u32;
        for &used in self.entries.keys() {
            if used != fd {
                break;
            }
            fd = fd.checked_add(1).ok_or(Errno::Mfile)?;
        }
        self.entries.insert(fd, entry);
        Ok(fd)
    }

    /// Puts `entry` at `fd`, closing what was there.
    pub fn insert(&mut self, fd: u32, entry: Entry) {
        self.entries.insert(fd, entry);
    }

    /// Takes `fd` out of the table.
    pub fn remove(&mut self, fd: u32) -> Result<Entry, Errno> {
        self.entries.remove(&fd).ok_or(Errno::Badf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_descriptors_take_the_lowest_free_number() {
        let mut table = FdTable::default();
        for expect in 0..3 {
            assert_eq!(table.push(Entry::input(Input::Empty)), Ok(expect));
        }
        table.remove(1).unwrap();
        assert_eq!(table.push(Entry::output(Output::Sink)), Ok(1));
        assert_eq!(table.push(Entry::output(Output::Sink)), Ok(3));
        assert_eq!(table.remove(7).unwrap_err(), Errno::Badf);
    }

    #[test]
    fn missing_rights_are_ebadf() {
        let mut table = FdTable::default();
        let fd = table.push(Entry::input(Input::Empty)).unwrap();
        assert!(table.get(fd, rights::FD_READ).is_ok());
        assert_eq!(table.get(fd, rights::FD_WRITE).unwrap_err(), Errno::Badf);
        assert_eq!(table.get(fd + 1, 0).unwrap_err(), Errno::Badf);
    }
}
