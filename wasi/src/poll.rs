//! `poll_oneoff`: waiting for clocks and descriptor readiness.
//!
//! Descriptors that never block (regular files, in-memory stdio, the
//! host's stdout/stderr) are ready at once. The host's stdin and other
//! host descriptors that may block (pipes, devices opened by path) are
//! waited on with the host's `poll`; clock subscriptions set its timeout.
//! With only clocks, the thread sleeps until the earliest one is due.

use std::os::fd::{AsFd, AsRawFd};
use std::time::{Duration, Instant};

use crate::abi::{clockid, eventrwflags, eventtype, filetype, layout, rights, subclockflags};
use crate::errno::{Errno, WasiResult};
use crate::host;
use crate::memory::{GuestMemory, Record};
use crate::table::Kind;
use crate::WasiCtx;

/// One event to report.
#[derive(Debug)]
struct Event {
    userdata: u64,
    error: Errno,
    kind: u8,
    nbytes: u64,
    flags: u16,
}

impl Event {
    fn error(userdata: u64, kind: u8, error: Errno) -> Event {
        Event {
            userdata,
            error,
            kind,
            nbytes: 0,
            flags: 0,
        }
    }

    fn ready(userdata: u64, kind: u8, nbytes: u64) -> Event {
        Event {
            userdata,
            error: Errno::Success,
            kind,
            nbytes,
            flags: 0,
        }
    }
}

/// A subscription still waited on.
#[derive(Debug)]
enum Waiting {
    /// Due once this much time has passed since the call began.
    Clock { userdata: u64, after: Duration },
    /// A host descriptor, by raw number: it stays open for the whole call
    /// because the table is not touched while waiting.
    Host { userdata: u64, kind: u8, fd: i32 },
}

/// `poll_oneoff(in, out, nsubscriptions, nevents_ptr)`.
pub(crate) fn poll_oneoff(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    subs: u32,
    events_out: u32,
    nsubs: u32,
    nevents: u32,
) -> WasiResult<()> {
    if nsubs == 0 {
        // Waiting for nothing would block forever.
        return Err(Errno::Inval.into());
    }
    let start = Instant::now();
    let mut events = Vec::new();
    let mut waiting = Vec::new();
    for i in 0..nsubs {
        let at = i
            .checked_mul(layout::SUBSCRIPTION_SIZE)
            .and_then(|off| subs.checked_add(off))
            .ok_or(Errno::Fault)?;
        let userdata = mem.read_u64(at)?;
        let kind = mem.read_u8(at + 8)?;
        match kind {
            eventtype::CLOCK => {
                let id = mem.read_u32(at + 16)?;
                let timeout = mem.read_u64(at + 24)?;
                let flags = mem.read_u16(at + 40)?;
                match clock_wait(id, timeout, flags) {
                    Ok(after) => waiting.push(Waiting::Clock { userdata, after }),
                    Err(e) => events.push(Event::error(userdata, kind, e)),
                }
            }
            eventtype::FD_READ | eventtype::FD_WRITE => {
                let fd = mem.read_u32(at + 16)?;
                match fd_readiness(ctx, fd, kind) {
                    Ok(Readiness::Ready(nbytes)) => {
                        events.push(Event::ready(userdata, kind, nbytes))
                    }
                    Ok(Readiness::Poll(fd)) => waiting.push(Waiting::Host { userdata, kind, fd }),
                    Err(e) => events.push(Event::error(userdata, kind, e)),
                }
            }
            _ => return Err(Errno::Inval.into()),
        }
    }

    let mut pollfds: Vec<libc::pollfd> = waiting
        .iter()
        .filter_map(|w| match *w {
            Waiting::Host { kind, fd, .. } => Some(libc::pollfd {
                fd,
                events: if kind == eventtype::FD_READ {
                    libc::POLLIN
                } else {
                    libc::POLLOUT
                },
                revents: 0,
            }),
            Waiting::Clock { .. } => None,
        })
        .collect();
    loop {
        let earliest = waiting
            .iter()
            .filter_map(|w| match *w {
                Waiting::Clock { after, .. } => Some(after.saturating_sub(start.elapsed())),
                Waiting::Host { .. } => None,
            })
            .min();
        // Something already happened: only look, do not wait.
        let wait = if events.is_empty() {
            earliest
        } else {
            Some(Duration::ZERO)
        };
        if !pollfds.is_empty() {
            let ms = match wait {
                // Round up: waking early would report no event.
                Some(d) => i32::try_from(d.as_nanos().div_ceil(1_000_000)).unwrap_or(i32::MAX),
                None => -1,
            };
            match host::poll(&mut pollfds, ms) {
                Ok(_) | Err(Errno::Intr) => {}
                Err(e) => return Err(e.into()),
            }
        } else if let Some(d) = wait {
            std::thread::sleep(d);
        }

        let mut polled = pollfds.iter();
        for w in &waiting {
            match *w {
                Waiting::Clock { userdata, after } => {
                    if start.elapsed() >= after {
                        events.push(Event::ready(userdata, eventtype::CLOCK, 0));
                    }
                }
                Waiting::Host { userdata, kind, .. } => {
                    let Some(p) = polled.next() else { continue };
                    if let Some(event) = host_event(userdata, kind, p.revents) {
                        events.push(event);
                    }
                }
            }
        }
        if !events.is_empty() {
            break;
        }
    }

    for (i, e) in events.iter().enumerate() {
        let mut rec = Record::<{ layout::EVENT_SIZE as usize }>::new();
        rec.u64(0, e.userdata)
            .u16(8, e.error as u16)
            .u8(10, e.kind)
            .u64(16, e.nbytes)
            .u16(24, e.flags);
        let at = events_out
            .checked_add(i as u32 * layout::EVENT_SIZE)
            .ok_or(Errno::Fault)?;
        mem.write(at, &rec.0)?;
    }
    mem.write_u32(nevents, events.len() as u32)
}

