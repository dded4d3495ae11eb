//! The committed list of known spec failures (`known-failures.txt`).
//!
//! Each entry names one (version, strategy, file, line). A failure there is
//! reported as known instead of failing the run; an entry whose directive no
//! longer fails is stale and does fail the run, so the list only shrinks.

use std::collections::HashSet;
use std::fmt;

/// One line of the list.
pub struct Entry {
    /// A suite name (`v1`, `v2`, a proposal).
    pub version: String,
    /// A strategy name, or `*` for every strategy.
    pub strategy: String,
    /// The `.wast` file name.
    pub file: String,
    /// 1-based line of the directive in that file.
    pub line: usize,
    /// Why it fails; required so every entry can be re-judged later.
    pub reason: String,
    /// Line of the entry in the list itself, for messages.
    pub list_line: usize,
}

impl Entry {
    fn applies(&self, version: &str, strategy: &str, file: &str, line: usize) -> bool {
        self.version == version
            && (self.strategy == "*" || self.strategy == strategy)
            && self.file == file
            && self.line == line
    }
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {}:{}  {}",
            self.version, self.strategy, self.file, self.line, self.reason
        )
    }
}

/// The parsed list, plus which entries have been matched by a failure.
pub struct KnownFailures {
    entries: Vec<Entry>,
    /// (entry index, strategy) pairs that did fail as listed.
    hits: HashSet<(usize, String)>,
}

impl KnownFailures {
    /// Parses the list; `valid_version` and `valid_strategy` reject typos,
    /// which would otherwise silently never match.
    pub fn parse(
        text: &str,
        valid_version: impl Fn(&str) -> bool,
        valid_strategy: impl Fn(&str) -> bool,
    ) -> Result<Self, String> {
        let mut entries = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let list_line = i + 1;
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = |why: &str| format!("known-failures.txt:{list_line}: {why}: {raw}");
            let (version, rest) = next_field(line);
            let (strategy, rest) = next_field(rest);
            let (location, rest) = next_field(rest);
            let reason = rest.trim();
            if !valid_version(version) {
                return Err(bad("unknown spec version"));
            }
            if strategy != "*" && !valid_strategy(strategy) {
                return Err(bad("unknown strategy"));
            }
            let Some((file, line_no)) = location.rsplit_once(':') else {
                return Err(bad("expected FILE.wast:LINE"));
            };
            let Ok(line_no) = line_no.parse() else {
                return Err(bad("line is not a number"));
            };
            if reason.is_empty() {
                return Err(bad("every entry needs a reason"));
            }
            entries.push(Entry {
                version: version.to_string(),
                strategy: strategy.to_string(),
                file: file.to_string(),
                line: line_no,
                reason: reason.to_string(),
                list_line,
            });
        }
        Ok(KnownFailures {
            entries,
            hits: HashSet::new(),
        })
    }

    /// Whether a failure at this place is listed; records the match.
    pub fn check(&mut self, version: &str, strategy: &str, file: &str, line: usize) -> bool {
        let mut known = false;
        for (i, entry) in self.entries.iter().enumerate() {
            if entry.applies(version, strategy, file, line) {
                self.hits.insert((i, strategy.to_string()));
                known = true;
            }
        }
        known
    }

    /// Entries that did not fail, given which (version, strategy, file)
    /// combinations were actually run; entries for anything not run are not
    /// judged. Each stale entry comes with the strategy it passed under.
    pub fn stale<'a>(
        &'a self,
        ran: &'a HashSet<(String, String, String)>,
    ) -> impl Iterator<Item = (&'a Entry, &'a str)> + 'a {
        ran.iter().flat_map(move |(version, strategy, file)| {
            self.entries
                .iter()
                .enumerate()
                .filter(move |(i, e)| {
                    e.version == *version
                        && e.file == *file
                        && (e.strategy == "*" || e.strategy == *strategy)
                        && !self.hits.contains(&(*i, strategy.clone()))
                })
                .map(move |(_, e)| (e, strategy.as_str()))
        })
    }
}

/// Splits off the first whitespace-separated field; any amount of spaces or
/// tabs may separate fields, as entries are aligned by hand.
fn next_field(text: &str) -> (&str, &str) {
    let text = text.trim_start();
    let end = text.find(char::is_whitespace).unwrap_or(text.len());
    text.split_at(end)
}
