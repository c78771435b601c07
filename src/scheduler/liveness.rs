//! Telling, from this machine, that a lock's holder is dead, so its job is taken over at
//! once instead of when its lease runs out (a `triaged once` killed a moment ago).
//!
//! A holder is dead here only when it ran in this same kernel boot, under this host name,
//! and its process id no longer exists. Anything less certain (another machine, an unknown
//! boot) waits for the lease. A wrong guess costs work, not correctness: the holder's
//! writes check its fence, so a live holder taken over commits nothing.

use std::path::Path;

use crate::store::LockHolder;

/// This kernel boot's id, where the system has one (Linux).
pub fn boot_id() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
        .ok()
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty())
}

/// The host and process id in a holder id of the form `host-pid-random`.
fn host_and_pid(holder: &str) -> Option<(&str, u32)> {
    let mut parts = holder.rsplitn(3, '-');
    let _random = parts.next()?;
    let pid = parts.next()?.parse().ok()?;
    let host = parts.next()?;
    Some((host, pid))
}

/// Whether `holder` provably died on this machine (see the module doc); `me` is this
/// process's holder id, `my_boot` this boot's id.
pub fn died_here(holder: &LockHolder, me: &str, my_boot: Option<&str>) -> bool {
    died_here_with(holder, me, my_boot, |pid| {
        Path::new(&format!("/proc/{pid}")).exists()
    })
}

fn died_here_with(
    holder: &LockHolder,
    me: &str,
    my_boot: Option<&str>,
    process_exists: impl Fn(u32) -> bool,
) -> bool {
    let (Some(theirs), Some(mine)) = (holder.boot_id.as_deref(), my_boot) else {
        return false;
    };
    let (Some((their_host, pid)), Some((my_host, my_pid))) =
        (host_and_pid(&holder.holder), host_and_pid(me))
    else {
        return false;
    };
    theirs == mine && their_host == my_host && pid != my_pid && !process_exists(pid)
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    fn holder(id: &str, boot: Option<&str>) -> LockHolder {
        LockHolder {
            holder: id.into(),
            boot_id: boot.map(str::to_owned),
            fence: 1,
            scheduled_for: Utc::now(),
            lease_until: Utc::now(),
        }
    }

    const ME: &str = "ip-10-0-0-1-100-abcdef";

    #[test]
    fn only_a_gone_process_of_this_boot_and_host_is_dead() {
        let gone = |_| false;
        let alive = |_| true;
        let dead = holder("ip-10-0-0-1-77-123456", Some("boot-a"));
        assert!(died_here_with(&dead, ME, Some("boot-a"), gone));
        assert!(
            !died_here_with(&dead, ME, Some("boot-a"), alive),
            "still running"
        );
        assert!(
            !died_here_with(&dead, ME, Some("boot-b"), gone),
            "another boot"
        );
        assert!(!died_here_with(&dead, ME, None, gone), "boot unknown here");
        let elsewhere = holder("ip-10-0-0-2-77-123456", Some("boot-a"));
        assert!(
            !died_here_with(&elsewhere, ME, Some("boot-a"), gone),
            "another host"
        );
        let unknown = holder("ip-10-0-0-1-77-123456", None);
        assert!(
            !died_here_with(&unknown, ME, Some("boot-a"), gone),
            "holder's boot unknown"
        );
        let myself = holder("ip-10-0-0-1-100-fedcba", Some("boot-a"));
        assert!(
            !died_here_with(&myself, ME, Some("boot-a"), gone),
            "this very process"
        );
        let odd = holder("no-pid-here", Some("boot-a"));
        assert!(
            !died_here_with(&odd, ME, Some("boot-a"), gone),
            "unparseable holder"
        );
    }

    #[test]
    fn holder_ids_split_into_host_and_pid() {
        assert_eq!(host_and_pid("vm-1322-3cd88f"), Some(("vm", 1322)));
        assert_eq!(
            host_and_pid("ip-10-0-0-1-7-0a0b0c"),
            Some(("ip-10-0-0-1", 7))
        );
        assert_eq!(host_and_pid("host-x-1"), None);
        assert_eq!(host_and_pid("solo"), None);
    }

    #[test]
    fn the_real_check_sees_this_process_alive() {
        let pid = std::process::id();
        let boot = boot_id();
        let live = holder(&format!("h-{pid}-000001"), boot.as_deref());
        assert!(!died_here(&live, "h-1-000002", boot.as_deref()));
    }
}