/// How long a clock subscription waits from now.
fn clock_wait(id: u32, timeout: u64, flags: u16) -> Result<Duration, Errno> {
    if id != clockid::REALTIME && id != clockid::MONOTONIC {
        // CPU-time clocks do not advance while the thread sleeps.
        return Err(Errno::Inval);
    }
    let nanos = if flags & subclockflags::ABSTIME != 0 {
        timeout.saturating_sub(host::clock_time(id)?)
    } else {
        timeout
    };
    Ok(Duration::from_nanos(nanos))
}

/// Whether a descriptor is ready now or must be polled on the host.
enum Readiness {
    /// Ready, with this many bytes known to be readable.
    Ready(u64),
    /// Wait on this host descriptor.
    Poll(i32),
}

fn fd_readiness(ctx: &mut WasiCtx, fd: u32, kind: u8) -> Result<Readiness, Errno> {
    let entry = ctx.table.get(fd, rights::POLL_FD_READWRITE)?;
    let reading = kind == eventtype::FD_READ;
    let needed = if reading {
        rights::FD_READ
    } else {
        rights::FD_WRITE
    };
    if entry.base & needed == 0 {
        return Err(Errno::Badf);
    }
    match &entry.kind {
        Kind::File(file) => {
            let st = host::stat_fd(file.as_fd())?;
            if st.filetype != filetype::REGULAR_FILE {
                return Ok(Readiness::Poll(file.as_raw_fd()));
            }
            if !reading {
                return Ok(Readiness::Ready(0));
            }
            let pos = host::seek(file.as_fd(), 0, libc::SEEK_CUR)?;
            Ok(Readiness::Ready(st.size.saturating_sub(pos)))
        }
        Kind::Dir(_) => Err(Errno::Badf),
        Kind::Input(input) if input.is_host() => {
            Ok(Readiness::Poll(std::io::stdin().as_fd().as_raw_fd()))
        }
        Kind::Input(input) => Ok(Readiness::Ready(input.available())),
        Kind::Output(_) => Ok(Readiness::Ready(0)),
    }
}

/// The event for a host descriptor's `revents`, if anything happened.
fn host_event(userdata: u64, kind: u8, revents: i16) -> Option<Event> {
    if revents & libc::POLLNVAL != 0 {
        return Some(Event::error(userdata, kind, Errno::Badf));
    }
    if revents & libc::POLLERR != 0 {
        return Some(Event::error(userdata, kind, Errno::Io));
    }
    let ready = if kind == eventtype::FD_READ {
        libc::POLLIN
    } else {
        libc::POLLOUT
    };
    if revents & (ready | libc::POLLHUP) == 0 {
        return None;
    }
    let mut event = Event::ready(userdata, kind, 0);
    if revents & libc::POLLHUP != 0 {
        event.flags |= eventrwflags::HANGUP;
    }
    Some(event)
}
